"""An expired security clearance reads as expired, as an expired certification does (QA: it read
"Secret (jusqu'au 01/01/2020)", as if valid)."""

import datetime

import pytest
from django.utils import timezone

from suppliers.models import SupplierProfile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("days", "shown"), [(-1, "expired on"), (30, "valid until")])
def test_the_clearance_says_whether_it_is_still_valid(client, supplier, profile, days, shown):
    day = timezone.localdate() + datetime.timedelta(days=days)
    SupplierProfile.objects.filter(pk=profile.pk).update(
        clearance_level=2, clearance_expires_on=day
    )
    client.force_login(supplier)
    page = client.get("/suppliers/profile/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    line = next(line for line in page.splitlines() if "Security clearance" in line)
    assert f"{shown} {day:%m/%d/%Y}" in line, line
    assert ("badge-expired" in line) == (days < 0)

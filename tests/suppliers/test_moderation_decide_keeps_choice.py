"""A decision that cannot be recorded shows the moderation page again with the moderator's
choice and reason kept, and the error next to its field (a redirect lost both)."""

import re

import pytest

from suppliers import services
from suppliers.models import SupplierProfile
from tests.factories import MembershipFactory, OrganizationFactory
from tests.security.helpers import mark_reauthenticated

pytestmark = pytest.mark.django_db
Status = SupplierProfile.Status
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _checked(page: str) -> list[str]:
    return re.findall(r'<input type="radio" name="decision" value="(\w+)"[^>]*\bchecked\b', page)


def test_it_keeps_the_choice_and_shows_the_missing_reason_next_to_the_field(
    client, moderator, submitted
):
    client.force_login(moderator)
    mark_reauthenticated(client, moderator)
    url = f"/suppliers/moderation/{submitted.pk}/decide/"
    response = client.post(url, {"decision": "reject", "reason": "  "}, **EN)
    assert response.status_code == 200  # the page again, at the address it was posted to
    page = response.content.decode()
    assert _checked(page) == ["reject"]
    reason_error = re.search(r'<ul class="errorlist" id="id_reason_error">(.*?)</ul>', page, re.S)
    assert "Give a reason" in reason_error.group(1)
    assert f'action="{url}"' in page
    assert SupplierProfile.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_it_keeps_the_typed_reason_when_the_service_refuses(client, moderator, submitted):
    # Another company's approved profile already holds the SIREN: approving is refused.
    rival_org = OrganizationFactory(siren=submitted.siren)
    rival = MembershipFactory(organization=rival_org).user
    working = services.profile_get_working(organization=rival_org)
    services.profile_update(
        profile=working,
        data={
            "legal_name": "Rival SAS",
            "siret": "91234567500025",
            "headcount": 3,
            "capability_statement": "…",
            "cpv_codes": ["72000000"],
            "region": submitted.region,
        },
        by=rival,
    )
    services.profile_approve(
        profile=services.profile_submit(profile=working, by=rival), by=moderator
    )
    client.force_login(moderator)
    mark_reauthenticated(client, moderator)
    response = client.post(
        f"/suppliers/moderation/{submitted.pk}/decide/",
        {"decision": "approve", "reason": "Kbis vérifié le 3 mars"},
        **EN,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "already belongs to the approved profile" in page
    assert _checked(page) == ["approve"]
    assert "Kbis vérifié le 3 mars</textarea>" in page
    assert SupplierProfile.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_after_the_password_the_page_keeps_the_choice_and_posts_to_the_decision(
    client, moderator, submitted, password
):
    client.force_login(moderator)
    url = f"/suppliers/moderation/{submitted.pk}/decide/"
    response = client.post(url, {"decision": "request_changes", "reason": ""}, **EN)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = client.post(response["Location"], {"password": password}, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert _checked(page) == ["request_changes"]
    assert f'<form method="post" action="{url}"' in page
    response = client.post(url, {"decision": "request_changes", "reason": "Précisez"}, **EN)
    assert response.status_code == 302
    assert SupplierProfile.objects.get(pk=submitted.pk).status == Status.CHANGES_REQUESTED

"""Support staff see the live supplier profiles matching reads in the admin, but cannot change
them there: an edit would bypass what suppliers.services keeps for matching (search vector,
certification types, reference counts...) and the re-match."""

import pytest

from suppliers.models import Certification, SupplierProfile

pytestmark = pytest.mark.django_db


def test_a_superuser_sees_a_live_profile_in_the_admin_and_cannot_change_it(
    client, make_supplier, moderator
):
    organization = make_supplier(cpv_codes=["35613000"], certifications=[("iso9001", None)])
    profile = SupplierProfile.objects.get(organization=organization, is_live=True)
    moderator.is_superuser = True  # every admin permission (and an authenticator)
    moderator.save(update_fields=["is_superuser"])
    client.force_login(moderator)
    url = f"/admin/suppliers/supplierprofile/{profile.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert profile.legal_name in html and 'name="_save"' not in html  # shown, no save button
    assert client.post(url, {"legal_name": "Renamed"}).status_code == 403
    delete = f"/admin/suppliers/supplierprofile/{profile.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get("/admin/suppliers/supplierprofile/add/").status_code == 403
    profile.refresh_from_db()
    assert profile.legal_name != "Renamed"
    assert Certification.objects.filter(profile=profile).count() == 1

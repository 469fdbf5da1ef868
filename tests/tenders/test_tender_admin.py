"""Support staff see tenders (their lots and documents) and expressed interests in the admin, but
cannot change them there: an edit would bypass tenders.services (validation, audit trail) and
the re-match a change of requirements triggers."""

import pytest

from tenders.models import Interest, Lot, Tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, moderator):
    moderator.is_superuser = True  # every admin permission (and an authenticator)
    moderator.save(update_fields=["is_superuser"])
    client.force_login(moderator)
    return client


def test_a_superuser_sees_a_tender_in_the_admin_and_cannot_change_it(superuser_client, make_tender):
    tender = make_tender(title="Drones de reconnaissance", lots=["Cellule", "Capteurs"])
    url = f"/admin/tenders/tender/{tender.pk}/change/"
    page = superuser_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Drones de reconnaissance" in html and "Capteurs" in html
    assert 'name="_save"' not in html  # shown, no save button
    response = superuser_client.post(url, {"title": "Renamed", "min_clearance": 3})
    assert response.status_code == 403
    delete = f"/admin/tenders/tender/{tender.pk}/delete/"
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert superuser_client.get("/admin/tenders/tender/add/").status_code == 403
    tender.refresh_from_db()
    assert (tender.title, tender.min_clearance) == ("Drones de reconnaissance", 0)
    assert Lot.objects.filter(tender=tender).count() == 2


def test_expressed_interest_is_read_only_in_the_admin(superuser_client, make_tender, supplier):
    tender = make_tender()
    organization = supplier.membership.organization
    interest = Interest.objects.create(tender=tender, organization=organization)
    assert superuser_client.get("/admin/tenders/interest/").status_code == 200
    change = f"/admin/tenders/interest/{interest.pk}/change/"
    assert superuser_client.get(change).status_code == 200
    assert superuser_client.post(change, {"tender": tender.pk}).status_code == 403
    delete = f"/admin/tenders/interest/{interest.pk}/delete/"
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert Interest.objects.filter(pk=interest.pk).exists()
    assert Tender.objects.filter(pk=tender.pk).exists()

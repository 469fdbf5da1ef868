"""Who sees which profile: the matrix of issue 3."""

import pytest

from suppliers import services
from suppliers.models import Reference, SupplierProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(approved, supplier):
    services.profile_set_references(
        profile=approved,
        items=[
            {
                "client": "Client Public",
                "year": 2022,
                "value_eur": 1,
                "cpv_code": "",
                "description": "Public work",
                "is_public": True,
            },
            {
                "client": "Client Confidentiel",
                "year": 2023,
                "value_eur": 1,
                "cpv_code": "",
                "description": "Secret work",
                "is_public": False,
            },
        ],
        by=supplier,
    )
    working = SupplierProfile.objects.get(pk=approved.pk)
    from suppliers.services import profile_approve, profile_submit

    profile_submit(profile=working, by=supplier)
    from portal.models import User

    profile_approve(profile=working, by=User.objects.get(platform_role="moderator"))
    return SupplierProfile.objects.get(is_live=True)


@pytest.mark.parametrize(
    "who,status,sees_private",
    [
        ("supplier", 200, True),
        ("supplier_member", 200, True),
        ("buyer", 200, False),
        ("ministry_author", 200, False),
        ("moderator", 200, True),
        ("other_supplier", 404, None),
    ],
)
def test_the_public_profile_matrix(client, request, live, who, status, sees_private):
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"/suppliers/{live.organization_id}/")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Client Public" in page
        assert ("Client Confidentiel" in page) is sees_private


def test_anonymous_sees_nothing(client, live):
    response = client.get(f"/suppliers/{live.organization_id}/")
    assert response.status_code == 302


def test_buyers_see_nothing_of_a_suspended_or_unapproved_profile(
    client, live, buyer, moderator, other_supplier
):
    services.profile_suspend(live=live, by=moderator, reason="Contrôle")
    client.force_login(buyer)
    assert client.get(f"/suppliers/{live.organization_id}/").status_code == 404
    working_only = other_supplier.membership.organization
    services.profile_get_working(organization=working_only)
    assert client.get(f"/suppliers/{working_only.pk}/").status_code == 404
    assert Reference.objects.filter(profile__is_live=True).count() == 2

"""Fixtures of the API tests: a client per role authenticated by a personal token, and a small
world built through the real services (an approved supplier, a published tender, a follow)."""

import itertools

import pytest
from rest_framework.test import APIClient
from stdnum import luhn
from stdnum.fr import siret

from api import services as api_services
from portal.models import Organization, Region
from suppliers import services as supplier_services

from ..factories import MembershipFactory, OrganizationFactory

_counter = itertools.count(1)


def client_with_token(user) -> APIClient:
    _token, key = api_services.token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.key = key
    return client


@pytest.fixture
def bearer():
    """bearer(user) → an APIClient sending a fresh personal token of USER."""
    return client_with_token


def _siren_siret(n: int) -> tuple[str, str]:
    base = f"{60000000 + n:08d}"
    siren = base + luhn.calc_check_digit(base)
    nic = next(f"{i:05d}" for i in range(10, 99999) if siret.is_valid(f"{siren}{i:05d}"))
    return siren, siren + nic


@pytest.fixture
def make_approved_supplier(cpv, regions, moderator):
    """make_approved_supplier(**profile fields) → the supplier organization, approved."""

    def make(**fields) -> Organization:
        n = next(_counter)
        siren, siret_ = _siren_siret(n)
        organization = OrganizationFactory(
            kind=Organization.Kind.SUPPLIER, siren=siren, name=f"Approved supplier {n}"
        )
        user = MembershipFactory(organization=organization).user
        working = supplier_services.profile_get_working(organization=organization)
        data = {
            "legal_name": f"Approved supplier {n}",
            "siret": siret_,
            "headcount": 20,
            "annual_turnover_eur": 3_000_000,
            "capability_statement": "Drones et caméras infrarouges.",
            "cpv_codes": ["35613000"],
            "region": Region.objects.get(code="53"),
            **fields,
        }
        supplier_services.profile_update(profile=working, data=data, by=user)
        supplier_services.profile_set_references(
            profile=working,
            items=[
                {"client": "Public client", "year": 2022, "value_eur": 1000, "cpv_code": "",
                 "description": "Public reference", "is_public": True},
                {"client": "Secret client", "year": 2023, "value_eur": 2000, "cpv_code": "",
                 "description": "Private reference", "is_public": False},
            ],
            by=user,
        )  # fmt: skip
        supplier_services.profile_submit(profile=working, by=user)
        supplier_services.profile_approve(profile=working, by=moderator)
        return organization

    return make


@pytest.fixture
def world(make_tender, make_approved_supplier, buyer, django_capture_on_commit_callbacks):
    """A published tender that BUYER's organization follows, with its shortlist computed (the
    matching task runs eagerly on commit), and an approved supplier on it."""
    from matching import services as matching_services

    supplier_org = make_approved_supplier()
    tender = make_tender(title="Drones de surveillance")
    with django_capture_on_commit_callbacks(execute=True):
        follow = matching_services.follow_tender(tender=tender, by=buyer)
    matching_services.shortlist_rebuild(tender=tender)
    return {"tender": tender, "follow": follow, "supplier": supplier_org}

"""Fixtures of the matching tests: live suppliers made through the real services, tenders."""

import itertools

import pytest
from stdnum import luhn

from portal.models import Organization, Region
from suppliers import services as supplier_services

from ..factories import MembershipFactory, OrganizationFactory

_counter = itertools.count(1)


def _siren_siret(n: int) -> tuple[str, str]:
    from stdnum.fr import siret

    base = f"{70000000 + n:08d}"
    siren = base + luhn.calc_check_digit(base)
    nic = next(f"{i:05d}" for i in range(10, 99999) if siret.is_valid(f"{siren}{i:05d}"))
    return siren, siren + nic


@pytest.fixture
def make_supplier(cpv, regions, moderator):
    """make_supplier(cpv_codes=[...], capability_statement=..., certifications=[...],
    references=[...], **profile fields) → the approved live SupplierProfile."""

    def make(certifications=(), references=(), approve=True, **fields):
        n = next(_counter)
        siren, siret = _siren_siret(n)
        organization = OrganizationFactory(
            kind=Organization.Kind.SUPPLIER, siren=siren, name=f"Supplier {n}"
        )
        user = MembershipFactory(organization=organization).user
        working = supplier_services.profile_get_working(organization=organization)
        data = {
            "legal_name": f"Supplier {n}",
            "siret": siret,
            "headcount": 20,
            "annual_turnover_eur": 3_000_000,
            "capability_statement": "Services.",
            "region": Region.objects.get(code="53"),
            **fields,
        }
        supplier_services.profile_update(profile=working, data=data, by=user)
        supplier_services.profile_set_certifications(
            profile=working,
            items=[
                {"type": t, "name": "", "number": "1", "issuer": "", "expires_on": e}
                for t, e in certifications
            ],
            by=user,
        )
        supplier_services.profile_set_references(
            profile=working,
            items=[
                {
                    "client": client,
                    "year": year,
                    "value_eur": None,
                    "cpv_code": code,
                    "description": "Contrat",
                    "is_public": True,
                }
                for code, year, client in references
            ],
            by=user,
        )
        supplier_services.profile_submit(profile=working, by=user)
        if approve:
            supplier_services.profile_approve(profile=working, by=moderator)
        return organization

    return make

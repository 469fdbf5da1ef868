"""Fixtures of the tenders tests: CPV codes and regions (the bundled subset), tenders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.reference import BUNDLED_DIR, cpv_load, regions_load
from tenders.models import Lot, Tender


@pytest.fixture
def cpv(db):
    cpv_load(BUNDLED_DIR / "cpv_subset.csv")


@pytest.fixture
def regions(db):
    regions_load(BUNDLED_DIR / "regions.csv")


@pytest.fixture
def ministry(ministry_author):
    return ministry_author.membership.organization


@pytest.fixture
def make_tender(cpv, ministry):
    counter = iter(range(1, 10_000))

    def make(**fields) -> Tender:
        n = next(counter)
        lots = fields.pop("lots", [])
        status = fields.setdefault("status", Tender.Status.PUBLISHED)
        defaults = {
            "ocid": f"ocds-test-{n}",
            "title": f"Tender {n}",
            "buyer": ministry,
            "main_cpv_id": "35613000",
            "estimated_value": Decimal("100000"),
            "submission_deadline": timezone.now() + timedelta(days=30),
            "published_at": None if status == Tender.Status.DRAFT else timezone.now(),
        }
        tender = Tender.objects.create(**{**defaults, **fields})
        for i, title in enumerate(lots, start=1):
            Lot.objects.create(tender=tender, position=i, title=title)
        return tender

    return make


@pytest.fixture
def other_ministry_author(db):
    from portal.models import Organization

    from ..factories import MembershipFactory, OrganizationFactory

    organization = OrganizationFactory(kind=Organization.Kind.MINISTRY, siren="")
    return MembershipFactory(organization=organization).user

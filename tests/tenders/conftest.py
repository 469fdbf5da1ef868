"""Fixtures of the tenders tests (cpv, regions, ministry, make_tender: tests/conftest.py)."""

import pytest


@pytest.fixture
def other_ministry_author(db):
    from portal.models import Organization

    from ..factories import MembershipFactory, OrganizationFactory

    organization = OrganizationFactory(kind=Organization.Kind.MINISTRY, siren="")
    return MembershipFactory(organization=organization).user

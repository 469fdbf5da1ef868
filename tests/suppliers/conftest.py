import pytest

from portal.models import CpvCode, Region
from suppliers import services

COMPLETE = {
    "legal_name": "Optique Avancée SAS",
    "siret": "91234567500017",
    "headcount": 42,
    "annual_turnover_eur": 6_000_000,
    "balance_sheet_eur": 4_000_000,
    "capability_statement": "Conception de caméras infrarouges durcies pour drones.",
    "cpv_codes": ["35613000"],
}


@pytest.fixture
def reference(db):
    for code, fr, en in [
        ("35000000", "Équipement de défense", "Defence equipment"),
        ("35613000", "Véhicules aériens sans pilote", "Unmanned aerial vehicles"),
        ("72000000", "Services informatiques", "IT services"),
    ]:
        CpvCode.objects.create(
            code=code,
            label_fr=fr,
            label_en=en,
            prefix=CpvCode.significant_prefix(code),
            level=len(CpvCode.significant_prefix(code)),
        )
    Region.objects.create(code="53", name="Bretagne")
    Region.objects.create(code="11", name="Île-de-France")


@pytest.fixture
def profile(supplier, reference):
    """The supplier's working profile, complete enough to be submitted."""
    organization = supplier.membership.organization
    organization.siren = "912345675"
    organization.save()
    working = services.profile_get_working(organization=organization)
    return services.profile_update(
        profile=working, data={**COMPLETE, "region": Region.objects.get(code="53")}, by=supplier
    )


@pytest.fixture
def submitted(profile, supplier):
    return services.profile_submit(profile=profile, by=supplier)


@pytest.fixture
def approved(submitted, moderator):
    return services.profile_approve(profile=submitted, by=moderator, reason="Vérifié.")

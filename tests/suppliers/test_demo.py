import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from stdnum.fr import siren as siren_std
from stdnum.fr import siret as siret_std

from portal import demo as portal_demo
from portal.models import CpvCode, Membership, Organization, User
from portal.reference import departements_load
from suppliers import demo as suppliers_demo
from suppliers.models import Reference, SupplierProfile

pytestmark = pytest.mark.django_db

Status = SupplierProfile.Status
DEMO_SIREN = "912345675"


@pytest.fixture
def demo(settings):
    """The bundled reference subset, then the whole demo (portal.demo loads the suppliers)."""
    settings.REFERENCE_DATA_DIR = ""
    settings.DEMO_MODE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed
    call_command("load_reference")
    return portal_demo.demo_load()


def _demo_organizations():
    return Organization.objects.filter(kind=Organization.Kind.SUPPLIER).exclude(siren=DEMO_SIREN)


def test_it_creates_about_forty_suppliers_each_with_a_verified_admin(demo):
    assert demo["suppliers"] == len(suppliers_demo.SUPPLIERS)
    assert 38 <= _demo_organizations().count() == len(suppliers_demo.SUPPLIERS) <= 45
    for organization in _demo_organizations():
        membership = Membership.objects.get(organization=organization)
        assert membership.role == Membership.Role.ADMIN
        user = membership.user
        assert user.email.startswith("contact@") and user.email.endswith(".example")
        assert user.check_password("passerelle-demo")
        assert EmailAddress.objects.get(user=user).verified
    assert set(User.objects.values_list("language", flat=True)) == {"fr", "en"}


def test_it_lets_a_demo_supplier_log_in(demo, client):
    response = client.post(
        "/accounts/login/",
        {"login": "contact@penn-ar-cyber.example", "password": "passerelle-demo"},
    )
    assert response["Location"] == "/dashboard/"


def test_it_spreads_the_profiles_over_every_moderation_state(demo):
    live = SupplierProfile.objects.filter(is_live=True)
    working = SupplierProfile.objects.filter(is_live=False)
    assert live.filter(status=Status.APPROVED).count() >= 25
    assert live.filter(status=Status.SUSPENDED).count() == 1
    assert working.filter(status=Status.SUBMITTED).exists()
    assert working.filter(status=Status.CHANGES_REQUESTED).exclude(decision_reason="").exists()
    assert working.filter(status=Status.REJECTED).exclude(decision_reason="").count() == 1
    revisions = working.filter(status=Status.DRAFT, organization__supplier_profiles__is_live=True)
    assert revisions.count() == 1
    conflict = working.get(siren_conflict=True)
    assert conflict.status == Status.SUBMITTED
    assert live.filter(siren=conflict.siren).exclude(organization=conflict.organization).exists()


def test_it_leaves_the_demo_supplier_profile_empty(demo):
    organization = Organization.objects.get(siren=DEMO_SIREN, name="Optronique de Bretagne SAS")
    assert not SupplierProfile.objects.filter(organization=organization).exists()


def test_it_uses_valid_sirens_and_sirets(demo):
    sirens = list(_demo_organizations().values_list("siren", flat=True))
    assert all(siren_std.is_valid(siren) for siren in sirens)
    assert len(set(sirens)) == len(sirens) - 1  # one pair claims the same SIREN on purpose
    assert not any(80_000_000 <= int(siren[:8]) < 81_000_000 for siren in sirens)  # factories
    for profile in SupplierProfile.objects.exclude(organization__siren=DEMO_SIREN):
        assert siret_std.is_valid(profile.siret) and profile.siret.startswith(profile.siren)


def test_it_uses_only_cpv_codes_of_the_reference_data(demo):
    known = set(CpvCode.objects.values_list("code", flat=True))
    for profile in SupplierProfile.objects.prefetch_related("references"):
        assert 2 <= len(profile.cpv_codes) <= 5
        assert set(profile.cpv_codes) <= known, profile
        assert {ref.cpv_code for ref in profile.references.all()} <= known, profile


def test_it_fills_rich_profiles(demo):
    profiles = SupplierProfile.objects.filter(is_live=False).prefetch_related(
        "certifications", "references"
    )
    assert len({p.region_id for p in profiles}) >= 12
    assert {p.statement_language for p in profiles} == {"fr", "en"}
    assert {p.clearance_level for p in profiles} == {0, 1, 2, 3}
    assert all(p.clearance_expires_on for p in profiles if p.clearance_level)
    assert all(1 <= p.references.count() <= 4 for p in profiles)
    assert all(p.certifications.count() <= 4 for p in profiles)
    certifications = [c for p in profiles for c in p.certifications.all()]
    assert 1 <= sum(c.is_expired for c in certifications) <= 3
    assert all(c.number and c.issuer and c.expires_on for c in certifications)


def test_it_mixes_company_sizes_and_start_ups(demo):
    profiles = SupplierProfile.objects.filter(is_live=False)
    sizes = set(profiles.values_list("size_category", flat=True))
    assert {"micro", "pme", "eti"} <= sizes
    assert profiles.filter(is_startup=True).exists()


def test_it_creates_nothing_the_second_time(demo):
    counts = [
        model.objects.count() for model in (Organization, User, SupplierProfile, EmailAddress)
    ]
    assert suppliers_demo.demo_load() == {"suppliers": 0}
    assert portal_demo.demo_load()["suppliers"] == 0
    assert [
        model.objects.count() for model in (Organization, User, SupplierProfile, EmailAddress)
    ] == counts


def test_it_creates_no_supplier_without_the_reference_data(settings):
    settings.DEMO_MODE = True
    assert portal_demo.demo_load()["suppliers"] == 0
    assert Organization.objects.filter(kind=Organization.Kind.SUPPLIER).count() == 1


@pytest.fixture
def demo_with_departements(settings, reference_data_dir):
    """The bundled subset and the départements: references get a place of performance."""
    settings.REFERENCE_DATA_DIR = ""
    settings.DEMO_MODE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed
    call_command("load_reference")
    departements_load(reference_data_dir / "geo" / "departements.csv")
    return portal_demo.demo_load()


def test_it_places_most_references_near_the_supplier(demo_with_departements):
    references = Reference.objects.filter(profile__is_live=False).select_related(
        "profile", "departement"
    )
    placed = [r for r in references if r.departement_id]
    assert len(placed) >= 0.8 * len(references)
    in_region = [r for r in placed if r.departement.region_id == r.profile.region_id]
    assert len(in_region) >= 0.5 * len(placed)
    live = SupplierProfile.objects.get(is_live=True, trade_name="Penn-Ar Cyber")
    assert live.departements == ["29", "35"]  # Rennes head office; Naval Group in Brest
    assert all(p.departements for p in SupplierProfile.objects.filter(is_live=True))

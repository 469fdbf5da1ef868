import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from portal.models import AuditEvent, Organization
from suppliers import services
from suppliers.models import Certification, Reference, SupplierProfile

from ..factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
Status = SupplierProfile.Status


def test_it_computes_size_and_never_takes_it_from_input(profile, supplier):
    assert profile.size_category == "pme"
    with pytest.raises(ValueError):
        services.profile_update(profile=profile, data={"size_category": "micro"}, by=supplier)
    profile = services.profile_update(
        profile=profile, data={"headcount": 8, "annual_turnover_eur": 900_000}, by=supplier
    )
    assert profile.size_category == "micro"


def test_it_refuses_a_siret_that_does_not_start_with_the_siren(profile, supplier):
    with pytest.raises(ValidationError) as exc:
        services.profile_update(profile=profile, data={"siret": "73282932000017"}, by=supplier)
    assert "siret" in exc.value.message_dict
    profile.refresh_from_db()
    assert profile.siret == "91234567500017"  # nothing saved


def test_it_refuses_an_invalid_siren(profile, supplier):
    with pytest.raises(ValidationError) as exc:
        services.profile_update(profile=profile, data={"siren": "912345670"}, by=supplier)
    assert "siren" in exc.value.message_dict


def test_an_incomplete_profile_cannot_be_submitted_and_says_what_is_missing(supplier, reference):
    working = services.profile_get_working(organization=supplier.membership.organization)
    with pytest.raises(services.ProfileIncomplete) as exc:
        services.profile_submit(profile=working, by=supplier)
    assert set(exc.value.missing) == {"identity", "size", "capabilities"}
    assert SupplierProfile.objects.get(pk=working.pk).status == Status.DRAFT


def test_submit_then_approve_publishes_a_live_copy(submitted, moderator, supplier):
    assert submitted.status == Status.SUBMITTED
    services.profile_set_certifications(
        profile=submitted,
        items=[{"type": "iso9001", "number": "FR-1", "issuer": "AFNOR", "expires_on": None}],
        by=supplier,
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.DRAFT  # editing withdrew the submission
    services.profile_submit(profile=submitted, by=supplier)
    services.profile_approve(profile=submitted, by=moderator, reason="OK")
    live = SupplierProfile.objects.get(organization=submitted.organization, is_live=True)
    assert live.status == Status.APPROVED
    assert live.legal_name == "Optique Avancée SAS"
    assert live.cpv_codes == ["35613000"]
    assert list(live.certifications.values_list("number", flat=True)) == ["FR-1"]
    assert AuditEvent.objects.filter(action="supplier_profile.approved", reason="OK").exists()


def test_a_revision_keeps_the_approved_version_visible_until_approved(
    approved, supplier, moderator
):
    services.profile_update(profile=approved, data={"legal_name": "Nouveau Nom SAS"}, by=supplier)
    services.profile_set_references(
        profile=approved,
        items=[
            {
                "client": "DGA",
                "year": 2024,
                "value_eur": 100000,
                "cpv_code": "35613000",
                "description": "Étude",
                "is_public": True,
            }
        ],
        by=supplier,
    )
    working = SupplierProfile.objects.get(pk=approved.pk)
    live = SupplierProfile.objects.get(organization=approved.organization, is_live=True)
    assert working.status == Status.DRAFT
    assert live.legal_name == "Optique Avancée SAS"
    assert live.status == Status.APPROVED
    assert not live.references.exists()

    services.profile_submit(profile=working, by=supplier)
    services.profile_approve(profile=working, by=moderator)
    live.refresh_from_db()
    assert live.legal_name == "Nouveau Nom SAS"
    assert live.references.get().client == "DGA"
    assert SupplierProfile.objects.filter(organization=approved.organization).count() == 2


@pytest.mark.parametrize("decide", [services.profile_request_changes, services.profile_reject])
def test_decisions_other_than_approval_need_a_reason(submitted, moderator, decide):
    with pytest.raises(services.ProfileStateError):
        decide(profile=submitted, by=moderator, reason="  ")
    assert SupplierProfile.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    decide(profile=submitted, by=moderator, reason="Pièces manquantes")
    assert SupplierProfile.objects.get(pk=submitted.pk).decision_reason == "Pièces manquantes"


@pytest.mark.parametrize(
    "decide", [services.profile_approve, services.profile_request_changes, services.profile_reject]
)
def test_only_a_submitted_profile_can_be_decided(profile, moderator, decide):
    with pytest.raises(services.ProfileStateError):
        decide(profile=profile, by=moderator, reason="x")
    assert (
        not AuditEvent.objects.filter(action__startswith="supplier_profile.")
        .exclude(action="supplier_profile.submitted")
        .exists()
    )


def test_only_moderators_decide(submitted, supplier, buyer):
    for user in (supplier, buyer):
        with pytest.raises(PermissionDenied):
            services.profile_approve(profile=submitted, by=user)
    assert not SupplierProfile.objects.filter(is_live=True).exists()


def test_changes_requested_can_be_resubmitted_but_rejected_is_final(submitted, moderator, supplier):
    services.profile_request_changes(profile=submitted, by=moderator, reason="Précisez")
    services.profile_update(profile=submitted, data={"trade_name": "OA"}, by=supplier)
    services.profile_submit(profile=submitted, by=supplier)
    services.profile_reject(profile=submitted, by=moderator, reason="Hors périmètre")
    with pytest.raises(services.ProfileStateError):
        services.profile_update(profile=submitted, data={"trade_name": "X"}, by=supplier)
    with pytest.raises(services.ProfileStateError):
        services.profile_submit(profile=submitted, by=supplier)


def test_suspend_and_reinstate_the_live_profile(approved, moderator):
    live = SupplierProfile.objects.get(organization=approved.organization, is_live=True)
    with pytest.raises(services.ProfileStateError):
        services.profile_suspend(live=approved, by=moderator, reason="x")  # not the live copy
    with pytest.raises(services.ProfileStateError):
        services.profile_reinstate(live=live, by=moderator, reason="x")  # not suspended
    services.profile_suspend(live=live, by=moderator, reason="Fraude présumée")
    live.refresh_from_db()
    assert live.status == Status.SUSPENDED
    services.profile_reinstate(live=live, by=moderator, reason="Levée de doute")
    live.refresh_from_db()
    assert live.status == Status.APPROVED


def test_a_second_company_with_an_approved_siren_is_flagged_and_cannot_be_approved(
    approved, moderator, reference
):
    impostor_org = OrganizationFactory(siren="912345675", kind=Organization.Kind.SUPPLIER)
    impostor = MembershipFactory(organization=impostor_org).user
    working = services.profile_get_working(organization=impostor_org)
    services.profile_update(
        profile=working,
        data={
            "legal_name": "Copie SARL",
            "siret": "91234567500017",
            "headcount": 3,
            "capability_statement": "…",
            "cpv_codes": ["72000000"],
            "region": approved.region,
        },
        by=impostor,
    )
    working = services.profile_submit(profile=working, by=impostor)
    assert working.siren_conflict
    with pytest.raises(services.ProfileStateError, match="912345675"):
        services.profile_approve(profile=working, by=moderator)
    assert SupplierProfile.objects.filter(is_live=True).count() == 1


def test_the_database_refuses_two_live_profiles_with_one_siren(approved):
    live = SupplierProfile.objects.get(is_live=True)
    other = OrganizationFactory(siren="912345675")
    with pytest.raises(IntegrityError):
        SupplierProfile.objects.create(
            organization=other, is_live=True, status="approved", siren=live.siren
        )


def test_children_are_replaced_not_duplicated(profile, supplier):
    items = [
        {
            "client": "SIMMT",
            "year": 2023,
            "value_eur": None,
            "cpv_code": "",
            "description": "MCO",
            "is_public": False,
        }
    ]
    services.profile_set_references(profile=profile, items=items, by=supplier)
    services.profile_set_references(profile=profile, items=items, by=supplier)
    assert Reference.objects.count() == 1
    assert Certification.objects.count() == 0


def test_going_live_computes_the_matching_fields(approved):
    live = SupplierProfile.objects.get(is_live=True)
    assert live.cpv_prefixes == ["35", "356", "3561", "35613", "356130", "3561300", "35613000"]
    assert SupplierProfile.objects.filter(
        is_live=True, search_vector=SearchQuery("cameras infrarouge", config="fr_unaccent")
    ).exists()  # accents ignored: "caméras infrarouges" in the statement


def test_a_bad_certification_is_refused_with_its_position_and_nothing_changes(profile, supplier):
    services.profile_set_certifications(
        profile=profile,
        items=[{"type": "iso9001", "name": "", "number": "1", "issuer": "", "expires_on": None}],
        by=supplier,
    )
    with pytest.raises(ValidationError, match="2"):
        services.profile_set_certifications(
            profile=profile,
            items=[
                {"type": "iso9001", "name": "", "number": "1", "issuer": "", "expires_on": None},
                {"type": "other", "name": "", "number": "2", "issuer": "", "expires_on": None},
            ],
            by=supplier,
        )
    assert list(Certification.objects.values_list("number", flat=True)) == ["1"]


def test_two_pending_claimants_of_one_siren_are_flagged(submitted, reference):
    rival_org = OrganizationFactory(siren="912345675")
    rival = MembershipFactory(organization=rival_org).user
    working = services.profile_get_working(organization=rival_org)
    services.profile_update(
        profile=working,
        data={
            "legal_name": "Rival SAS",
            "siret": "91234567500017",
            "headcount": 3,
            "capability_statement": "…",
            "cpv_codes": ["72000000"],
            "region": submitted.region,
        },
        by=rival,
    )
    assert services.profile_submit(profile=working, by=rival).siren_conflict

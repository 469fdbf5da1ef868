from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from portal.models import AuditEvent, CpvCode, Departement, Region
from tenders import services
from tenders.models import Interest, Tender
from tenders.selectors import interests_for_tender
from tenders.services import LotData, TenderStateError

pytestmark = pytest.mark.django_db

S = Tender.Status


def audited(tender, action):
    return AuditEvent.objects.filter(action=action, target_id=str(tender.pk)).exists()


def test_it_creates_a_draft_with_lots_and_cpv_codes(cpv, ministry_author, ministry):
    tender = services.tender_create(
        by=ministry_author,
        buyer=ministry,
        fields={
            "title": "Drones de reconnaissance",
            "main_cpv": CpvCode.objects.get(pk="35613000"),
        },
        lots=[LotData("Vecteurs"), LotData("Formation", cpv=CpvCode.objects.get(pk="80510000"))],
        additional_cpvs=[CpvCode.objects.get(pk="34711200")],
    )
    assert tender.status == S.DRAFT
    assert tender.ocid.startswith("ocds-passerelle-")
    assert list(tender.lots.values_list("position", "title")) == [(1, "Vecteurs"), (2, "Formation")]
    assert list(tender.additional_cpvs.values_list("code", flat=True)) == ["34711200"]
    assert audited(tender, "tender.created")


def test_it_refuses_an_author_of_another_entity(cpv, ministry, other_buyer, supplier):
    for user in (other_buyer, supplier):
        with pytest.raises(PermissionDenied):
            services.tender_create(by=user, buyer=ministry, fields={"title": "X"})
    assert not Tender.objects.exists()


def test_it_publishes_a_draft_and_audits(make_tender, ministry_author):
    tender = make_tender(status=S.DRAFT)
    tender = services.tender_publish(tender=tender, by=ministry_author)
    assert tender.status == S.PUBLISHED
    assert tender.published_at is not None
    assert audited(tender, "tender.published")


@pytest.mark.parametrize("status", [S.PUBLISHED, S.CLOSED, S.AWARDED, S.CANCELLED])
def test_it_refuses_to_publish_anything_but_a_draft(make_tender, ministry_author, status):
    tender = make_tender(status=status)
    with pytest.raises(TenderStateError):
        services.tender_publish(tender=tender, by=ministry_author)
    tender.refresh_from_db()
    assert tender.status == status


def test_it_refuses_to_publish_without_cpv_or_with_a_past_deadline(make_tender, ministry_author):
    no_cpv = make_tender(status=S.DRAFT, main_cpv_id=None)
    past = make_tender(status=S.DRAFT, submission_deadline=timezone.now() - timedelta(hours=1))
    for tender in (no_cpv, past):
        with pytest.raises(ValidationError):
            services.tender_publish(tender=tender, by=ministry_author)
        tender.refresh_from_db()
        assert tender.status == S.DRAFT


@pytest.mark.parametrize(
    "service,allowed",
    [
        (services.tender_close, {S.PUBLISHED}),
        (services.tender_award, {S.PUBLISHED, S.CLOSED}),
    ],
)
def test_each_transition_accepts_only_its_source_statuses(
    make_tender, ministry_author, service, allowed
):
    for status in S.values:
        tender = make_tender(status=status)
        if status in allowed:
            assert service(tender=tender, by=ministry_author).status != status
        else:
            with pytest.raises(TenderStateError):
                service(tender=tender, by=ministry_author)
            tender.refresh_from_db()
            assert tender.status == status


def test_cancel_needs_a_reason_and_a_cancellable_status(make_tender, ministry_author):
    tender = make_tender()
    with pytest.raises(ValidationError):
        services.tender_cancel(tender=tender, by=ministry_author, reason=" ")
    done = services.tender_cancel(tender=tender, by=ministry_author, reason="Besoin redéfini")
    assert (done.status, done.cancellation_reason) == (S.CANCELLED, "Besoin redéfini")
    assert audited(tender, "tender.cancelled")
    for status in (S.AWARDED, S.CANCELLED):
        with pytest.raises(TenderStateError):
            services.tender_cancel(
                tender=make_tender(status=status), by=ministry_author, reason="x"
            )
    assert services.tender_cancel(
        tender=make_tender(status=S.DRAFT), by=ministry_author, reason="x"
    )


def test_a_moderator_acts_on_any_tender(make_tender, moderator):
    tender = services.tender_close(tender=make_tender(), by=moderator)
    assert tender.status == S.CLOSED


def test_an_author_of_another_entity_cannot_transition(make_tender, other_ministry_author):
    tender = make_tender()
    with pytest.raises(PermissionDenied):
        services.tender_close(tender=tender, by=other_ministry_author)


def test_it_updates_an_editable_tender_and_refuses_a_closed_one(make_tender, ministry_author):
    tender = make_tender(lots=["Ancien lot"])
    services.tender_update(
        tender=tender, by=ministry_author, fields={"min_trl": 6}, lots=[LotData("Nouveau lot")]
    )
    tender.refresh_from_db()
    assert tender.min_trl == 6
    assert list(tender.lots.values_list("title", flat=True)) == ["Nouveau lot"]
    event = AuditEvent.objects.get(action="tender.updated", target_id=str(tender.pk))
    assert event.data["changed"] == ["min_trl"]
    closed = make_tender(status=S.CLOSED)
    with pytest.raises(TenderStateError):
        services.tender_update(tender=closed, by=ministry_author, fields={"title": "X"})


def test_it_rejects_an_invalid_update_and_changes_nothing(make_tender, ministry_author):
    tender = make_tender(title="Avant")
    with pytest.raises(ValidationError):
        services.tender_update(
            tender=tender, by=ministry_author, fields={"title": "Après", "min_trl": 12}
        )
    tender.refresh_from_db()
    assert (tender.title, tender.min_trl) == ("Avant", None)


def test_the_database_refuses_inconsistent_rows(make_tender):
    bad = [
        {"min_trl": 10},
        {"currency": "eur"},
        {"mandatory_certifications": ["iso9999"]},
        {"status": S.PUBLISHED, "published_at": None},
        {"estimated_value": -1},
        {"enquiry_deadline": timezone.now() + timedelta(days=90)},
    ]
    for fields in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            make_tender(**fields)


def test_it_closes_tenders_past_their_deadline_only(make_tender):
    past = make_tender(submission_deadline=timezone.now() - timedelta(minutes=1))
    future = make_tender()
    draft_past = make_tender(status=S.DRAFT, submission_deadline=timezone.now() - timedelta(days=1))
    assert services.tenders_close_past_deadline() == 1
    statuses = {t.pk: t.status for t in Tender.objects.all()}
    assert statuses == {past.pk: S.CLOSED, future.pk: S.PUBLISHED, draft_past.pk: S.DRAFT}
    assert audited(past, "tender.closed")
    assert services.tenders_close_past_deadline() == 0  # safe to run twice


def test_the_beat_task_closes_past_deadline_tenders(make_tender):
    from tenders.tasks import close_past_deadline

    tender = make_tender(submission_deadline=timezone.now() - timedelta(minutes=1))
    assert close_past_deadline.name == "tenders.close_past_deadline"
    assert close_past_deadline.delay().get() == 1
    tender.refresh_from_db()
    assert tender.status == S.CLOSED


def test_a_supplier_expresses_and_withdraws_interest(make_tender, supplier, supplier_member):
    tender = make_tender()
    interest = services.interest_express(tender=tender, by=supplier)
    again = services.interest_express(tender=tender, by=supplier_member)  # same organization
    assert interest.pk == again.pk
    assert list(interests_for_tender(tender)) == [interest]
    assert services.interest_withdraw(tender=tender, by=supplier_member) is True
    assert services.interest_withdraw(tender=tender, by=supplier) is False
    assert not Interest.objects.exists()


def test_only_suppliers_express_interest(make_tender, buyer, ministry_author, moderator):
    tender = make_tender()
    for user in (buyer, ministry_author, moderator):
        with pytest.raises(PermissionDenied):
            services.interest_express(tender=tender, by=user)
    assert not Interest.objects.exists()


@pytest.mark.parametrize("status", [S.DRAFT, S.CLOSED, S.AWARDED, S.CANCELLED])
def test_interest_only_in_a_published_tender(make_tender, supplier, status):
    with pytest.raises(TenderStateError):
        services.interest_express(tender=make_tender(status=status), by=supplier)
    assert not Interest.objects.exists()


def test_publishing_reaches_the_single_matching_hook(make_tender, ministry_author, monkeypatch):
    calls = []
    monkeypatch.setattr(
        services, "matching_enqueue_on_commit", lambda tender: calls.append(tender.pk)
    )
    tender = make_tender(status=S.DRAFT)
    services.tender_publish(tender=tender, by=ministry_author)
    services.tender_update(tender=tender, by=ministry_author, fields={"min_clearance": 2})
    services.tender_update(tender=tender, by=ministry_author, fields={"reference": "R-1"})
    assert calls == [tender.pk, tender.pk]  # not for a change that does not affect matching


def test_the_departement_sets_the_region_and_must_lie_in_it(regions, ministry_author, ministry):
    rennes = Departement.objects.create(code="35", name="Ille-et-Vilaine", region_id="53")
    tender = services.tender_create(
        by=ministry_author, buyer=ministry, fields={"title": "Drones", "departement": rennes}
    )
    assert tender.region_id == "53"
    with pytest.raises(ValidationError) as raised, translation.override("en"):
        services.tender_update(
            tender=tender,
            by=ministry_author,
            fields={"region": Region.objects.get(code="11"), "title": "Drones v2"},
        )
    with translation.override("en"):
        assert "is not in Île-de-France" in raised.value.message_dict["departement"][0]
    tender.refresh_from_db()
    assert (tender.title, tender.region_id) == ("Drones", "53")  # nothing half-saved

"""Writes on tenders: authoring, every status transition, the periodic closing, interests.

Each service is atomic, locks the tender row before a transition (two clicks or a click racing
the periodic closing never apply twice), refuses illegal moves with TenderStateError and
records an audit event."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import CpvCode, Organization, User
from portal.permissions import Role, user_organization, user_role
from portal.services import audit_record

from .models import Interest, Lot, Tender, TenderDocument

Status = Tender.Status

# Fields whose change alters who matches the tender: matching must run again.
MATCHING_FIELDS = (
    "title",
    "description",
    "main_cpv",
    "region",
    "departement",
    "min_clearance",
    "mandatory_certifications",
    "preferred_certifications",
    "sme_reserved",
    "eu_controlled_required",
    "itar_free_required",
    "min_trl",
    "submission_deadline",
)


class TenderStateError(Exception):
    """The requested transition is not allowed from the tender's current status."""


@dataclass
class LotData:
    title: str
    description: str = ""
    value: object = None
    cpv: CpvCode | None = None


@dataclass
class DocumentData:
    title: str
    url: str


def ocid_new() -> str:
    prefix = getattr(settings, "OCDS_OCID_PREFIX", "ocds-passerelle")
    return f"{prefix}-{secrets.token_hex(6)}"


def matching_enqueue_on_commit(*, tender: Tender) -> None:
    """THE single call site where matching is enqueued for a tender."""
    from matching.tasks import match_tender

    match_tender.delay_on_commit(tender.pk)  # the worker must see the committed row


def _ensure_author(by: User, buyer: Organization) -> None:
    if by.is_moderator:
        return
    if user_role(by) != Role.MINISTRY or user_organization(by) != buyer:
        raise PermissionDenied(_("Only the buyer entity's members and moderators may do this."))


def _replace_children(
    tender: Tender,
    lots: Iterable[LotData] | None,
    documents: Iterable[DocumentData] | None,
    additional_cpvs: Iterable[CpvCode] | None,
) -> None:
    if lots is not None:
        tender.lots.all().delete()
        Lot.objects.bulk_create(
            Lot(tender=tender, position=i, **vars(lot)) for i, lot in enumerate(lots, start=1)
        )
    if documents is not None:
        tender.documents.all().delete()
        TenderDocument.objects.bulk_create(
            TenderDocument(tender=tender, position=i, **vars(doc))
            for i, doc in enumerate(documents, start=1)
        )
    if additional_cpvs is not None:
        tender.additional_cpvs.set([c for c in additional_cpvs if c.pk != tender.main_cpv_id])


@transaction.atomic
def tender_create(
    *,
    by: User,
    buyer: Organization,
    fields: dict,
    lots: Iterable[LotData] = (),
    documents: Iterable[DocumentData] = (),
    additional_cpvs: Iterable[CpvCode] = (),
) -> Tender:
    """Create a draft tender for BUYER (a ministry entity) from FIELDS (model field names)."""
    _ensure_author(by, buyer)
    if buyer.kind != Organization.Kind.MINISTRY:
        raise ValidationError({"buyer": _("The buyer must be a ministry entity.")})
    tender = Tender(ocid=ocid_new(), buyer=buyer, created_by=by, status=Status.DRAFT, **fields)
    tender.full_clean()
    tender.save()
    _replace_children(tender, list(lots), list(documents), list(additional_cpvs))
    audit_record(actor=by, action="tender.created", target=tender)
    return tender


@transaction.atomic
def tender_update(
    *,
    tender: Tender,
    by: User,
    fields: dict,
    lots: Iterable[LotData] | None = None,
    documents: Iterable[DocumentData] | None = None,
    additional_cpvs: Iterable[CpvCode] | None = None,
) -> Tender:
    """Edit a draft or published tender. A change of requirements on a published tender
    re-triggers matching."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    _ensure_author(by, tender.buyer)
    if not tender.is_editable:
        raise TenderStateError(_("A closed, awarded or cancelled tender can no longer be edited."))
    before = {name: getattr(tender, name) for name in MATCHING_FIELDS}
    old_cpvs = set(tender.additional_cpvs.values_list("pk", flat=True))
    for name, value in fields.items():
        setattr(tender, name, value)
    tender.full_clean()
    if tender.status == Status.PUBLISHED:
        _check_publishable(tender)
    tender.save()
    _replace_children(tender, lots, documents, additional_cpvs)
    changed = [name for name in MATCHING_FIELDS if getattr(tender, name) != before[name]]
    if additional_cpvs is not None and {c.pk for c in additional_cpvs} != old_cpvs:
        changed.append("additional_cpvs")
    audit_record(actor=by, action="tender.updated", target=tender, data={"changed": changed})
    if tender.status == Status.PUBLISHED and (changed or lots is not None):
        matching_enqueue_on_commit(tender=tender)
    return tender


def _check_publishable(tender: Tender) -> None:
    errors = {}
    if tender.main_cpv_id is None:
        errors["main_cpv"] = _("A published tender needs its main CPV code.")
    if tender.submission_deadline is None:
        errors["submission_deadline"] = _("A published tender needs a submission deadline.")
    elif tender.submission_deadline <= timezone.now():
        errors["submission_deadline"] = _("The submission deadline must be in the future.")
    if errors:
        raise ValidationError(errors)


def _transition(
    tender: Tender, by: User | None, allowed_from: tuple[str, ...], to: str, message: str
) -> Tender:
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if by is not None:
        _ensure_author(by, tender.buyer)
    if tender.status not in allowed_from:
        raise TenderStateError(message)
    tender.status, tender.status_changed_at = to, timezone.now()
    return tender


@transaction.atomic
def tender_publish(*, tender: Tender, by: User) -> Tender:
    tender = _transition(
        tender, by, (Status.DRAFT,), Status.PUBLISHED, _("Only a draft can be published.")
    )
    _check_publishable(tender)
    tender.published_at = tender.status_changed_at
    tender.save(update_fields=["status", "status_changed_at", "published_at", "updated_at"])
    audit_record(actor=by, action="tender.published", target=tender)
    matching_enqueue_on_commit(tender=tender)
    return tender


@transaction.atomic
def tender_close(*, tender: Tender, by: User | None, reason: str = "") -> Tender:
    """Close a published tender: no more submissions. BY is None for the periodic closing."""
    tender = _transition(
        tender, by, (Status.PUBLISHED,), Status.CLOSED, _("Only a published tender can be closed.")
    )
    tender.save(update_fields=["status", "status_changed_at", "updated_at"])
    audit_record(actor=by, action="tender.closed", target=tender, reason=reason)
    return tender


@transaction.atomic
def tender_award(*, tender: Tender, by: User) -> Tender:
    tender = _transition(
        tender,
        by,
        (Status.PUBLISHED, Status.CLOSED),
        Status.AWARDED,
        _("Only a published or closed tender can be awarded."),
    )
    tender.save(update_fields=["status", "status_changed_at", "updated_at"])
    audit_record(actor=by, action="tender.awarded", target=tender)
    return tender


@transaction.atomic
def tender_cancel(*, tender: Tender, by: User, reason: str) -> Tender:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the tender is cancelled.")})
    tender = _transition(
        tender,
        by,
        (Status.DRAFT, Status.PUBLISHED, Status.CLOSED),
        Status.CANCELLED,
        _("An awarded or already cancelled tender cannot be cancelled."),
    )
    tender.cancellation_reason = reason.strip()
    tender.save(update_fields=["status", "status_changed_at", "cancellation_reason", "updated_at"])
    audit_record(
        actor=by, action="tender.cancelled", target=tender, reason=tender.cancellation_reason
    )
    return tender


def tenders_close_past_deadline(*, now: datetime | None = None) -> int:
    """Close every published tender whose deadline has passed; return how many were closed.

    Each tender is closed in its own transaction through tender_close, which re-checks the
    status under lock: a tender an author closed or cancelled meanwhile is skipped."""
    now = now or timezone.now()
    due = Tender.objects.filter(status=Status.PUBLISHED, submission_deadline__lte=now)
    closed = 0
    for tender in due.only("pk").iterator():
        try:
            tender_close(tender=tender, by=None, reason=_("The submission deadline has passed."))
        except TenderStateError:
            continue
        closed += 1
    return closed


@transaction.atomic
def interest_express(*, tender: Tender, by: User) -> Interest:
    """The user's supplier organization raises its hand on a published tender (idempotent)."""
    organization = user_organization(by)
    if user_role(by) != Role.SUPPLIER or organization is None:
        raise PermissionDenied(_("Only supplier companies can express interest in a tender."))
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != Status.PUBLISHED:
        raise TenderStateError(_("Interest can only be expressed in a published tender."))
    interest, created = Interest.objects.get_or_create(
        tender=tender, organization=organization, defaults={"created_by": by}
    )
    if created:
        audit_record(actor=by, action="tender.interest_expressed", target=tender)
    return interest


@transaction.atomic
def interest_withdraw(*, tender: Tender, by: User) -> bool:
    """Withdraw the organization's interest; return False when there was none."""
    organization = user_organization(by)
    if user_role(by) != Role.SUPPLIER or organization is None:
        raise PermissionDenied(_("Only supplier companies can withdraw an interest."))
    deleted, _details = Interest.objects.filter(tender=tender, organization=organization).delete()
    if deleted:
        audit_record(actor=by, action="tender.interest_withdrawn", target=tender)
    return bool(deleted)

"""Writes of the matching engine: rebuilding a tender's shortlist (tender-level or for one
following organization), dropping a supplier; and the buyers' writes: following a tender, its
extra requirements, per-organization statuses and notes with their history, contacts."""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.choices import CertificationType
from portal.models import Organization, Region, User
from portal.permissions import Role, user_organization, user_role
from portal.services import audit_record

from . import engine, scoring
from .models import (
    Follow,
    FollowVisit,
    Match,
    ShortlistEntry,
    ShortlistEntryChange,
    SupplierContact,
)

MAX_NOTES_LENGTH = 10_000
MAX_MESSAGE_LENGTH = 5_000
MAX_WEIGHT = 100.0


class ShortlistError(Exception):
    """A buyer's action refused, with a message fit for the person."""


_LOCK_NAMESPACE = 7301  # pg_advisory_xact_lock(namespace, tender id): one rebuild at a time
_FOLLOW_LOCK_NAMESPACE = 7302  # (namespace, follow id): one rebuild per follow at a time


def _payload(scored: engine.Scored, rank: int | None) -> dict:
    return {
        "score": scored.score,
        "rank": rank,
        "eligible": scored.eligible,
        "components": [c.as_dict() for c in scored.components],
        "constraints": [c.as_dict() for c in scored.constraints],
    }


FIELDS = ["score", "rank", "eligible", "components", "constraints"]


@transaction.atomic
def shortlist_rebuild(*, tender, follow=None, top_n: int = engine.DEFAULT_TOP_N) -> dict[str, int]:
    """Recompute the tender's matches (with FOLLOW, that organization's ranking) and store the
    difference: rows whose rank, score and explanation did not change are left alone. Two
    rebuilds of one ranking never interleave: the second waits for the first's transaction (an
    advisory lock on the tender, or on the follow)."""
    key = [_LOCK_NAMESPACE, tender.pk] if follow is None else [_FOLLOW_LOCK_NAMESPACE, follow.pk]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", key)
    rows = Match.objects.filter(tender=tender, follow=follow)
    if tender.status != "published":
        deleted, _ = rows.delete()
        return {"created": 0, "updated": 0, "unchanged": 0, "deleted": deleted}
    eligible, excluded = engine.rank(engine.tender_context(tender, follow=follow), top_n)
    wanted = {s.supplier_id: _payload(s, i) for i, s in enumerate(eligible, start=1)}
    wanted.update({s.supplier_id: _payload(s, None) for s in excluded})
    existing = {m.supplier_id: m for m in rows}
    now = timezone.now()
    stale = [m.pk for supplier_id, m in existing.items() if supplier_id not in wanted]
    # Free ranks first: a rank moving from one supplier to another must not collide.
    Match.objects.filter(pk__in=stale).delete()
    changed, created, unchanged = [], [], 0
    for supplier_id, data in wanted.items():
        match = existing.get(supplier_id)
        if match is None:
            created.append({"supplier": supplier_id, **data})
        elif any(getattr(match, f) != data[f] for f in FIELDS):
            for field, value in data.items():
                setattr(match, field, value)
            match.computed_at, match.engine_version = now, scoring.ENGINE_VERSION
            changed.append(match)
        else:
            unchanged += 1
    if changed:
        # Ranks are unique per tender: park the moving rows out of the way, then write them.
        Match.objects.filter(pk__in=[m.pk for m in changed]).update(rank=None, eligible=False)
        rows = [{"id": m.pk, **{f: getattr(m, f) for f in FIELDS}} for m in changed]
        _write_rows(_UPDATE_MATCHES_SQL, rows, now)
    if created:
        follow_id = follow.pk if follow is not None else None
        _write_rows(_INSERT_MATCHES_SQL, created, now, tender=tender.pk, follow=follow_id)
    return {
        "created": len(created),
        "updated": len(changed),
        "unchanged": unchanged,
        "deleted": len(stale),
    }


# The rows go to PostgreSQL as one JSON document: bulk_update's CASE per field and row cost
# ~300 ms of Python per 100-row shortlist, and bulk_create's arrays (Django 5.2 inserts from
# UNNEST) ~50 ms, psycopg quoting each JSON element of a text array in Python; one string is
# quoted by libpq.
_UPDATE_MATCHES_SQL = """
UPDATE matching_match m
SET score = v.score, rank = v.rank, eligible = v.eligible, components = v.components,
    constraints = v.constraints, computed_at = %(now)s, engine_version = %(version)s
FROM jsonb_to_recordset(%(rows)s::jsonb)
     AS v(id bigint, score float8, rank int4, eligible bool, components jsonb, constraints jsonb)
WHERE m.id = v.id
"""

_INSERT_MATCHES_SQL = """
INSERT INTO matching_match (tender_id, follow_id, supplier_id, score, rank, eligible, components,
                            constraints, engine_version, computed_at)
SELECT %(tender)s::bigint, %(follow)s::bigint, v.supplier, v.score, v.rank, v.eligible,
       v.components, v.constraints, %(version)s, %(now)s
FROM jsonb_to_recordset(%(rows)s::jsonb) AS v(supplier bigint, score float8, rank int4,
                                            eligible bool, components jsonb, constraints jsonb)
"""


def _write_rows(sql: str, rows: list[dict], now, **params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {"now": now, "version": scoring.ENGINE_VERSION, "rows": json.dumps(rows), **params},
        )


def supplier_matches_remove(*, organization: Organization) -> int:
    """A suspended supplier disappears from every shortlist at once (re-matching then fills
    the gap)."""
    deleted, _ = Match.objects.filter(supplier=organization).delete()
    return deleted


def open_tender_ids() -> list[int]:
    from tenders.models import Tender

    return list(Tender.objects.filter(status="published").values_list("pk", flat=True))


# --- Buyers: following tenders ----------------------------------------------------------------


def _buyer_organization(user: User) -> Organization:
    organization = user_organization(user)
    if user_role(user) != Role.BUYER or organization is None:
        raise ShortlistError(_("Only members of a prime contractor can follow tenders."))
    return organization


def _enqueue_follow_rebuild(follow: Follow) -> None:
    from .tasks import match_follow

    match_follow.delay_on_commit(follow.pk)  # the worker must see the committed follow


@transaction.atomic
def follow_tender(*, tender, by: User) -> Follow:
    """BY's organization follows TENDER (published only); its shortlist is computed after
    commit."""
    organization = _buyer_organization(by)
    if tender.status != "published":
        raise ShortlistError(_("Only a published tender can be followed."))
    follow, created = Follow.objects.get_or_create(
        organization=organization, tender=tender, defaults={"created_by": by}
    )
    if not created:
        raise ShortlistError(_("Your organization already follows this tender."))
    audit_record(actor=by, action="tender.followed", target=tender)
    _enqueue_follow_rebuild(follow)
    return follow


@transaction.atomic
def unfollow_tender(*, follow: Follow, by: User) -> None:
    """Stop following: the organization's ranking goes; its statuses, notes and contacts stay
    (they come back if it follows the tender again)."""
    _check_member(follow.organization, by)
    audit_record(actor=by, action="tender.unfollowed", target=follow.tender)
    follow.delete()


def _check_member(organization: Organization, user: User) -> None:
    if user_role(user) != Role.BUYER or user_organization(user) != organization:
        raise ShortlistError(_("Only members of the following organization can do this."))


def _clean_weights(weights: dict) -> dict[str, float]:
    cleaned = {}
    for name, value in (weights or {}).items():
        if name not in scoring.DEFAULT_WEIGHTS:
            raise ShortlistError(_("Unknown criterion: %(name)s.") % {"name": name})
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1.0
        if not 0 <= number <= MAX_WEIGHT:
            raise ShortlistError(
                _("A weight is a number from 0 to %(max)d.") % {"max": int(MAX_WEIGHT)}
            )
        if number != scoring.DEFAULT_WEIGHTS[name]:
            cleaned[name] = number
    return cleaned


@transaction.atomic
def follow_update_requirements(
    *,
    follow: Follow,
    by: User,
    extra_mandatory_certifications: list[str],
    extra_regions: list[str],
    weights: dict,
) -> Follow:
    """Set the organization's own hard requirements and weights, then rebuild its shortlist."""
    _check_member(follow.organization, by)
    follow = Follow.objects.select_for_update().get(pk=follow.pk)
    certifications = list(dict.fromkeys(extra_mandatory_certifications))
    if not set(certifications) <= set(CertificationType.values) - {CertificationType.OTHER}:
        raise ShortlistError(_("Unknown certification."))
    regions = list(dict.fromkeys(extra_regions))
    if Region.objects.filter(code__in=regions).count() != len(regions):
        raise ShortlistError(_("Unknown region."))
    before = {
        "certifications": follow.extra_mandatory_certifications,
        "regions": follow.extra_regions,
        "weights": follow.weights,
    }
    follow.extra_mandatory_certifications = certifications
    follow.extra_regions = regions
    follow.weights = _clean_weights(weights)
    follow.save(update_fields=["extra_mandatory_certifications", "extra_regions", "weights"])
    after = {"certifications": certifications, "regions": regions, "weights": follow.weights}
    audit_record(
        actor=by,
        action="follow.requirements_updated",
        target=follow.tender,
        data={"organization": follow.organization_id, "before": before, "after": after},
    )
    _enqueue_follow_rebuild(follow)
    return follow


def follow_visit_record(*, follow: Follow, user: User) -> None:
    """Remember that USER opened the shortlist now (for "new since your last visit")."""
    FollowVisit.objects.update_or_create(
        follow=follow, user=user, defaults={"seen_at": timezone.now()}
    )


# --- Buyers: statuses, notes, contacts ----------------------------------------------------------


def _entry_for_update(*, organization, tender, supplier) -> ShortlistEntry:
    if supplier.kind != Organization.Kind.SUPPLIER:
        raise ShortlistError(_("This organization is not a supplier."))
    if not Follow.objects.filter(organization=organization, tender=tender).exists():
        raise ShortlistError(_("Your organization does not follow this tender."))
    entry, _created = ShortlistEntry.objects.get_or_create(
        organization=organization, tender=tender, supplier=supplier
    )
    return ShortlistEntry.objects.select_for_update().get(pk=entry.pk)


def _set_status(entry: ShortlistEntry, status: str, by: User) -> bool:
    if status not in ShortlistEntry.Status.values:
        raise ShortlistError(_("Unknown status."))
    if entry.status == status:
        return False
    ShortlistEntryChange.objects.create(
        entry=entry,
        kind=ShortlistEntryChange.Kind.STATUS,
        old_status=entry.status,
        new_status=status,
        changed_by=by,
    )
    entry.status, entry.updated_by = status, by
    entry.save(update_fields=["status", "updated_by", "updated_at"])
    return True


@transaction.atomic
def shortlist_entry_set_status(
    *, organization: Organization, tender, supplier: Organization, status: str, by: User
) -> ShortlistEntry:
    """Set the organization's status of SUPPLIER for TENDER (history kept; a no-op if same)."""
    _check_member(organization, by)
    entry = _entry_for_update(organization=organization, tender=tender, supplier=supplier)
    old = entry.status
    if _set_status(entry, status, by):
        audit_record(
            actor=by,
            action="shortlist.status_changed",
            target=entry,
            data={"old": old, "new": status},
        )
    return entry


@transaction.atomic
def shortlist_entry_set_notes(
    *, organization: Organization, tender, supplier: Organization, notes: str, by: User
) -> ShortlistEntry:
    """Replace the organization's private notes on SUPPLIER for TENDER (history kept)."""
    _check_member(organization, by)
    notes = notes.strip()
    if len(notes) > MAX_NOTES_LENGTH:
        raise ShortlistError(
            _("Notes are limited to %(max)d characters.") % {"max": MAX_NOTES_LENGTH}
        )
    entry = _entry_for_update(organization=organization, tender=tender, supplier=supplier)
    if entry.notes == notes:
        return entry
    ShortlistEntryChange.objects.create(
        entry=entry, kind=ShortlistEntryChange.Kind.NOTES, changed_by=by
    )
    entry.notes, entry.updated_by = notes, by
    entry.save(update_fields=["notes", "updated_by", "updated_at"])
    # The notes are private to the organization: the audit trail says that, not what.
    audit_record(actor=by, action="shortlist.notes_edited", target=entry)
    return entry


@transaction.atomic
def supplier_contact(
    *, organization: Organization, tender, supplier: Organization, message: str, by: User
) -> SupplierContact:
    """Record a message to SUPPLIER's members, move its status to contacted, and send the
    email after commit."""
    _check_member(organization, by)
    message = message.strip()
    if not message:
        raise ShortlistError(_("Write a message."))
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ShortlistError(
            _("A message is limited to %(max)d characters.") % {"max": MAX_MESSAGE_LENGTH}
        )
    entry = _entry_for_update(organization=organization, tender=tender, supplier=supplier)
    contact = SupplierContact.objects.create(
        organization=organization, tender=tender, supplier=supplier, sent_by=by, message=message
    )
    _set_status(entry, ShortlistEntry.Status.CONTACTED, by)
    audit_record(
        actor=by, action="supplier.contacted", target=contact, data={"supplier": supplier.pk}
    )
    from .tasks import send_supplier_contact

    send_supplier_contact.delay_on_commit(contact.pk)
    return contact

"""Writes of the matching engine: rebuilding a tender's shortlist, dropping a supplier."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from portal.models import Organization

from . import engine, scoring
from .models import Match

_LOCK_NAMESPACE = 7301  # pg_advisory_xact_lock(namespace, tender id): one rebuild at a time


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
def shortlist_rebuild(*, tender, top_n: int = engine.DEFAULT_TOP_N) -> dict[str, int]:
    """Recompute the tender's matches and store the difference: rows whose rank, score and
    explanation did not change are left alone. Two rebuilds of one tender never interleave:
    the second waits for the first's transaction (an advisory lock on the tender)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, tender.pk])
    if tender.status != "published":
        deleted, _ = Match.objects.filter(tender=tender).delete()
        return {"created": 0, "updated": 0, "unchanged": 0, "deleted": deleted}
    eligible, excluded = engine.rank(engine.tender_context(tender), top_n)
    wanted = {s.supplier_id: _payload(s, i) for i, s in enumerate(eligible, start=1)}
    wanted.update({s.supplier_id: _payload(s, None) for s in excluded})
    existing = {m.supplier_id: m for m in Match.objects.filter(tender=tender)}
    now = timezone.now()
    stale = [m.pk for supplier_id, m in existing.items() if supplier_id not in wanted]
    # Free ranks first: a rank moving from one supplier to another must not collide.
    Match.objects.filter(pk__in=stale).delete()
    changed, created, unchanged = [], [], 0
    for supplier_id, data in wanted.items():
        match = existing.get(supplier_id)
        if match is None:
            created.append(
                Match(
                    tender=tender,
                    supplier_id=supplier_id,
                    computed_at=now,
                    engine_version=scoring.ENGINE_VERSION,
                    **data,
                )
            )
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
        Match.objects.bulk_update(changed, FIELDS + ["computed_at", "engine_version"])
    Match.objects.bulk_create(created)
    return {
        "created": len(created),
        "updated": len(changed),
        "unchanged": unchanged,
        "deleted": len(stale),
    }


def supplier_matches_remove(*, organization: Organization) -> int:
    """A suspended supplier disappears from every shortlist at once (re-matching then fills
    the gap)."""
    deleted, _ = Match.objects.filter(supplier=organization).delete()
    return deleted


def open_tender_ids() -> list[int]:
    from tenders.models import Tender

    return list(Tender.objects.filter(status="published").values_list("pk", flat=True))

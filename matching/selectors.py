"""Reads of matching results for pages."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from suppliers.models import Certification, SupplierProfile
from tenders.models import Interest

from .models import Follow, FollowVisit, Match, ShortlistEntry, ShortlistEntryChange
from .templatetags.matching import explain


def tenders_for_supplier(organization, limit: int = 20) -> QuerySet[Match]:
    """Open tenders where the supplier is shortlisted (best first), then those it was excluded
    from by a hard constraint (to tell it what it would need)."""
    return (
        Match.objects.filter(supplier=organization, follow=None, tender__status="published")
        .select_related("tender", "tender__buyer")
        .order_by("-eligible", "-score")[:limit]
    )


def shortlist(tender, limit: int = 50) -> QuerySet[Match]:
    return (
        Match.objects.filter(tender=tender, follow=None, eligible=True)
        .select_related("supplier")
        .order_by("rank")[:limit]
    )


# --- Buyers: followed tenders and their shortlists ---------------------------------------------

SORTS = ("rank", "score", "name", "status")
COMPONENT_LABELS = {
    "cpv": _("Activity codes (CPV)"),
    "text": _("Words of the tender"),
    "past_performance": _("Past contracts"),
    "certifications": _("Preferred certifications"),
    "region": _("Region"),
    "departement": _("Local track record (département)"),
    "size": _("Company size"),
    "interest": _("Expressed interest"),
}


@dataclass
class ShortlistFilters:
    status: str = ""
    region: str = ""
    size: str = ""
    min_clearance: int | None = None
    interested_only: bool = False
    include_excluded: bool = False
    sort: str = "rank"


@dataclass
class ShortlistRow:
    match: Match
    profile: SupplierProfile | None
    entry: ShortlistEntry | None
    interested: bool
    is_new: bool
    certifications: list[str] = field(default_factory=list)
    bars: list[dict] = field(default_factory=list)
    constraints: list[tuple[bool, str]] = field(default_factory=list)
    status_label: str = ""
    changes: list[ShortlistEntryChange] = field(default_factory=list)  # newest first

    @property
    def supplier(self):
        return self.match.supplier

    @property
    def name(self) -> str:
        return self.profile.display_name if self.profile else self.match.supplier.name

    @property
    def status(self) -> str:
        return self.entry.status if self.entry else ShortlistEntry.Status.NEW

    @property
    def notes(self) -> str:
        return self.entry.notes if self.entry else ""


def last_visit(follow: Follow, user) -> datetime.datetime | None:
    return (
        FollowVisit.objects.filter(follow=follow, user=user)
        .values_list("seen_at", flat=True)
        .first()
    )


def _bars(components: list[dict], labels: dict[str, str], text: str) -> list[dict]:
    """Each weighted component as a bar with its text (the page renders strings only: 50
    entries × 7 bars must stay cheap)."""
    bars = []
    for c in components:
        if not c.get("weight"):
            continue
        percent = round(100 * c.get("value", 0))
        bars.append(
            {
                "label": labels.get(c["name"], c["name"]),
                "percent": percent,
                "text": text % {"percent": percent, "weight": f"{c['weight']:g}"},
                "explanation": explain(c) if percent else "",
            }
        )
    return bars


def _constraints(constraints: list[dict]) -> list[tuple[bool, str]]:
    return [(bool(c.get("passed")), explain(c)) for c in constraints]


def _grouped(objects, key: str) -> dict[int, list]:
    groups = defaultdict(list)
    for obj in objects:
        groups[getattr(obj, key)].append(obj)
    return groups


def shortlist_rows(
    *, follow: Follow, filters: ShortlistFilters, since: datetime.datetime | None = None
) -> list[ShortlistRow]:
    """The organization's shortlist of the followed tender, with everything the page and the
    exports show, in a fixed number of queries whatever its length. Filters and sorts run in
    Python: a shortlist holds at most 2 × top N rows."""
    matches = list(Match.objects.filter(follow=follow).select_related("supplier"))
    supplier_ids = [m.supplier_id for m in matches]
    profiles = {
        p.organization_id: p
        for p in SupplierProfile.objects.filter(
            organization_id__in=supplier_ids, is_live=True
        ).select_related("region", "organization")
    }
    entries = {
        e.supplier_id: e
        for e in ShortlistEntry.objects.filter(
            organization=follow.organization_id, tender=follow.tender_id
        )
    }
    # Grouped here rather than with prefetch_related, which builds a queryset for each parent
    # row: ~3 ms of a 50-entry page.
    certifications = _grouped(
        Certification.objects.filter(profile_id__in=[p.pk for p in profiles.values()]),
        "profile_id",
    )
    changes = _grouped(
        ShortlistEntryChange.objects.filter(
            entry_id__in=[e.pk for e in entries.values()]
        ).select_related("changed_by"),
        "entry_id",
    )
    interested = set(
        Interest.objects.filter(tender=follow.tender_id).values_list("organization_id", flat=True)
    )
    tender = follow.tender
    day = (
        timezone.localdate(tender.submission_deadline)
        if tender.submission_deadline
        else timezone.localdate()
    )
    labels = {name: str(label) for name, label in COMPONENT_LABELS.items()}
    bar_text = gettext("%(percent)d %% (weight %(weight)s)")
    status_labels = {value: str(label) for value, label in ShortlistEntry.Status.choices}
    rows = []
    for match in matches:
        profile = profiles.get(match.supplier_id)
        entry = entries.get(match.supplier_id)
        rows.append(
            ShortlistRow(
                match=match,
                profile=profile,
                entry=entry,
                interested=match.supplier_id in interested,
                is_new=since is None or match.computed_at > since,
                certifications=[
                    str(c) for c in certifications.get(profile.pk, []) if c.is_valid_on(day)
                ]
                if profile
                else [],
                bars=_bars(match.components, labels, bar_text),
                constraints=_constraints(match.constraints),
                status_label=status_labels[entry.status if entry else "new"],
                changes=changes.get(entry.pk, []) if entry else [],
            )
        )
    return _sorted(_filtered(rows, filters), filters.sort)


def _filtered(rows: list[ShortlistRow], f: ShortlistFilters) -> list[ShortlistRow]:
    def keep(row: ShortlistRow) -> bool:
        p = row.profile
        return (
            (f.include_excluded or row.match.eligible)
            and (not f.status or row.status == f.status)
            and (not f.interested_only or row.interested)
            and (not f.region or (p is not None and p.region_id == f.region))
            and (not f.size or (p is not None and p.size_category == f.size))
            and (
                f.min_clearance is None or (p is not None and p.clearance_level >= f.min_clearance)
            )
        )

    return [row for row in rows if keep(row)]


_STATUS_ORDER = {s: i for i, s in enumerate(ShortlistEntry.Status.values)}


def _sorted(rows: list[ShortlistRow], sort: str) -> list[ShortlistRow]:
    def by_rank(row):  # excluded suppliers (no rank) last, best score first
        return (row.match.rank is None, row.match.rank or 0, -row.match.score)

    keys = {
        "rank": by_rank,
        "score": lambda row: (-row.match.score, by_rank(row)),
        "name": lambda row: (row.name.casefold(), by_rank(row)),
        "status": lambda row: (_STATUS_ORDER[row.status], by_rank(row)),
    }
    return sorted(rows, key=keys.get(sort, by_rank))


def followed_tenders(*, organization, user) -> QuerySet[Follow]:
    """The organization's followed tenders, soonest deadline first, with the shortlist size,
    and what changed since USER's last visit (matches recomputed, colleagues' edits)."""
    seen = FollowVisit.objects.filter(follow=OuterRef("pk"), user=user).values("seen_at")[:1]
    return (
        Follow.objects.filter(organization=organization)
        .select_related("tender")
        .annotate(
            last_seen=Subquery(seen),
            shortlist_size=Count("matches", filter=Q(matches__eligible=True), distinct=True),
        )
        .annotate(
            new_matches=Count(
                "matches",
                filter=Q(matches__eligible=True)
                & (Q(last_seen__isnull=True) | Q(matches__computed_at__gt=F("last_seen"))),
                distinct=True,
            ),
        )
        .order_by(F("tender__submission_deadline").asc(nulls_last=True), "pk")
    )


def organization_follows(*, organization, tender) -> bool:
    if organization is None:
        return False
    return Follow.objects.filter(organization=organization, tender=tender).exists()

"""Reads on tenders: the search (full text, filters, facets, sort), an entity's own tenders,
interests, the CPV picker.

The search only reads the trigger-maintained `search_vector` through its GIN index; every
filter has an index (see Tender.Meta.indexes and the CPV prefix index of portal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from portal.choices import ClearanceLevel
from portal.models import CpvCode

from .models import Interest, Lot, Tender
from .permissions import visible_tenders

SORTS = ("relevance", "deadline", "publication")


@dataclass
class SearchFilters:
    q: str = ""
    cpv: str = ""  # 2 to 8 digits: a division, group, class… or a full code
    region: str = ""
    deadline_from: date | None = None
    deadline_to: date | None = None
    max_clearance: int | None = None  # the clearance the supplier holds: requirement ≤ it
    sme_reserved: bool = False
    buyer: int | None = None
    status: str = ""
    sort: str = "relevance"


@dataclass
class FacetBucket:
    value: str
    label: str
    count: int


def cpv_prefix(value: str) -> str:
    """'3560' or '35600000' → '356': the significant digits, as stored in CpvCode.prefix."""
    return CpvCode.significant_prefix(value[:8].ljust(8, "0"))


def _search_query(text: str) -> SearchQuery:
    return SearchQuery(text, config="fr_unaccent", search_type="websearch") | SearchQuery(
        text, config="en_unaccent", search_type="websearch"
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))  # in Europe/Paris


def _filter_cpv(queryset: QuerySet[Tender], digits: str) -> QuerySet[Tender]:
    prefix = cpv_prefix(digits)
    additional = Tender.additional_cpvs.through.objects.filter(
        cpvcode__prefix__startswith=prefix
    ).values("tender_id")
    lots = Lot.objects.filter(cpv__prefix__startswith=prefix).values("tender_id")
    return queryset.filter(
        Q(main_cpv__prefix__startswith=prefix) | Q(pk__in=additional) | Q(pk__in=lots)
    )


def _apply_filters(queryset: QuerySet[Tender], f: SearchFilters) -> QuerySet[Tender]:
    if f.q:
        queryset = queryset.filter(search_vector=_search_query(f.q))
    if f.cpv:
        queryset = _filter_cpv(queryset, f.cpv)
    if f.region:
        queryset = queryset.filter(region_id=f.region)
    if f.deadline_from:
        queryset = queryset.filter(submission_deadline__gte=_day_start(f.deadline_from))
    if f.deadline_to:
        end = _day_start(f.deadline_to + timedelta(days=1))
        queryset = queryset.filter(submission_deadline__lt=end)
    if f.max_clearance is not None:
        queryset = queryset.filter(min_clearance__lte=f.max_clearance)
    if f.sme_reserved:
        queryset = queryset.filter(sme_reserved=True)
    if f.buyer:
        queryset = queryset.filter(buyer_id=f.buyer)
    if f.status:
        queryset = queryset.filter(status=f.status)
    return queryset


def tenders_search(*, user, filters: SearchFilters) -> QuerySet[Tender]:
    """The tenders USER may see that match FILTERS, sorted; annotated with `rank`."""
    queryset = _apply_filters(visible_tenders(user), filters)
    if filters.q:
        queryset = queryset.annotate(rank=SearchRank(F("search_vector"), _search_query(filters.q)))
    else:
        queryset = queryset.annotate(rank=Value(0.0))
    deadline = F("submission_deadline").asc(nulls_last=True)
    publication = F("published_at").desc(nulls_last=True)
    order = {
        "relevance": [F("rank").desc(), deadline, "-pk"],
        "deadline": [deadline, "-pk"],
        "publication": [publication, "-pk"],
    }[filters.sort if filters.sort in SORTS else "relevance"]
    return queryset.select_related("buyer", "main_cpv", "region").order_by(*order)


def tenders_facets(*, queryset: QuerySet[Tender]) -> dict[str, list[FacetBucket]]:
    """Counts of the matching tenders per status, CPV division, region, buyer, clearance and
    SME reservation: four queries whatever the data (one aggregate, three GROUP BY)."""
    base = queryset.order_by()
    fixed = base.aggregate(
        **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in Tender.Status.values},
        **{f"clearance_{c}": Count("pk", filter=Q(min_clearance=c)) for c in ClearanceLevel.values},
        sme=Count("pk", filter=Q(sme_reserved=True)),
    )
    divisions = list(
        base.filter(main_cpv__isnull=False)
        .values(division=Substr("main_cpv_id", 1, 2))
        .annotate(n=Count("pk"))
        .order_by("division")
    )
    labels = dict(
        CpvCode.objects.filter(code__in=[d["division"] + "000000" for d in divisions]).values_list(
            "code", "label_en" if _english() else "label_fr"
        )
    )
    regions = base.filter(region__isnull=False).values("region_id", "region__name")
    buyers = base.values("buyer_id", "buyer__name")
    return {
        "status": [
            FacetBucket(s.value, s.label, fixed[f"status_{s.value}"])
            for s in Tender.Status
            if fixed[f"status_{s.value}"]
        ],
        "cpv": [
            FacetBucket(d["division"], labels.get(d["division"] + "000000", ""), d["n"])
            for d in divisions
        ],
        "region": [
            FacetBucket(r["region_id"], r["region__name"], r["n"])
            for r in regions.annotate(n=Count("pk")).order_by("region__name")
        ],
        "buyer": [
            FacetBucket(str(b["buyer_id"]), b["buyer__name"], b["n"])
            for b in buyers.annotate(n=Count("pk")).order_by("buyer__name")
        ],
        "clearance": [
            FacetBucket(str(c.value), c.label, fixed[f"clearance_{c.value}"])
            for c in ClearanceLevel
            if fixed[f"clearance_{c.value}"]
        ],
        "sme": [FacetBucket("1", "", fixed["sme"])] if fixed["sme"] else [],
    }


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "fr").startswith("en")


# The order of an entity's own tenders: what is to finish first, then what is live, then history.
BUYER_STATUS_ORDER = (
    Tender.Status.DRAFT,
    Tender.Status.PUBLISHED,
    Tender.Status.CLOSED,
    Tender.Status.AWARDED,
    Tender.Status.CANCELLED,
)


def tenders_of_buyer(*, organization) -> QuerySet[Tender]:
    """ORGANIZATION's own tenders (drafts included): drafts, then published (soonest deadline
    first), then closed, awarded and cancelled; the others of a status, last changed first.
    Annotated with `shortlist_size`, the eligible suppliers of the tender-level ranking, which
    the entity sees on the tender's page."""
    status_rank = Case(
        *[When(status=status, then=Value(i)) for i, status in enumerate(BUYER_STATUS_ORDER)],
        default=Value(len(BUYER_STATUS_ORDER)),
    )
    live_deadline = Case(
        When(status=Tender.Status.PUBLISHED, then=F("submission_deadline")), default=None
    )
    shortlisted = Q(matches__follow__isnull=True, matches__eligible=True)
    return (
        Tender.objects.filter(buyer=organization)
        .annotate(
            status_rank=status_rank,
            live_deadline=live_deadline,
            shortlist_size=Count("matches", filter=shortlisted),
        )
        .order_by("status_rank", F("live_deadline").asc(nulls_last=True), "-updated_at", "-pk")
    )


def interests_for_tender(tender: Tender) -> QuerySet[Interest]:
    """The supplier organizations that raised their hand on TENDER, oldest first."""
    return (
        Interest.objects.filter(tender=tender)
        .select_related("organization", "created_by")
        .order_by("created_at", "pk")
    )


def organization_has_interest(*, tender: Tender, organization) -> bool:
    if organization is None:
        return False
    return Interest.objects.filter(tender=tender, organization=organization).exists()


def cpv_search(text: str, *, limit: int = 20) -> list[dict]:
    """CPV codes whose code starts with TEXT (digits) or whose French or English label
    contains it (accents ignored)."""
    text = text.strip()
    digits = text.replace("-", "")
    if digits.isdigit():
        codes = CpvCode.objects.filter(
            code__gte=digits[:8].ljust(8, "0"), code__lte=digits[:8].ljust(8, "9")
        )
    elif len(text) >= 2:
        codes = CpvCode.objects.filter(
            Q(label_fr__unaccent__icontains=text) | Q(label_en__unaccent__icontains=text)
        ).order_by("level", "code")
    else:
        return []
    return [
        {"code": c.code, "full_code": c.full_code, "label_fr": c.label_fr, "label_en": c.label_en}
        for c in codes[:limit]
    ]

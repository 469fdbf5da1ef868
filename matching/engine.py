# ruff: noqa: S608
"""Candidate retrieval in SQL and bulk scoring: rank the live, approved suppliers for a tender.

Retrieval never loads every supplier. One query (GIN indexes on CPV prefix arrays and on the
search vector) keeps the suppliers that share at least a CPV division with the tender, match
its words, or expressed interest, and orders them by an *upper bound* of their score computed
in SQL: the CPV, text, region, size and interest components exactly, plus the full weight of the
two components only Python computes (past performance, preferred certifications). Python scores
the best K exactly; if the N-th best exact score is not at least the upper bound of the first
row left out, K grows. So the top N is exactly what scoring every candidate would give."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone, translation

from portal.choices import CertificationType, ClearanceLevel

from . import scoring

DEFAULT_TOP_N = 50
MAX_QUERY_TERMS = 64
CPV_LEVELS = (8, 5, 4, 3, 2)


@dataclass
class TenderContext:
    tender_id: int
    codes: list[str]
    requirements: scoring.Requirements
    lexemes: list[str]
    words: dict[str, str]  # lexeme → a word of the tender that gave it, for explanations
    weights: dict[str, float]
    region_name: str
    current_year: int
    labels: dict[str, str] = field(default_factory=dict)  # extra labels (a follow's regions)


@dataclass
class Scored:
    supplier_id: int
    profile_id: int
    score: float
    eligible: bool
    components: list[scoring.Component]
    constraints: list[scoring.Constraint]


def tender_context(tender, weights: dict | None = None, follow=None) -> TenderContext:
    """What matching needs of a tender, read once. With FOLLOW, the ranking of that following
    organization: its extra mandatory certifications and regions are hard constraints too, and
    its weights apply over the tender's (WEIGHTS, if given, over both)."""
    codes = [
        c
        for c in [
            tender.main_cpv_id,
            *tender.additional_cpvs.values_list("code", flat=True),
            *tender.lots.values_list("cpv_id", flat=True),
        ]
        if c
    ]
    lot_text = " ".join(f"{t} {d}" for t, d in tender.lots.values_list("title", "description"))
    deadline = (
        timezone.localdate(tender.submission_deadline) if tender.submission_deadline else None
    )
    requirements = scoring.Requirements(
        deadline=deadline,
        min_clearance=tender.min_clearance,
        mandatory_certifications=list(tender.mandatory_certifications),
        preferred_certifications=list(tender.preferred_certifications),
        sme_reserved=tender.sme_reserved,
        eu_controlled_required=tender.eu_controlled_required,
        itar_free_required=tender.itar_free_required,
        min_trl=tender.min_trl,
        region=tender.region_id or "",
        buyer_name=tender.buyer.name if tender.buyer_id else "",
        cpv_codes=list(dict.fromkeys(codes)),
    )
    labels: dict[str, str] = {}
    if follow is not None:
        requirements.mandatory_certifications = list(
            dict.fromkeys(
                [*tender.mandatory_certifications, *follow.extra_mandatory_certifications]
            )
        )
        requirements.allowed_regions = list(follow.extra_regions)
        labels = _region_labels(follow.extra_regions)
    override = tender.weight_overrides.filter(organization__isnull=True).first()
    text = f"{tender.title} {tender.title} {lot_text} {tender.description}"
    return TenderContext(
        tender_id=tender.pk,
        codes=requirements.cpv_codes,
        requirements=requirements,
        lexemes=text_lexemes(text),
        words=lexeme_words(text),
        weights=merged_weights(
            override.weights if override else None,
            follow.weights if follow is not None else None,
            weights,
        ),
        region_name=tender.region.name if tender.region_id else "",
        # References are recent or old relative to the tender, not to today.
        current_year=(tender.published_at or timezone.now()).year,
        labels=labels,
    )


def _region_labels(codes) -> dict[str, str]:
    from portal.models import Region

    names = dict(Region.objects.filter(code__in=list(codes)).values_list("code", "name"))
    return {f"region:{code}": names.get(code, code) for code in codes}


def merged_weights(*overrides: dict | None) -> dict[str, float]:
    weights = dict(scoring.DEFAULT_WEIGHTS)
    for override in overrides:
        for name, value in (override or {}).items():
            if name in weights and float(value) >= 0:
                weights[name] = float(value)
    return weights


def text_lexemes(text: str) -> list[str]:
    """The tender's distinct lexemes in French and English, accents folded, most frequent
    first (the title counts twice), capped so that the query stays fast."""
    sql = """
        SELECT lexeme FROM unnest(to_tsvector('fr_unaccent', %s) || to_tsvector('en_unaccent', %s))
        WHERE length(lexeme) > 2
        ORDER BY coalesce(array_length(positions, 1), 1) DESC, lexeme LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [text, text, MAX_QUERY_TERMS])
        return [row[0] for row in cursor.fetchall()]


def lexeme_words(text: str) -> dict[str, str]:
    sql = """
        SELECT DISTINCT ON (lexeme) lexeme, lower(token) FROM (
            SELECT token, unnest(lexemes) AS lexeme FROM ts_debug('fr_unaccent', %s)
            UNION ALL
            SELECT token, unnest(lexemes) FROM ts_debug('en_unaccent', %s)
        ) s ORDER BY lexeme, length(token)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [text, text])
        return dict(cursor.fetchall())


def _tsquery(lexemes: list[str]) -> str:
    return " | ".join("'" + lex.replace("'", "''").replace("\\", "") + "'" for lex in lexemes)


def _prefix_sets(codes: list[str]) -> dict[str, list[str]]:
    return {f"l{k}": sorted({c[:k] for c in codes}) for k in CPV_LEVELS}


def _cpv_case(column: str) -> str:
    cases = " ".join(
        f"WHEN {column} && %(l{k})s::varchar[] THEN {value}"
        for k, value in scoring.CPV_LEVEL_VALUES
    )
    return f"(CASE {cases} ELSE 0.0 END)"


# Only constants of this module are formatted into the SQL (hence the file-wide S608
# exemption at the top); every value goes through query parameters.
RETRIEVAL_SQL = """
WITH candidates AS (
    SELECT p.id, p.organization_id, p.region_id, p.regions_served, p.size_category,
           p.is_startup, p.clearance_level, p.clearance_expires_on, p.eu_controlled,
           p.itar_free, p.trl, p.cpv_codes, p.legal_name,
           GREATEST({own_cpv}, {ref_factor} * {ref_cpv}) AS cpv_value,
           CASE WHEN %(has_query)s THEN ts_rank_cd(p.search_vector, %(query)s::tsquery)
                ELSE 0 END AS text_rank,
           p.reference_cpv_prefixes && %(l2)s::varchar[] AS has_area_reference,
           EXISTS (SELECT 1 FROM tenders_interest i WHERE i.tender_id = %(tender_id)s
                   AND i.organization_id = p.organization_id) AS interested
    FROM suppliers_supplierprofile p
    WHERE p.is_live AND p.status = 'approved'
      AND (p.cpv_prefixes && %(l2)s::varchar[]
           OR p.reference_cpv_prefixes && %(l2)s::varchar[]
           OR (%(has_query)s AND p.search_vector @@ %(query)s::tsquery)
           OR p.organization_id IN (SELECT organization_id FROM tenders_interest
                                    WHERE tender_id = %(tender_id)s))
), bounded AS (
    SELECT c.*,
        %(w_cpv)s * c.cpv_value
      + %(w_text)s * (1 - exp(-LEAST(c.text_rank / %(text_saturation)s, 700)))
      + %(w_region)s * (CASE WHEN c.region_id = %(region)s THEN 1.0
                             WHEN %(region)s = ANY(c.regions_served) THEN 0.6 ELSE 0.0 END)
      + %(w_size)s * (CASE WHEN c.size_category IN ('micro', 'pme') AND c.is_startup THEN 1.0
                           WHEN c.size_category IN ('micro', 'pme') THEN 0.9
                           WHEN c.size_category = 'eti' THEN 0.3 ELSE 0.0 END)
      + %(w_interest)s * (CASE WHEN c.interested THEN 1.0 ELSE 0.0 END)
      -- Past performance needs a reference sharing at least the CPV division: else it is 0.
      + %(w_past)s * (CASE WHEN c.has_area_reference THEN 1.0 ELSE 0.0 END)
      + %(w_cert)s AS upper_bound
    FROM candidates c
    ORDER BY upper_bound DESC, c.id
    LIMIT %(limit)s
)
SELECT b.*,
    (SELECT coalesce(json_agg(json_build_array(x.type, x.expires_on)), '[]')
       FROM suppliers_certification x WHERE x.profile_id = b.id) AS certifications,
    (SELECT coalesce(json_agg(json_build_array(r.cpv_code, r.year, r.client)), '[]')
       FROM suppliers_reference r WHERE r.profile_id = b.id) AS refs,
    ARRAY(SELECT unnest(tsvector_to_array(p.search_vector))
          INTERSECT SELECT unnest(%(lexemes)s::text[])) AS matched_terms
FROM bounded b JOIN suppliers_supplierprofile p ON p.id = b.id
ORDER BY b.upper_bound DESC, b.id
""".format(
    own_cpv=_cpv_case("p.cpv_prefixes"),
    ref_cpv=_cpv_case("p.reference_cpv_prefixes"),
    ref_factor=scoring.REFERENCE_CPV_FACTOR,
)


def retrieve(ctx: TenderContext, limit: int) -> list[dict]:
    """The LIMIT best candidates by upper bound, with what Python needs to score them."""
    req, w = ctx.requirements, ctx.weights
    applicable = {
        "region": bool(req.region),
        "size": req.sme_reserved,
        "certifications": bool(req.preferred_certifications),
    }
    params = {
        **_prefix_sets(ctx.codes or ["--"]),
        "tender_id": ctx.tender_id,
        "query": _tsquery(ctx.lexemes) or "''",
        "has_query": bool(ctx.lexemes),
        "lexemes": ctx.lexemes,
        "region": req.region,
        "text_saturation": scoring.TEXT_SATURATION,
        "w_cpv": w["cpv"],
        "w_text": w["text"],
        "w_region": w["region"] if applicable["region"] else 0.0,
        "w_size": w["size"] if applicable["size"] else 0.0,
        "w_interest": w["interest"],
        "w_past": w["past_performance"],
        "w_cert": w["certifications"] if applicable["certifications"] else 0.0,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(RETRIEVAL_SQL, params)
        names = [col.name for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@functools.cache
def _labels() -> dict[str, str]:
    """Certification and clearance names in English: explanations are stored as English
    message ids with parameters and translated when shown."""
    with translation.override("en"):
        return {
            **{f"cert:{v}": str(label) for v, label in CertificationType.choices},
            **{f"clearance:{v}": str(label) for v, label in ClearanceLevel.choices},
        }


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def score_row(ctx: TenderContext, row: dict) -> Scored:
    """Exact score of one retrieved candidate, with the same functions as everywhere."""
    req, w = ctx.requirements, ctx.weights
    certifications = [(kind, _date(expires)) for kind, expires in row["certifications"]]
    facts = scoring.SupplierFacts(
        clearance_level=row["clearance_level"],
        clearance_expires_on=row["clearance_expires_on"],
        certifications=certifications,
        size_category=row["size_category"],
        is_startup=row["is_startup"],
        eu_controlled=row["eu_controlled"],
        itar_free=row["itar_free"],
        trl=row["trl"],
        region=row["region_id"] or "",
        regions_served=row["regions_served"],
        cpv_codes=row["cpv_codes"],
        references=[tuple(r) for r in row["refs"]],
        interested=row["interested"],
    )
    held = {
        kind
        for kind, expires in certifications
        if expires is None or req.deadline is None or expires >= req.deadline
    }
    labels = {**_labels(), **ctx.labels} if ctx.labels else _labels()
    components = [
        scoring.cpv_component(
            req.cpv_codes, facts.cpv_codes, [r[0] for r in facts.references if r[0]], w["cpv"]
        ),
        scoring.text_component(
            float(row["text_rank"]),
            [ctx.words.get(term, term) for term in row["matched_terms"]],
            w["text"],
        ),
        scoring.past_performance_component(
            req.cpv_codes, facts.references, req.buyer_name, ctx.current_year, w["past_performance"]
        ),
        scoring.certifications_component(
            req.preferred_certifications, held, w["certifications"], labels
        ),
        scoring.region_component(
            req.region, facts.region, facts.regions_served, w["region"], ctx.region_name
        ),
        scoring.size_component(req.sme_reserved, facts.size_category, facts.is_startup, w["size"]),
        scoring.interest_component(facts.interested, w["interest"]),
    ]
    constraints = scoring.check_constraints(req, facts, labels)
    return Scored(
        supplier_id=row["organization_id"],
        profile_id=row["id"],
        score=scoring.total_score(components),
        eligible=all(c.passed for c in constraints),
        components=components,
        constraints=constraints,
    )


def rank(
    ctx: TenderContext, top_n: int = DEFAULT_TOP_N, first_limit: int | None = None
) -> tuple[list[Scored], list[Scored]]:
    """(eligible top N in rank order, best excluded up to N). Exact: see the module doc."""
    limit = first_limit or max(4 * top_n, 200)
    weight_sum = _applicable_weight_sum(ctx)
    while True:
        rows = retrieve(ctx, limit + 1)
        exhausted = len(rows) <= limit
        scored = [score_row(ctx, row) for row in rows[:limit]]
        eligible = sorted((s for s in scored if s.eligible), key=_order)
        if exhausted:
            break
        # Upper bound of the first row left out, on the same 0-100 scale as the scores.
        next_bound = 100.0 * float(rows[limit]["upper_bound"]) / weight_sum if weight_sum else 0
        if len(eligible) >= top_n and eligible[top_n - 1].score >= next_bound - 1e-9:
            break
        limit *= 4
    excluded = sorted((s for s in scored if not s.eligible), key=_order)[:top_n]
    return eligible[:top_n], excluded


def _order(s: Scored):
    return (-s.score, s.supplier_id)


def _applicable_weight_sum(ctx: TenderContext) -> float:
    req, w = ctx.requirements, ctx.weights
    return (
        w["cpv"]
        + w["text"]
        + w["past_performance"]
        + w["interest"]
        + (w["region"] if req.region else 0)
        + (w["size"] if req.sme_reserved else 0)
        + (w["certifications"] if req.preferred_certifications else 0)
    )

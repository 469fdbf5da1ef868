# ruff: noqa: S608
"""Candidate retrieval in SQL and bulk scoring: rank the live, approved suppliers for a tender.

Retrieval never loads every supplier. It runs in up to two stages:

1. *Candidates*, found through indexes: suppliers whose codes or references share a CPV group
   with the tender (GIN on the prefix keys), whose text contains one of the tender's
   *distinctive* words (GIN on the lexeme keys; a word found in more than
   DISTINCTIVE_SHARE of the texts is not distinctive), or that expressed interest.
2. *Every relevant supplier* (RELEVANT_WHERE: a CPV division, any word, interest), only when
   stage 1 cannot prove its answer: a supplier outside the candidates shares at most a CPV
   division and common words with the tender, so its score is at most `outsider_bound`
   (computed per tender); if the N-th best candidate scores at least that, no outsider can
   enter the top N. A supplier with no relevance at all is never listed. Between the two,
   stage 1½ (`essential_terms`) reads only the outsiders that can still reach stage 1's N-th
   best score. These later stages read eligible suppliers only, the hard constraints filtering
   the rows (a rare mandatory certification then bounds them); the excluded suppliers shown
   are the best of the stage-1 candidates.

Both stages read matching_supplierindex (models.SupplierIndex): the few columns of the live,
approved profiles they need, narrow rows kept by a trigger, candidates found through GIN
indexes on their integer keys.

In each stage one query computes in SQL, per supplier, the hard constraints (the same rules as
`scoring.check_constraints`) and an *upper bound* of the score: the CPV, text, region,
département, size and interest components exactly, plus bounds of the two components only
Python computes exactly (past performance from the references' count and clients, preferred
certifications from the types held, their expiry aside). It returns the best rows by bound
within the eligible and within the excluded suppliers; Python scores them exactly; if the N-th
best exact score is not at least the bound of the first row left out, the query asks for more.
So the top N is exactly what scoring every supplier would give (tests compare with exhaustive
scoring; the benchmark with the naive approach)."""

from __future__ import annotations

import datetime
import functools
import hashlib
import heapq
import itertools
import math
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone, translation

from portal.choices import CertificationType, ClearanceLevel

from . import scoring

DEFAULT_TOP_N = 50
MAX_QUERY_TERMS = 32
CPV_LEVELS = (8, 5, 4, 3, 2)
DISTINCTIVE_SHARE = 0.05  # a word in more than 5 % of the texts does not make a candidate
DISTINCTIVE_MIN_DOCUMENTS = 200  # ... unless it is in fewer texts than this (small corpora)
WINDOW_PER_TOP_N = 20  # narrow rows per group the window returns, per shortlisted supplier...
MIN_WINDOW = 1000  # ... and at least this many
MIN_DETAILS_BATCH = 64  # the first batch of details read: 2 × N, and at least this many
TEXT_BITS = 5  # the bound counts the terms' weights in 31 steps of the heaviest (_key_sets)
MAX_PHRASES = 32  # the tender's heaviest word pairs kept (scoring.PHRASE_SHARE)
PHRASE_MAX_GAP = 1  # adjacent words only; across up to 2 stop words: DECP MRR same, hit@10 lower


@dataclass
class Term:
    lexeme: str
    word: str  # a word of the tender that gave it, for explanations
    weight: float  # idf × weight in the tender
    distinctive: bool
    key: int | None = None  # its integer key as PostgreSQL computes it (else lexeme_key)


@dataclass(frozen=True)
class Phrase:
    """Two words that follow each other in the tender, DISTANCE positions apart (stop words in
    between count), each as its French and English lexemes among the tender's terms."""

    first: tuple[str, ...]
    second: tuple[str, ...]
    distance: int
    words: str  # as the tender writes them, for explanations
    weight: float  # the lighter word's weight: a pair is as telling as its weaker word

    @property
    def tsquery(self) -> str:
        def alternatives(lexemes: tuple[str, ...]) -> str:
            return "(" + " | ".join(_quote(lexeme) for lexeme in lexemes) + ")"

        return f"{alternatives(self.first)} <{self.distance}> {alternatives(self.second)}"

    def found_in(self, positions: dict[str, list[int]]) -> bool:
        """Whether a text whose lexemes are at POSITIONS holds the pair (as tsquery does)."""
        starts = {p for lexeme in self.first for p in positions.get(lexeme, ())}
        return any(
            p - self.distance in starts for lexeme in self.second for p in positions.get(lexeme, ())
        )


@dataclass
class TenderContext:
    tender_id: int
    codes: list[str]
    requirements: scoring.Requirements
    terms: list[Term]
    weights: dict[str, float]
    region_name: str
    current_year: int
    departement_name: str = ""
    average_length: float = 0.0
    interested: list[int] = field(default_factory=list)  # organization ids
    labels: dict[str, str] = field(default_factory=dict)  # extra labels (a follow's regions)
    phrases: list[Phrase] = field(default_factory=list)

    _derived: _Derived | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def total_term_weight(self) -> float:
        return self.derived.total_term_weight

    @property
    def total_phrase_weight(self) -> float:
        return self.derived.total_phrase_weight

    @property
    def derived(self) -> _Derived:
        """What scoring every row of this tender needs of its terms, phrases and labels,
        computed once (recomputing it for every row cost ~12 % of score_row at 100,000
        suppliers): computed again when one of them is replaced (none is changed in place)."""
        d = self._derived
        if (
            d is None
            or d.terms is not self.terms
            or d.phrases is not self.phrases
            or d.extra_labels is not self.labels
        ):
            d = self._derived = _Derived(self.terms, self.phrases, self.labels)
        return d

    def text_value(self, matched_terms, matched_phrases, length: int) -> float:
        """scoring.text_relevance of a text holding these terms (lexemes) and phrases (their
        indexes in self.phrases), LENGTH distinct words long."""
        d = self.derived
        held = sorted({x for x in matched_terms if x in d.term_index}, key=d.term_index.get)
        return scoring.text_relevance(
            sum(self.terms[d.term_index[lexeme]].weight for lexeme in held),  # in terms order
            d.total_term_weight,
            length,
            self.average_length,
            sum(self.phrases[i].weight for i in set(matched_phrases)),
            d.total_phrase_weight,
        )


class _Derived:
    """TenderContext.derived: per-tender data of score_row, from the objects given (kept, so
    that a replaced one is noticed)."""

    def __init__(self, terms: list[Term], phrases: list[Phrase], labels: dict[str, str]):
        self.terms, self.phrases, self.extra_labels = terms, phrases, labels
        # A tender's terms are distinct lexemes (TERMS_SQL groups by lexeme).
        self.term_index = {t.lexeme: i for i, t in enumerate(terms)}
        if len(self.term_index) != len(terms):
            raise ValueError("a lexeme appears twice among the tender's terms")
        self.words = {t.lexeme: t.word for t in terms}
        self.total_term_weight = sum(t.weight for t in terms)
        self.total_phrase_weight = sum(ph.weight for ph in phrases)
        self.labels = {**_labels(), **labels} if labels else _labels()


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
    lots = list(tender.lots.values_list("title", "description", "cpv_id"))  # read once
    codes = [
        c
        for c in [
            tender.main_cpv_id,
            *tender.additional_cpvs.values_list("code", flat=True),
            *(cpv for _t, _d, cpv in lots),
        ]
        if c
    ]
    buyer_name, region_name, departement_name = _related_names(tender)
    lot_text = " ".join(f"{t} {d}" for t, d, _cpv in lots)
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
        departement=tender.departement_id or "",
        buyer_name=buyer_name,
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
    terms, average_length = tender_terms(text)
    segments = [
        tender.title,
        *(t for title, description, _cpv in lots for t in (title, description)),
        tender.description,
    ]
    return TenderContext(
        tender_id=tender.pk,
        codes=requirements.cpv_codes,
        requirements=requirements,
        terms=terms,
        weights=merged_weights(
            override.weights if override else None,
            follow.weights if follow is not None else None,
            weights,
        ),
        region_name=region_name,
        departement_name=(
            f"{departement_name} ({tender.departement_id})" if tender.departement_id else ""
        ),
        # References are recent or old relative to the tender, not to today.
        current_year=(tender.published_at or timezone.now()).year,
        average_length=average_length,
        interested=list(tender.interests.values_list("organization_id", flat=True)),
        labels=labels,
        phrases=tender_phrases(segments, terms),
    )


def _related_names(tender) -> tuple[str, str, str]:
    """The names of the tender's buyer, region and département ("" when it has none): from the
    objects when the caller read them (select_related), else in one query (not one each)."""
    fields = ("buyer", "region", "departement")
    if all(
        getattr(tender, f"{name}_id") is None or tender._meta.get_field(name).is_cached(tender)
        for name in fields
    ):
        related = [getattr(tender, name) for name in fields]
        return tuple(obj.name if obj is not None else "" for obj in related)
    names = (
        type(tender)
        .objects.filter(pk=tender.pk)
        .values_list(*(f"{name}__name" for name in fields))
        .get()
    )
    return tuple(name or "" for name in names)


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


# The tender's lexemes in French and English (accents folded), each with how often it occurs,
# a word that gave it, and how many supplier texts contain it (matching_termstat).
TERMS_SQL = """
WITH found AS (
    SELECT 'fr' AS config, v.lexeme, pos
    FROM unnest(to_tsvector('fr_unaccent', %(text)s)) v, unnest(v.positions) AS pos
    UNION ALL
    SELECT 'en', v.lexeme, pos
    FROM unnest(to_tsvector('en_unaccent', %(text)s)) v, unnest(v.positions) AS pos
), kept AS (
    -- The positions of words both languages keep: a French stop word that English keeps
    -- ("sur", "les") is no word of a French text, and the reverse (as for phrases).
    SELECT pos FROM found GROUP BY pos HAVING count(DISTINCT config) = 2
), lexemes AS (
    SELECT lexeme, count(DISTINCT pos) AS occurrences
    FROM found JOIN kept USING (pos)
    WHERE length(lexeme) > 2
    GROUP BY lexeme
), words AS (
    -- Each word of the text through each configuration (ts_debug would show the unaccent
    -- filter's output, not the stem): the shortest word giving a lexeme stands for it.
    SELECT DISTINCT ON (lexeme) lexeme, lower(token) AS word FROM (
        SELECT d.token, v.lexeme
        FROM (SELECT DISTINCT token FROM ts_parse('default', %(text)s)) AS d,
             LATERAL (SELECT lexeme FROM unnest(to_tsvector('fr_unaccent', d.token))
                      UNION SELECT lexeme FROM unnest(to_tsvector('en_unaccent', d.token))) v
    ) s ORDER BY lexeme, length(token), token
)
SELECT l.lexeme, coalesce(w.word, l.lexeme), l.occurrences, coalesce(t.documents, 0),
       c.documents, c.average_length,
       ('x' || substr(md5(l.lexeme), 1, 8))::bit(32)::int4  -- as passerelle_lexeme_keys
FROM lexemes l LEFT JOIN words w USING (lexeme)
LEFT JOIN matching_termstat t ON t.lexeme = l.lexeme
LEFT JOIN matching_corpusstat c ON c.id = 1
"""


def tender_terms(text: str) -> tuple[list[Term], float]:
    """The tender's weighted terms, heaviest first (at most MAX_QUERY_TERMS), and the average
    length of the supplier texts. A word that no supplier text contains is dropped (it cannot
    match) once statistics exist."""
    with connection.cursor() as cursor:
        cursor.execute(TERMS_SQL, {"text": text})
        rows = cursor.fetchall()
    documents = next((r[4] for r in rows if r[4]), 0)
    average_length = next((r[5] for r in rows if r[5]), 0.0)
    distinctive_max = max(DISTINCTIVE_SHARE * documents, DISTINCTIVE_MIN_DOCUMENTS)
    terms = [
        Term(
            lexeme=lexeme,
            word=word,
            weight=scoring.idf(df, documents) * min(occurrences, scoring.TERM_WEIGHT_CAP),
            distinctive=df <= distinctive_max,
            key=key,
        )
        for lexeme, word, occurrences, df, _n, _avg, key in rows
        if not (documents and df == 0)
    ]
    terms.sort(key=lambda t: (-t.weight, t.lexeme))
    return terms[:MAX_QUERY_TERMS], float(average_length or 0.0)


# The lexemes at each position of each segment of the tender's text (title, lots, description,
# line by line: a pair never spans two of them), in French and in English.
POSITIONS_SQL = """
SELECT x.n, v.config, pos, v.lexeme
FROM unnest(%(segments)s::text[]) WITH ORDINALITY AS x(segment, n),
     LATERAL (SELECT 'fr' AS config, * FROM unnest(to_tsvector('fr_unaccent', x.segment))
              UNION ALL
              SELECT 'en', * FROM unnest(to_tsvector('en_unaccent', x.segment))) v,
     LATERAL unnest(v.positions) AS pos
ORDER BY x.n, v.config, pos, v.lexeme
"""


def tender_phrases(segments: list[str], terms: list[Term]) -> list[Phrase]:
    """The pairs of the tender's terms that follow each other in SEGMENTS (at most
    PHRASE_MAX_GAP positions apart: stop words take a position), each word with its lexemes in
    both languages; heaviest first, at most MAX_PHRASES."""
    lines = [line for segment in segments for line in (segment or "").splitlines() if line.strip()]
    if not lines or not terms:
        return []
    with connection.cursor() as cursor:
        cursor.execute(POSITIONS_SQL, {"segments": lines})
        rows = cursor.fetchall()
    by_lexeme = {t.lexeme: t for t in terms}
    at: dict[tuple[int, int], set[str]] = {}  # (segment, position) → the terms there
    languages: dict[tuple[int, int], set[str]] = {}  # (segment, position) → configurations
    # A hyphenated word takes a position, then each of its parts one: "pare-balles" is
    # 'pare-ball', 'par', 'ball'. The compound and its own parts are no pair of the text. (A
    # signed number, '-19' of "COVID-19", a host or an address is one position: not one.)
    compound_end: dict[tuple[int, int], int] = {}  # (segment, position) → its last part's
    for n, config, pos, lexeme in rows:
        languages.setdefault((n, pos), set()).add(config)
        if "-" in lexeme and not lexeme.startswith("-") and not set("./@") & set(lexeme):
            compound_end[(n, pos)] = pos + lexeme.count("-") + 1
        if lexeme in by_lexeme:
            at.setdefault((n, pos), set()).add(lexeme)
    # Words are the positions both languages keep: a French stop word that English keeps
    # ("sur", "les") is no word of a French text, and the reverse.
    words = sorted(key for key, configs in languages.items() if len(configs) == 2)
    phrases: dict[str, Phrase] = {}
    for (n, pos), (next_n, next_pos) in itertools.pairwise(words):
        first, second = at.get((n, pos)), at.get((next_n, next_pos))
        if next_n != n or next_pos - pos > PHRASE_MAX_GAP or not first or not second:
            continue
        if next_pos <= compound_end.get((n, pos), pos):
            continue
        if first & second:
            continue
        first_terms = sorted((by_lexeme[x] for x in first), key=lambda t: -t.weight)
        second_terms = sorted((by_lexeme[x] for x in second), key=lambda t: -t.weight)
        phrase = Phrase(
            tuple(sorted(first)),
            tuple(sorted(second)),
            next_pos - pos,
            f"{first_terms[0].word} {second_terms[0].word}",
            min(first_terms[0].weight, second_terms[0].weight),
        )
        phrases.setdefault(phrase.tsquery, phrase)
    kept = sorted(phrases.values(), key=lambda ph: (-ph.weight, ph.tsquery))
    return kept[:MAX_PHRASES]


@transaction.atomic
def refresh_term_stats() -> int:
    """Recount, set-based, how many live approved supplier texts contain each lexeme; returns
    the number of texts. Readers see the old or the new figures, never a mix."""
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE matching_termstat IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM matching_termstat")
        cursor.execute(
            """
            INSERT INTO matching_termstat (lexeme, documents)
            SELECT word, ndoc FROM ts_stat($$SELECT search_vector FROM suppliers_supplierprofile
                                            WHERE is_live AND status = 'approved'
                                              AND search_vector IS NOT NULL$$)
            """
        )
        cursor.execute(
            """
            INSERT INTO matching_corpusstat (id, documents, average_length, refreshed_at)
            SELECT 1, count(*), coalesce(avg(length(search_vector)), 0), now()
            FROM suppliers_supplierprofile
            WHERE is_live AND status = 'approved' AND search_vector IS NOT NULL
            ON CONFLICT (id) DO UPDATE SET documents = EXCLUDED.documents,
                average_length = EXCLUDED.average_length, refreshed_at = EXCLUDED.refreshed_at
            RETURNING documents
            """
        )
        return cursor.fetchone()[0]


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "''").replace("\\", "") + "'"


def cpv_keys(prefixes) -> list[int]:
    """The integer keys of CPV prefixes, as the SQL function passerelle_cpv_keys computes them
    (suppliers.models.CpvKeys): prefix × 10 + its length, so that '35' and '035' differ."""
    return sorted({int(p) * 10 + len(p) for p in prefixes if p.isdigit() and 2 <= len(p) <= 8})


def lexeme_key(lexeme: str) -> int:
    """A lexeme's integer key, as passerelle_lexeme_keys computes it: the first 32 bits of its
    MD5, signed. Two lexemes may share a key: counting keys over-counts, never under-counts.
    PostgreSQL hashes the bytes of its own encoding: a tender's terms get their keys from it
    (TERMS_SQL), and this mirror (UTF-8) is for terms made by hand."""
    digest = hashlib.md5(lexeme.encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def _term_key(term: Term) -> int:
    return term.key if term.key is not None else lexeme_key(term.lexeme)


def _key_sets(ctx: TenderContext) -> dict:
    """The parameters of the bound on integer keys: the CPV prefix keys per level (%(k<n>)s),
    and the terms' keys by the bits of their weight (%(s<b>)s), each weight rounded *up* to a
    multiple of %(quantum)s: summing quantum × 2^b × (keys of set b held) over the bits then
    bounds the weight of the terms held from above, with TEXT_BITS array intersections
    instead of one test per term."""
    levels = {f"k{k}": cpv_keys({c[:k] for c in ctx.codes}) for k in CPV_LEVELS}
    weights: dict[int, float] = {}  # by key: two terms sharing a key count as one holding both
    for t in ctx.terms:
        key = _term_key(t)
        weights[key] = weights.get(key, 0.0) + t.weight
    heaviest = max(weights.values(), default=0.0)
    quantum = heaviest / (2**TEXT_BITS - 1) * (1 + 1e-9) if heaviest > 0 else 1.0
    units = [(key, math.ceil(weight / quantum)) for key, weight in weights.items()]
    bits = {f"s{b}": sorted(key for key, n in units if n >> b & 1) for b in range(TEXT_BITS)}
    return {**levels, **bits, "quantum": quantum}


def _cpv_case(column: str) -> str:
    """scoring.cpv_pair_value's level, best over the codes, on integer keys (COLUMN: cpv_keys or
    reference_cpv_keys): most suppliers share not even the division, so that is tested first
    (one test instead of five)."""
    *deeper, (broadest, broadest_value) = scoring.CPV_LEVEL_VALUES
    cases = " ".join(
        f"WHEN {column} && %(k{k})s::int4[] THEN {value}::float8" for k, value in deeper
    )
    return (
        f"(CASE WHEN {column} && %(k{broadest})s::int4[] "
        f"THEN (CASE {cases} ELSE {broadest_value}::float8 END) ELSE 0::float8 END)"
    )


def text_bound_sql(n_terms: int) -> str:
    """An upper bound of text_sql from the integer keys (see _key_sets): a few intersections
    per row instead of a test per term; the exact value is computed for the rows scored."""
    if not n_terms:
        return "0::float8"
    present = " + ".join(
        f"{2**b}::float8 * icount(p.lexeme_keys & %(s{b})s::int4[])" for b in range(TEXT_BITS)
    )
    return _text_relevance_sql(f"%(quantum)s::float8 * ({present})")


def _text_relevance_sql(present: str) -> str:
    length_factor = (
        f"(CASE WHEN %(avg_length)s <= 0 THEN 1.0 ELSE {scoring.TEXT_K1 + 1.0} / "
        f"(1.0 + {scoring.TEXT_K1} * (1.0 - {scoring.TEXT_B} + {scoring.TEXT_B} * "
        f"p.vector_length / %(avg_length)s)) END)"
        if scoring.TEXT_B
        else "1::float8"  # no length normalisation: the factor is 1 for every text
    )
    return (
        f"LEAST(1::float8, ({present}) / %(total_weight)s::float8 * {length_factor} "
        f"/ {scoring.TEXT_FULL}::float8)"
    )


def eligible_sql(req: scoring.Requirements, semi_join: bool = False) -> str:
    """scoring.check_constraints in SQL: true when every hard constraint passes. SEMI_JOIN: the
    mandatory certifications as the set of their holders, read through an index, rather than a
    count per supplier (for a filter: the planner may then start from a rare certification)."""
    valid = "({col} IS NULL OR %(deadline)s::date IS NULL OR {col} >= %(deadline)s::date)"
    parts = ["TRUE"]
    if req.min_clearance:
        parts.append(
            "(p.clearance_level >= %(min_clearance)s AND "
            + valid.format(col="p.clearance_expires_on")
            + ")"
        )
    if req.mandatory_certifications and semi_join:
        parts.append(
            "p.id IN (SELECT x.profile_id FROM suppliers_certification x "
            "WHERE x.type = ANY(%(mandatory)s::varchar[]) AND "
            + valid.format(col="x.expires_on")
            + " GROUP BY x.profile_id HAVING count(DISTINCT x.type) = %(n_mandatory)s)"
        )
    elif req.mandatory_certifications:
        # The types held (expiry aside, kept on the profile) first: the count below, one index
        # scan per candidate, then runs only for those holding every type; it was a third of
        # the window's time at 100,000 suppliers (same rows).
        parts.append(
            "p.certification_types @> %(mandatory)s::varchar[] AND "
            "(SELECT count(DISTINCT x.type) FROM suppliers_certification x "
            "WHERE x.profile_id = p.id AND x.type = ANY(%(mandatory)s::varchar[]) AND "
            + valid.format(col="x.expires_on")
            + ") = %(n_mandatory)s"
        )
    if req.sme_reserved:
        parts.append("p.size_category IN ('micro', 'pme')")
    if req.eu_controlled_required:
        parts.append("p.eu_controlled")
    if req.itar_free_required:
        parts.append("p.itar_free")
    if req.min_trl:
        parts.append("coalesce(p.trl, 0) >= %(min_trl)s")
    if req.allowed_regions:
        parts.append(
            "(p.region_id = ANY(%(allowed_regions)s::varchar[]) "
            "OR p.regions_served && %(allowed_regions)s::varchar[])"
        )
    return " AND ".join(parts)


# On the integer keys of matching_supplierindex (GIN, intarray): a CPV prefix key is exact; two
# lexemes may share a key (1 chance in ~80,000 per word at 50,000 distinct words), so a key
# overlap may let in a supplier that does not hold the word: a superset, scored exactly like
# every row (and dropped if it is not relevant at all, _score_group).
CANDIDATES_WHERE = """
  AND (p.cpv_keys && %(k3)s::int4[]
       OR p.reference_cpv_keys && %(k3)s::int4[]  -- PAST_PERFORMANCE_MIN_LEVEL
       OR (%(has_distinctive)s AND p.lexeme_keys && %(distinctive_keys)s::int4[])
       OR p.organization_id = ANY(%(interested)s::bigint[]))
"""

# Stage 2: every *relevant* supplier, i.e. with at least one non-zero relevance component
# (CPV from the division on, a word of the tender, past performance, interest). A supplier with
# none of them is not a match, whatever its region or size (is_relevant says the same).
RELEVANT_WHERE = """
  AND (p.cpv_keys && %(k2)s::int4[]
       OR p.reference_cpv_keys && %(k2)s::int4[]
       OR (%(has_query)s AND p.lexeme_keys && %(query_keys)s::int4[])
       OR p.organization_id = ANY(%(interested)s::bigint[]))
"""

# Stage 1½, when stage 1 is not proven: the candidates and the suppliers holding one of the
# tender's *essential* common words, those without which no outsider can reach the N-th best
# score stage 1 found (see essential_terms).
ESSENTIAL_WHERE = """
  AND (p.cpv_keys && %(k3)s::int4[]
       OR p.reference_cpv_keys && %(k3)s::int4[]
       OR (%(has_distinctive)s AND p.lexeme_keys && %(distinctive_keys)s::int4[])
       OR (%(has_essential)s AND p.lexeme_keys && %(essential_keys)s::int4[])
       OR (%(with_division)s AND (p.cpv_keys && %(k2)s::int4[]
                                  OR p.reference_cpv_keys && %(k2)s::int4[]))
       OR p.organization_id = ANY(%(interested)s::bigint[]))
"""

RELEVANCE = ("cpv", "text", "past_performance", "interest")


def is_relevant(scored: Scored) -> bool:
    return any(c.value > 0 for c in scored.components if c.name in RELEVANCE)


# Only constants of this module and SQL built by the functions above are formatted into the
# SQL (hence the file-wide S608 exemption); every value goes through query parameters.
# The window computes the bound for every supplier in scope but returns only (id, eligibility,
# bound, position): sorting and sending narrow rows is what makes 100,000 suppliers cheap, so
# the window can be wide (a second query is rarely needed). What Python needs to score a row is
# read by primary key (DETAILS_SQL), in batches, for the rows actually scored.
WINDOW_SQL = """
SELECT * FROM (
    SELECT r.*, row_number() OVER (PARTITION BY r.eligible_sql
                                   ORDER BY r.upper_bound DESC, r.id) AS position
    FROM (
        SELECT p.id, {eligible} AS eligible_sql, {bound} AS upper_bound
        FROM matching_supplierindex p  -- the live, approved profiles (narrow rows)
        WHERE TRUE {where}
    ) r
) numbered
WHERE position <= %(limit)s
ORDER BY eligible_sql DESC, upper_bound DESC, id
"""

DETAILS_SQL = """
SELECT p.id, p.organization_id, p.region_id, p.regions_served, p.size_category,
       p.is_startup, p.clearance_level, p.clearance_expires_on, p.eu_controlled,
       p.itar_free, p.trl, p.cpv_codes, p.departements,
       length(p.vector) AS doc_length,
       p.organization_id = ANY(%(interested)s::bigint[]) AS interested,
    (SELECT coalesce(json_agg(json_build_array(x.type, x.expires_on)), '[]')
       FROM suppliers_certification x WHERE x.profile_id = p.id) AS certifications,
    (SELECT coalesce(json_agg(json_build_array(f.cpv_code, f.year, f.client)), '[]')
       FROM suppliers_reference f WHERE f.profile_id = p.id) AS refs,
    ARRAY(SELECT t.lexeme FROM unnest(%(lexemes)s::text[], %(term_queries)s::tsquery[])
                                 AS t(lexeme, query)
          WHERE p.vector @@ t.query) AS matched_terms,
    ARRAY(SELECT x.i - 1 FROM unnest(%(phrases)s::tsquery[]) WITH ORDINALITY AS x(query, i)
          WHERE p.vector @@ x.query) AS matched_phrases
FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS c(id, n)
-- LATERAL: one primary-key lookup per row (a join would scan the whole table). The vector is
-- copied once per row for the ~50 tests below: testing the stored column each time read ~20
-- buffers per row and took 1.6 times as long at 100,000 suppliers (same rows returned).
CROSS JOIN LATERAL (SELECT q.*, q.search_vector || ''::tsvector AS vector
                    FROM suppliers_supplierprofile q WHERE q.id = c.id OFFSET 0) p
ORDER BY c.n
"""

# The score's upper bound (same scale as the weights), per supplier row `p`: CPV, region,
# département, size and interest exactly (as matching.scoring computes them), text from the
# integer keys (text_bound_sql: at most a 31st of the heaviest word's weight over), past performance
# bounded by scoring.past_performance_bound when a reference shares the CPV group, and the
# preferred certifications from the types held (certifications_bound_sql: expiry aside).
# Double precision throughout: numeric arithmetic (PostgreSQL's type for 1.0, and for the
# parameters), and exp() above all, cost a third of the query at 100,000 suppliers.
# Each component as a term of the sum, in this order; a term whose weight or value is zero for
# the tender (no region, no SME reservation, no interest...) is left out of the query
# (bound_parts): it would add exactly 0, yet cost ~1 µs per row to evaluate.
BOUND_PARTS = {
    "cpv": "%(w_cpv)s::float8 * GREATEST({own_cpv}, {ref_factor}::float8 * {ref_cpv})",
    "text": "%(w_text)s::float8 * {text}",
    "region": """%(w_region)s::float8 * (CASE WHEN p.region_id = %(region)s THEN 1::float8
                                 WHEN %(region)s = ANY(p.regions_served) THEN 0.6::float8
                                 ELSE 0::float8 END)""",
    "departement": """%(w_departement)s::float8 * (
        CASE WHEN %(departement)s = ANY(p.departements) THEN 1::float8 ELSE 0::float8 END)""",
    "size": """%(w_size)s::float8 * (CASE WHEN p.size_category IN ('micro', 'pme') AND p.is_startup
                                    THEN 1::float8
                               WHEN p.size_category IN ('micro', 'pme') THEN 0.9::float8
                               WHEN p.size_category = 'eti' THEN 0.3::float8 ELSE 0::float8 END)""",
    "interest": """%(w_interest)s::float8 * (
        CASE WHEN p.organization_id = ANY(%(interested)s::bigint[]) THEN 1::float8
             ELSE 0::float8 END)""",
    "past_performance": """%(w_past)s::float8 * (
      CASE WHEN p.reference_cpv_keys && %(k{past_level})s::int4[] THEN
        {experience}::float8
            * (1 - exp(-p.reference_count::float8 / {experience_saturation}::float8))
      + (CASE WHEN {buyer_match} THEN {buyer_share}::float8 * (1 - exp(
                -p.reference_count::float8 / {buyer_saturation}::float8)) ELSE 0::float8 END)
      ELSE 0::float8 END)""",
    "certifications": "%(w_cert)s::float8 * {certifications}",
}


def bound_parts(ctx: TenderContext) -> tuple[str, ...]:
    """The components that can add to this tender's bound (BOUND_PARTS, in order)."""
    weights = _applicable(ctx)
    if not ctx.interested:
        weights["interest"] = 0.0
    return tuple(name for name in BOUND_PARTS if weights[name] > 0)


# "The buyer's name is in one of the clients" (scoring.past_performance_component), on the
# clients joined by a separator no name contains: one call instead of a subquery per row.
BUYER_MATCH_SQL = (
    "((%(buyer)s <> '' AND strpos(array_to_string(p.reference_clients, chr(31)), %(buyer)s) > 0)"
    " OR (%(buyer_acronym)s <> '' AND "
    "strpos(array_to_string(p.reference_clients, chr(31)), %(buyer_acronym)s) > 0))"
)


def certifications_bound_sql(n_preferred: int) -> str:
    """scoring.certifications_component's value with the expiry dates aside (so never below
    it): the share of the tender's preferred certifications, as listed, among the types the
    supplier holds (one array test each; a tender prefers a few)."""
    if not n_preferred:
        return "0::float8"
    held = " + ".join(f"(%(pc{i})s = ANY(p.certification_types))::int" for i in range(n_preferred))
    return f"(({held})::float8 / {n_preferred}::float8)"


@functools.lru_cache(maxsize=256)
def window_sql(
    n_terms: int,
    eligible: str,
    candidates_only: bool,
    essential: bool,
    only: str = "",
    n_preferred: int = 0,
    parts: tuple[str, ...] = tuple(BOUND_PARTS),
) -> str:
    bound = "(" + "\n  + ".join(BOUND_PARTS[name] for name in parts) + ")" if parts else "0::float8"
    bound = bound.format(
        certifications=certifications_bound_sql(n_preferred),
        own_cpv=_cpv_case("p.cpv_keys"),
        ref_cpv=_cpv_case("p.reference_cpv_keys"),
        ref_factor=scoring.REFERENCE_CPV_FACTOR,
        text=text_bound_sql(n_terms),
        past_level=scoring.PAST_PERFORMANCE_MIN_LEVEL,
        experience=1.0 - scoring.SAME_BUYER_SHARE,
        experience_saturation=scoring.PAST_PERFORMANCE_SATURATION,
        buyer_match=BUYER_MATCH_SQL,
        buyer_share=scoring.SAME_BUYER_SHARE,
        buyer_saturation=scoring.SAME_BUYER_SATURATION,
    )
    return WINDOW_SQL.format(
        eligible=eligible,
        bound=bound,
        where=(
            (ESSENTIAL_WHERE if essential else CANDIDATES_WHERE)
            if candidates_only
            else RELEVANT_WHERE
        )
        + (f"  AND {only}\n" if only else ""),
    )


def _applicable(ctx: TenderContext) -> dict[str, float]:
    """The weights that apply to this tender: region, département, size and certifications only
    count when the tender has a region, a département, is reserved for SMEs or prefers
    certifications."""
    req, w = ctx.requirements, ctx.weights
    return {
        "cpv": w["cpv"],
        "text": w["text"] if ctx.terms else 0.0,
        "past_performance": w["past_performance"],
        "interest": w["interest"],
        "region": w["region"] if req.region else 0.0,
        "departement": w["departement"] if req.departement else 0.0,
        "size": w["size"] if req.sme_reserved else 0.0,
        "certifications": w["certifications"] if req.preferred_certifications else 0.0,
    }


def _params(ctx: TenderContext, essential: Essential | None = None) -> dict:
    req = ctx.requirements
    w = _applicable(ctx)
    distinctive = [t for t in ctx.terms if t.distinctive]
    return {
        **{f"t{i}": _quote(t.lexeme) for i, t in enumerate(ctx.terms)},
        **{f"m{i}": t.weight for i, t in enumerate(ctx.terms)},
        "total_weight": ctx.total_term_weight or 1.0,
        "avg_length": ctx.average_length,
        "distinctive_keys": sorted({_term_key(t) for t in ctx.terms if t.distinctive}),
        "query_keys": sorted({_term_key(t) for t in ctx.terms}),
        "essential_keys": sorted(
            {_term_key(t) for t in ctx.terms if essential and t.lexeme in essential.lexemes}
        ),
        "has_essential": bool(essential and essential.lexemes),
        "with_division": bool(essential and essential.with_division),
        "has_query": bool(ctx.terms),
        "has_distinctive": bool(distinctive),
        "interested": ctx.interested,
        "lexemes": [t.lexeme for t in ctx.terms],
        "region": req.region,
        "departement": req.departement,
        # The acronym anywhere in a client: a bound of scoring.is_for_buyer (a whole word).
        "buyer": scoring.buyer_names(req.buyer_name)[0],
        "buyer_acronym": scoring.buyer_names(req.buyer_name)[1],
        "deadline": req.deadline,
        "min_clearance": req.min_clearance,
        "mandatory": list(req.mandatory_certifications),
        "n_mandatory": len(set(req.mandatory_certifications)),
        "min_trl": req.min_trl or 0,
        "allowed_regions": list(req.allowed_regions),
        "w_cpv": w["cpv"],
        "w_text": w["text"],
        "w_region": w["region"],
        "w_departement": w["departement"],
        "w_size": w["size"],
        "w_interest": w["interest"],
        "w_past": w["past_performance"],
        "w_cert": w["certifications"],
        **{f"pc{i}": kind for i, kind in enumerate(req.preferred_certifications)},
    }


def window(
    ctx: TenderContext,
    limit: int,
    candidates_only: bool = True,
    essential: Essential | None = None,
    eligible_only: bool = False,
) -> list[dict]:
    """The LIMIT best eligible and the LIMIT best excluded suppliers by upper bound (eligible
    first), as narrow rows (id, eligible_sql, upper_bound, position). CANDIDATES_ONLY: stage 1
    (see module doc), widened by ESSENTIAL (stage 1½) when given. ELIGIBLE_ONLY: the eligible
    ones only, the hard constraints filtering the rows before their bound is computed."""
    req = ctx.requirements
    only = eligible_sql(req, semi_join=True) if eligible_only else ""
    sql = window_sql(
        len(ctx.terms),
        eligible_sql(req),
        candidates_only,
        essential is not None,
        only,
        len(req.preferred_certifications),
        bound_parts(ctx),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**_params(ctx, essential), **_key_sets(ctx), "limit": limit})
        names = [col.name for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def details(ctx: TenderContext, ids: list[int]) -> dict[int, dict]:
    """What score_row needs of these suppliers, by id (read by primary key)."""
    if not ids:
        return {}
    with connection.cursor() as cursor:
        params = {
            **_params(ctx),
            "ids": list(ids),
            "term_queries": [_quote(t.lexeme) for t in ctx.terms],
            "phrases": [ph.tsquery for ph in ctx.phrases],
        }
        cursor.execute(DETAILS_SQL, params)
        names = [col.name for col in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def retrieve(ctx: TenderContext, limit: int, **options) -> list[dict]:
    """window() (same OPTIONS) with the details of every row: ready for score_row."""
    rows = window(ctx, limit, **options)
    found = details(ctx, [r["id"] for r in rows])
    return [{**found[r["id"]], **r} for r in rows if r["id"] in found]


def outsider_bound(
    ctx: TenderContext, words: list[Term] | None = None, division: bool = True
) -> float:
    """The highest score (0-100) a supplier outside the stage-1 candidates can reach: no CPV
    group in common (a division at most, own or through references: hence no past performance
    either), no distinctive word and no expressed interest; everything else at its maximum.
    With WORDS, when the only words of the tender it may hold are these (common ones); with
    DIVISION false, when it does not share the CPV division either."""
    w = _applicable(ctx)
    total = sum(w.values())
    if not total:
        return 0.0
    if words is None:
        words = [t for t in ctx.terms if not t.distinctive]
    common = sum(t.weight for t in words)
    text = 0.0
    if common:
        max_factor = (scoring.TEXT_K1 + 1.0) / (1.0 + scoring.TEXT_K1 * (1.0 - scoring.TEXT_B))
        text = min(1.0, common / (ctx.total_term_weight or 1.0) * max_factor / scoring.TEXT_FULL)
    cpv_division = dict(scoring.CPV_LEVEL_VALUES)[2] if division else 0.0
    bound = (
        w["cpv"] * cpv_division
        + w["text"] * text
        + w["region"]
        + w["departement"]
        + w["size"]
        + w["certifications"]
    )
    return 100.0 * bound / total


@dataclass(frozen=True)
class Essential:
    """What an outsider needs to reach a score: one of LEXEMES, or (WITH_DIVISION) the CPV
    division in common."""

    lexemes: tuple[str, ...]
    with_division: bool


def essential_terms(ctx: TenderContext, threshold: float) -> Essential | None:
    """What an outsider must hold to score THRESHOLD or more (MaxScore): one of the common
    words left once the lightest are set aside, as long as an outsider holding all of those
    stays strictly below THRESHOLD. If sharing the CPV division with no word at all could be
    enough, the suppliers sharing it are read too, and the words are chosen for those that do
    not. None when even an outsider with neither could reach it (every relevant supplier is
    read then)."""
    common = sorted((t for t in ctx.terms if not t.distinctive), key=lambda t: (t.weight, t.lexeme))
    with_division = _reachable(outsider_bound(ctx, [])) >= threshold - 1e-9
    if _reachable(outsider_bound(ctx, [], division=not with_division)) >= threshold - 1e-9:
        return None
    light = 0
    while light < len(common) and (
        _reachable(outsider_bound(ctx, common[: light + 1], division=not with_division))
        < threshold - 1e-9
    ):
        light += 1
    return Essential(tuple(t.lexeme for t in common[light:]), with_division)


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
        departements=row["departements"],
        cpv_codes=row["cpv_codes"],
        references=[tuple(r) for r in row["refs"]],
        interested=row["interested"],
    )
    held = {
        kind
        for kind, expires in certifications
        if expires is None or req.deadline is None or expires >= req.deadline
    }
    derived = ctx.derived
    labels, words = derived.labels, derived.words
    components = [
        scoring.cpv_component(
            req.cpv_codes, facts.cpv_codes, [r[0] for r in facts.references if r[0]], w["cpv"]
        ),
        scoring.text_component(
            ctx.text_value(row["matched_terms"], row["matched_phrases"], row["doc_length"] or 0),
            [words.get(term, term) for term in row["matched_terms"]],
            w["text"],
            [ctx.phrases[i].words for i in row["matched_phrases"]],
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
        scoring.departement_component(
            req.departement, facts.departements, w["departement"], ctx.departement_name
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
    """(eligible top N in rank order, best excluded up to N). The eligible top N is exact (see
    the module doc); the excluded are the best among the stage-1 candidates (the suppliers
    closest to the tender: what they lack is what a supplier wants to know)."""
    eligible, excluded = _rank_stage(ctx, top_n, first_limit, True)
    # Stage 1 is the answer when no outsider can reach its N-th best, not even tie it (a tie
    # goes to the lower supplier id).
    if (
        len(eligible) >= top_n
        and eligible[top_n - 1].score > _reachable(outsider_bound(ctx)) + 1e-9
    ):
        return eligible, excluded
    # Otherwise its N-th best is still a floor for the final one: only the outsiders holding
    # an essential word (or the CPV division) can reach it (stage 1½); failing that, every
    # relevant supplier (stage 2). Eligible ones only: with a rare mandatory certification,
    # few suppliers are eligible, and the constraints then bound the rows read.
    essential = essential_terms(ctx, eligible[top_n - 1].score) if len(eligible) >= top_n else None
    if essential:
        eligible, _none = _rank_stage(ctx, top_n, first_limit, True, essential, eligible_only=True)
    else:
        eligible, _none = _rank_stage(ctx, top_n, first_limit, False, eligible_only=True)
    return eligible, excluded


def _rank_stage(ctx, top_n, first_limit, candidates_only, essential=None, eligible_only=False):
    """Exact top N (eligible, and excluded unless ELIGIBLE_ONLY) within one stage's
    suppliers."""
    # Generous at first: computing the window costs the same for 100 or 1,000 narrow rows, and
    # rows are read and scored only as long as they can still enter the top N (_score_group).
    limit = first_limit or max(WINDOW_PER_TOP_N * top_n, MIN_WINDOW)
    weight_sum = sum(_applicable(ctx).values())
    first_batch = max(2 * top_n, MIN_DETAILS_BATCH)
    loaded: dict[int, dict | None] = {}  # kept when the window widens: the rows read stay
    while True:
        rows = window(ctx, limit + 1, candidates_only, essential, eligible_only)
        groups: dict[bool, list[dict]] = {True: [], False: []}
        for row in rows:  # in bound order within each group
            groups[bool(row["eligible_sql"])].append(row)
        # The first batch of both groups in one read: most tenders need no other.
        first = [r["id"] for g in groups.values() for r in g[:first_batch]]
        _load(ctx, loaded, [pk for pk in first if pk not in loaded])
        eligible, eligible_done = _score_group(
            ctx, groups[True], True, top_n, limit, weight_sum, loaded
        )
        excluded, excluded_done = _score_group(
            ctx, groups[False], False, top_n, limit, weight_sum, loaded
        )
        if eligible_done and excluded_done:
            return eligible, excluded
        limit *= 4


def _score_group(
    ctx, rows, eligible, top_n, limit, weight_sum, loaded=None
) -> tuple[list[Scored], bool]:
    """Score ROWS (one eligibility group, best bound first) until none left can enter the top
    N: (top N in rank order, whether that is proven). Their details are read as far as scoring
    goes (LOADED: those read already): once N rows are scored, only the rows whose bound can
    still reach the N-th best score so far (it never goes down); before, in doubling
    batches."""
    best: list[tuple[float, int]] = []  # min-heap of (score, -supplier id): the top N so far
    kept: list[Scored] = []
    loaded = {} if loaded is None else loaded
    batch = max(2 * top_n, MIN_DETAILS_BATCH)

    def bound(row) -> float:
        return _reachable(100.0 * float(row["upper_bound"]) / weight_sum if weight_sum else 0.0)

    for i, row in enumerate(rows):
        if len(best) >= top_n and best[0][0] > bound(row) + 1e-9:
            # This row and all after it cannot do better, not even tie (a tie goes to the
            # lower supplier id, which the bound order does not follow).
            return _top(kept, top_n), True
        if row["position"] > limit:
            return _top(kept, top_n), False  # the window ends before the answer is proven
        if row["id"] not in loaded:
            end = i + batch
            if len(best) >= top_n:
                end = next(
                    (j for j in range(i + 1, len(rows)) if best[0][0] > bound(rows[j]) + 1e-9),
                    len(rows),
                )
            else:
                batch *= 2
            _load(ctx, loaded, [r["id"] for r in rows[i:end] if r["id"] not in loaded])
        found = loaded.get(row["id"])
        if found is None:  # deleted since the window was read
            continue
        scored = score_row(ctx, {**found, **row})
        if scored.eligible != eligible:  # SQL and Python disagree (tests say they do not)
            continue
        if not is_relevant(scored):  # let in by a key two lexemes share (CANDIDATES_WHERE)
            continue
        kept.append(scored)
        heapq.heappush(best, (scored.score, -scored.supplier_id))
        if len(best) > top_n:
            heapq.heappop(best)
    return _top(kept, top_n), True  # the group was read to its end


def _load(ctx, loaded: dict[int, dict | None], ids: list[int]) -> None:
    """Read the details of IDS into LOADED; None for a supplier deleted since the window."""
    found = details(ctx, ids)
    loaded.update({pk: found.get(pk) for pk in ids})


def _reachable(bound: float) -> float:
    """The best score a supplier whose exact score is at most BOUND can show: scores are rounded
    to 2 decimals (scoring.total_score), so 65.026 can show as 65.03 and tie 65.03 (rounding
    never goes down with its argument; 1e-7 absorbs SQL's float noise)."""
    return round(bound + 1e-7, 2)


def _top(scored: list[Scored], top_n: int) -> list[Scored]:
    return sorted(scored, key=_order)[:top_n]


def _order(s: Scored):
    return (-s.score, s.supplier_id)

"""The matching maths: hard constraints and score components, in plain Python (no ORM).

Every function takes plain values and returns a value with its explanation, so that the engine
(retrieval in SQL, then bulk scoring) and the tests use exactly the same rules. A component is
in [0, 1]; the score is the weighted mean of the components, scaled to 0–100."""

from __future__ import annotations

import datetime
import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import formats, translation
from django.utils.translation import gettext, gettext_noop, ngettext

ENGINE_VERSION = "5"  # 5: accented French stop words, buyers' acronyms; 4: hyphenated words

DEFAULT_WEIGHTS = {
    "cpv": 35.0,
    "text": 40.0,  # DECP eval: the objects' words rank winners best
    "past_performance": 35.0,  # DECP eval: now also carries the buyer relationship (below)
    "certifications": 8.0,
    "region": 15.0,  # DECP eval: 44 % of winners work in the tender's region; 8 under-used it
    # Added to the region when the tender names its département: see departement_component.
    "departement": 10.0,
    "size": 5.0,
    "interest": 4.0,
}

# CPV proximity by the number of leading digits two codes share (division 2 … exact 8).
# Flatter than 1.0/0.8/0.6/0.4/0.2: buyers code the same work at any depth (DECP evaluation).
CPV_LEVEL_VALUES = [(8, 1.0), (5, 0.9), (4, 0.8), (3, 0.6), (2, 0.4)]
CPV_LEVEL_NAMES = {
    8: gettext_noop("same code"),
    5: gettext_noop("same category"),
    4: gettext_noop("same class"),
    3: gettext_noop("same group"),
    2: gettext_noop("same division"),
}
SIZE_NAMES = {  # the same message ids as suppliers.models.SizeCategory
    "micro": gettext_noop("Micro-enterprise"),
    "pme": gettext_noop("SME (PME)"),
    "eti": gettext_noop("Mid-cap (ETI)"),
    "ge": gettext_noop("Large enterprise"),
}
REFERENCE_CPV_FACTOR = 0.8  # a code only seen in past contracts counts a little less
RECENT_YEARS = 5  # references older than this weigh OLD_REFERENCE_FACTOR as much
OLD_REFERENCE_FACTOR = 0.5
# Past performance is two signals, each saturating on its own, mixed half and half:
# - experience in the tender's CPV area: the sum of the references' CPV proximity, reaching ~63 %
#   at 10 close references, so that 40 similar past contracts still rank above 2 (was 1.5: every
#   supplier with three references saturated, which made the component nearly redundant with the
#   CPV one — DECP eval, no past performance at all: hit@10 −0.002);
# - a relationship with this buyer: one past contract for it in the CPV area gives ~86 % (DECP
#   eval: 11 % of winners had one, against 0.2 % of the candidates; as a ×2 bonus inside the
#   saturated sum it was drowned).
# A reference counts from the same CPV group on (was the division: 0.4). A division mixes
# unrelated trades (45: every building works), and the group keeps the candidates the engine
# must read through indexes small (matching.engine: a supplier with no CPV group in common
# then has no past performance at all).
PAST_PERFORMANCE_MIN_LEVEL = 3
PAST_PERFORMANCE_MIN_PROXIMITY = dict(CPV_LEVEL_VALUES)[PAST_PERFORMANCE_MIN_LEVEL]
PAST_PERFORMANCE_SATURATION = 10.0
SAME_BUYER_SATURATION = 0.5
SAME_BUYER_SHARE = 0.5
# Text relevance is BM25 with binary term frequency: each of the tender's words that the
# supplier's text contains adds its rarity (idf, over the live supplier texts) times the word's
# weight in the tender (its count, the title counting twice, capped); the sum is normalised by
# the tender's total (and, with TEXT_B > 0, by the text's length), then scaled so that TEXT_FULL
# of the tender's weight gives the full component.
# Was ts_rank_cd: it has no notion of rarity ("prestations", "travaux" weighed like "drones"),
# no length normalisation, and ranking every candidate with it cost seconds at 100,000.
TEXT_K1 = 1.2
# No length normalisation (BM25's b = 0): on the DECP evaluation, b = 0.75 cost hit@10 0.49 →
# 0.42 and MRR 0.27 → 0.21. A long text there is a long track record, and buyers award to
# proven suppliers; a text stuffed with keywords gains nothing from it (binary frequency, IDF).
TEXT_B = 0.0
TEXT_FULL = 0.6  # DECP evaluation: 0.4 → hit@10 0.479, 0.6 → 0.491, 0.8 → 0.464
TERM_WEIGHT_CAP = 3
# Word order: a share of the text relevance goes to the tender's word pairs (matching.engine.
# Phrase: "véhicule blindé", "maintien en condition") that the text holds too, so that a text
# holding "véhicules blindés" ranks above one holding "véhicules" and, elsewhere, "blindés".
# It can only lower the relevance (the words' share caps the pairs'), so the bounds on words
# alone stay bounds. DECP evaluation (hit@10 / MRR): 2019 split 0.496 / 0.284 → 0.510 / 0.284,
# second half of 2018 0.620 / 0.366 → 0.625 / 0.368; a share of 0.3: 0.502 / 0.284, 0.620 / 0.371.
PHRASE_SHARE = 0.2


@dataclass(frozen=True)
class Msg:
    """An explanation kept as its English message id and parameters, so that it is stored once
    and shown in each reader's language (string parameters are translated too)."""

    message: str
    params: dict = field(default_factory=dict)
    plural: str = ""  # the message's plural form, chosen by params["n"] ("1 contract", "2 …s")

    def __str__(self) -> str:
        return render(self.message, self.params, self.plural)

    def as_dict(self) -> dict:
        text = _english(self.message, tuple(sorted(self.params.items())), self.plural)
        data = {"message": self.message, "params": self.params, "explanation": text}
        return {**data, "plural": self.plural} if self.plural else data


@functools.lru_cache(maxsize=8192)
def _english(message: str, params: tuple, plural: str = "") -> str:
    """The stored English text of an explanation: a rebuild stores a hundred of them, most
    repeated, and switching the language for each one cost more than scoring."""
    with translation.override("en"):
        return render(message, dict(params), plural)


_ISO_DAY_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _param(value):
    """A parameter in the reader's language: a day (stored ISO) as the language writes it
    ("31 mars 2027", "March 31, 2027"), a string through the catalogue."""
    if not isinstance(value, str):
        return value
    if _ISO_DAY_RE.match(value):
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return gettext(value)


def render(message: str, params: dict, plural: str = "") -> str:
    """MESSAGE in the reader's language, with PARAMS; with PLURAL, the form params["n"] calls
    for in that language (French says "1 référence", "0 référence")."""
    translated = {k: _param(v) for k, v in params.items()}
    text = ngettext(message, plural, params.get("n", 1)) if plural else gettext(message)
    return text % translated if params else text


@dataclass(frozen=True)
class Component:
    name: str
    value: float
    weight: float
    explanation: Msg

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "value": round(self.value, 4),
            "weight": self.weight,
            **self.explanation.as_dict(),
        }


@dataclass(frozen=True)
class Constraint:
    name: str
    passed: bool
    reason: Msg

    def as_dict(self) -> dict:
        data = self.reason.as_dict()
        return {
            "name": self.name,
            "passed": self.passed,
            "message": data["message"],
            "params": data["params"],
            "reason": data["explanation"],
            **({"plural": data["plural"]} if "plural" in data else {}),
        }


@dataclass
class Requirements:
    """What a tender demands (hard constraints) and prefers."""

    deadline: datetime.date | None = None
    min_clearance: int = 0
    mandatory_certifications: Sequence[str] = ()
    preferred_certifications: Sequence[str] = ()
    sme_reserved: bool = False
    eu_controlled_required: bool = False
    itar_free_required: bool = False
    min_trl: int | None = None
    region: str = ""
    departement: str = ""  # place of performance, when the tender names it
    buyer_name: str = ""
    cpv_codes: Sequence[str] = ()
    # Region codes a following buyer demands: the supplier is based in or serves one of them.
    allowed_regions: Sequence[str] = ()


@dataclass
class SupplierFacts:
    clearance_level: int = 0
    clearance_expires_on: datetime.date | None = None
    certifications: Sequence[tuple[str, datetime.date | None]] = ()  # (type, expires_on)
    size_category: str = ""
    is_startup: bool = False
    eu_controlled: bool = False
    itar_free: bool = False
    trl: int | None = None
    region: str = ""
    regions_served: Sequence[str] = ()
    departements: Sequence[str] = ()  # head office and past contracts' places of performance
    cpv_codes: Sequence[str] = ()
    references: Sequence[tuple[str, int, str]] = ()  # (cpv code, year, client)
    interested: bool = False
    extra: dict = field(default_factory=dict)


# --- Hard constraints -----------------------------------------------------------------------


def _valid_on(expires_on: datetime.date | None, day: datetime.date | None) -> bool:
    return expires_on is None or day is None or expires_on >= day


def check_constraints(
    req: Requirements, sup: SupplierFacts, labels: dict[str, str] | None = None
) -> list[Constraint]:
    """Every hard constraint of the tender, passed or not, each with its reason."""
    labels = labels or {}
    day = req.deadline
    day_text = day.isoformat() if day else ""
    out = []
    if req.min_clearance:
        level = sup.clearance_level if _valid_on(sup.clearance_expires_on, day) else 0
        out.append(
            Constraint(
                "clearance",
                level >= req.min_clearance,
                Msg(
                    gettext_noop("requires clearance level %(level)s valid on %(day)s"),
                    {
                        "level": labels.get(f"clearance:{req.min_clearance}", req.min_clearance),
                        "day": day_text or "—",
                    },
                ),
            )
        )
    held = {kind for kind, expires in sup.certifications if _valid_on(expires, day)}
    for kind in req.mandatory_certifications:
        out.append(
            Constraint(
                f"certification:{kind}",
                kind in held,
                Msg(
                    gettext_noop("requires %(cert)s valid on %(day)s"),
                    {"cert": labels.get(f"cert:{kind}", kind), "day": day_text or "—"},
                ),
            )
        )
    if req.sme_reserved:
        out.append(
            Constraint(
                "sme",
                sup.size_category in ("micro", "pme"),
                Msg(gettext_noop("reserved for SMEs (micro-enterprises and PME)")),
            )
        )
    if req.eu_controlled_required:
        out.append(
            Constraint(
                "eu_controlled",
                sup.eu_controlled,
                Msg(gettext_noop("requires ownership controlled from the EU")),
            )
        )
    if req.itar_free_required:
        out.append(
            Constraint("itar_free", sup.itar_free, Msg(gettext_noop("requires an ITAR-free offer")))
        )
    if req.min_trl:
        out.append(
            Constraint(
                "trl",
                (sup.trl or 0) >= req.min_trl,
                Msg(gettext_noop("requires TRL %(trl)d or more"), {"trl": req.min_trl}),
            )
        )
    if req.allowed_regions:
        allowed = set(req.allowed_regions)
        out.append(
            Constraint(
                "regions",
                sup.region in allowed or bool(allowed.intersection(sup.regions_served)),
                Msg(
                    gettext_noop("requires a base in or service to %(regions)s"),
                    {
                        "regions": ", ".join(
                            labels.get(f"region:{code}", code) for code in req.allowed_regions
                        )
                    },
                ),
            )
        )
    return out


# --- Components -------------------------------------------------------------------------------


def shared_digits(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _significant(code: str) -> str:
    return code.rstrip("0").ljust(2, "0")


@functools.lru_cache(maxsize=65536)  # pure, and called for every pair of every scored row
def cpv_pair_value(tender_code: str, supplier_code: str) -> tuple[float, int]:
    """Proximity of two 8-digit codes along the hierarchy, and the level reached. A supplier
    code that is an ancestor of the tender's (e.g. the division 35000000) counts at the level
    of its own significant digits."""
    common = shared_digits(tender_code, supplier_code)
    if tender_code == supplier_code:
        return 1.0, 8
    # An ancestor code covers everything under it, down to its own depth.
    depth = len(_significant(supplier_code))
    if tender_code.startswith(_significant(supplier_code)):
        common = max(common, depth)
    for level, value in CPV_LEVEL_VALUES:
        if common >= level:
            return value, level
    return 0.0, 0


def cpv_component(
    tender_codes: Iterable[str],
    supplier_codes: Iterable[str],
    reference_codes: Iterable[str],
    weight: float,
    labels: dict[str, str] | None = None,
) -> Component:
    labels = labels or {}
    best = (0.0, 0, "", "")
    for t in tender_codes:
        for s, factor in [(c, 1.0) for c in supplier_codes] + [
            (c, REFERENCE_CPV_FACTOR) for c in reference_codes
        ]:
            value, level = cpv_pair_value(t, s)
            if value * factor > best[0]:
                best = (value * factor, level, t, s)
    value, level, t, s = best
    if not value:
        return Component(
            "cpv", 0.0, weight, Msg(gettext_noop("no CPV code in common with the tender"))
        )
    return Component(
        "cpv",
        value,
        weight,
        Msg(
            gettext_noop("CPV %(s)s: %(level)s as the tender's %(t)s"),
            {"s": s, "level": CPV_LEVEL_NAMES[level], "t": t},
        ),
    )


def idf(documents_with_term: int, documents: int) -> float:
    """BM25's inverse document frequency, never negative. Unknown words (not yet counted)
    are as rare as can be; with no statistics at all every word weighs the same."""
    df = min(max(documents_with_term, 0), documents)
    return math.log(1.0 + (documents - df + 0.5) / (df + 0.5))


def text_length_factor(length: int, average_length: float) -> float:
    """BM25's length normalisation for a term seen once: 1 at the average length."""
    if average_length <= 0:
        return 1.0
    return (TEXT_K1 + 1.0) / (1.0 + TEXT_K1 * (1.0 - TEXT_B + TEXT_B * length / average_length))


def text_relevance(
    present_weight: float,
    total_weight: float,
    length: int,
    average_length: float,
    phrase_weight: float = 0.0,
    total_phrase_weight: float = 0.0,
) -> float:
    """PRESENT_WEIGHT: the summed idf × tender weight of the tender's words that the supplier's
    text contains (out of TOTAL_WEIGHT); LENGTH: its number of distinct words; PHRASE_WEIGHT:
    the weight of the tender's word pairs it holds (out of TOTAL_PHRASE_WEIGHT; a tender with
    no pair gives nothing for them). In [0, 1]. The engine bounds it in SQL from the words
    alone (matching.engine.text_bound_sql)."""
    if total_weight <= 0 or present_weight <= 0:
        return 0.0
    share = present_weight / total_weight
    phrases = phrase_weight / total_phrase_weight if total_phrase_weight > 0 else 0.0
    share = (1.0 - PHRASE_SHARE) * share + PHRASE_SHARE * min(share, phrases)
    return min(1.0, share * text_length_factor(length, average_length) / TEXT_FULL)


@functools.lru_cache(maxsize=4096)  # called for every row scored, on a tender's few words
def _words(text: str) -> frozenset[str]:
    """The words of an explanation's phrase or word, hyphenated ones as their parts."""
    return frozenset(word for word in re.split(r"[\s\-]+", text.lower()) if word)


@functools.lru_cache(maxsize=4096)  # the rows of a tender hold the same few phrase sets
def _shown_phrases(matched_phrases: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str]]:
    """The phrases an explanation names (at most five, in order) and their words: a phrase
    within another one shown says nothing more ("pare balles" after "gilets pare-balles")."""
    phrases: list[tuple[str, frozenset[str]]] = []
    for phrase in matched_phrases:
        words = _words(phrase)
        if any(words <= other for _shown, other in phrases):
            continue
        phrases = [(shown, other) for shown, other in phrases if not other <= words]
        phrases.append((phrase, words))
        if len(phrases) == 5:
            break
    return (
        tuple(phrase for phrase, _ in phrases),
        frozenset(word for _phrase, words in phrases for word in words),
    )


def text_component(
    value: float, matched_terms: Sequence[str], weight: float, matched_phrases: Sequence[str] = ()
) -> Component:
    """VALUE is text_relevance of the supplier's text against the tender's words and phrases;
    the explanation names the phrases first, then the words (five in all)."""
    value = min(max(value, 0.0), 1.0)
    if value < 0.01:
        return Component(
            "text", 0.0, weight, Msg(gettext_noop("capability statement does not echo the tender"))
        )
    shown, in_phrases = _shown_phrases(tuple(matched_phrases))
    shown = list(shown)
    if in_phrases:  # a word of a phrase shown says nothing more
        matched_terms = [term for term in matched_terms if not _words(term) <= in_phrases]
    shown += matched_terms[: 5 - len(shown)]
    terms = ", ".join(shown)
    if matched_phrases:
        message = gettext_noop(
            "capability statement matches the tender's words and phrases (%(terms)s)"
        )
    elif terms:
        message = gettext_noop("capability statement matches the tender's words (%(terms)s)")
    else:
        return Component(
            "text",
            value,
            weight,
            Msg(gettext_noop("capability statement matches the tender's words")),
        )
    return Component("text", value, weight, Msg(message, {"terms": terms}))


# "Direction générale de l'armement (DGA)": a buyer named with its acronym in brackets, as
# French public bodies write it. References name their client either way ("Direction générale
# de l'armement", "DGA", "DGA Techniques terrestres"): both forms count as this buyer. The
# acronym has at least 3 characters, 2 of them capitals, so that "(LE)" or "(00100)" is none.
_ACRONYM_RE = re.compile(r"^(?P<name>.*?)\s*\((?P<acronym>[^\W\d_][\w.-]{2,11})\)\s*$")


def buyer_names(buyer_name: str) -> tuple[str, str]:
    """(the buyer's name without its bracketed acronym, the acronym or ""), lower-cased as the
    references' clients are compared (suppliers.services.reference_clients)."""
    name = buyer_name.strip()
    found = _ACRONYM_RE.match(name)
    if not found or sum(ch.isupper() for ch in found["acronym"]) < 2:
        return name.lower(), ""
    # A name too short to stand alone ("Société (SOLIDEO)") stays whole, acronym included.
    short = found["name"] if len(found["name"]) >= 8 else name
    return short.lower(), found["acronym"].lower()


def is_for_buyer(client: str, names: tuple[str, str]) -> bool:
    """CLIENT (a reference's) names the buyer NAMES (buyer_names): it contains its name, or its
    acronym as a word."""
    name, acronym = names
    client = (client or "").lower()
    if name and name in client:
        return True
    return bool(acronym) and re.search(rf"(?<!\w){re.escape(acronym)}(?!\w)", client) is not None


def past_performance_component(
    tender_codes: Sequence[str], references, buyer_name: str, current_year: int, weight: float
) -> Component:
    """References in the tender's CPV area (see PAST_PERFORMANCE_SATURATION and what follows):
    experience, growing with their number and CPV proximity, and the relationship with this
    buyer; old references weigh less."""
    experience, with_buyer, relevant = 0.0, 0.0, 0
    buyer = buyer_names(buyer_name)
    for code, year, client in references:
        proximity = max((cpv_pair_value(t, code)[0] for t in tender_codes if code), default=0.0)
        if proximity < PAST_PERFORMANCE_MIN_PROXIMITY:
            continue
        recency = 1.0 if current_year - (year or 0) <= RECENT_YEARS else OLD_REFERENCE_FACTOR
        experience += proximity * recency
        if is_for_buyer(client, buyer):
            with_buyer += recency
        relevant += 1
    if not relevant:
        return Component(
            "past_performance",
            0.0,
            weight,
            Msg(gettext_noop("no past contract in the tender's CPV area")),
        )
    value = (1.0 - SAME_BUYER_SHARE) * (
        1.0 - math.exp(-experience / PAST_PERFORMANCE_SATURATION)
    ) + SAME_BUYER_SHARE * (1.0 - math.exp(-with_buyer / SAME_BUYER_SATURATION))
    text = Msg(
        gettext_noop("%(n)d past contract in the tender's CPV area"),
        {"n": relevant},
        gettext_noop("%(n)d past contracts in the tender's CPV area"),
    )
    if with_buyer:
        text = Msg(
            gettext_noop("%(n)d past contract in the tender's CPV area, for this buyer"),
            {"n": relevant},
            gettext_noop("%(n)d past contracts in the tender's CPV area, including for this buyer"),
        )
    return Component("past_performance", value, weight, text)


def past_performance_bound(reference_count: int, buyer_in_clients: bool) -> float:
    """The most past_performance_component can give a supplier with REFERENCE_COUNT references
    (each at most proximity 1, recent), BUYER_IN_CLIENTS telling whether one of them can be for
    this buyer. The engine computes the same expression in SQL."""
    n = max(reference_count, 0)
    value = (1.0 - SAME_BUYER_SHARE) * (1.0 - math.exp(-n / PAST_PERFORMANCE_SATURATION))
    if buyer_in_clients:
        value += SAME_BUYER_SHARE * (1.0 - math.exp(-n / SAME_BUYER_SATURATION))
    return value


def certifications_component(
    preferred: Sequence[str], held: set[str], weight: float, labels: dict[str, str] | None = None
) -> Component:
    labels = labels or {}
    if not preferred:
        return Component(
            "certifications", 0.0, 0.0, Msg(gettext_noop("no preferred certification"))
        )
    covered = [c for c in preferred if c in held]
    value = len(covered) / len(preferred)
    names = ", ".join(labels.get(c, c) for c in covered) or "—"
    return Component(
        "certifications",
        value,
        weight,
        Msg(
            gettext_noop("holds %(n)d of %(total)d preferred certifications (%(names)s)"),
            {"n": len(covered), "total": len(preferred), "names": names},
        ),
    )


def region_component(
    tender_region: str,
    supplier_region: str,
    served: Sequence[str],
    weight: float,
    region_name: str = "",
) -> Component:
    if not tender_region:
        return Component("region", 0.0, 0.0, Msg(gettext_noop("no place of performance given")))
    name = region_name or tender_region
    if supplier_region == tender_region:
        return Component(
            "region", 1.0, weight, Msg(gettext_noop("head office in %(r)s"), {"r": name})
        )
    if tender_region in served:
        return Component("region", 0.6, weight, Msg(gettext_noop("serves %(r)s"), {"r": name}))
    return Component(
        "region", 0.0, weight, Msg(gettext_noop("neither based in nor serving %(r)s"), {"r": name})
    )


def departement_component(
    tender_departement: str, departements: Sequence[str], weight: float, name: str = ""
) -> Component:
    """A local track record: the supplier's head office or one of its past contracts is in the
    tender's département. On top of the region (a region is large: 12 départements on average).
    DECP evaluation (weight 10): 37 % of the winners had worked in the tender's département,
    against 3 % of the candidates; MRR 0.267 → 0.284 on the 2019 tenders and 0.363 → 0.366 on
    those of the second half of 2018 (history before July 2018); weight 15 and 20 did better on
    one and worse on the other."""
    if not tender_departement:
        return Component(
            "departement", 0.0, 0.0, Msg(gettext_noop("no département of performance given"))
        )
    label = name or tender_departement
    if tender_departement in departements:
        return Component(
            "departement",
            1.0,
            weight,
            Msg(gettext_noop("based in or has worked in %(d)s"), {"d": label}),
        )
    return Component(
        "departement",
        0.0,
        weight,
        Msg(gettext_noop("no known work in %(d)s"), {"d": label}),
    )


def size_component(
    sme_preferred: bool, size_category: str, is_startup: bool, weight: float
) -> Component:
    if not sme_preferred:
        return Component("size", 0.0, 0.0, Msg(gettext_noop("no size preference")))
    value = {"micro": 0.9, "pme": 0.9, "eti": 0.3}.get(size_category, 0.0)
    if is_startup and value:
        value = 1.0
    explanation = (
        Msg(gettext_noop("start-up (young innovative SME)"))
        if is_startup and value
        else Msg(gettext_noop("size: %(size)s"), {"size": SIZE_NAMES.get(size_category, "—")})
    )
    return Component("size", value, weight, explanation)


def interest_component(interested: bool, weight: float) -> Component:
    return Component(
        "interest",
        1.0 if interested else 0.0,
        weight,
        Msg(gettext_noop("has expressed interest in this tender"))
        if interested
        else Msg(gettext_noop("has not expressed interest")),
    )


def total_score(components: Iterable[Component]) -> float:
    """The weighted mean of the components, 0–100. A component with weight 0 (not applicable
    to this tender) does not dilute the others."""
    components = list(components)
    weights = sum(c.weight for c in components)
    if not weights:
        return 0.0
    return round(100.0 * sum(c.value * c.weight for c in components) / weights, 2)

"""Reading French award data (DECP, "données essentielles de la commande publique") as it is
published: several sources that disagree on details. Every record becomes an `Award` with clean
values, or is dropped with a reason; what was repaired or dropped is counted in `Report`.

Used by `evaluation` to turn past awards into supplier profiles and later ones into tenders."""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from stdnum.fr import siren as siren_std

BROKEN = "\ufffd"  # what some sources put in place of an accented letter
_WORD_RE = re.compile(r"[^\W\d_]+")
_LETTER_OR_BROKEN = rf"(?:[^\W\d_]|{BROKEN})"
_BROKEN_WORD_RE = re.compile(rf"{_LETTER_OR_BROKEN}*{BROKEN}{_LETTER_OR_BROKEN}*")
_SIREN_TYPES = {"siret", "siren", ""}


@dataclass
class Award:
    procedure: tuple[str, str]  # (buyer, contract id): lots and duplicates of one procedure
    buyer_key: str
    buyer_name: str
    title: str
    cpv: str  # 8 digits, a code of the CPV table, or ""
    day: datetime.date | None  # notification date
    year: int | None  # notification year, else publication year
    region: str
    amount: Decimal | None
    winners: list[tuple[str, str]]  # (SIREN, name)
    departement: str = ""  # of the place of performance, when the place gives one


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)

    def add(self, reason: str, n: int = 1) -> None:
        self.counts[reason] += n

    def lines(self) -> list[str]:
        return [f"{n:6d}  {reason}" for reason, n in sorted(self.counts.items())]


class TextRepair:
    """Puts back the accented letters a source replaced by U+FFFD, from the words of the same
    file that are intact ("r�novation" → "rénovation"). A word never seen intact gets an "e":
    é/è/ê are by far the most frequent accented letters in French, and search folds accents."""

    def __init__(self, texts):
        self.known: dict[str, Counter] = defaultdict(Counter)
        for text in texts:
            for word in _WORD_RE.findall(text or ""):
                if not word.isascii():
                    lower = word.lower()
                    self.known[self._mask(lower)][lower] += 1

    @staticmethod
    def _mask(word: str) -> str:
        return "".join(ch if ch.isascii() else BROKEN for ch in word)

    def _word(self, match: re.Match) -> str:
        broken = match.group(0)
        found = self.known.get(self._mask(broken.lower()))
        if not found:
            return broken.replace(BROKEN, "e")
        word = found.most_common(1)[0][0]
        letters = broken.replace(BROKEN, "")
        if letters.isupper():
            return word.upper()
        return word.capitalize() if broken[:1].isupper() else word

    def __call__(self, text: str) -> str:
        if BROKEN not in (text or ""):
            return text or ""
        return _BROKEN_WORD_RE.sub(self._word, text).replace(BROKEN, "")


def cpv_code(raw, known: set[str], report: Report) -> str:
    """8 digits of the CPV table: check digit removed, a lost leading zero put back, a code
    missing from CPV 2008 (e.g. a CPV 2003 one) replaced by its nearest ancestor, or ""."""
    text = str(raw or "").strip()
    match = re.fullmatch(r"([0-9]{7,8})(?:-[0-9])?", text)
    if not match:
        report.add("CPV missing or malformed: award kept without CPV")
        return ""
    code = match.group(1)
    if len(code) == 7:
        report.add("CPV with a lost leading zero: padded")
        code = "0" + code
    if code in known:
        return code
    for k in range(7, 1, -1):
        ancestor = code[:k].ljust(8, "0")
        if ancestor in known:
            report.add("CPV not in CPV 2008: replaced by its nearest ancestor")
            return ancestor
    report.add("CPV not in CPV 2008 and no ancestor: award kept without CPV")
    return ""


def parse_day(raw, report: Report) -> datetime.date | None:
    text = str(raw or "").strip()
    if not text:
        return None
    if len(text) > 10:
        report.add("date with a time-zone suffix: suffix ignored")
    try:
        day = datetime.date.fromisoformat(text[:10])
    except ValueError:
        day = None
    if day is None or day.year < 1990:
        report.add("date invalid (e.g. year 0218): award taken as undated")
        return None
    return day


def departement_of(code: str) -> str:
    """The département of a place code: département, postal code, commune (INSEE) or
    arrondissement code."""
    if re.fullmatch(r"2[AB][0-9]{0,3}", code):
        return code[:2]
    if len(code) == 4:  # a postal code that lost its leading zero
        code = code.zfill(5)
    if code.startswith("97") and len(code) >= 3:
        return code[:3]
    if len(code) <= 2:
        return code.zfill(2)
    if len(code) == 3:  # "078" or an arrondissement ("544" is in 54)
        return code[1:] if code.startswith("0") else code[:2]
    if code.startswith("20"):  # Corsica's postal codes: 200xx-201xx south, 202xx-206xx north
        return "2A" if code[2] in "01" else "2B"
    return code[:2]


def _place(place) -> tuple[str, str]:
    place = place if isinstance(place, dict) else {}
    code = re.sub(r"\s", "", str(place.get("code") or "")).upper()
    return code, str(place.get("typeCode") or "").lower()


def place_departement(place, dept_region: dict[str, str]) -> str:
    """The département of a place of performance given by a département, postal or commune
    code, or "" (a region, a country, nothing usable)."""
    code, kind = _place(place)
    if "gion" in kind or "pays" in kind or not re.fullmatch(r"[0-9]{1,6}|2[AB][0-9]{0,3}", code):
        return ""
    departement = departement_of(code)
    return departement if departement in dept_region else ""


def place_region(place, dept_region: dict[str, str], regions: set[str]) -> str:
    code, kind = _place(place)
    if "gion" in kind:
        return code.zfill(2) if code.zfill(2) in regions else ""
    return dept_region.get(place_departement(place, dept_region), "")


def winners(record: dict, report: Report) -> list[tuple[str, str]]:
    """(SIREN, name) of each winner: under `titulaires` (or `concessionnaires`), each one
    possibly nested in a `titulaire` object; a SIRET gives its first 9 digits."""
    raw = record.get("titulaires") or record.get("concessionnaires") or []
    if isinstance(raw, dict):
        raw = raw.get("titulaire") or []
    if isinstance(raw, dict):
        raw = [raw]
    out = {}
    for item in raw:
        item = item.get("titulaire", item) if isinstance(item, dict) else {}
        kind = str(item.get("typeIdentifiant") or "").strip().lower()
        ident = re.sub(r"\s", "", str(item.get("id") or ""))
        if kind not in _SIREN_TYPES or not re.fullmatch(r"[0-9]{9}|[0-9]{14}", ident):
            report.add("winner without a SIRET/SIREN (foreign or other identifier): skipped")
            continue
        if not siren_std.is_valid(ident[:9]):
            report.add("winner whose SIREN fails the Luhn check: skipped")
            continue
        out.setdefault(ident[:9], str(item.get("denominationSociale") or "").strip())
    return list(out.items())


def amount(raw) -> Decimal | None:
    try:
        value = Decimal(str(raw)).quantize(Decimal(1))
    except (InvalidOperation, ValueError):
        return None
    return value if 0 <= value < 10**14 else None


def buyer_names(records: list[dict], repair: TextRepair) -> dict[str, str]:
    """One name per buyer identifier, the most frequent one (sources spell it differently):
    the same-buyer signal compares the tender's buyer with the references' clients."""
    names: dict[str, Counter] = defaultdict(Counter)
    for record in records:
        buyer = record.get("acheteur") or record.get("autoriteConcedante") or {}
        name = repair(str(buyer.get("nom") or "")).strip()
        if name:
            names[str(buyer.get("id") or "").strip() or name][name] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in names.items()}


def parse(data: dict, known_cpv: set[str], dept_region: dict, regions: set, report: Report):
    """The awards of a DECP document ({"marches": [...]}) that have a winner."""
    records = [r for r in data.get("marches") or [] if isinstance(r, dict)]
    report.add("records read", len(records))
    repair = TextRepair(
        [r.get("objet") for r in records] + [(r.get("acheteur") or {}).get("nom") for r in records]
    )
    names = buyer_names(records, repair)
    awards = []
    for n, record in enumerate(records):
        found = winners(record, report)
        if not found:
            report.add("record without a usable winner: dropped")
            continue
        buyer = record.get("acheteur") or record.get("autoriteConcedante") or {}
        raw_name = repair(str(buyer.get("nom") or "")).strip()
        buyer_key = str(buyer.get("id") or "").strip() or raw_name
        title = repair(str(record.get("objet") or "")).strip()
        if BROKEN in str(record.get("objet") or ""):
            report.add("object with U+FFFD characters: accents restored")
        day = parse_day(record.get("dateNotification") or record.get("dateSignature"), report)
        published = parse_day(record.get("datePublicationDonnees"), report)
        contract_id = str(record.get("id") or "").strip() or f"#{n}"
        awards.append(
            Award(
                procedure=(buyer_key, contract_id),
                buyer_key=buyer_key,
                buyer_name=names.get(buyer_key, raw_name) or "Acheteur inconnu",
                title=title,
                cpv=cpv_code(record.get("codeCPV"), known_cpv, report),
                day=day,
                year=(day or published).year if (day or published) else None,
                region=place_region(record.get("lieuExecution"), dept_region, regions),
                departement=place_departement(record.get("lieuExecution"), dept_region),
                amount=amount(record.get("montant") or record.get("valeurGlobale")),
                winners=found,
            )
        )
    report.add("awards with a place that gives no French region", sum(not a.region for a in awards))
    return awards


def procedures(awards: list[Award]) -> list[list[Award]]:
    """Awards grouped by procedure, each group dated by its earliest notification: an undated
    copy of a dated award (sources republish records) must not leak into the history."""
    groups: dict[tuple, list[Award]] = defaultdict(list)
    for award in awards:
        groups[award.procedure].append(award)
    for group in groups.values():
        days = [a.day for a in group if a.day]
        for award in group:
            award.day = min(days) if days else None
    return list(groups.values())

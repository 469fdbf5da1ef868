"""Loading reference data (CPV taxonomy, regions, départements) from CSV files.

Loaders are idempotent upserts: a row identical to what is stored is left alone. A malformed
row is reported with its line number and reason, and the rest of the file still loads."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import CpvCode, Departement, Region

BUNDLED_DIR = Path(__file__).resolve().parent / "reference_data"
CPV_CODE_RE = re.compile(r"^(?P<code8>[0-9]{8})(?:-(?P<check>[0-9]))?$")


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, failed {self.failed}"
        )


class ReferenceFileError(Exception):
    """The file cannot be read at all (missing, wrong columns, not UTF-8 CSV)."""


Progress = Callable[[int], None]


def _read_csv(path: Path, required: set[str]) -> list[tuple[int, dict]]:
    """Rows with their line numbers. The header must hold the REQUIRED columns."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = required - set(reader.fieldnames or [])
            if missing:
                raise ReferenceFileError(
                    f"{path}: missing column(s) {', '.join(sorted(missing))}; "
                    f"found {', '.join(reader.fieldnames or []) or 'no header'}."
                )
            return [(reader.line_num, row) for row in reader]
    except FileNotFoundError as exc:
        raise ReferenceFileError(f"{path}: no such file.") from exc
    except UnicodeDecodeError as exc:
        raise ReferenceFileError(f"{path}: not UTF-8 text ({exc.reason}).") from exc
    except csv.Error as exc:
        raise ReferenceFileError(f"{path}: not a valid CSV file ({exc}).") from exc


def _clean(row: dict, key: str) -> str:
    return (row.get(key) or "").strip()


def _parse_cpv_row(row: dict) -> CpvCode:
    raw_code = _clean(row, "code")
    match = CPV_CODE_RE.match(raw_code)
    if not match:
        raise ValueError(f"code “{raw_code}” is not a CPV code (8 digits, optional -check digit)")
    code8 = match["code8"]
    if _clean(row, "code8") and _clean(row, "code8") != code8:
        raise ValueError(f"code8 “{_clean(row, 'code8')}” differs from code “{raw_code}”")
    label_fr, label_en = _clean(row, "label_fr"), _clean(row, "label_en")
    if not label_fr or not label_en:
        raise ValueError("label_fr and label_en are both required")
    prefix = CpvCode.significant_prefix(code8)
    return CpvCode(
        code=code8,
        check_digit=match["check"] or "",
        label_fr=label_fr[:400],
        label_en=label_en[:400],
        prefix=prefix,
        level=max(len(prefix), 2),
    )


def _upsert(model, parsed: list, fields: list[str], report: LoadReport) -> None:
    existing = model.objects.in_bulk([obj.pk for obj in parsed])
    to_create, to_update = [], []
    for obj in parsed:
        old = existing.get(obj.pk)
        if old is None:
            to_create.append(obj)
        elif any(getattr(old, f) != getattr(obj, f) for f in fields):
            to_update.append(obj)
        else:
            report.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=1000)
    model.objects.bulk_update(to_update, fields, batch_size=1000)
    report.created += len(to_create)
    report.updated += len(to_update)


def _parse_rows(rows, parse, report: LoadReport, progress: Progress | None) -> list:
    parsed, seen = [], set()
    for line, row in rows:
        try:
            obj = parse(row)
            if obj.pk in seen:
                raise ValueError(f"duplicate code {obj.pk}")
        except ValueError as exc:
            report.failures.append((line, str(exc)))
        else:
            seen.add(obj.pk)
            parsed.append(obj)
        if progress:
            progress(1)
    return parsed


@transaction.atomic
def cpv_load(path: Path, *, progress: Progress | None = None) -> LoadReport:
    rows = _read_csv(path, {"code", "label_fr", "label_en"})
    report = LoadReport()
    parsed = _parse_rows(rows, _parse_cpv_row, report, progress)
    _upsert(CpvCode, parsed, ["check_digit", "label_fr", "label_en", "prefix", "level"], report)
    cpv_link_parents()
    return report


def cpv_link_parents() -> None:
    """Each code's parent is its nearest ancestor present in the table (some levels are
    skipped in the official list, e.g. 35611100 sits right under 35610000)."""
    code_by_prefix = dict(CpvCode.objects.values_list("prefix", "code"))
    changed = []
    for cpv in CpvCode.objects.only("code", "prefix", "parent_id"):
        parent = next(
            (
                code_by_prefix[cpv.prefix[:k]]
                for k in range(len(cpv.prefix) - 1, 1, -1)
                if cpv.prefix[:k] in code_by_prefix
            ),
            None,
        )
        if cpv.parent_id != parent:
            cpv.parent_id = parent
            changed.append(cpv)
    CpvCode.objects.bulk_update(changed, ["parent"], batch_size=1000)


def _parse_region_row(row: dict) -> Region:
    code, name = _clean(row, "region_code"), _clean(row, "region_nom")
    if not re.fullmatch(r"[0-9]{2,3}", code):
        raise ValueError(f"region_code “{code}” is not an INSEE region code (2 or 3 digits)")
    if not name:
        raise ValueError("region_nom is empty")
    return Region(code=code, name=name)


@transaction.atomic
def regions_load(path: Path, *, progress: Progress | None = None) -> LoadReport:
    rows = _read_csv(path, {"region_code", "region_nom"})
    report = LoadReport()
    _upsert(Region, _parse_rows(rows, _parse_region_row, report, progress), ["name"], report)
    return report


@transaction.atomic
def departements_load(path: Path, *, progress: Progress | None = None) -> LoadReport:
    rows = _read_csv(path, {"departement_code", "departement_nom", "region_code"})
    regions = set(Region.objects.values_list("code", flat=True))

    def parse(row: dict) -> Departement:
        code, name = _clean(row, "departement_code"), _clean(row, "departement_nom")
        region = _clean(row, "region_code")
        if not re.fullmatch(r"[0-9]{2,3}|2[AB]", code):
            raise ValueError(f"departement_code “{code}” is not an INSEE département code")
        if not name:
            raise ValueError("departement_nom is empty")
        if region not in regions:
            raise ValueError(f"region_code “{region}” is unknown: load the regions first")
        return Departement(code=code, name=name, region_id=region)

    report = LoadReport()
    _upsert(Departement, _parse_rows(rows, parse, report, progress), ["name", "region_id"], report)
    return report


def reference_sources(directory: str | None = None) -> list[tuple[str, Path]]:
    """What `load_reference` loads: the full official files under DIRECTORY (or
    REFERENCE_DATA_DIR) when given, otherwise the small subset shipped with the project."""
    directory = directory or settings.REFERENCE_DATA_DIR
    if directory:
        base = Path(directory)
        return [
            ("regions", base / "geo" / "regions.csv"),
            ("departements", base / "geo" / "departements.csv"),
            ("cpv", base / "cpv" / "cpv_2008_fr_en.csv"),
        ]
    return [
        ("regions", BUNDLED_DIR / "regions.csv"),
        ("departements", BUNDLED_DIR / "departements_subset.csv"),  # those of the demo data
        ("cpv", BUNDLED_DIR / "cpv_subset.csv"),
    ]


LOADERS: dict[str, Callable[..., LoadReport]] = {
    "cpv": cpv_load,
    "regions": regions_load,
    "departements": departements_load,
}


def count_rows(path: Path) -> int:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return max(sum(1 for _ in fh) - 1, 0)

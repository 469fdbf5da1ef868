"""The shortlist as CSV and XLSX: the rows on screen (current filters and sort), with the
organization's statuses and notes."""

from __future__ import annotations

import csv
import io

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .selectors import ShortlistRow
from .templatetags.matching import explain


def _header() -> list[str]:
    return [
        _("Rank"),
        _("Supplier"),
        _("Score"),
        _("Eligible"),
        _("Status"),
        _("Notes"),
        _("Expressed interest"),
        _("Size"),
        _("Head-office region"),
        _("Clearance"),
        _("Valid certifications"),
        _("Why"),
        _("Requirements not met"),
    ]


def _line(row: ShortlistRow) -> list:
    p = row.profile
    return [
        row.match.rank or "",
        row.name,
        round(row.match.score, 1),
        _("yes") if row.match.eligible else _("no"),
        row.status_label,
        row.notes,
        _("yes") if row.interested else _("no"),
        p.get_size_category_display() if p else "",
        p.region.name if p and p.region else "",
        p.get_clearance_level_display() if p else "",
        ", ".join(row.certifications),
        " ; ".join(explain(c) for c in row.match.components if c.get("weight") and c.get("value")),
        " ; ".join(explain(c) for c in row.match.constraints if not c.get("passed")),
    ]


def _safe(value):
    if isinstance(value, Promise):  # lazy translations (choice labels)
        value = str(value)
    # A cell starting with = + - @ is a formula to a spreadsheet: neutralise it (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_dialect() -> tuple[str, str]:
    """(field separator, decimal mark) of the reader's language: a spreadsheet in French reads
    "72,5" as a number and splits on ";" (with "," it puts every row in one column)."""
    return (";", ",") if (translation.get_language() or "").startswith("fr") else (",", ".")


def shortlist_csv(rows: list[ShortlistRow]) -> bytes:
    separator, decimal = csv_dialect()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator)
    writer.writerow(_header())
    for row in rows:
        writer.writerow(
            [str(v).replace(".", decimal) if isinstance(v, float) else _safe(v) for v in _line(row)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def shortlist_xlsx(rows: list[ShortlistRow], title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Shortlist")
    sheet.append(_header())
    for row in rows:
        sheet.append([_safe(v) for v in _line(row)])
    sheet.freeze_panes = "A2"
    workbook.properties.title = title[:250]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

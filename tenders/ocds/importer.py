"""Import OCDS 1.1 data: a release package, a record package, or JSON Lines of releases.

Files are streamed (ijson), never loaded whole, so 100 MB files import in constant memory.
Each release is applied in its own savepoint: a bad release is reported with its ocid and
reason and leaves nothing behind, and the rest of the file still imports. Upsert by ocid: a
release identical to the last one applied, or older than it, changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

import ijson
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from portal.models import CpvCode, Departement, Organization, Region, User
from portal.services import audit_record

from ..models import Tender
from ..services import DocumentData, LotData, _replace_children
from .mapping import ParsedRelease, ReleaseError, parse_release

Progress = Callable[[int], None]  # receives the number of bytes read so far
ReleaseHook = Callable[["ImportReport"], None]  # receives the report so far, after each release
RELEASE_KEYS = {"ocid", "id", "date", "tag", "tender", "buyer", "initiationType", "parties"}


class OcdsFileError(Exception):
    """The file is not OCDS JSON at all (or its JSON breaks before any release)."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (ocid or position, reason)

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def processed(self) -> int:
        return self.created + self.updated + self.unchanged + self.failed

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, failed {self.failed}"
        )


def detect_format(fh: BinaryIO) -> str:
    """'release_package', 'record_package' or 'releases' (JSON Lines), from the first
    top-level keys only; the file is rewound."""
    fh.seek(0)
    try:
        for prefix, event, value in ijson.parse(fh, multiple_values=True):
            if prefix == "" and event == "map_key":
                if value == "releases":
                    return "release_package"
                if value == "records":
                    return "record_package"
                if value in RELEASE_KEYS:
                    return "releases"
            elif prefix == "" and event in ("end_map", "start_array"):
                break
    except ijson.JSONError as exc:
        raise OcdsFileError(f"invalid JSON: {exc}") from exc
    finally:
        fh.seek(0)
    raise OcdsFileError(
        "not OCDS: expected a release package, a record package or JSON Lines of releases"
    )


def _json_lines(fh: BinaryIO, report: ImportReport) -> Iterator[tuple[str, object]]:
    for number, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line, parse_float=Decimal)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            report.failures.append((f"line {number}", f"invalid JSON: {exc}"))


def _record_release(record) -> object:
    """The record's compiled release, else its last embedded (not merely linked) release."""
    if not isinstance(record, dict):
        return record
    if isinstance(record.get("compiledRelease"), dict):
        return record["compiledRelease"]
    embedded = [r for r in record.get("releases") or [] if isinstance(r, dict) and "ocid" in r]
    if not embedded:
        raise ReleaseError("record has no compiledRelease and only linked releases")
    return max(embedded, key=lambda r: str(r.get("date", "")))


def _releases(fh: BinaryIO, kind: str, report: ImportReport) -> Iterator[tuple[str, object]]:
    if kind == "releases":
        yield from _json_lines(fh, report)
        return
    path = "releases.item" if kind == "release_package" else "records.item"
    count = 0
    try:
        for count, item in enumerate(ijson.items(fh, path), start=1):
            if kind == "record_package":
                try:
                    item = _record_release(item)
                except ReleaseError as exc:
                    ocid = item.get("ocid") if isinstance(item, dict) else None
                    report.failures.append((str(ocid or f"record #{count}"), str(exc)))
                    continue
            yield f"release #{count}", item
    except ijson.JSONError as exc:
        # A syntax error ends the stream: what was before it is imported, and it is reported.
        report.failures.append(("(file)", f"invalid JSON after {count} release(s): {exc}"))


def _buyer(name: str) -> Organization:
    buyer = Organization.objects.filter(kind=Organization.Kind.MINISTRY, name__iexact=name).first()
    if buyer is None:
        buyer = Organization(kind=Organization.Kind.MINISTRY, name=name, siren="")
        buyer.full_clean()
        buyer.save()
    return buyer


def _children(parsed: ParsedRelease, cpvs: dict[str, CpvCode]):
    lots = documents = additional = None
    if parsed.lots is not None:
        lots = [LotData(lot.title, lot.description, lot.value, cpvs.get(lot.cpv_code or ""))
                for lot in parsed.lots]  # fmt: skip
    if parsed.documents is not None:
        documents = [DocumentData(title, url) for title, url in parsed.documents]
    if parsed.additional_cpvs is not None:
        additional = [cpvs[c] for c in parsed.additional_cpvs]
    return lots, documents, additional


def _apply(tender: Tender, parsed: ParsedRelease) -> None:
    cpvs = CpvCode.objects.in_bulk(parsed.cpv_codes())
    unknown = sorted(parsed.cpv_codes() - set(cpvs))
    if unknown:
        raise ReleaseError(f"unknown CPV code(s): {', '.join(unknown)}")
    for name, value in parsed.fields.items():
        setattr(tender, name, value)
    if parsed.buyer_name:
        tender.buyer = _buyer(parsed.buyer_name)
    if parsed.main_cpv:
        tender.main_cpv = cpvs[parsed.main_cpv]
    if parsed.region_name:
        tender.region = Region.objects.filter(name__iexact=parsed.region_name).first()
    if parsed.departement_code:
        departement = Departement.objects.filter(pk=parsed.departement_code).first()
        if departement and tender.region_id in (None, departement.region_id):
            tender.departement, tender.region_id = departement, departement.region_id
    if tender.departement_id and tender.departement.region_id != tender.region_id:
        tender.departement = None  # a new release moved the place to another region
    if tender.status != Tender.Status.DRAFT and tender.published_at is None:
        tender.published_at = parsed.date
    deadline = tender.submission_deadline
    if tender.status == Tender.Status.PUBLISHED and deadline and deadline <= timezone.now():
        tender.status = Tender.Status.CLOSED  # what the periodic closing would do at once
    tender.ocds_release_id, tender.ocds_release_date = parsed.release_id, parsed.date
    tender.ocds_release_hash = parsed.digest
    # Field checks only: the relations were just looked up, and the database enforces the
    # unique and check constraints anyway (a refusal fails this release's savepoint). Asking
    # Django to pre-validate them would cost a dozen queries per release.
    tender.full_clean(
        exclude=["buyer", "main_cpv", "region", "departement", "created_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    tender.save()
    _replace_children(tender, *_children(parsed, cpvs))


def _upsert(parsed: ParsedRelease) -> str:
    """Apply one release; return 'created', 'updated' or 'unchanged'."""
    tender = Tender.objects.select_for_update().filter(ocid=parsed.ocid).first()
    if tender is not None:
        if tender.ocds_release_hash == parsed.digest:
            return "unchanged"
        if tender.ocds_release_date and parsed.date < tender.ocds_release_date:
            return "unchanged"  # an older release than the one applied: nothing new
        _apply(tender, parsed)
        return "updated"
    if not parsed.has_tender:
        raise ReleaseError("the release has no tender section: no tender to create")
    if not parsed.fields.get("title"):
        raise ReleaseError("tender.title is missing: a tender needs a title")
    if not parsed.buyer_name:
        raise ReleaseError("the release names no buyer")
    _apply(Tender(ocid=parsed.ocid), parsed)
    return "created"


def _import_one(item, where: str, seen: dict, report: ImportReport) -> None:
    ocid = item.get("ocid") if isinstance(item, dict) else None
    label = ocid if isinstance(ocid, str) and ocid.strip() else where
    try:
        parsed = parse_release(item)
        previous = seen.get(parsed.ocid)
        if previous and (previous[0] == parsed.release_id or previous[1] == parsed.date):
            raise ReleaseError(
                f"duplicate ocid in this file: release {parsed.release_id} repeats release "
                f"{previous[0]} of the same date"
            )
        with transaction.atomic():  # a savepoint: a failure leaves nothing half-written
            outcome = _upsert(parsed)
    except ReleaseError as exc:
        report.failures.append((label, str(exc)))
    except ValidationError as exc:
        report.failures.append((label, "; ".join(_messages(exc))))
    except DatabaseError as exc:
        report.failures.append((label, f"rejected by the database: {exc}".strip()))
    else:
        seen[parsed.ocid] = (parsed.release_id, parsed.date)
        setattr(report, outcome, getattr(report, outcome) + 1)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            " ".join(m) if name == NON_FIELD_ERRORS else f"{name}: {' '.join(m)}"
            for name, m in exc.message_dict.items()
        ]
    return exc.messages


def ocds_import(
    fh: BinaryIO,
    *,
    by: User | None = None,
    progress: Progress | None = None,
    on_release: ReleaseHook | None = None,
):
    """Import the OCDS file open in binary mode as FH; return an ImportReport.

    PROGRESS and ON_RELEASE are called after each release, outside its savepoint: with no
    transaction around the call, each release is committed on its own."""
    report = ImportReport()
    try:
        kind = detect_format(fh)
    except OcdsFileError as exc:
        report.failures.append(("(file)", str(exc)))
        return report
    seen: dict = {}
    for where, item in _releases(fh, kind, report):
        _import_one(item, where, seen, report)
        if progress:
            progress(fh.tell())
        if on_release:
            on_release(report)
    audit_record(
        actor=by,
        action="tenders.ocds_imported",
        data={"summary": report.summary(), "failures": report.failures[:100]},
    )
    return report

"""From one OCDS 1.1 release (a dict) to what Passerelle stores about its tender.

Releases may be partial: only the sections present are applied. Any value of the wrong type,
outside a closed codelist, or naming an unknown CPV code raises ReleaseError with the JSON path
at fault, so that the importer can report the release and go on with the next one."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from portal.choices import CertificationType, ClearanceLevel
from portal.geography import departement_of_postal_code

from ..models import Tender

CPV_ID_RE = re.compile(r"^\s*(?P<code>[0-9]{8})(?:[-.][0-9]+)?\s*$")
STATUS_FROM_OCDS = {
    "planning": Tender.Status.DRAFT,
    "planned": Tender.Status.DRAFT,
    "active": Tender.Status.PUBLISHED,
    "complete": Tender.Status.AWARDED,
    "cancelled": Tender.Status.CANCELLED,
    "unsuccessful": Tender.Status.CANCELLED,
    "withdrawn": Tender.Status.CANCELLED,
}
REQUIREMENTS_KEY = "defenceRequirements"  # Passerelle's extension of the tender object


class ReleaseError(ValueError):
    """This release cannot be imported; the message says where and why."""


@dataclass
class ParsedLot:
    key: str
    title: str
    description: str = ""
    value: Decimal | None = None
    cpv_code: str | None = None


@dataclass
class ParsedRelease:
    ocid: str
    release_id: str
    date: datetime
    digest: str
    buyer_name: str = ""
    has_tender: bool = False
    fields: dict = field(default_factory=dict)
    main_cpv: str | None = None
    additional_cpvs: list[str] | None = None
    lots: list[ParsedLot] | None = None
    documents: list[tuple[str, str]] | None = None
    region_name: str = ""
    departement_code: str = ""  # from a delivery address's French postal code

    def cpv_codes(self) -> set[str]:
        codes = {self.main_cpv} | set(self.additional_cpvs or ())
        codes |= {lot.cpv_code for lot in self.lots or ()}
        return {c for c in codes if c}


def _kind(value) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float | Decimal) else "null"
    )


def _get(obj: dict, key: str, expected: type | tuple, path: str):
    """OBJ[KEY] if present and of the EXPECTED type(s), None if absent; else ReleaseError."""
    value = obj.get(key)
    if value is None:
        return None
    types = expected if isinstance(expected, tuple) else (expected,)
    # bool is an int in Python, never a number in JSON.
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        raise ReleaseError(f"{path}.{key}: expected {_expected(expected)}, got {_kind(value)}")
    return value


def _expected(expected) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    types = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(dict.fromkeys(names.get(t, "a number") for t in types))


def _date(obj: dict, key: str, path: str) -> datetime | None:
    raw = _get(obj, key, str, path)
    if raw is None:
        return None
    parsed = parse_datetime(raw)
    if parsed is None:
        raise ReleaseError(f"{path}.{key}: “{raw}” is not an ISO 8601 date-time")
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def _amount(obj: dict, key: str, path: str) -> tuple[Decimal | None, str | None]:
    value = _get(obj, key, dict, path)
    if value is None:
        return None, None
    amount = _get(value, "amount", (int, float, Decimal), f"{path}.{key}")
    currency = _get(value, "currency", str, f"{path}.{key}")
    try:
        amount = Decimal(str(amount)) if amount is not None else None
    except InvalidOperation as exc:
        raise ReleaseError(f"{path}.{key}.amount: not a number") from exc
    if amount is not None and amount < 0:
        raise ReleaseError(f"{path}.{key}.amount: must not be negative")
    return amount, currency


def _cpv(classification, path: str) -> str | None:
    """The 8-digit code of a CPV classification; None for another scheme."""
    if classification is None:
        return None
    if not isinstance(classification, dict):
        raise ReleaseError(f"{path}: expected an object, got {_kind(classification)}")
    scheme = _get(classification, "scheme", str, path) or ""
    if scheme.upper() != "CPV":
        return None
    raw = classification.get("id")
    match = CPV_ID_RE.match(str(raw)) if isinstance(raw, str | int) else None
    if not match:
        raise ReleaseError(f"{path}.id: “{raw}” is not a CPV code")
    return match["code"]


def release_digest(release: dict) -> str:
    text = json.dumps(release, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _buyer_name(release: dict) -> str:
    buyer = _get(release, "buyer", dict, "release")
    name = buyer and _get(buyer, "name", str, "release.buyer")
    if name:
        return name.strip()
    for i, party in enumerate(_get(release, "parties", list, "release") or []):
        if isinstance(party, dict) and "buyer" in (party.get("roles") or []):
            return (_get(party, "name", str, f"release.parties[{i}]") or "").strip()
    return ""


def parse_release(release) -> ParsedRelease:
    if not isinstance(release, dict):
        raise ReleaseError(f"a release must be a JSON object, got {_kind(release)}")
    ocid = _get(release, "ocid", str, "release")
    if not ocid or not ocid.strip():
        raise ReleaseError("release.ocid is missing")
    release_id = _get(release, "id", (str, int), "release")
    date = _date(release, "date", "release")
    if release_id is None or date is None:
        raise ReleaseError("release.id and release.date are required")
    parsed = ParsedRelease(
        ocid=ocid.strip()[:128],
        release_id=str(release_id),
        date=date,
        digest=release_digest(release),
        buyer_name=_buyer_name(release)[:200],
    )
    tender = _get(release, "tender", dict, "release")
    if tender is not None:
        parsed.has_tender = True
        _parse_tender(tender, parsed)
    _parse_status(release, tender or {}, parsed)
    return parsed


def _parse_tender(tender: dict, parsed: ParsedRelease) -> None:
    path, fields = "tender", parsed.fields
    for key, name, limit in (
        ("title", "title", 300),
        ("description", "description", None),
        ("procurementMethodDetails", "procurement_method_details", 500),
    ):
        value = _get(tender, key, str, path)
        if value is not None:
            fields[name] = value.strip()[:limit] if limit else value.strip()
    reference = _get(tender, "id", (str, int), path)
    if reference is not None:
        fields["reference"] = str(reference)[:100]
    for key, name, choices in (
        ("procurementMethod", "procurement_method", Tender.Method.values),
        ("mainProcurementCategory", "main_procurement_category", Tender.Category.values),
    ):
        value = _get(tender, key, str, path)
        if value is not None and value not in choices:
            raise ReleaseError(f"{path}.{key}: “{value}” is not in the OCDS codelist")
        if value is not None:
            fields[name] = value
    amount, currency = _amount(tender, "value", path)
    if amount is not None:
        fields["estimated_value"] = amount
    if currency:
        fields["currency"] = currency.upper()
    _parse_periods(tender, fields)
    _parse_items(tender, parsed)
    _parse_lots(tender, parsed)
    _parse_documents(tender, parsed)
    _parse_requirements(tender, fields)


def _parse_periods(tender: dict, fields: dict) -> None:
    period = _get(tender, "tenderPeriod", dict, "tender")
    if period is not None:
        start = _date(period, "startDate", "tender.tenderPeriod")
        end = _date(period, "endDate", "tender.tenderPeriod")
        if start:
            fields["published_at"] = start
        if end:
            fields["submission_deadline"] = end
    enquiry = _get(tender, "enquiryPeriod", dict, "tender")
    if enquiry is not None:
        end = _date(enquiry, "endDate", "tender.enquiryPeriod")
        if end:
            fields["enquiry_deadline"] = end


def _items(tender: dict) -> list[dict]:
    items = _get(tender, "items", list, "tender") or []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ReleaseError(f"tender.items[{i}]: expected an object, got {_kind(item)}")
    return items


def _parse_items(tender: dict, parsed: ParsedRelease) -> None:
    # Partial releases: an absent or empty items array leaves the classification as it was.
    codes, lot_codes = [], {}
    for i, item in enumerate(_items(tender)):
        path = f"tender.items[{i}]"
        code = _cpv(_get(item, "classification", dict, path), f"{path}.classification")
        extra = _get(item, "additionalClassifications", list, path) or []
        extras = [_cpv(c, f"{path}.additionalClassifications[{j}]") for j, c in enumerate(extra)]
        codes += [c for c in [code, *extras] if c]
        related = item.get("relatedLot")
        if code and related is not None:
            lot_codes.setdefault(str(related), code)
        region = _delivery_region(item, path)
        if region:
            parsed.region_name = region
        departement = _delivery_departement(item, path)
        if departement:
            parsed.departement_code = departement
    if codes:
        parsed.main_cpv = codes[0]
        parsed.additional_cpvs = list(dict.fromkeys(c for c in codes[1:] if c != codes[0]))
    parsed.fields["_lot_codes"] = lot_codes


def _addresses(item: dict, path: str) -> list[dict]:
    addresses = _get(item, "deliveryAddresses", list, path) or []
    single = _get(item, "deliveryAddress", dict, path)
    return [a for a in [*addresses, *([single] if single else [])] if isinstance(a, dict)]


def _delivery_region(item: dict, path: str) -> str:
    for address in _addresses(item, path):
        if isinstance(address.get("region"), str):
            return address["region"].strip()
    return ""


def _delivery_departement(item: dict, path: str) -> str:
    """The département of the first French postal code among the delivery addresses."""
    for address in _addresses(item, path):
        country = str(address.get("countryName") or "France").strip().lower()
        if country in ("france", "fr") and isinstance(address.get("postalCode"), str | int):
            departement = departement_of_postal_code(str(address["postalCode"]))
            if departement:
                return departement
    return ""


def _parse_lots(tender: dict, parsed: ParsedRelease) -> None:
    lot_codes = parsed.fields.pop("_lot_codes", {})
    lots = _get(tender, "lots", list, "tender")
    if not lots:
        return
    parsed.lots = []
    for i, lot in enumerate(lots):
        path = f"tender.lots[{i}]"
        if not isinstance(lot, dict):
            raise ReleaseError(f"{path}: expected an object, got {_kind(lot)}")
        key = str(_get(lot, "id", (str, int), path) or i + 1)
        value, _currency = _amount(lot, "value", path)
        title = (_get(lot, "title", str, path) or "").strip() or f"Lot {key}"
        description = (_get(lot, "description", str, path) or "").strip()
        parsed.lots.append(ParsedLot(key, title[:300], description, value, lot_codes.get(key)))


def _parse_documents(tender: dict, parsed: ParsedRelease) -> None:
    documents = _get(tender, "documents", list, "tender")
    if not documents:
        return
    parsed.documents = []
    for i, doc in enumerate(documents):
        path = f"tender.documents[{i}]"
        if not isinstance(doc, dict):
            raise ReleaseError(f"{path}: expected an object, got {_kind(doc)}")
        url = _get(doc, "url", str, path)
        title = _get(doc, "title", str, path) or _get(doc, "documentType", str, path) or url
        if url:
            url = url.strip()
            if not url.lower().startswith(("https://", "http://")):
                # A javascript: or data: address would run in the reader's browser.
                raise ReleaseError(f"{path}.url: expected an http(s):// address, got {url[:60]!r}")
            parsed.documents.append((title.strip()[:300], url[:1000]))


def _parse_requirements(tender: dict, fields: dict) -> None:
    req = _get(tender, REQUIREMENTS_KEY, dict, "tender")
    if req is None:
        return
    path = f"tender.{REQUIREMENTS_KEY}"
    clearance = _get(req, "minimumClearance", int, path)
    if clearance is not None and clearance not in ClearanceLevel.values:
        raise ReleaseError(f"{path}.minimumClearance: expected 0 to 3")
    trl = _get(req, "minimumTRL", int, path)
    if trl is not None and not 1 <= trl <= 9:
        raise ReleaseError(f"{path}.minimumTRL: expected 1 to 9")
    for key, name in (("mandatoryCertifications", "mandatory_certifications"),
                      ("preferredCertifications", "preferred_certifications")):  # fmt: skip
        values = _get(req, key, list, path) or []
        unknown = [v for v in values if v not in CertificationType.values]
        if unknown:
            raise ReleaseError(f"{path}.{key}: unknown certification(s) {unknown}")
        fields[name] = values
    fields["min_clearance"] = clearance or 0
    fields["min_trl"] = trl
    for key, name in (("smeReserved", "sme_reserved"),
                      ("euControlledOwnership", "eu_controlled_required"),
                      ("itarFree", "itar_free_required")):  # fmt: skip
        fields[name] = bool(_get(req, key, bool, path))


def _parse_status(release: dict, tender: dict, parsed: ParsedRelease) -> None:
    status = _get(tender, "status", str, "tender")
    if status is not None:
        if status not in STATUS_FROM_OCDS:
            raise ReleaseError(f"tender.status: “{status}” is not in the OCDS codelist")
        parsed.fields["status"] = STATUS_FROM_OCDS[status]
    awards = _get(release, "awards", list, "release") or []
    awarded = any(isinstance(a, dict) and a.get("status") == "active" for a in awards)
    if awarded and parsed.fields.get("status") != Tender.Status.CANCELLED:
        parsed.fields["status"] = Tender.Status.AWARDED

"""Writes on supplier profiles: editing by the supplier, and the moderation workflow.

States of the working profile: draft → submitted → approved | changes_requested | rejected;
editing an approved profile starts a pending revision (draft again) while the live copy stays
visible. The live copy is approved or suspended."""

from __future__ import annotations

import hashlib
import re
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import services as notifications
from portal.geography import departement_of_postal_code
from portal.models import AuditEvent, Departement, Organization, User
from portal.services import audit_record

from . import sizing
from .models import Certification, Document, Reference, SupplierProfile

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"

Status = SupplierProfile.Status

# The fields a supplier fills in; approving copies them to the live profile, and the moderator's
# diff compares them.
CONTENT_FIELDS = [
    "legal_name",
    "trade_name",
    "siren",
    "siret",
    "year_founded",
    "website",
    "address",
    "postal_code",
    "city",
    "region",
    "regions_served",
    "headcount",
    "annual_turnover_eur",
    "balance_sheet_eur",
    "rd_share_percent",
    "size_category",
    "is_startup",
    "capability_statement",
    "statement_language",
    "keywords",
    "cpv_codes",
    "technologies",
    "trl",
    "clearance_level",
    "clearance_expires_on",
    "itar_free",
    "eu_controlled",
]
COMPUTED_FIELDS = {"size_category", "is_startup"}  # derived, never typed
CERTIFICATION_FIELDS = ["type", "name", "number", "issuer", "expires_on"]
REFERENCE_FIELDS = [
    "client",
    "year",
    "value_eur",
    "cpv_code",
    "description",
    "is_public",
    "departement_id",
]
DOCUMENT_FIELDS = [
    "kind",
    "title",
    "storage_key",
    "file",
    "original_name",
    "size",
    "sha256",
    "uploaded_by_id",
    "uploaded_at",
]

# What a submission needs, per step, so that the supplier is told where to go.
REQUIRED_FOR_SUBMISSION = {
    "identity": ["legal_name", "siren", "siret", "region"],
    "size": ["headcount"],
    "capabilities": ["capability_statement", "cpv_codes"],
}


class ProfileStateError(Exception):
    """The move is not allowed from the profile's current state."""


class ProfileIncomplete(Exception):
    def __init__(self, missing: dict[str, list[str]]):
        self.missing = missing
        super().__init__(_("The profile is incomplete."))


def profile_get_working(*, organization: Organization) -> SupplierProfile:
    """The organization's working profile, created (pre-filled from sign-up) on first use."""
    profile, _created = SupplierProfile.objects.get_or_create(
        organization=organization,
        is_live=False,
        defaults={"legal_name": organization.name, "siren": organization.siren},
    )
    return profile


def _lock(profile: SupplierProfile) -> SupplierProfile:
    return SupplierProfile.objects.select_for_update().get(pk=profile.pk)


def _recompute_size(profile: SupplierProfile) -> None:
    profile.size_category = sizing.size_category(
        headcount=profile.headcount,
        turnover=profile.annual_turnover_eur,
        balance_sheet=profile.balance_sheet_eur,
    )
    profile.is_startup = sizing.is_startup(
        category=profile.size_category,
        year_founded=profile.year_founded,
        rd_share=profile.rd_share_percent,
        current_year=timezone.localdate().year,
    )


def _start_editing(profile: SupplierProfile, by: User) -> None:
    """Editing reopens the profile: a submitted one is withdrawn from review, an approved one
    starts a revision (the live copy stays as it is until the revision is approved)."""
    if profile.status == Status.REJECTED:
        raise ProfileStateError(
            _("This profile was rejected and can no longer be edited. Contact the moderators.")
        )
    if profile.status in (Status.SUBMITTED, Status.APPROVED):
        audit_record(
            actor=by,
            action="supplier_profile.revision_started",
            target=profile,
            data={"from": profile.status},
        )
        profile.status = Status.DRAFT


@transaction.atomic
def profile_update(*, profile: SupplierProfile, data: dict, by: User) -> SupplierProfile:
    """Save one step's fields (a dict of model field → value)."""
    profile = _lock(profile)
    _start_editing(profile, by)
    for field, value in data.items():
        if field not in CONTENT_FIELDS or field in COMPUTED_FIELDS:
            raise ValueError(f"{field} is not an editable profile field")
        setattr(profile, field, value)
    _recompute_size(profile)
    profile.full_clean()
    profile.save()
    return profile


def _replace_children(profile, related_name: str, model, fields: list[str], items) -> None:
    """Replace all of a profile's certifications (or references, documents) at once; every
    new row is validated first, so a bad one changes nothing."""
    rows = [model(profile=profile, **{f: item[f] for f in fields if f in item}) for item in items]
    for position, row in enumerate(rows, start=1):
        try:
            row.full_clean(exclude=["profile", "file"])
        except ValidationError as exc:
            raise ValidationError(
                _("%(what)s %(n)d: %(errors)s")
                % {
                    "what": model._meta.verbose_name.capitalize(),
                    "n": position,
                    "errors": "; ".join(exc.messages),
                }
            ) from exc
    getattr(profile, related_name).all().delete()
    model.objects.bulk_create(rows)


@transaction.atomic
def profile_set_certifications(*, profile: SupplierProfile, items: list[dict], by: User) -> None:
    profile = _lock(profile)
    _start_editing(profile, by)
    profile.save(update_fields=["status", "updated_at"])
    _replace_children(profile, "certifications", Certification, CERTIFICATION_FIELDS, items)


def _reference_item(item: dict) -> dict:
    """A reference's place of performance may come as `departement` (a Departement, its code
    or nothing, as forms and the API give it) or as `departement_id`."""
    if "departement" not in item:
        return item
    item = dict(item)
    departement = item.pop("departement")
    item["departement_id"] = getattr(departement, "pk", departement) or None
    return item


@transaction.atomic
def profile_set_references(*, profile: SupplierProfile, items: list[dict], by: User) -> None:
    """Replace the references; an unknown département is a ValidationError, nothing saved."""
    profile = _lock(profile)
    _start_editing(profile, by)
    profile.save(update_fields=["status", "updated_at"])
    items = [_reference_item(item) for item in items]
    _replace_children(profile, "references", Reference, REFERENCE_FIELDS, items)


def profile_missing_fields(profile: SupplierProfile) -> dict[str, list[str]]:
    missing = {}
    for step, fields in REQUIRED_FOR_SUBMISSION.items():
        empty = [f for f in fields if getattr(profile, f) in (None, "", [])]
        if empty:
            missing[step] = [str(SupplierProfile._meta.get_field(f).verbose_name) for f in empty]
    return missing


@transaction.atomic
def profile_submit(*, profile: SupplierProfile, by: User) -> SupplierProfile:
    profile = _lock(profile)
    if profile.status not in (Status.DRAFT, Status.CHANGES_REQUESTED):
        raise ProfileStateError(_("Only a draft can be submitted for review."))
    missing = profile_missing_fields(profile)
    if missing:
        raise ProfileIncomplete(missing)
    # Another company holds this SIREN live, or claims it in a submission of its own.
    profile.siren_conflict = (
        SupplierProfile.objects.filter(
            Q(is_live=True) | Q(status=Status.SUBMITTED), siren=profile.siren
        )
        .exclude(organization=profile.organization_id)
        .exists()
    )
    profile.status, profile.submitted_at = Status.SUBMITTED, timezone.now()
    profile.save(update_fields=["status", "submitted_at", "siren_conflict", "updated_at"])
    audit_record(
        actor=by,
        action="supplier_profile.submitted",
        target=profile,
        data={"siren_conflict": profile.siren_conflict},
    )
    return profile


def _require_moderator(user: User) -> None:
    if not user.is_moderator:
        raise PermissionDenied(_("Only moderators can decide on supplier profiles."))


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ProfileStateError(_("Give a reason: the supplier will read it."))
    return reason


def _decide(*, profile, by, to: str, reason: str, allowed_from: tuple, action: str) -> AuditEvent:
    if profile.status not in allowed_from:
        raise ProfileStateError(
            _("A profile that is “%(status)s” cannot be moved to “%(to)s”.")
            % {"status": profile.get_status_display(), "to": Status(to).label}
        )
    profile.status, profile.decided_at, profile.decision_reason = to, timezone.now(), reason
    profile.save(update_fields=["status", "decided_at", "decision_reason", "updated_at"])
    event = audit_record(actor=by, action=action, target=profile, reason=reason)
    # Recorded in the outbox within the decision's transaction (sent after commit): the email
    # exists if and only if the decision does.
    notifications.supplier_decision_enqueue(event=event, profile=profile)
    return event


def _publish(working: SupplierProfile) -> SupplierProfile:
    """Copy the working profile, with its credentials, references and documents, to the live
    one (created on first approval)."""
    live = SupplierProfile.objects.select_for_update().filter(
        organization=working.organization_id, is_live=True
    ).first() or SupplierProfile(organization_id=working.organization_id, is_live=True)
    for field in CONTENT_FIELDS:
        setattr(live, field, getattr(working, field))
    live.status = Status.APPROVED if live.status != Status.SUSPENDED else Status.SUSPENDED
    live.decided_at, live.decision_reason = working.decided_at, working.decision_reason
    live.save()
    old_files = dict(live.documents.values_list("storage_key", "file"))
    _replace_children(
        live,
        "certifications",
        Certification,
        CERTIFICATION_FIELDS,
        working.certifications.values(*CERTIFICATION_FIELDS),
    )
    _replace_children(
        live,
        "references",
        Reference,
        REFERENCE_FIELDS,
        working.references.values(*REFERENCE_FIELDS),
    )
    _replace_children(
        live, "documents", Document, DOCUMENT_FIELDS, working.documents.values(*DOCUMENT_FIELDS)
    )
    _delete_unreferenced_files(old_files)
    live_refresh_matching_fields(live)
    return live


def cpv_prefixes(codes) -> list[str]:
    """'35613000' → ['35', '356', '3561', '35613', '356130', '3561300', '35613000']."""
    return sorted({code[:k] for code in codes if code for k in range(2, 9)})


# The text the matching engine compares with tenders: statement, keywords and technologies
# (in the statement's language), and the references' descriptions (French).
# Word pairs ("phrases", matching.engine) are adjacent positions: the parts of a profile are
# kept apart by a stop word of their configuration, which takes a position and leaves no
# lexeme (leading a part: `||` shifts the right vector by the left one's last lexeme), so that
# no pair spans two lines of the statement, two keywords, two references, a reference and its
# client, or the statement and the keywords (the tender's pairs never span two lines either:
# the same line breaks as Python's str.splitlines). One stop word is a gap of one position:
# enough while matching.engine.PHRASE_MAX_GAP is 1 (a test ties them).
_LINE_BREAK = r"'\s*[\n\r\f\v\u001c-\u001e\u0085\u2028\u2029]\s*'"  # as str.splitlines
_OWN_STOP_WORD = (
    "(CASE WHEN %(config)s::regconfig = 'en_unaccent'::regconfig THEN ' the ' ELSE ' le ' END)"
)
_SEARCH_VECTOR_SQL = f"""
UPDATE suppliers_supplierprofile p SET search_vector =
    setweight(to_tsvector(%(config)s::regconfig, regexp_replace(
        coalesce(p.capability_statement, ''), {_LINE_BREAK}, {_OWN_STOP_WORD}, 'g')), 'A')
 || setweight(to_tsvector(%(config)s::regconfig, {_OWN_STOP_WORD}
        || array_to_string(p.keywords || p.technologies, {_OWN_STOP_WORD})), 'A')
 || setweight(to_tsvector('fr_unaccent', coalesce((
        SELECT ' le ' || string_agg(regexp_replace(r.description, {_LINE_BREAK}, ' le ', 'g')
                                    || ' le ' || r.client, ' le ')
        FROM suppliers_reference r WHERE r.profile_id = p.id), '')), 'C')
WHERE p.id = %(id)s
"""  # noqa: S608 - only the constants above are formatted in


def reference_clients(clients) -> list[str]:
    """The distinct clients of a profile's references, lower-cased the way the matching engine
    compares them with a tender's buyer (matching.scoring.past_performance_component)."""
    return sorted({(c or "").lower() for c in clients if c})


def postal_code_clean(postal_code: str, region_code: str | None) -> str:
    """The head office's postal code, spaces removed, checked: 5 digits of a French département
    and, when the head-office region is known, in that region. It feeds matching (the
    département a supplier works in, profile_departements): "ABCDE", or "75001" with a head
    office in Bretagne, would silently give none or the wrong one. Blank stays blank."""
    code = re.sub(r"\s", "", postal_code or "")
    if not code:
        return ""
    departement_code = departement_of_postal_code(code) if len(code) == 5 else ""
    if not departement_code:
        raise ValidationError(
            _("“%(code)s” is not a French postal code: 5 digits expected, e.g. 29200."),
            code="invalid_postal_code",
            params={"code": postal_code},
        )
    # Without the reference départements (a fresh database), only the form is checked.
    departement = Departement.objects.filter(code=departement_code).first()
    if departement and region_code and departement.region_id != region_code:
        raise ValidationError(
            _(
                "Postal code %(code)s is in %(departement)s, not in the head-office region "
                "you chose: correct one or the other."
            ),
            code="postal_code_region",
            params={"code": code, "departement": departement.name},
        )
    return code


def profile_departements(*, postal_code: str, reference_departements) -> list[str]:
    """Where a supplier is known to work: its head office's département (from its postal code)
    and its references' places of performance; only codes of portal_departement, sorted."""
    codes = {departement_of_postal_code(postal_code), *reference_departements} - {"", None}
    return sorted(Departement.objects.filter(code__in=codes).values_list("code", flat=True))


def live_refresh_matching_fields(live: SupplierProfile) -> None:
    references = list(live.references.values_list("cpv_code", "client", "departement_id"))
    SupplierProfile.objects.filter(pk=live.pk).update(
        cpv_prefixes=cpv_prefixes(live.cpv_codes),
        reference_cpv_prefixes=cpv_prefixes(code for code, _client, _dept in references),
        reference_count=len(references),
        reference_clients=reference_clients(client for _code, client, _dept in references),
        certification_types=sorted(set(live.certifications.values_list("type", flat=True))),
        departements=profile_departements(
            postal_code=live.postal_code,
            reference_departements=(dept for _code, _client, dept in references),
        ),
    )
    config = "en_unaccent" if live.statement_language == "en" else "fr_unaccent"
    with connection.cursor() as cursor:
        cursor.execute(_SEARCH_VECTOR_SQL, {"config": config, "id": live.pk})


def _delete_unreferenced_files(files: dict[str, str]) -> None:
    still_used = set(
        Document.objects.filter(storage_key__in=files).values_list("storage_key", flat=True)
    )
    storage = Document._meta.get_field("file").storage
    for key, name in files.items():
        if key not in still_used:
            transaction.on_commit(lambda name=name: storage.delete(name))


@transaction.atomic
def profile_approve(*, profile: SupplierProfile, by: User, reason: str = "") -> SupplierProfile:
    _require_moderator(by)
    profile = _lock(profile)
    holder = (
        SupplierProfile.objects.filter(is_live=True, siren=profile.siren)
        .exclude(organization=profile.organization_id)
        .first()
    )
    if holder is not None:
        raise ProfileStateError(
            _(
                "SIREN %(siren)s already belongs to the approved profile of %(name)s: reject this "
                "one, or suspend that one first."
            )
            % {"siren": profile.siren, "name": holder}
        )
    _decide(
        profile=profile,
        by=by,
        to=Status.APPROVED,
        reason=reason.strip(),
        allowed_from=(Status.SUBMITTED,),
        action="supplier_profile.approved",
    )
    _publish(profile)
    _rematch_on_commit()
    return profile


@transaction.atomic
def profile_request_changes(*, profile: SupplierProfile, by: User, reason: str) -> SupplierProfile:
    _require_moderator(by)
    profile = _lock(profile)
    _decide(
        profile=profile,
        by=by,
        to=Status.CHANGES_REQUESTED,
        reason=_require_reason(reason),
        allowed_from=(Status.SUBMITTED,),
        action="supplier_profile.changes_requested",
    )
    return profile


@transaction.atomic
def profile_reject(*, profile: SupplierProfile, by: User, reason: str) -> SupplierProfile:
    _require_moderator(by)
    profile = _lock(profile)
    _decide(
        profile=profile,
        by=by,
        to=Status.REJECTED,
        reason=_require_reason(reason),
        allowed_from=(Status.SUBMITTED,),
        action="supplier_profile.rejected",
    )
    return profile


@transaction.atomic
def profile_suspend(*, live: SupplierProfile, by: User, reason: str) -> SupplierProfile:
    """Take an approved supplier out of buyers' sight and of matching."""
    _require_moderator(by)
    live = _lock(live)
    if not live.is_live:
        raise ProfileStateError(_("Only an approved profile can be suspended."))
    _decide(
        profile=live,
        by=by,
        to=Status.SUSPENDED,
        reason=_require_reason(reason),
        allowed_from=(Status.APPROVED,),
        action="supplier_profile.suspended",
    )
    from matching.services import supplier_matches_remove

    supplier_matches_remove(organization=live.organization)  # gone from shortlists at once
    _rematch_on_commit()  # and the gaps filled
    return live


@transaction.atomic
def profile_reinstate(*, live: SupplierProfile, by: User, reason: str) -> SupplierProfile:
    _require_moderator(by)
    live = _lock(live)
    _decide(
        profile=live,
        by=by,
        to=Status.APPROVED,
        reason=_require_reason(reason),
        allowed_from=(Status.SUSPENDED,),
        action="supplier_profile.reinstated",
    )
    _rematch_on_commit()
    return live


def _rematch_on_commit() -> None:
    """A supplier entering, changing or leaving: every open tender's shortlist may change."""
    from matching.tasks import rematch_open_tenders_on_commit

    rematch_open_tenders_on_commit()


class DocumentRejected(Exception):
    """The uploaded file is not an acceptable PDF; the message says why and what to do."""


def _safe_name(name: str) -> str:
    """Keep a display name without any path or control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return (name.strip(" .") or "document.pdf")[:200]


@transaction.atomic
def document_add(*, profile: SupplierProfile, kind: str, title: str, upload, by: User) -> Document:
    """Store an uploaded PDF under a random name. Checked by content, not by its name."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise DocumentRejected(
            _("The file is %(size).1f MB; the limit is %(max)d MB. Compress it or split it.")
            % {"size": upload.size / 1_048_576, "max": MAX_DOCUMENT_BYTES // 1_048_576}
        )
    upload.seek(0)
    head = upload.read(1024)
    if not head.startswith(PDF_MAGIC):
        raise DocumentRejected(
            _("This file is not a PDF (whatever its name says). Export your document as PDF.")
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    profile = _lock(profile)
    _start_editing(profile, by)
    profile.save(update_fields=["status", "updated_at"])
    document = Document(
        profile=profile,
        kind=kind,
        title=title.strip() or _safe_name(upload.name),
        storage_key=secrets.token_hex(24),
        original_name=_safe_name(upload.name),
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    document.file.save("upload.pdf", upload, save=False)
    try:  # if the row cannot be written, the stored file must not stay behind
        document.full_clean(exclude=["file"])
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def document_delete(*, profile: SupplierProfile, document: Document, by: User) -> None:
    profile = _lock(profile)
    _start_editing(profile, by)
    profile.save(update_fields=["status", "updated_at"])
    files = {document.storage_key: document.file.name}
    document.delete()
    # The live profile may still show the same file until the revision is approved.
    _delete_unreferenced_files(files)

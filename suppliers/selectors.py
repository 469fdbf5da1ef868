"""Reads across supplier profiles: what pages show, the moderation queue, revision diffs."""

from __future__ import annotations

import datetime

from django.contrib.postgres.fields import ArrayField
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import AuditEvent, CpvCode, Region

from . import services
from .models import Document, SupplierProfile

Status = SupplierProfile.Status


def live_profile_of(organization_id: int) -> SupplierProfile | None:
    return SupplierProfile.objects.filter(organization_id=organization_id, is_live=True).first()


def _cpv_by_code(codes) -> dict[str, CpvCode]:
    return {c.code: c for c in CpvCode.objects.filter(code__in=codes)}


def _region_names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def profile_display_context(profile: SupplierProfile) -> dict:
    """Labels for the codes a profile stores: CPV codes and regions served."""
    cpv = _cpv_by_code(profile.cpv_codes)
    regions = _region_names(profile.regions_served)
    return {
        "cpv_list": [cpv.get(code) or code for code in profile.cpv_codes],
        "regions_served_names": [regions.get(code, code) for code in profile.regions_served],
        "certifications": list(profile.certifications.all()),
        "documents": list(profile.documents.all()),
        "today": timezone.localdate(),
    }


def references_of(profile: SupplierProfile):
    """A profile's references with their place of performance (shown by name)."""
    return profile.references.select_related("departement")


def visible_references(profile: SupplierProfile, include_private: bool):
    references = references_of(profile)
    return references if include_private else references.filter(is_public=True)


def profile_overview_context(profile: SupplierProfile) -> dict:
    live = live_profile_of(profile.organization_id)
    return {
        "profile": profile,
        "live": live,
        "missing": services.profile_missing_fields(profile),
        "can_submit": profile.status in (Status.DRAFT, Status.CHANGES_REQUESTED),
        "references": references_of(profile),
        **profile_display_context(profile),
    }


def moderation_queue(
    *, state: str = "", region: str = "", size: str = "", siren_conflicts: bool = False
) -> QuerySet[SupplierProfile]:
    """Working profiles, oldest submission first; suspended means the live copy is."""
    live_suspended = SupplierProfile.objects.filter(
        organization=OuterRef("organization"), is_live=True, status=Status.SUSPENDED
    )
    queryset = (
        SupplierProfile.objects.filter(is_live=False)
        .select_related("organization", "region")
        .annotate(is_suspended=Exists(live_suspended))
    )
    if state == Status.SUSPENDED:
        queryset = queryset.filter(is_suspended=True)
    elif state:
        queryset = queryset.filter(status=state)
    else:
        queryset = queryset.filter(status=Status.SUBMITTED)
    if region:
        queryset = queryset.filter(Q(region_id=region) | Q(regions_served__contains=[region]))
    if size:
        queryset = queryset.filter(size_category=size)
    if siren_conflicts:
        queryset = queryset.filter(siren_conflict=True)
    return queryset.order_by("submitted_at", "created_at", "pk")


# What the moderation flow records on a supplier profile (services.py), as a moderator reads it;
# an action missing here is shown by its code.
ACTION_LABELS = {
    "supplier_profile.revision_started": gettext_lazy("Reopened for editing"),
    "supplier_profile.submitted": gettext_lazy("Submitted for review"),
    "supplier_profile.approved": gettext_lazy("Approved"),
    "supplier_profile.changes_requested": gettext_lazy("Changes requested"),
    "supplier_profile.rejected": gettext_lazy("Rejected"),
    "supplier_profile.suspended": gettext_lazy("Suspended"),
    "supplier_profile.reinstated": gettext_lazy("Reinstated"),
}


def moderation_history(
    profile: SupplierProfile, live: SupplierProfile | None, limit: int = 50
) -> list[AuditEvent]:
    """The latest events on the working profile and its live copy, newest first, each with its
    ``action_label`` (None for an action without one)."""
    targets = [str(profile.pk)] + ([str(live.pk)] if live else [])
    events = list(
        AuditEvent.objects.filter(
            target_type="suppliers.supplierprofile", target_id__in=targets
        ).order_by("-created_at")[:limit]
    )
    for event in events:
        event.action_label = ACTION_LABELS.get(event.action)
    return events


# Bookkeeping of certifications, references and documents: neither compared nor shown.
_NOT_DESCRIBED = {"id", "profile", "storage_key", "file", "uploaded_by", "uploaded_at", "sha256"}
_CHILDREN = (
    ("certifications", gettext_lazy("Certifications")),
    ("references", gettext_lazy("References")),
    ("documents", gettext_lazy("Documents")),
)


def _children(profile: SupplierProfile | None, related: str) -> list:
    if profile is None:
        return []
    children = getattr(profile, related).all()
    if related == "references":
        children = children.select_related("departement")
    return list(children)


def _described_fields(obj) -> list:
    return [f for f in obj._meta.concrete_fields if f.name not in _NOT_DESCRIBED]


def _child_keys(children: list) -> list[tuple]:
    """What the diff compares: the stored values, in an order that does not depend on the
    language of the page."""
    keys = [tuple(f.value_from_object(obj) for f in _described_fields(obj)) for obj in children]
    return sorted(keys, key=repr)


def _child_lines(children: list, cpv: dict[str, CpvCode]) -> list[str]:
    return sorted(_describe(obj, cpv) for obj in children)


def _describe(obj, cpv: dict[str, CpvCode]) -> str:
    """One certification, reference or document as a moderator reads it: labels of choices,
    formatted dates, yes/no, related objects by name, CPV codes with their label."""
    parts = []
    for field in _described_fields(obj):
        value = getattr(obj, field.attname)
        if value in (None, ""):
            continue
        if field.choices:
            text = getattr(obj, f"get_{field.name}_display")()
        elif field.is_relation:
            text = getattr(obj, field.name)
        elif field.name == "cpv_code":
            text = _cpv_text(value, cpv)
        elif isinstance(obj, Document) and field.name == "size":
            text = filesizeformat(value)
        elif isinstance(value, bool):  # a bare yes or no would not say what it answers
            text = _("%(field)s: %(value)s") % {
                "field": field.verbose_name,
                "value": _value_text(value),
            }
        else:
            text = _value_text(value)
        parts.append(str(text))
    return " · ".join(parts)


def _value_text(value) -> str:
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _cpv_text(code: str, cpv: dict[str, CpvCode]) -> str:
    known = cpv.get(code)
    return f"{known.full_code} — {known.label}" if known else code


def _compared(profile: SupplierProfile | None, name: str):
    """What the diff compares for a field: its stored value (no profile, or nothing stored,
    compares as empty)."""
    if profile is None:
        return ""
    value = SupplierProfile._meta.get_field(name).value_from_object(profile)
    return "" if value is None or value == [] else value


def revision_diff(working: SupplierProfile, live: SupplierProfile | None) -> list[dict]:
    """Field by field, what the pending revision changes compared with the approved profile.
    With no approved profile yet, every filled field is new. Rows are decided on stored values
    and show what a moderator reads (names of regions, labels of CPV codes and choices...)."""
    profiles = [p for p in (working, live) if p is not None]
    children = {
        related: (_children(working, related), _children(live, related))
        for related, _label in _CHILDREN
    }
    regions = _region_names(
        {code for p in profiles for code in p.regions_served}
        | {p.region_id for p in profiles if p.region_id}
    )
    cpv = _cpv_by_code(
        {code for p in profiles for code in p.cpv_codes}
        | {r.cpv_code for refs in children["references"] for r in refs if r.cpv_code}
    )
    rows = []
    for name in services.CONTENT_FIELDS:
        if _compared(working, name) != _compared(live, name):
            rows.append(
                {
                    "field": SupplierProfile._meta.get_field(name).verbose_name,
                    "old": _display(live, name, regions, cpv) if live else "",
                    "new": _display(working, name, regions, cpv),
                }
            )
    for related, label in _CHILDREN:
        new, old = children[related]
        if _child_keys(new) != _child_keys(old):
            rows.append(
                {
                    "field": label,
                    "old": "\n".join(_child_lines(old, cpv)),
                    "new": "\n".join(_child_lines(new, cpv)),
                }
            )
    return rows


def _display(
    profile: SupplierProfile, name: str, regions: dict[str, str], cpv: dict[str, CpvCode]
) -> str:
    """A profile's field as a moderator reads it."""
    field = SupplierProfile._meta.get_field(name)
    value = getattr(profile, field.attname)
    if value is None or value == "":
        return ""
    if isinstance(field, ArrayField):
        if name == "regions_served":
            return ", ".join(regions.get(code, code) for code in value)
        if name == "cpv_codes":  # labels may hold commas: one code a line
            return "\n".join(_cpv_text(code, cpv) for code in value)
        labels = dict(field.base_field.flatchoices) if field.base_field.choices else {}
        return ", ".join(str(labels.get(item, item)) for item in value)
    if field.is_relation:
        if field.related_model is Region:
            return regions.get(value, value)
        return str(getattr(profile, name))
    if field.choices:
        return str(getattr(profile, f"get_{name}_display")())
    return _value_text(value)


def dashboard_context(organization) -> dict:
    """The supplier's dashboard: its profile's state and the last decision, with its reason."""
    profiles = {p.is_live: p for p in SupplierProfile.objects.filter(organization=organization)}
    return {"working_profile": profiles.get(False), "live_profile": profiles.get(True)}

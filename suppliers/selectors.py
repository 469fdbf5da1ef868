"""Reads across supplier profiles: what pages show, the moderation queue, revision diffs."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import CpvCode, Region

from . import services
from .models import SupplierProfile

Status = SupplierProfile.Status


def live_profile_of(organization_id: int) -> SupplierProfile | None:
    return SupplierProfile.objects.filter(organization_id=organization_id, is_live=True).first()


def profile_display_context(profile: SupplierProfile) -> dict:
    """Labels for the codes a profile stores: CPV codes and regions served."""
    cpv = {c.code: c for c in CpvCode.objects.filter(code__in=profile.cpv_codes)}
    regions = dict(
        Region.objects.filter(code__in=profile.regions_served).values_list("code", "name")
    )
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


def _child_lines(profile: SupplierProfile | None, related: str) -> list[str]:
    if profile is None:
        return []
    children = getattr(profile, related).all()
    if related == "references":
        children = children.select_related("departement")
    return sorted(_describe(obj) for obj in children)


def _describe(obj) -> str:
    fields = [
        f
        for f in obj._meta.concrete_fields
        if f.name
        not in ("id", "profile", "storage_key", "file", "uploaded_by", "uploaded_at", "sha256")
    ]
    return " · ".join(
        str(getattr(obj, f.name)) for f in fields if getattr(obj, f.name) not in (None, "")
    )


def revision_diff(working: SupplierProfile, live: SupplierProfile | None) -> list[dict]:
    """Field by field, what the pending revision changes compared with the approved profile.
    With no approved profile yet, every filled field is new."""
    rows = []
    for name in services.CONTENT_FIELDS:
        field = SupplierProfile._meta.get_field(name)
        new = _display(working, name)
        old = _display(live, name) if live else ""
        if new != old:
            rows.append({"field": field.verbose_name, "old": old, "new": new})
    for related, label in (
        ("certifications", _("Certifications")),
        ("references", _("References")),
        ("documents", _("Documents")),
    ):
        new, old = _child_lines(working, related), _child_lines(live, related)
        if new != old:
            rows.append({"field": label, "old": "\n".join(old), "new": "\n".join(new)})
    return rows


def _display(profile: SupplierProfile, name: str) -> str:
    value = getattr(profile, name)
    display = getattr(profile, f"get_{name}_display", None)
    if display is not None and value not in (None, ""):
        return str(display())
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


def dashboard_context(organization) -> dict:
    """The supplier's dashboard: its profile's state and the last decision, with its reason."""
    profiles = {p.is_live: p for p in SupplierProfile.objects.filter(organization=organization)}
    return {"working_profile": profiles.get(False), "live_profile": profiles.get(True)}

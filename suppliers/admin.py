"""Admin of supplier profiles: for support staff, and read-only. A profile changes through its
pages and moderation (suppliers.services), which also keep what matching reads (search vector,
CPV prefixes, certification types, reference counts and clients, départements) and re-match the
tenders: an edit here would bypass both, and shortlists would rank stale data."""

from django.contrib import admin

from portal.admin import ReadOnly

from .models import Certification, Document, Reference, SupplierProfile


class CertificationInline(ReadOnly, admin.TabularInline):
    model = Certification
    extra = 0


class ReferenceInline(ReadOnly, admin.TabularInline):
    model = Reference
    extra = 0


class DocumentInline(ReadOnly, admin.TabularInline):
    model = Document
    extra = 0
    fields = ["kind", "title", "original_name", "size", "uploaded_at"]
    readonly_fields = fields


@admin.register(SupplierProfile)
class SupplierProfileAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only (see the module doc): moderation decisions go through the moderation pages
    (services, audit, emails), edits through the profile's pages."""

    list_display = [
        "display_name",
        "siren",
        "is_live",
        "status",
        "size_category",
        "region",
        "submitted_at",
    ]
    list_filter = ["is_live", "status", "size_category", "clearance_level"]
    search_fields = ["legal_name", "trade_name", "siren", "organization__name"]
    readonly_fields = [
        "organization",
        "is_live",
        "status",
        "size_category",
        "is_startup",
        "siren_conflict",
        "submitted_at",
        "decided_at",
        "decision_reason",
    ]
    inlines = [CertificationInline, ReferenceInline, DocumentInline]

from django.contrib import admin

from .models import Certification, Document, Reference, SupplierProfile


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 0


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ["kind", "title", "original_name", "size", "uploaded_at"]
    readonly_fields = fields


@admin.register(SupplierProfile)
class SupplierProfileAdmin(admin.ModelAdmin):
    """Read-mostly: moderation decisions go through the moderation pages (services, audit,
    emails), not through this form."""

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

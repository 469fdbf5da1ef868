"""Admin of tenders: for support staff; authors use the tenders pages (services, audit)."""

from django.contrib import admin

from .models import Interest, Lot, Tender, TenderDocument


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    autocomplete_fields = ["cpv"]


class DocumentInline(admin.TabularInline):
    model = TenderDocument
    extra = 0


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
    list_display = ["title", "buyer", "status", "submission_deadline", "ocid"]
    list_filter = ["status", "sme_reserved", "min_clearance"]
    search_fields = ["title", "ocid", "reference"]
    raw_id_fields = ["buyer", "main_cpv", "region", "created_by"]
    filter_horizontal = ["additional_cpvs"]
    readonly_fields = ["ocds_release_id", "ocds_release_date", "ocds_release_hash"]
    inlines = [LotInline, DocumentInline]


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["tender", "organization", "created_at"]
    raw_id_fields = ["tender", "organization", "created_by"]

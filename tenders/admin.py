"""Admin of tenders: for support staff, and read-only. A tender changes through the tenders
pages, the API or an OCDS import (tenders.services), which validate it, record the change in
the audit trail and re-match it when its requirements change: an edit here would bypass all
three, and its shortlists would rank suppliers against requirements it no longer has. The same
holds for expressed interest (a component of the score)."""

from django.contrib import admin

from portal.admin import ReadOnly

from .models import Interest, Lot, Tender, TenderDocument


class LotInline(ReadOnly, admin.TabularInline):
    model = Lot
    extra = 0


class DocumentInline(ReadOnly, admin.TabularInline):
    model = TenderDocument
    extra = 0


@admin.register(Tender)
class TenderAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "buyer", "status", "submission_deadline", "ocid"]
    list_filter = ["status", "sme_reserved", "min_clearance"]
    search_fields = ["title", "ocid", "reference"]
    inlines = [LotInline, DocumentInline]


@admin.register(Interest)
class InterestAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["tender", "organization", "created_at"]
    search_fields = ["tender__title", "organization__name"]

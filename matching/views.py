"""Buyers' pages: follow a tender, review and work its shortlist with colleagues, export it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.models import Organization
from portal.security import needs_reauthentication
from portal.services import audit_record
from tenders.permissions import get_tender_for_user

from . import exports, selectors, services
from .forms import ContactForm, EntryForm, RequirementsForm, ShortlistFilterForm
from .permissions import buyer_required, get_follow_for_user

EXPORT_FORMATS = {"csv": "CSV", "xlsx": "Excel (XLSX)"}


def _back(tender_id: int, request, supplier_id: int | None = None):
    """Back to the shortlist, with the filters the person had (kept in a hidden field)."""
    query = QueryDict(request.POST.get("query", "")[:500]).urlencode()
    url = reverse("matching:shortlist", args=[tender_id]) + (f"?{query}" if query else "")
    return redirect(url + (f"#supplier-{supplier_id}" if supplier_id else ""))


@require_GET
@buyer_required
def shortlist(request, tender_id):
    follow = get_follow_for_user(request.user, tender_id)
    params = request.GET.copy()
    download = params.pop("download", [None])[-1]  # an export asked before the password
    form = ShortlistFilterForm(params or None)
    since = selectors.last_visit(follow, request.user)
    rows = selectors.shortlist_rows(follow=follow, filters=form.filters(), since=since)
    services.follow_visit_record(follow=follow, user=request.user)
    context = {
        "follow": follow,
        "tender": follow.tender,
        "rows": rows,
        "form": form,
        "since": since,
        "query": params.urlencode(),
        "requirements_form": RequirementsForm.for_follow(follow),
    }
    if download in EXPORT_FORMATS and not needs_reauthentication(request):
        query = params.urlencode()
        context["download"] = {
            "format": EXPORT_FORMATS[download],
            "url": reverse(f"matching:export_{download}", args=[tender_id])
            + (f"?{query}" if query else ""),
        }
    return render(request, "matching/shortlist_detail.html", context)


@require_GET
@buyer_required
def shortlist_export(request, tender_id, fmt):
    follow = get_follow_for_user(request.user, tender_id)
    if needs_reauthentication(request):
        # A whole shortlist leaves the portal: the password again. A download resumed by the
        # password page would leave the person on that page with no sign of it: back to the
        # shortlist instead, which then starts the download and says so.
        params = request.GET.copy()
        params["download"] = fmt
        back = reverse("matching:shortlist", args=[tender_id]) + "?" + params.urlencode()
        return redirect(reverse("account_reauthenticate") + "?" + urlencode({"next": back}))
    rows = selectors.shortlist_rows(
        follow=follow, filters=ShortlistFilterForm(request.GET or None).filters()
    )
    audit_record(
        actor=request.user,
        action="shortlist.exported",
        target=follow.tender,
        data={"format": fmt, "rows": len(rows), "filters": request.GET.dict()},
    )
    name = f"shortlist-{follow.tender_id}-{slugify(follow.tender.title)[:40]}"
    if fmt == "csv":
        response = HttpResponse(exports.shortlist_csv(rows), content_type="text/csv")
    else:
        response = HttpResponse(
            exports.shortlist_xlsx(rows, follow.tender.title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_POST
@buyer_required
def follow(request, tender_id):
    tender = get_tender_for_user(request.user, tender_id)
    try:
        services.follow_tender(tender=tender, by=request.user)
    except services.ShortlistError as exc:
        messages.error(request, str(exc))
        return redirect("tenders:detail", pk=tender.pk)
    messages.success(
        request, _("Your organization follows this tender. Its shortlist is being computed.")
    )
    return redirect("matching:shortlist", tender_id=tender.pk)


@require_POST
@buyer_required
def unfollow(request, tender_id):
    follow = get_follow_for_user(request.user, tender_id)
    services.unfollow_tender(follow=follow, by=request.user)
    messages.success(request, _("Your organization no longer follows this tender."))
    return redirect("tenders:detail", pk=tender_id)


@require_POST
@buyer_required
def requirements_update(request, tender_id):
    follow = get_follow_for_user(request.user, tender_id)
    form = RequirementsForm.for_follow(follow, request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Check the requirements and weights: %(errors)s")
            % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
        return _back(tender_id, request)
    try:
        services.follow_update_requirements(follow=follow, by=request.user, **form.service_kwargs())
    except services.ShortlistError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Requirements saved. The shortlist is being recomputed."))
    return _back(tender_id, request)


def _supplier(supplier_id: int) -> Organization:
    return get_object_or_404(Organization, pk=supplier_id, kind=Organization.Kind.SUPPLIER)


@require_POST
@buyer_required
def entry_update(request, tender_id, supplier_id):
    follow = get_follow_for_user(request.user, tender_id)
    supplier = _supplier(supplier_id)
    form = EntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status; notes are limited in length."))
        return _back(tender_id, request, supplier_id)
    scope = {"organization": follow.organization, "tender": follow.tender, "supplier": supplier}
    try:
        services.shortlist_entry_set_status(
            **scope, status=form.cleaned_data["status"], by=request.user
        )
        services.shortlist_entry_set_notes(
            **scope, notes=form.cleaned_data["notes"], by=request.user
        )
    except services.ShortlistError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return _back(tender_id, request, supplier_id)


@require_POST
@buyer_required
def contact(request, tender_id, supplier_id):
    follow = get_follow_for_user(request.user, tender_id)
    supplier = _supplier(supplier_id)
    form = ContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a message (at most 5,000 characters)."))
        return _back(tender_id, request, supplier_id)
    try:
        services.supplier_contact(
            organization=follow.organization,
            tender=follow.tender,
            supplier=supplier,
            message=form.cleaned_data["message"],
            by=request.user,
        )
    except services.ShortlistError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Message sent to the supplier's members."))
    return _back(tender_id, request, supplier_id)

"""Search, detail and the CPV picker's JSON endpoint."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.permissions import Role, user_organization, user_role

from .. import selectors
from ..display import requirements_in_words
from ..forms import SearchForm
from ..permissions import can_author, get_tender_for_user

PAGE_SIZE = 20


@require_GET
@login_required
def tender_search(request):
    form = SearchForm(request.GET or None)
    results = selectors.tenders_search(user=request.user, filters=form.filters())
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "facets": selectors.tenders_facets(queryset=results),
        "query_string": query.urlencode(),
        "can_create": can_author(request.user),
    }
    return render(request, "tenders/tender_search.html", context)


@require_GET
@login_required
def tender_detail(request, pk):
    tender = get_tender_for_user(request.user, pk)
    organization = user_organization(request.user)
    is_supplier = user_role(request.user) == Role.SUPPLIER
    context = {
        "tender": tender,
        "lots": tender.lots.select_related("cpv"),
        "documents": tender.documents.all(),
        "additional_cpvs": tender.additional_cpvs.all(),
        "requirements": requirements_in_words(tender),
        "can_author": can_author(request.user, tender),
        "is_supplier": is_supplier,
        "has_interest": is_supplier
        and selectors.organization_has_interest(tender=tender, organization=organization),
        "interest_count": selectors.interests_for_tender(tender).count(),
    }
    if user_role(request.user) == Role.BUYER:  # prime contractors follow tenders
        from matching.selectors import organization_follows

        context["is_buyer"] = True
        context["follows"] = organization_follows(organization=organization, tender=tender)
    if context["can_author"]:  # the tender's own entity and moderators see who matches
        from matching.selectors import shortlist

        context["shortlist"] = shortlist(tender, limit=10)
    return render(request, "tenders/tender_detail.html", context)


@require_GET
@login_required
def cpv_search(request):
    """JSON for the CPV picker: codes by prefix, or by words of their French/English label."""
    results = selectors.cpv_search(request.GET.get("q", "")[:100])
    return JsonResponse({"results": results})

"""Moderators' pages: the queue, one profile with its diff and documents, the decisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.models import Region
from portal.security import reauthentication_required

from . import selectors, services
from .forms import DecisionForm, ReasonForm
from .models import SizeCategory, SupplierProfile
from .permissions import moderator_required

DECISIONS = {
    "approve": services.profile_approve,
    "request_changes": services.profile_request_changes,
    "reject": services.profile_reject,
}


@moderator_required
def moderation_queue(request):
    filters = {
        "state": request.GET.get("state", ""),
        "region": request.GET.get("region", ""),
        "size": request.GET.get("size", ""),
        "siren_conflicts": request.GET.get("siren_conflicts") == "1",
    }
    page = Paginator(selectors.moderation_queue(**filters), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "states": SupplierProfile.Status.choices,
        "regions": Region.objects.regions(),
        "sizes": SizeCategory.choices,
    }
    return render(request, "suppliers/moderation_queue.html", context)


def _detail_context(profile: SupplierProfile, *, decision_form: DecisionForm | None = None):
    live = selectors.live_profile_of(profile.organization_id)
    return {
        "profile": profile,
        "live": live,
        "diff": selectors.revision_diff(profile, live),
        "decision_form": decision_form or DecisionForm(),
        "reason_form": ReasonForm(),
        "history": selectors.moderation_history(profile, live),
        "references": selectors.references_of(profile),
        **selectors.profile_display_context(profile),
    }


@moderator_required
def moderation_detail(request, pk):
    profile = get_object_or_404(
        SupplierProfile.objects.select_related("organization", "region"), pk=pk, is_live=False
    )
    return render(request, "suppliers/moderation_detail.html", _detail_context(profile))


@require_POST
@moderator_required
@reauthentication_required
def moderation_decide(request, pk):
    profile = get_object_or_404(
        SupplierProfile.objects.select_related("organization", "region"), pk=pk, is_live=False
    )
    form = DecisionForm(request.POST)
    if form.is_valid():
        decide = DECISIONS[form.cleaned_data["decision"]]
        try:
            decide(profile=profile, by=request.user, reason=form.cleaned_data["reason"])
        except services.ProfileStateError as exc:
            messages.error(request, str(exc))
            profile.refresh_from_db()  # another moderator may have decided: show where it stands
        else:
            messages.success(
                request,
                _("Decision recorded for %(name)s; the supplier is notified by email.")
                % {"name": profile},
            )
            return redirect("suppliers:moderation_queue")
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    # The page again, not a redirect: the chosen decision and the typed reason stay in the form,
    # each error next to its field. After a password prompt this renders at the prompt's address,
    # which is why the template gives every form its action.
    context = _detail_context(profile, decision_form=form)
    return render(request, "suppliers/moderation_detail.html", context)


def _live_action(request, pk, action):
    working = get_object_or_404(SupplierProfile, pk=pk, is_live=False)
    live = selectors.live_profile_of(working.organization_id)
    form = ReasonForm(request.POST)
    if live is None:
        messages.error(request, _("This supplier has no approved profile."))
    elif not form.is_valid():
        messages.error(request, _("Give a reason: the supplier will read it."))
    else:
        try:
            action(live=live, by=request.user, reason=form.cleaned_data["reason"])
        except services.ProfileStateError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Done; the supplier is notified by email."))
    return redirect("suppliers:moderation_detail", pk=pk)


@require_POST
@moderator_required
@reauthentication_required
def moderation_suspend(request, pk):
    return _live_action(request, pk, services.profile_suspend)


@require_POST
@moderator_required
@reauthentication_required
def moderation_reinstate(request, pk):
    return _live_action(request, pk, services.profile_reinstate)

"""A supplier organization expresses or withdraws its interest in a published tender."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.permissions import Role, user_role

from .. import services
from ..permissions import get_tender_for_user


def _supplier_tender(request, pk):
    tender = get_tender_for_user(request.user, pk)  # 404 for tenders the user may not see
    if user_role(request.user) != Role.SUPPLIER:
        raise PermissionDenied
    return tender


@require_POST
@login_required
def interest_express(request, pk):
    tender = _supplier_tender(request, pk)
    try:
        services.interest_express(tender=tender, by=request.user)
    except services.TenderStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your interest was recorded. Buyers will see it."))
    return redirect("tenders:detail", pk=tender.pk)


@require_POST
@login_required
def interest_withdraw(request, pk):
    tender = _supplier_tender(request, pk)
    if services.interest_withdraw(tender=tender, by=request.user):
        messages.success(request, _("Your interest was withdrawn."))
    return redirect("tenders:detail", pk=tender.pk)

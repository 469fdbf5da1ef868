"""Ministry authors (for their entity) and moderators (for any) write and move tenders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.permissions import Role, role_required, user_organization

from .. import services
from ..forms import (
    CancelForm,
    DocumentFormSet,
    LotFormSet,
    TenderForm,
    documents_from,
    initial_documents,
    initial_lots,
    lots_from,
)
from ..permissions import get_tender_for_user


def _forms(request, tender=None):
    data = request.POST if request.method == "POST" else None
    return (
        TenderForm(data, instance=tender, moderator=request.user.is_moderator),
        LotFormSet(data, prefix="lots", initial=initial_lots(tender) if tender else None),
        DocumentFormSet(data, prefix="docs", initial=initial_documents(tender) if tender else None),
    )


def _save(request, form, lots, documents, tender=None):
    """Call the create/update service; on a model-level error, show it on the form."""
    kwargs = {
        "by": request.user,
        "fields": form.service_fields(),
        "lots": lots_from(lots),
        "documents": documents_from(documents),
        "additional_cpvs": form.cleaned_data["additional_cpv_codes"],
    }
    try:
        if tender is None:
            buyer = form.cleaned_data.get("buyer") or user_organization(request.user)
            return services.tender_create(buyer=buyer, **kwargs)
        return services.tender_update(tender=tender, **kwargs)
    except services.TenderStateError as exc:
        form.add_error(None, str(exc))
        return None
    except ValidationError as exc:
        _add_model_errors(form, exc)
        return None


def _add_model_errors(form, exc: ValidationError) -> None:
    """The service's errors on the form's fields: the main CPV is typed in `main_cpv_code`, and
    a field the form does not have (the buyer, for authors) goes on top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        name = "main_cpv_code" if name == "main_cpv" else name
        form.add_error(name if name in form.fields else None, errors)


def _render(request, form, lots, documents, tender=None):
    context = {"form": form, "lots": lots, "documents": documents, "tender": tender}
    return render(request, "tenders/tender_form.html", context)


@role_required(Role.MINISTRY, Role.MODERATOR)
def tender_create(request):
    form, lots, documents = _forms(request)
    if request.method == "POST" and all(f.is_valid() for f in (form, lots, documents)):
        tender = _save(request, form, lots, documents)
        if tender is not None:
            messages.success(request, _("Draft saved. Publish it when it is ready."))
            return redirect("tenders:detail", pk=tender.pk)
    return _render(request, form, lots, documents)


@login_required
def tender_edit(request, pk):
    tender = get_tender_for_user(request.user, pk, write=True)
    if not tender.is_editable:
        messages.error(request, _("A closed, awarded or cancelled tender can no longer be edited."))
        return redirect("tenders:detail", pk=tender.pk)
    form, lots, documents = _forms(request, tender)
    valid = request.method == "POST" and all(f.is_valid() for f in (form, lots, documents))
    if valid and _save(request, form, lots, documents, tender) is not None:
        messages.success(request, _("Tender saved."))
        return redirect("tenders:detail", pk=tender.pk)
    return _render(request, form, lots, documents, tender)


def _transition(request, pk, service, success: str, **kwargs):
    tender = get_tender_for_user(request.user, pk, write=True)  # 404 / 403
    try:
        service(tender=tender, by=request.user, **kwargs)
    except services.TenderStateError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("tenders:detail", pk=tender.pk)


@require_POST
@login_required
def tender_publish(request, pk):
    return _transition(request, pk, services.tender_publish, _("Tender published."))


@require_POST
@login_required
def tender_close(request, pk):
    return _transition(request, pk, services.tender_close, _("Tender closed."))


@require_POST
@login_required
def tender_award(request, pk):
    return _transition(request, pk, services.tender_award, _("Tender marked as awarded."))


@require_POST
@login_required
def tender_cancel(request, pk):
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _transition(request, pk, services.tender_cancel, _("Tender cancelled."), reason=reason)

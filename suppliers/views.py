"""Supplier profile pages (the supplier's own steps), documents, and the public profile."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.choices import ClearanceLevel
from portal.permissions import user_role

from . import selectors, services
from .forms import (
    CapabilitiesForm,
    CertificationFormSet,
    CredentialsForm,
    DocumentForm,
    IdentityForm,
    ReferenceFormSet,
    SizeForm,
)
from .models import Certification
from .permissions import (
    can_see_private,
    document_for,
    live_profile_for,
    pop_stashed_post,
    supplier_required,
    working_profile_for,
)

STEPS = [
    ("identity", gettext_lazy("Identity")),
    ("size", gettext_lazy("Size")),
    ("capabilities", gettext_lazy("Capabilities")),
    ("credentials", gettext_lazy("Credentials")),
    ("references", gettext_lazy("References")),
    ("documents", gettext_lazy("Documents")),
]
SIMPLE_STEPS = {"identity": IdentityForm, "size": SizeForm, "capabilities": CapabilitiesForm}
FORMSET_STEPS = {
    "credentials": (
        CertificationFormSet,
        "cert",
        "certifications",
        services.profile_set_certifications,
    ),
    "references": (ReferenceFormSet, "ref", "references", services.profile_set_references),
}
# A credential expiring within this many days gets a reminder when the credentials are saved.
EXPIRY_NOTICE_DAYS = 60


def _next_step(step: str) -> str | None:
    names = [name for name, _label in STEPS]
    index = names.index(step) + 1
    return names[index] if index < len(names) else None


def _posted_data(request):
    """This request's POST, or what was typed before the session expired (restored once)."""
    if request.method == "POST":
        return request.POST
    stashed = pop_stashed_post(request)
    if stashed is None:
        return None
    data = QueryDict(mutable=True)
    for key, values in stashed.items():
        data.setlist(key, values)
    messages.warning(
        request, _("Here is what you typed before your session expired. Check it and save it.")
    )
    return data


def _after_save(request, profile, step):
    messages.success(request, _("Saved."))
    following = _next_step(step)
    if "continue" in request.POST and following:
        return redirect("suppliers:profile_step", step=following)
    return redirect("suppliers:profile_step", step=step)


@supplier_required
def profile_overview(request):
    profile = working_profile_for(request.user)
    context = selectors.profile_overview_context(profile)
    return render(request, "suppliers/profile_overview.html", {**context, "steps": STEPS})


@supplier_required
def profile_step(request, step):
    if step == "documents":
        return profile_documents(request)
    if step not in SIMPLE_STEPS and step not in FORMSET_STEPS:
        raise Http404
    profile = working_profile_for(request.user)
    data = _posted_data(request)
    if step in SIMPLE_STEPS:
        forms = {"form": SIMPLE_STEPS[step](data, instance=profile)}
    else:
        formset_class, prefix, related, _service = FORMSET_STEPS[step]
        initial = list(getattr(profile, related).values())
        forms = {"formset": formset_class(data, initial=initial, prefix=prefix)}
        if step == "credentials":
            forms["form"] = CredentialsForm(data, instance=profile)
    if request.method == "POST" and all(f.is_valid() for f in forms.values()):
        try:
            _save_step(profile, step, forms, request.user)
        except services.ProfileStateError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            forms.get("form", forms.get("formset")).add_error(None, exc)
        else:
            response = _after_save(request, profile, step)
            if step == "credentials":
                _expiry_messages(request, forms)
            return response
    context = {"profile": profile, "steps": STEPS, "step": step, **forms}
    return render(request, "suppliers/profile_step.html", context)


def _formset_items(formset) -> list[dict]:
    """The rows kept: filled in and not ticked “Delete”."""
    return [
        f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def _save_step(profile, step, forms, user) -> None:
    if "form" in forms:
        form = forms["form"]
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.profile_update(profile=profile, data=data, by=user)
    if "formset" in forms:
        items = _formset_items(forms["formset"])
        FORMSET_STEPS[step][3](profile=profile, items=items, by=user)


def _expiry_messages(request, forms) -> None:
    """After the credentials are saved, say which ones have expired or expire soon. They are
    saved as typed (an expired certification is a true fact), but a credential fails the hard
    constraint of every tender whose deadline is after its expiry (matching.engine.eligible_sql)
    and nothing else would tell the supplier."""
    # Per certification (its type, or its name for “other”), the copy valid the longest: an
    # expired certificate kept next to its renewal is no concern.
    longest: dict[str, Certification] = {}
    for item in _formset_items(forms["formset"]):
        certification = Certification(
            type=item["type"], name=item.get("name", ""), expires_on=item.get("expires_on")
        )
        key = str(certification).casefold()
        best = longest.setdefault(key, certification)
        if _expiry_key(certification.expires_on) > _expiry_key(best.expires_on):
            longest[key] = certification
    for certification in longest.values():
        _expiry_message(
            request,
            certification.expires_on,
            {"name": str(certification)},
            expired=_(
                "%(name)s expired on %(date)s: tenders that require it will not match until "
                "you add a valid one."
            ),
            expiring=_(
                "%(name)s expires on %(date)s: renew it before then, or tenders with a later "
                "deadline will not match."
            ),
        )
    level = forms["form"].cleaned_data.get("clearance_level")
    if level:
        _expiry_message(
            request,
            forms["form"].cleaned_data.get("clearance_expires_on"),
            {"level": ClearanceLevel(level).label},
            expired=_(
                "Your security clearance (%(level)s) expired on %(date)s: tenders that require "
                "a clearance will not match until you enter a valid one."
            ),
            expiring=_(
                "Your security clearance (%(level)s) expires on %(date)s: renew it before "
                "then, or tenders with a later deadline will not match."
            ),
        )


def _expiry_message(request, day, params: dict, *, expired: str, expiring: str) -> None:
    """A warning when DAY is past, a reminder when it is within EXPIRY_NOTICE_DAYS."""
    today = timezone.localdate()
    if day is None or day > today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS):
        return
    params = {**params, "date": date_format(day, "SHORT_DATE_FORMAT")}
    if day < today:
        messages.warning(request, expired % params)
    else:
        messages.info(request, expiring % params)


def _expiry_key(day: datetime.date | None) -> datetime.date:
    return datetime.date.max if day is None else day


def profile_documents(request):
    profile = working_profile_for(request.user)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_add(
                profile=profile,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except (services.DocumentRejected, services.ProfileStateError) as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("Document added."))
            return redirect("suppliers:profile_step", step="documents")
    context = {
        "profile": profile,
        "steps": STEPS,
        "step": "documents",
        "form": form,
        "documents": profile.documents.all(),
    }
    return render(request, "suppliers/profile_documents.html", context)


@require_POST
@supplier_required
def document_delete(request, pk):
    profile = working_profile_for(request.user)
    document = profile.documents.filter(pk=pk).first()
    if document is None:
        raise Http404
    try:
        services.document_delete(profile=profile, document=document, by=request.user)
    except services.ProfileStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Document removed."))
    return redirect("suppliers:profile_step", step="documents")


@login_required
def document_download(request, pk):
    document = document_for(request.user, pk)
    # Always as an attachment, with our own content type: never rendered inline as HTML.
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@supplier_required
def profile_submit(request):
    profile = working_profile_for(request.user)
    try:
        services.profile_submit(profile=profile, by=request.user)
    except services.ProfileIncomplete as exc:
        for step, fields in exc.missing.items():
            messages.error(
                request,
                _("%(step)s: %(fields)s missing.")
                % {"step": dict(STEPS)[step], "fields": ", ".join(fields)},
            )
    except services.ProfileStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "Profile submitted. A moderator will review it; you will "
                "get an email with the decision."
            ),
        )
    return redirect("suppliers:profile")


@login_required
def supplier_detail(request, organization_id):
    profile = live_profile_for(request.user, organization_id)
    context = {
        "profile": profile,
        "references": selectors.visible_references(profile, can_see_private(request.user, profile)),
        "role": user_role(request.user),
        **selectors.profile_display_context(profile),
    }
    return render(request, "suppliers/supplier_detail.html", context)

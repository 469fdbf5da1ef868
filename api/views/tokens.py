"""The portal page where a user creates (shown once) and revokes personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.security import require_reauthentication

from .. import services
from ..forms import TokenCreateForm
from ..models import ApiToken
from .base import client_ip


@never_cache  # the page that shows a new token once must never be stored by a cache
@login_required
def token_list(request):
    if request.method == "POST":
        # A token is a new credential: creating one asks for the password again when it was
        # typed more than ACCOUNT_REAUTHENTICATION_TIMEOUT ago (the POST resumes after it).
        require_reauthentication(request)
    form = TokenCreateForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            created = {"token": token, "key": key}
            form = TokenCreateForm()
    context = {
        "form": form,
        "created": created,
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    return render(request, "api/tokens.html", context)


@require_POST
@login_required
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # others' tokens: 404
    services.token_revoke(token=token, by=request.user, ip_address=client_ip(request))
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api:tokens")

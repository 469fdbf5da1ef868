"""Pages of notifications: the moderators' outbox, a supplier member's alert settings, and the
one-click unsubscribe link of alert emails."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.permissions import Role, role_required

from . import selectors, services
from .forms import AlertSettingsForm, OutboxFilterForm
from .models import AlertSubscription, EmailDelivery


@require_GET
@role_required(Role.MODERATOR)
def outbox(request):
    form = OutboxFilterForm(request.GET or None)
    page = Paginator(selectors.outbox(**form.filters()), 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "counts": selectors.outbox_counts(),
        "statuses": EmailDelivery.Status.choices,
        "purposes": selectors.outbox_purposes(),
        "retryable": set(EmailDelivery.RETRYABLE),
    }
    return render(request, "notifications/outbox.html", context)


@require_POST
@role_required(Role.MODERATOR)
def outbox_retry(request, pk):
    delivery = get_object_or_404(EmailDelivery, pk=pk)
    try:
        services.delivery_retry(delivery=delivery, by=request.user)
    except services.OutboxError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The email will be sent again."))
    return redirect("notifications:outbox")


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPPLIER)
def alerts(request):
    form = AlertSettingsForm.for_user(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_subscription_update(user=request.user, **form.cleaned_data)
        except services.AlertError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your alert settings are saved."))
            return redirect("notifications:alerts")
    return render(request, "notifications/alert_settings.html", {"form": form})


# No login and no CSRF token: mail providers POST "List-Unsubscribe=One-Click" here (RFC 8058),
# and the token in the URL is the only credential. Nothing but unsubscribing can be done.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    if request.method == "GET":
        subscription = get_object_or_404(AlertSubscription, token=token)
        return render(request, "notifications/unsubscribe.html", {"subscription": subscription})
    subscription = services.alert_unsubscribe(token=token)
    if subscription is None:
        return render(request, "notifications/unsubscribe.html", {"unknown": True}, status=404)
    return render(request, "notifications/unsubscribe.html", {"done": True})

"""Writes of notifications: the outbox (enqueue, claim, send, sweep, retry) and what feeds it
(shortlist emails to buyers and their daily digest, tender alerts to suppliers, supplier
contacts, moderation decisions, invitations).

Delivery guarantee (never twice, never silently dropped):
- `email_enqueue` writes one row per (purpose, recipient, object, period) — a second request
  for the same email finds the row — and dispatches the send only after the caller's
  transaction commits.
- `delivery_send` claims the row with a conditional UPDATE pending → sending that also stores
  a lease and a claim token, committed before any SMTP traffic: a second run of the task, a
  retry or a redelivered message finds it no longer pending and does nothing.
- Just before the DATA command the row records `data_started_at` (committed). A worker that
  dies before that point cannot have delivered anything: once its lease expires the sweeper
  puts the row back to pending and it is sent again. A worker that dies after it may have
  delivered the message (the server may have accepted it without our knowing): the sweeper
  marks it `uncertain` and it is NOT resent automatically — at most once once the message
  has left; moderators see it on the outbox page and may retry it by hand (the Message-ID
  stays the same, so a receiving system can drop a duplicate).
- Transient SMTP errors (connection refused, 4xx, disconnections before DATA) put the row
  back to pending with an exponential backoff; after NOTIFICATIONS_MAX_ATTEMPTS it is
  `failed` with the error. A 5xx refusal of the recipient is `bounced` at once (one row per
  recipient: other recipients are unaffected); another 5xx is `failed` at once."""

from __future__ import annotations

import hashlib
import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Model, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal import services as portal_services
from portal.models import Organization, User
from portal.services import audit_record

from . import selectors, smtp
from .models import AlertSubscription, EmailDelivery, ShortlistNotice

logger = logging.getLogger(__name__)
Status = EmailDelivery.Status


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- The outbox ---------------------------------------------------------------------------------


def _object_key(obj: Model | None, key: str) -> tuple[str, str]:
    if obj is not None:
        return obj._meta.label_lower, str(obj.pk)
    return "", key


def _render(template: str, context: dict, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return subject[:255], text, html


def email_enqueue(
    *,
    purpose: str,
    recipient: User | None,
    template: str,
    context: dict,
    obj: Model | None = None,
    key: str = "",
    period: str = "",
    headers: dict | None = None,
    dispatch: bool = True,
    to_address: str = "",
    language: str = "",
) -> tuple[EmailDelivery, bool]:
    """Record the email PURPOSE about OBJ (or the string KEY) for PERIOD to RECIPIENT, rendered
    now in their language (or LANGUAGE), unless it already exists; send it after commit.
    RECIPIENT is None for an address with no account (TO_ADDRESS). Returns (delivery, created)."""
    object_type, object_id = _object_key(obj, key)
    unique: dict = {
        "purpose": purpose,
        "recipient": recipient,
        "object_type": object_type,
        "object_id": object_id,
        "period": period,
    }
    if recipient is None:
        unique["to_address"] = to_address
    existing = EmailDelivery.objects.filter(**unique).first()
    if existing is not None:
        return existing, False
    language = language or getattr(recipient, "language", "") or settings.LANGUAGE_CODE
    subject, text, html = _render(template, {"recipient": recipient, **context}, language)
    # get_or_create inserts in a savepoint and falls back to reading the row when a concurrent
    # insert won the unique constraint: INSERT ... ON CONFLICT semantics.
    delivery, created = EmailDelivery.objects.get_or_create(
        **unique,
        defaults={
            "to_address": recipient.email if recipient is not None else to_address,
            "language": language,
            "subject": subject,
            "body_text": text,
            "body_html": html,
            "headers": headers or {},
        },
    )
    if created and dispatch:
        delivery_dispatch_on_commit(delivery.pk)
    return delivery, created


def delivery_dispatch_on_commit(delivery_id: int) -> None:
    from .tasks import deliver

    deliver.delay_on_commit(delivery_id)  # the worker must see the committed row


def _lease_seconds() -> int:
    # Longer than the hard time limit of a task: a worker still holding an expired lease has
    # been killed (prefork enforces the limit), so nobody else is still talking to SMTP.
    return _setting("NOTIFICATIONS_SENDING_LEASE_SECONDS", 600)


def _backoff(attempts: int) -> int:
    base = _setting("NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
    cap = _setting("NOTIFICATIONS_RETRY_MAX_SECONDS", 3600)
    return int(min(base * 2 ** max(attempts - 1, 0), cap))


def _claim(delivery_id: int) -> tuple[EmailDelivery | None, uuid.UUID]:
    """pending → sending, atomically and committed at once (autocommit): only one worker wins."""
    now, token = timezone.now(), uuid.uuid4()
    claimed = (
        EmailDelivery.objects.filter(pk=delivery_id, status=Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            status=Status.SENDING,
            attempts=F("attempts") + 1,
            claim_token=token,
            lease_until=now + timedelta(seconds=_lease_seconds()),
            data_started_at=None,
            updated_at=now,
        )
    )
    if not claimed:
        return None, token
    return EmailDelivery.objects.select_related("recipient").get(pk=delivery_id), token


def _mine(delivery: EmailDelivery, token: uuid.UUID):
    return EmailDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING, claim_token=token)


class Withdrawn(Exception):
    """The email must not go out any more: what it is about was withdrawn meanwhile."""


def _complete(delivery: EmailDelivery) -> None:
    """Put back what the outbox must not keep: an invitation's link is a credential (its
    token is stored nowhere, only hashed), so the row holds a stand-in path, replaced here,
    in memory only, by the real link rebuilt from the invitation."""
    if delivery.purpose != INVITATION:
        return
    path = None
    if delivery.object_type == "portal.invitation" and delivery.object_id.isdigit():
        path = portal_services.invitation_accept_path(invitation_id=int(delivery.object_id))
    if path is None:
        raise Withdrawn(
            "The invitation was withdrawn, accepted or has expired, or its link can no longer "
            "be rebuilt: not sent. Invite the person again if needed."
        )
    withheld = _withheld_accept_path()
    if withheld not in delivery.body_text:
        raise Withdrawn("The email has no invitation link to complete: not sent.")
    delivery.body_text = delivery.body_text.replace(withheld, path)
    delivery.body_html = delivery.body_html.replace(withheld, path)


def _message(delivery: EmailDelivery) -> EmailMultiAlternatives:
    _complete(delivery)
    headers = {"Message-ID": delivery.message_id, **delivery.headers}
    message = EmailMultiAlternatives(
        subject=delivery.subject, body=delivery.body_text, to=[delivery.to_address], headers=headers
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    return message


@dataclass
class Outcome:
    status: str
    retry_in: int | None = None


def delivery_send(*, delivery_id: int) -> Outcome:
    """Claim and send one delivery. Must run outside any transaction: the claim and the
    DATA mark have to be committed before the network is touched. Returns the outcome;
    RETRY_IN (seconds) when the caller should schedule another attempt."""
    delivery, token = _claim(delivery_id)
    if delivery is None:
        current = EmailDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True)
        return Outcome(status=current.first() or "missing")

    def mark_data() -> None:
        _mine(delivery, token).update(data_started_at=timezone.now())

    try:
        message = _message(delivery)
    except Withdrawn as exc:
        _mine(delivery, token).update(
            status=Status.FAILED, lease_until=None, claim_token=None, last_error=str(exc)
        )
        return Outcome(status=Status.FAILED)
    try:
        smtp.send(message, on_data=mark_data)
    except Exception as exc:
        progress = smtp.progress_of(exc)
        if progress.accepted:  # the server took it; only the goodbye failed
            return _mark_sent(delivery, token)
        return _mark_failure(delivery, token, exc, data_started=progress.data_started)
    return _mark_sent(delivery, token)


def _mark_sent(delivery: EmailDelivery, token: uuid.UUID) -> Outcome:
    now = timezone.now()
    if not _mine(delivery, token).update(
        status=Status.SENT, sent_at=now, lease_until=None, claim_token=None, last_error=""
    ):
        logger.error("delivery %s sent but its claim was lost", delivery.pk)
    return Outcome(status=Status.SENT)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _mark_failure(
    delivery: EmailDelivery, token: uuid.UUID, exc: Exception, *, data_started: bool
) -> Outcome:
    error = _describe(exc)
    finished = {"lease_until": None, "claim_token": None, "last_error": error}
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            _mine(delivery, token).update(status=Status.BOUNCED, **finished)
            return Outcome(status=Status.BOUNCED)
    elif smtp.is_permanent(exc):
        _mine(delivery, token).update(status=Status.FAILED, **finished)
        return Outcome(status=Status.FAILED)
    elif data_started and not isinstance(exc, smtplib.SMTPResponseException):
        # The connection broke while the message was on the wire, with no answer from the
        # server: it may have been accepted. Never resent automatically.
        _mine(delivery, token).update(status=Status.UNCERTAIN, **finished)
        return Outcome(status=Status.UNCERTAIN)
    if delivery.attempts >= _setting("NOTIFICATIONS_MAX_ATTEMPTS", 6):
        _mine(delivery, token).update(status=Status.FAILED, **finished)
        return Outcome(status=Status.FAILED)
    delay = _backoff(delivery.attempts)
    _mine(delivery, token).update(
        status=Status.PENDING, next_attempt_at=timezone.now() + timedelta(seconds=delay), **finished
    )
    return Outcome(status=Status.PENDING, retry_in=delay)


def deliveries_sweep(*, now=None) -> dict[str, int]:
    """Beat: recover what workers left behind. An expired 'sending' lease before DATA goes back
    to pending; after DATA it becomes 'uncertain'. Overdue pending rows (a worker restarted, a
    broker message lost) are dispatched again; the claim keeps that harmless."""
    now = now or timezone.now()
    expired = EmailDelivery.objects.filter(status=Status.SENDING, lease_until__lt=now)
    uncertain = expired.filter(data_started_at__isnull=False).update(
        status=Status.UNCERTAIN,
        lease_until=None,
        claim_token=None,
        last_error="The worker stopped while the message was being transmitted: it may have "
        "been delivered. Check with the recipient before retrying.",
    )
    lost = list(expired.filter(data_started_at__isnull=True).values_list("pk", flat=True))
    requeued = expired.filter(pk__in=lost, data_started_at__isnull=True).update(
        status=Status.PENDING,
        lease_until=None,
        claim_token=None,
        next_attempt_at=now,
        last_error="The worker stopped before transmitting the message; sending again.",
    )
    grace = now - timedelta(seconds=_setting("NOTIFICATIONS_SWEEP_GRACE_SECONDS", 120))
    overdue = (
        EmailDelivery.objects.filter(status=Status.PENDING, created_at__lte=grace)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=grace))
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    due = list(dict.fromkeys([*lost, *overdue]))
    from .tasks import deliver

    for delivery_id in due:
        deliver.delay(delivery_id)
    return {"uncertain": uncertain, "requeued": requeued, "dispatched": len(due)}


class OutboxError(Exception):
    """A moderator's outbox action refused, with a message fit for the person."""


@transaction.atomic
def delivery_retry(*, delivery: EmailDelivery, by: User) -> EmailDelivery:
    """A moderator sends a failed, bounced or uncertain email again (audited)."""
    from django.utils.translation import gettext as _

    if not by.is_moderator:
        raise OutboxError(_("Only moderators can retry an email."))
    delivery = EmailDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status not in EmailDelivery.RETRYABLE:
        raise OutboxError(_("Only a failed, bounced or uncertain email can be retried."))
    old = delivery.status
    delivery.status, delivery.attempts, delivery.next_attempt_at = Status.PENDING, 0, None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
    audit_record(
        actor=by,
        action="email.retried",
        target=delivery,
        data={"old_status": old, "last_error": delivery.last_error[:500]},
    )
    delivery_dispatch_on_commit(delivery.pk)
    return delivery


# --- Buyers: shortlist emails -------------------------------------------------------------------


def _buyers(organization_id: int):
    return User.objects.filter(
        membership__organization_id=organization_id,
        membership__organization__kind=Organization.Kind.PRIME,
        is_active=True,
    ).order_by("pk")


def _shortlist_path(tender_id: int) -> str:
    return reverse("matching:shortlist", args=[tender_id])


@transaction.atomic
def shortlist_notify(*, follow_id: int, changed: bool = True) -> int:
    """After a follow's shortlist was (re)computed: email its organization's buyers when it
    is computed for the first time or changed materially (a supplier new in the top
    entries, a shortlisted supplier suspended); otherwise count the change for the daily
    digest. Returns the number of emails recorded."""
    from matching.models import Follow

    follow = (
        Follow.objects.select_for_update(of=("self",))
        .select_related("tender", "organization")
        .filter(pk=follow_id)
        .first()
    )
    if follow is None:
        return 0
    top = selectors.shortlist_top_ids(follow)
    suspended = selectors.shortlisted_suspended_ids(follow)
    notice, first = ShortlistNotice.objects.get_or_create(follow=follow)
    new_entries = [s for s in top if s not in notice.top_supplier_ids]
    newly_suspended = sorted(set(suspended) - set(notice.suspended_supplier_ids))
    now = timezone.now()
    if not (first or new_entries or newly_suspended):
        if changed:
            notice.pending_changes += 1
            notice.changed_at = now
        # Suppliers reinstated or no longer shortlisted may be reported again later.
        notice.suspended_supplier_ids = sorted(set(suspended))
        notice.save(update_fields=["pending_changes", "changed_at", "suspended_supplier_ids"])
        return 0
    period = hashlib.sha256(
        (",".join(map(str, top)) + "|" + ",".join(map(str, sorted(suspended)))).encode()
    ).hexdigest()[:16]
    entries = selectors.shortlist_top_entries(follow)
    sent = 0
    for user in _buyers(follow.organization_id):
        _delivery, created = email_enqueue(
            purpose="shortlist.update",
            recipient=user,
            template="shortlist_update",
            obj=follow,
            period=period,
            context={
                "follow": follow,
                "tender": follow.tender,
                "first": first,
                "entries": entries,
                "new_ids": set(new_entries) if not first else set(),
                "suspended": selectors.supplier_names(newly_suspended),
                "shortlist_url": settings.SITE_URL + _shortlist_path(follow.tender_id),
            },
        )
        sent += created
    notice.top_supplier_ids, notice.suspended_supplier_ids = top, sorted(set(suspended))
    notice.notified_at, notice.pending_changes = now, 0
    notice.save()
    return sent


@transaction.atomic
def shortlist_digest_send(*, day=None) -> int:
    """Beat (daily): one email per buyer grouping the followed tenders whose shortlist changed
    since the last email without a material change. Returns the number of emails recorded."""
    day = day or timezone.localdate()
    notices = list(
        ShortlistNotice.objects.select_for_update(of=("self",))
        .filter(pending_changes__gt=0, follow__tender__status="published")
        .select_related("follow__tender", "follow__organization")
        .order_by("follow__tender__submission_deadline", "pk")
    )
    by_org: dict[int, list[ShortlistNotice]] = {}
    for notice in notices:
        by_org.setdefault(notice.follow.organization_id, []).append(notice)
    recorded, done = 0, []
    for organization_id, org_notices in by_org.items():
        items = [
            {
                "follow": n.follow,
                "tender": n.follow.tender,
                "changes": n.pending_changes,
                "entries": selectors.shortlist_top_entries(n.follow, limit=5),
                "shortlist_url": settings.SITE_URL + _shortlist_path(n.follow.tender_id),
            }
            for n in org_notices
        ]
        created_any = False
        for user in _buyers(organization_id):
            _delivery, created = email_enqueue(
                purpose="shortlist.digest",
                recipient=user,
                template="shortlist_digest",
                key=f"organization:{organization_id}",
                period=day.isoformat(),
                context={"items": items, "day": day},
            )
            recorded += created
            created_any = created_any or created
        if created_any:  # otherwise today's digest already went: these wait for tomorrow's
            done += [n.pk for n in org_notices]
    ShortlistNotice.objects.filter(pk__in=done).update(pending_changes=0)
    return recorded


# --- Suppliers: tender alerts -------------------------------------------------------------------


class AlertError(Exception):
    """An alert-settings change refused, with a message fit for the person."""


@transaction.atomic
def alert_subscription_update(
    *, user: User, active: bool, frequency: str, min_score: int
) -> AlertSubscription:
    """Opt in or out of tender alerts (supplier members only)."""
    from django.utils.translation import gettext as _

    from portal.permissions import Role, user_role

    if user_role(user) != Role.SUPPLIER:
        raise AlertError(_("Only members of a supplier company receive tender alerts."))
    if frequency not in AlertSubscription.Frequency.values:
        raise AlertError(_("Unknown frequency."))
    if not 0 <= int(min_score) <= 100:
        raise AlertError(_("The minimum score is a number from 0 to 100."))
    subscription, _created = AlertSubscription.objects.select_for_update().get_or_create(user=user)
    subscription.active, subscription.frequency = active, frequency
    subscription.min_score = int(min_score)
    subscription.save()
    audit_record(
        actor=user,
        action="alerts.updated",
        target=subscription,
        data={"active": active, "frequency": frequency, "min_score": int(min_score)},
    )
    return subscription


@transaction.atomic
def alert_unsubscribe(*, token: str) -> AlertSubscription | None:
    """One-click unsubscribe from an email link: no login, the token is the credential."""
    subscription = AlertSubscription.objects.select_for_update().filter(token=token).first()
    if subscription is None:
        return None
    if subscription.active:
        subscription.active = False
        subscription.save(update_fields=["active", "updated_at"])
        audit_record(actor=subscription.user, action="alerts.unsubscribed", target=subscription)
    return subscription


def _unsubscribe(subscription: AlertSubscription) -> tuple[str, dict]:
    url = settings.SITE_URL + reverse("notifications:unsubscribe", args=[subscription.token])
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return url, headers


def _fresh(tender) -> bool:
    max_age = timedelta(days=_setting("NOTIFICATIONS_ALERT_MAX_AGE_DAYS", 3))
    return (
        tender.status == "published"
        and tender.published_at is not None
        and tender.published_at >= timezone.now() - max_age
    )


@transaction.atomic
def tender_alerts_send(*, tender) -> int:
    """After a newly published tender's matching ran: tell the members of each matching
    supplier who opted in for instant alerts (score at least their minimum). Returns the
    number of emails recorded."""
    if not _fresh(tender):
        return 0
    recorded = 0
    for subscription, match in selectors.instant_alert_targets(tender):
        url, headers = _unsubscribe(subscription)
        _delivery, created = email_enqueue(
            purpose="tender.alert",
            recipient=subscription.user,
            template="tender_alert",
            obj=tender,
            headers=headers,
            context={
                "tender": tender,
                "match": match,
                "tender_url": settings.SITE_URL + reverse("tenders:detail", args=[tender.pk]),
                "unsubscribe_url": url,
                "settings_url": settings.SITE_URL + reverse("notifications:alerts"),
            },
        )
        recorded += created
    return recorded


@transaction.atomic
def tender_alerts_weekly_send(*, now=None) -> int:
    """Beat (weekly): each weekly subscriber gets the tenders published in the last 7 days
    that match their company well enough. Returns the number of emails recorded."""
    now = now or timezone.now()
    year, week, _day = timezone.localtime(now).isocalendar()
    recorded = 0
    for subscription, matches in selectors.weekly_alert_targets(since=now - timedelta(days=7)):
        url, headers = _unsubscribe(subscription)
        _delivery, created = email_enqueue(
            purpose="tender.alert_digest",
            recipient=subscription.user,
            template="tender_alert_digest",
            key="weekly",
            period=f"{year}-W{week:02d}",
            headers=headers,
            context={
                "matches": matches,
                "site_url": settings.SITE_URL,
                "unsubscribe_url": url,
                "settings_url": settings.SITE_URL + reverse("notifications:alerts"),
            },
        )
        recorded += created
    return recorded


# --- Supplier contacts (from matching) ----------------------------------------------------------


def supplier_contact_enqueue(*, contact) -> list[EmailDelivery]:
    """One delivery per member of the contacted supplier, each in their language. The caller
    dispatches them (it runs in a task, after its own commit)."""
    recipients = User.objects.filter(
        membership__organization=contact.supplier_id, is_active=True
    ).order_by("pk")
    deliveries = []
    for user in recipients:
        delivery, _created = email_enqueue(
            purpose="supplier.contact",
            recipient=user,
            template="supplier_contact",
            obj=contact,
            context={"contact": contact},
            dispatch=False,
        )
        deliveries.append(delivery)
    return deliveries


# --- Supplier moderation decisions --------------------------------------------------------------

MODERATION_DECISION = "moderation.decision"


def supplier_decision_enqueue(*, event, profile) -> list[EmailDelivery]:
    """Tell every active member of the supplier about a moderation decision (EVENT, its audit
    record), each in their language, sent after commit. The object is the decision, not the
    profile: two decisions on one profile are two emails, one decision recorded twice is one."""
    recipients = User.objects.filter(
        membership__organization=profile.organization_id, is_active=True
    ).order_by("pk")
    context = {
        "event": event,
        "decision": event.action.rsplit(".", 1)[1],
        "profile": profile,
        "profile_path": reverse("suppliers:profile"),
    }
    deliveries = []
    for user in recipients:
        delivery, _created = email_enqueue(
            purpose=MODERATION_DECISION,
            recipient=user,
            template="profile_decision",
            obj=event,
            context=context,
        )
        deliveries.append(delivery)
    return deliveries


# --- Invitations --------------------------------------------------------------------------------

INVITATION = "invitation"
# Stands for the token in the accept link of a stored invitation email (see _complete).
WITHHELD_TOKEN = "token-withheld"  # noqa: S105  (a stand-in, not a secret)


def _withheld_accept_path() -> str:
    return reverse("portal:invitation_accept", args=[WITHHELD_TOKEN])


def invitation_enqueue(*, invitation) -> EmailDelivery:
    """The invitation email to the invited address (often without an account yet), in the
    inviter's language (French when unknown), sent after commit. Its object is the Invitation
    row: inviting the same address again makes a new invitation (new token), hence a new
    email, while one invitation recorded twice is one email. The stored body has a stand-in
    for the link's token: the real link is put in when the message is built."""
    inviter = invitation.invited_by
    delivery, _created = email_enqueue(
        purpose=INVITATION,
        recipient=None,
        to_address=invitation.email,
        language=getattr(inviter, "language", "") or "fr",
        template="invitation",
        obj=invitation,
        context={
            "invitation": invitation,
            "inviter": inviter,
            "accept_path": _withheld_accept_path(),
        },
    )
    return delivery

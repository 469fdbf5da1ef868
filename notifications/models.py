"""The outbox (one row per email, written before anything is sent), what was last emailed about
each followed tender's shortlist, and the suppliers' tender-alert subscriptions."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# What each kind of email is for, as the moderators' outbox page names it.
PURPOSES = {
    "shortlist.update": _("Shortlist change"),
    "shortlist.digest": _("Daily shortlist digest"),
    "tender.alert": _("Tender alert"),
    "tender.alert_digest": _("Weekly tender alerts"),
    "supplier.contact": _("Message from a prime contractor"),
    "moderation.decision": _("Moderation decision"),
    "invitation": _("Invitation to join an organization"),
}


class EmailDelivery(models.Model):
    """One email to one person. Unique per (purpose, recipient, object, period): whoever asks
    twice for the same email (a task run twice, a beat job run twice) finds the existing row.
    An email to an address with no account yet (an invitation) has no recipient user: its
    address stands in for it in that uniqueness.

    Subject and bodies are rendered when the row is written (in the recipient's language), so
    that a retry sends exactly what was decided and the outbox page shows what went out. One
    exception: an invitation's link is a credential, stored nowhere; its row holds a stand-in
    that the worker replaces with the real link when it builds the message.

    Life cycle: pending → sending (claimed by a worker, lease committed before talking to SMTP)
    → sent | pending (transient error, retried later) | failed (attempts exhausted, or refused
    for good) | bounced (the server refused this address) | uncertain (the worker died while
    the message itself was being transmitted: it may have been delivered, so it is never resent
    automatically; a moderator decides)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")
        UNCERTAIN = "uncertain", _("Uncertain (interrupted while sending)")

    RETRYABLE = (Status.FAILED, Status.BOUNCED, Status.UNCERTAIN)

    purpose = models.CharField(_("purpose"), max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email_deliveries",
    )
    to_address = models.EmailField(_("address"))
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    period = models.CharField(
        _("period"), max_length=64, blank=True, help_text=_("Empty for a one-off email.")
    )
    language = models.CharField(max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The claim of the worker sending it: a worker only records the outcome of its own claim.
    claim_token = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Set (and committed) just before the message itself goes over the wire: a worker lost
    # after this point may have delivered it.
    data_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "recipient", "object_type", "object_id", "period"],
                name="email_delivery_unique",
            ),
            # NULLs are distinct in a unique index: without a user, the address is the key.
            models.UniqueConstraint(
                fields=["purpose", "to_address", "object_type", "object_id", "period"],
                condition=Q(recipient__isnull=True),
                name="email_delivery_unique_address",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(to_address=""),
                name="email_delivery_has_address",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(lease_until__isnull=False),
                name="email_delivery_sending_has_lease",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="email_delivery_due"),
            models.Index(fields=["status", "-created_at"], name="email_delivery_status"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.to_address} ({self.status})"

    @property
    def purpose_label(self) -> str:
        return str(PURPOSES.get(self.purpose, self.purpose))

    @property
    def message_id(self) -> str:
        """Stable across attempts: a receiving system can drop a duplicate a moderator's
        manual retry of an uncertain delivery might create."""
        domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        return f"<delivery-{self.pk}-{self.created_at:%Y%m%d%H%M%S}@{domain or 'passerelle'}>"


class ShortlistNotice(models.Model):
    """What the buyers of a follow were last emailed about its shortlist: the top entries
    (to tell a material change from noise) and the suspended shortlisted suppliers already
    reported; minor changes wait for the daily digest."""

    follow = models.OneToOneField(
        "matching.Follow", on_delete=models.CASCADE, related_name="notice"
    )
    top_supplier_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    suspended_supplier_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    pending_changes = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["pending_changes"],
                condition=Q(pending_changes__gt=0),
                name="shortlist_notice_pending",
            )
        ]

    def __str__(self) -> str:
        return f"notice of follow {self.follow_id}"


def _token() -> str:
    return secrets.token_urlsafe(32)


class AlertSubscription(models.Model):
    """A supplier member's opt-in to be told about newly published tenders that match their
    company, at once or in a weekly digest."""

    class Frequency(models.TextChoices):
        INSTANT = "instant", _("As soon as a tender is published")
        WEEKLY = "weekly", _("Weekly digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscription"
    )
    active = models.BooleanField(_("receive tender alerts"), default=True)
    frequency = models.CharField(
        _("frequency"), max_length=8, choices=Frequency.choices, default=Frequency.INSTANT
    )
    min_score = models.PositiveSmallIntegerField(_("minimum score"), default=50)
    # Secret of the one-click unsubscribe link; a new one is drawn on each opt-in.
    token = models.CharField(max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tender alert subscription")
        verbose_name_plural = _("tender alert subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_score__lte=100), name="alert_subscription_min_score_le_100"
            )
        ]

    def __str__(self) -> str:
        return f"alerts of {self.user_id} ({self.frequency}, ≥ {self.min_score})"

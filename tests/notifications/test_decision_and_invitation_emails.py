"""The supplier moderation decisions and the organization invitations go through the outbox like
every other email, with a real worker and a real SMTP server: recorded once however often they
are asked for, an outage visible on the moderators' outbox page, a retry that delivers a
working invitation link."""

import re
import time

from django.db import transaction

from notifications import services, tasks
from notifications.models import EmailDelivery
from portal import services as portal_services
from portal.models import AuditEvent
from suppliers import services as supplier_services
from suppliers.models import SupplierProfile

from .conftest import SmtpServer, wait_for

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _statuses(purpose: str) -> list[str]:
    return list(EmailDelivery.objects.filter(purpose=purpose).values_list("status", flat=True))


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_a_decision_enqueued_twice_lands_once(
    outbox_workers, smtp_server, moderator, submitted, supplier
):
    outbox_workers()
    supplier_services.profile_request_changes(profile=submitted, by=moderator, reason="Le SIRET")
    event = AuditEvent.objects.get(action="supplier_profile.changes_requested")
    working = SupplierProfile.objects.get(pk=submitted.pk)
    with transaction.atomic():  # asked again, e.g. by a retried job
        [again] = services.supplier_decision_enqueue(event=event, profile=working)
    tasks.deliver.delay(again.pk)
    wait_for(lambda: _statuses("moderation.decision") == ["sent"])
    time.sleep(1.5)  # the duplicate task has run
    [message] = smtp_server.messages
    assert message["To"] == supplier.email
    assert message["Subject"].startswith("[Passerelle] ")
    assert "Le SIRET" in _text(message)


def test_an_smtp_outage_shows_in_the_outbox_and_a_retry_delivers_a_working_link(
    client, outbox_workers, smtp_server, moderator, buyer, submitted, supplier
):
    smtp_server.stop()
    outbox_workers(NOTIFICATIONS_MAX_ATTEMPTS=2)
    _invitation, token = portal_services.invitation_create(
        organization=buyer.membership.organization,
        email="new.buyer@example.org",
        role="member",
        by=buyer,
    )
    supplier_services.profile_reject(profile=submitted, by=moderator, reason="Hors périmètre")
    # Retried with backoff (pending with the error meanwhile), then failed.
    wait_for(
        lambda: EmailDelivery.objects.filter(purpose="invitation").exclude(last_error="").exists()
    )
    wait_for(lambda: _statuses("invitation") == ["failed"], timeout=40)
    wait_for(lambda: _statuses("moderation.decision") == ["failed"], timeout=40)

    client.force_login(moderator)
    page = client.get("/notifications/outbox/?status=failed", **EN).text
    assert "Invitation to join an organization" in page and "Moderation decision" in page
    assert "Connection refused" in page or "ConnectionRefused" in page
    assert token not in page
    filtered = client.get("/notifications/outbox/?purpose=invitation", **EN).text
    assert "new.buyer@example.org" in filtered and supplier.email not in filtered

    server = SmtpServer(port=smtp_server.port).start()
    try:
        for delivery in EmailDelivery.objects.all():
            response = client.post(f"/notifications/outbox/{delivery.pk}/retry/", **EN)
            assert response.status_code == 302
        wait_for(lambda: set(EmailDelivery.objects.values_list("status", flat=True)) == {"sent"})
        by_recipient = {m["To"]: m for m in server.messages}
        assert set(by_recipient) == {"new.buyer@example.org", supplier.email}
        assert "Hors périmètre" in _text(by_recipient[supplier.email])
        link = re.search(
            r"https?://[^/\s]+(/invitations/[^/\s]+/)", _text(by_recipient["new.buyer@example.org"])
        )
        assert link and link.group(1) == f"/invitations/{token}/"
    finally:
        server.stop()
    client.logout()
    assert client.get(link.group(1)).status_code == 200

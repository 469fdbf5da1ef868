"""The moderators' outbox page (statuses, filters), retrying a failed email (POST, audited),
who may do it; the supplier contact email routed through the outbox."""

import pytest
from django.core import mail

from matching import services as matching_services
from matching import tasks as matching_tasks
from notifications import services
from notifications.models import EmailDelivery
from portal.models import AuditEvent

from ..factories import UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _delivery(status: str, **fields) -> EmailDelivery:
    user = UserFactory()
    return EmailDelivery.objects.create(
        purpose=fields.pop("purpose", "test.hello"),
        recipient=user,
        to_address=user.email,
        object_id=status,
        language="en",
        subject=f"Subject {status}",
        body_text="Hello.",
        status=status,
        attempts=3 if status == "failed" else 1,
        last_error="SMTPServerDisconnected: gone" if status == "failed" else "",
        **fields,
    )


def test_moderators_see_the_outbox_with_statuses_and_filters(client, moderator):
    failed, _sent = _delivery("failed"), _delivery("sent", purpose="shortlist.update")
    client.force_login(moderator)
    page = client.get("/notifications/outbox/", **EN)
    assert page.status_code == 200
    assert "Subject failed" in page.text and "Subject sent" in page.text
    assert "SMTPServerDisconnected: gone" in page.text
    assert f'action="/notifications/outbox/{failed.pk}/retry/"' in page.text
    filtered = client.get("/notifications/outbox/?status=sent", **EN)
    assert "Subject sent" in filtered.text and "Subject failed" not in filtered.text
    by_purpose = client.get("/notifications/outbox/?purpose=test.hello", **EN)
    assert "Subject failed" in by_purpose.text and "Subject sent" not in by_purpose.text
    by_address = client.get(f"/notifications/outbox/?q={failed.to_address}", **EN)
    assert "Subject failed" in by_address.text and "Subject sent" not in by_address.text


def test_the_outbox_names_each_purpose(client, moderator):
    _delivery("sent", purpose="invitation")
    _delivery("failed", purpose="moderation.decision")
    client.force_login(moderator)
    page = client.get("/notifications/outbox/", **EN).text
    assert '<option value="invitation">Invitation to join an organization</option>' in page
    assert '<option value="moderation.decision">Moderation decision</option>' in page
    assert "<td>Moderation decision</td>" in page
    assert '<option value="test.hello">test.hello</option>' not in page  # none of that kind
    _delivery("pending")
    assert "<td>test.hello</td>" in client.get("/notifications/outbox/", **EN).text


@pytest.mark.parametrize("who", ["buyer", "supplier", "ministry_author"])
def test_others_may_not_see_the_outbox_nor_retry(client, request, who):
    failed = _delivery("failed")
    client.force_login(request.getfixturevalue(who))
    assert client.get("/notifications/outbox/").status_code == 403
    assert client.post(f"/notifications/outbox/{failed.pk}/retry/").status_code == 403
    assert EmailDelivery.objects.get(pk=failed.pk).status == "failed"


def test_anonymous_is_sent_to_login(client):
    assert client.get("/notifications/outbox/").status_code == 302


def test_a_moderator_retries_a_failed_email_it_is_audited_and_sent(
    client, moderator, django_capture_on_commit_callbacks
):
    failed = _delivery("failed")
    client.force_login(moderator)
    assert client.get(f"/notifications/outbox/{failed.pk}/retry/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/notifications/outbox/{failed.pk}/retry/", **EN)
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "sent" and failed.attempts == 1
    assert [m.subject for m in mail.outbox] == ["Subject failed"]
    event = AuditEvent.objects.get(action="email.retried")
    assert event.actor == moderator and event.target_id == str(failed.pk)
    assert event.data["old_status"] == "failed"


def test_a_sent_email_cannot_be_retried(client, moderator):
    sent = _delivery("sent")
    client.force_login(moderator)
    response = client.post(f"/notifications/outbox/{sent.pk}/retry/", follow=True, **EN)
    assert "Only a failed, bounced or uncertain email can be retried." in response.text
    assert EmailDelivery.objects.get(pk=sent.pk).status == "sent"
    assert not AuditEvent.objects.filter(action="email.retried").exists()
    assert client.post("/notifications/outbox/999999/retry/").status_code == 404


def test_the_supplier_contact_email_goes_through_the_outbox_once(
    buyer, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    supplier = make_supplier(cpv_codes=["35613000"])
    tender = make_tender(title="Drones")
    with django_capture_on_commit_callbacks(execute=True):
        matching_services.follow_tender(tender=tender, by=buyer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        contact = matching_services.supplier_contact(
            organization=buyer.membership.organization,
            tender=tender,
            supplier=supplier,
            message="Let us talk.",
            by=buyer,
        )
    [message] = mail.outbox
    assert "Let us talk." in message.body
    assert message.subject.startswith("[Passerelle] ")
    delivery = EmailDelivery.objects.get(purpose="supplier.contact")
    assert delivery.status == "sent" and delivery.object_id == str(contact.pk)
    matching_tasks.send_supplier_contact(contact.pk)  # the task run again
    assert len(mail.outbox) == 1
    assert services.selectors.outbox_counts()["sent"] >= 2

"""Supplier alerts: opt-in settings page, an instant alert for a newly published matching
tender, the weekly digest, one-click unsubscribe (page and RFC 8058 POST)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from matching import tasks as matching_tasks
from notifications import services
from notifications.models import AlertSubscription, EmailDelivery
from portal.models import AuditEvent, User

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def member(make_supplier):
    organization = make_supplier(cpv_codes=["35613000"], capability_statement="Drones")
    user = User.objects.get(membership__organization=organization)
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def _publish_and_match(make_tender, capture, **fields):
    tender = make_tender(**fields)
    with capture(execute=True):
        matching_tasks.match_tender(tender.pk)
    return tender


def test_a_supplier_member_opts_in_on_the_settings_page(client, member):
    client.force_login(member)
    page = client.get("/notifications/alerts/", **EN)
    assert page.status_code == 200 and "Tender alerts" in page.text
    response = client.post(
        "/notifications/alerts/", {"active": "on", "frequency": "weekly", "min_score": "40"}, **EN
    )
    assert response.status_code == 302
    subscription = AlertSubscription.objects.get(user=member)
    assert (subscription.active, subscription.frequency, subscription.min_score) == (
        True,
        "weekly",
        40,
    )
    assert AuditEvent.objects.filter(action="alerts.updated", actor=member).exists()
    invalid = client.post(
        "/notifications/alerts/", {"active": "on", "frequency": "daily", "min_score": "140"}, **EN
    )
    assert invalid.status_code == 200 and "errorlist" in invalid.text
    assert AlertSubscription.objects.get(user=member).frequency == "weekly"


def test_only_supplier_members_have_alert_settings(client, buyer):
    assert client.get("/notifications/alerts/").status_code == 302  # anonymous → login
    client.force_login(buyer)
    assert client.get("/notifications/alerts/").status_code == 403


def test_a_newly_published_matching_tender_is_announced_then_unsubscribe_in_one_click(
    client, member, make_tender, django_capture_on_commit_callbacks
):
    services.alert_subscription_update(user=member, active=True, frequency="instant", min_score=0)
    tender = _publish_and_match(
        make_tender, django_capture_on_commit_callbacks, title="Drones de reconnaissance"
    )
    assert [m.to for m in mail.outbox] == [[member.email]]
    message = mail.outbox[0]
    assert message.subject == "[Passerelle] New tender for you: Drones de reconnaissance"
    assert f"/tenders/{tender.pk}/" in message.body and "Matching score" in message.body
    token = AlertSubscription.objects.get(user=member).token
    url = f"/notifications/unsubscribe/{token}/"
    headers = message.message()
    assert headers["List-Unsubscribe"].endswith(f"{url}>")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.alternatives[0][0]
    # The same tender matched again: not announced twice.
    with django_capture_on_commit_callbacks(execute=True):
        matching_tasks.match_tender(tender.pk)
    assert len(mail.outbox) == 1
    # The link shows a confirmation; the mail provider's one-click POST (no CSRF token) works.
    confirm = client.get(url, **EN)
    assert confirm.status_code == 200 and "Stop sending tender alerts" in confirm.text
    assert AlertSubscription.objects.get(user=member).active
    csrf_client = client.__class__(enforce_csrf_checks=True)
    done = csrf_client.post(url, {"List-Unsubscribe": "One-Click"}, **EN)
    assert done.status_code == 200 and "no longer receive" in done.text
    assert not AlertSubscription.objects.get(user=member).active
    _publish_and_match(make_tender, django_capture_on_commit_callbacks, title="Drones bis")
    assert len(mail.outbox) == 1
    assert client.post("/notifications/unsubscribe/not-a-token/").status_code == 404
    assert client.get("/notifications/unsubscribe/not-a-token/").status_code == 404


def test_no_alert_below_the_minimum_score_for_old_tenders_or_without_opt_in(
    member, make_tender, django_capture_on_commit_callbacks
):
    _publish_and_match(make_tender, django_capture_on_commit_callbacks)  # not opted in
    services.alert_subscription_update(user=member, active=True, frequency="instant", min_score=100)
    _publish_and_match(make_tender, django_capture_on_commit_callbacks)  # score below 100
    services.alert_subscription_update(user=member, active=True, frequency="instant", min_score=0)
    old = timezone.now() - timedelta(days=30)
    _publish_and_match(make_tender, django_capture_on_commit_callbacks, published_at=old)
    assert mail.outbox == []


def test_the_weekly_digest_lists_the_week_s_matching_tenders_once(
    member, make_tender, django_capture_on_commit_callbacks
):
    services.alert_subscription_update(user=member, active=True, frequency="weekly", min_score=0)
    first = _publish_and_match(make_tender, django_capture_on_commit_callbacks, title="Alpha")
    second = _publish_and_match(make_tender, django_capture_on_commit_callbacks, title="Beta")
    assert mail.outbox == []  # weekly subscribers get no instant alert
    with django_capture_on_commit_callbacks(execute=True):
        assert services.tender_alerts_weekly_send() == 1
        assert services.tender_alerts_weekly_send() == 0  # the same week: not twice
    [message] = mail.outbox
    assert message.subject == "[Passerelle] 2 new tenders match your company this week"
    assert f"/tenders/{first.pk}/" in message.body and f"/tenders/{second.pk}/" in message.body
    assert message.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert EmailDelivery.objects.get(purpose="tender.alert_digest").status == "sent"

import pytest
from django.core import mail

from notifications import services as notifications
from notifications import tasks as notification_tasks
from notifications.models import EmailDelivery
from portal.models import AuditEvent
from suppliers import services
from suppliers.models import SupplierProfile
from tests.security.helpers import mark_reauthenticated

pytestmark = pytest.mark.django_db
Status = SupplierProfile.Status


def test_the_queue_lists_submitted_profiles_oldest_first_with_filters(client, moderator, submitted):
    client.force_login(moderator)
    response = client.get("/suppliers/moderation/")
    assert response.status_code == 200
    assert list(response.context["page"]) == [submitted]
    assert list(client.get("/suppliers/moderation/?region=11").context["page"]) == []
    assert list(client.get("/suppliers/moderation/?region=53&size=pme").context["page"]) == [
        submitted
    ]
    assert list(client.get("/suppliers/moderation/?siren_conflicts=1").context["page"]) == []
    assert list(client.get("/suppliers/moderation/?state=draft").context["page"]) == []


def test_the_queue_query_count_does_not_grow_with_the_queue(
    client, moderator, submitted, django_assert_max_num_queries
):
    client.force_login(moderator)
    with django_assert_max_num_queries(12):
        client.get("/suppliers/moderation/")


def test_a_moderator_approves_in_one_click(
    client, moderator, submitted, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    mark_reauthenticated(client, moderator)  # privileged action: password typed again
    page = client.get(f"/suppliers/moderation/{submitted.pk}/").content.decode()
    assert "Optique Avancée SAS" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            f"/suppliers/moderation/{submitted.pk}/decide/", {"decision": "approve", "reason": ""}
        )
    assert response.status_code == 302
    assert len(callbacks) == 2  # decision email and re-matching, both enqueued after commit
    assert SupplierProfile.objects.get(is_live=True).status == Status.APPROVED


def test_reject_without_reason_is_refused_with_a_message(client, moderator, submitted):
    client.force_login(moderator)
    mark_reauthenticated(client, moderator)  # privileged action: password typed again
    response = client.post(
        f"/suppliers/moderation/{submitted.pk}/decide/",
        {"decision": "reject", "reason": ""},
        follow=True,
    )
    assert SupplierProfile.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert any("reason" in str(m) or "raison" in str(m) for m in response.context["messages"])


def test_the_moderator_sees_a_field_by_field_diff_of_a_revision(
    client, moderator, approved, supplier
):
    services.profile_update(profile=approved, data={"legal_name": "Nouveau Nom"}, by=supplier)
    services.profile_submit(profile=approved, by=supplier)
    client.force_login(moderator)
    response = client.get(f"/suppliers/moderation/{approved.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    diff = response.context["diff"]
    assert [(str(r["field"]), r["old"], r["new"]) for r in diff] == [
        ("legal name", "Optique Avancée SAS", "Nouveau Nom")
    ]


def test_suspend_needs_a_reason_and_is_audited(client, moderator, approved):
    client.force_login(moderator)
    mark_reauthenticated(client, moderator)  # privileged action: password typed again
    client.post(f"/suppliers/moderation/{approved.pk}/suspend/", {"reason": ""})
    assert SupplierProfile.objects.get(is_live=True).status == Status.APPROVED
    client.post(f"/suppliers/moderation/{approved.pk}/suspend/", {"reason": "Fraude"})
    assert SupplierProfile.objects.get(is_live=True).status == Status.SUSPENDED
    assert AuditEvent.objects.get(action="supplier_profile.suspended").reason == "Fraude"
    client.post(f"/suppliers/moderation/{approved.pk}/reinstate/", {"reason": "OK"})
    assert SupplierProfile.objects.get(is_live=True).status == Status.APPROVED


@pytest.mark.parametrize("who", ["supplier", "buyer", "ministry_author"])
def test_only_moderators_reach_moderation(client, request, submitted, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/suppliers/moderation/").status_code == 403
    assert client.get(f"/suppliers/moderation/{submitted.pk}/").status_code == 403
    response = client.post(f"/suppliers/moderation/{submitted.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 403
    assert not SupplierProfile.objects.filter(is_live=True).exists()


def test_decide_requires_post(client, moderator, submitted):
    client.force_login(moderator)
    assert client.get(f"/suppliers/moderation/{submitted.pk}/decide/").status_code == 405


def test_the_decision_email_is_sent_by_a_real_worker_in_each_members_language(
    client, moderator, submitted, supplier, supplier_member, worker_mailbox
):
    supplier_member.language = "en"
    supplier_member.save()
    client.force_login(moderator)
    mark_reauthenticated(client, moderator)  # privileged action: password typed again
    client.post(
        f"/suppliers/moderation/{submitted.pk}/decide/",
        {"decision": "request_changes", "reason": "Précisez vos références"},
    )
    messages = worker_mailbox(count=2)
    assert len(messages) == 2
    by_recipient = {m["To"]: m for m in messages}
    french = by_recipient[supplier.email].get_body(("plain",)).get_content()
    english = by_recipient[supplier_member.email].get_body(("plain",)).get_content()
    assert "Précisez vos références" in french and "Précisez vos références" in english
    assert "modifications" in by_recipient[supplier.email]["Subject"]
    assert "Changes requested" in by_recipient[supplier_member.email]["Subject"]
    deliveries = EmailDelivery.objects.filter(purpose="moderation.decision")
    assert sorted(deliveries.values_list("status", flat=True)) == ["sent", "sent"]


def _decision_emails():
    return EmailDelivery.objects.filter(purpose="moderation.decision").order_by("pk")


def test_the_decision_email_is_recorded_once_even_if_enqueued_twice(
    moderator, submitted, supplier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_request_changes(
            profile=submitted, by=moderator, reason="Précisez vos références"
        )
    event = AuditEvent.objects.get(action="supplier_profile.changes_requested")
    [delivery] = _decision_emails()
    assert (delivery.object_type, delivery.object_id) == ("portal.auditevent", str(event.pk))
    assert delivery.recipient == supplier and delivery.status == "sent"
    profile = SupplierProfile.objects.get(pk=submitted.pk)
    with django_capture_on_commit_callbacks(execute=True):
        again = notifications.supplier_decision_enqueue(event=event, profile=profile)
    assert again == [delivery] and _decision_emails().count() == 1
    notification_tasks.deliver(delivery.pk)  # the send task run again
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[Passerelle] ")


def test_two_decisions_on_one_profile_are_two_emails(
    moderator, submitted, supplier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_approve(profile=submitted, by=moderator, reason="")
        live = SupplierProfile.objects.get(is_live=True)
        services.profile_suspend(live=live, by=moderator, reason="Fraude")
    assert _decision_emails().count() == 2
    assert [m.to for m in mail.outbox] == [[supplier.email], [supplier.email]]
    assert "Fraude" in mail.outbox[1].body


def test_one_decision_email_per_member_in_each_members_language(
    moderator, submitted, supplier, supplier_member, django_capture_on_commit_callbacks
):
    supplier_member.language = "en"
    supplier_member.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_reject(profile=submitted, by=moderator, reason="Hors périmètre")
    languages = {d.to_address: d.language for d in _decision_emails()}
    assert languages == {supplier.email: "fr", supplier_member.email: "en"}
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[supplier_member.email] == "[Passerelle] Your company profile was rejected"
    assert subjects[supplier.email].startswith("[Passerelle] ")
    assert "rejected" not in subjects[supplier.email]


def test_a_suspended_suppliers_page_says_suspended_only(client, moderator, approved):
    """QA finding: the page showed the "Approved" badge and "The approved version is live
    (Suspended)" at once."""
    client.force_login(moderator)
    mark_reauthenticated(client, moderator)
    page = client.get(f"/suppliers/moderation/{approved.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<p class="status-badge status-approved">Approved</p>' in page.content.decode()
    assert "The approved version is live." in page.content.decode()
    client.post(f"/suppliers/moderation/{approved.pk}/suspend/", {"reason": "Fraude"})
    page = client.get(f"/suppliers/moderation/{approved.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert '<p class="status-badge status-suspended">Suspended</p>' in text
    assert "status-approved" not in text and "is live" not in text
    assert "The approved version is suspended: buyers do not see it" in text

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications import services as notifications
from notifications import tasks as notification_tasks
from notifications.models import EmailDelivery
from portal import services
from portal.models import AuditEvent, Invitation, Membership, Organization, User
from tests.security.helpers import mark_reauthenticated

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "my-new-long-passphrase"


def _accept_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_moderator_creates_a_prime_and_its_admin_accepts_the_emailed_link(
    client, moderator, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    mark_reauthenticated(client, moderator)  # privileged action: password typed again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/moderation/organizations/",
            {
                "kind": "prime",
                "name": "Grand Intégrateur SA",
                "siren": "",
                "admin_email": "Achats@Integrateur.example",
            },
        )
    assert response.status_code == 302
    organization = Organization.objects.get(name="Grand Intégrateur SA")
    assert organization.kind == Organization.Kind.PRIME
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["achats@integrateur.example"]
    assert "Grand Intégrateur SA" in message.subject
    assert message.alternatives, "an HTML part is expected"
    stored = Invitation.objects.get()
    path = _accept_path(message)
    token = path.split("/")[2]
    assert token not in stored.token_hash and token not in stored.token_salt  # only the hash
    delivery = EmailDelivery.objects.get(purpose="invitation")  # sent through the outbox
    assert delivery.status == "sent" and delivery.object_id == str(stored.pk)

    client.logout()
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        {
            "first_name": "Anne",
            "last_name": "Achat",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="achats@integrateur.example")
    assert user.membership.organization == organization
    assert user.membership.role == Membership.Role.ADMIN
    assert user.emailaddress_set.get().verified
    assert client.get("/dashboard/").status_code == 200  # logged in
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "organization.created",
        "invitation.created",
        "invitation.accepted",
    }

    # The link works once.
    client.logout()
    assert client.get(path).status_code == 410


def test_an_expired_invitation_is_refused(client, buyer):
    org = buyer.membership.organization
    _invitation, token = services.invitation_create(
        organization=org, email="late@example.org", role="member", by=buyer
    )
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(f"/invitations/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    french = client.get(f"/invitations/{token}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "expiré" in french
    response = client.post(
        f"/invitations/{token}/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 410
    assert not User.objects.filter(email="late@example.org").exists()


def test_a_revoked_or_unknown_invitation_is_refused(client, buyer):
    org = buyer.membership.organization
    invitation, token = services.invitation_create(
        organization=org, email="x@example.org", role="member", by=buyer
    )
    services.invitation_revoke(invitation=invitation, by=buyer)
    assert client.get(f"/invitations/{token}/").status_code == 410
    assert client.get("/invitations/not-a-token/").status_code == 410


def test_it_keeps_the_form_and_explains_a_weak_password(client, buyer):
    _inv, token = services.invitation_create(
        organization=buyer.membership.organization,
        email="weak@example.org",
        role="member",
        by=buyer,
    )
    response = client.post(
        f"/invitations/{token}/", {"first_name": "Paul", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert 'value="Paul"' in response.content.decode()
    assert not User.objects.filter(email="weak@example.org").exists()


def test_an_admin_invites_a_colleague_from_the_members_page(
    client, supplier, django_capture_on_commit_callbacks
):
    client.force_login(supplier)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/organization/members/", {"email": "colleague@example.org", "role": "member"}
        )
    assert response.status_code == 302
    assert Invitation.objects.get().organization == supplier.membership.organization
    assert mail.outbox[0].to == ["colleague@example.org"]


def test_a_member_who_is_not_admin_cannot_invite(client, supplier_member):
    client.force_login(supplier_member)
    response = client.post("/organization/members/", {"email": "c@example.org", "role": "admin"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_an_admin_removes_a_colleague_and_the_account_is_deactivated(
    client, supplier, supplier_member
):
    client.force_login(supplier)
    mark_reauthenticated(client, supplier)  # privileged action: password typed again
    membership = supplier_member.membership
    response = client.post(f"/organization/members/{membership.pk}/remove/")
    assert response.status_code == 302
    supplier_member.refresh_from_db()
    assert not supplier_member.is_active
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="membership.removed").exists()


def test_an_admin_cannot_remove_someone_of_another_organization(client, supplier, other_supplier):
    client.force_login(supplier)
    response = client.post(f"/organization/members/{other_supplier.membership.pk}/remove/")
    assert response.status_code == 404
    assert Membership.objects.filter(user=other_supplier).exists()


def test_remove_requires_post(client, supplier, supplier_member):
    client.force_login(supplier)
    response = client.get(f"/organization/members/{supplier_member.membership.pk}/remove/")
    assert response.status_code == 405


def test_role_changes_are_audited_and_the_last_admin_stays(client, supplier, supplier_member):
    client.force_login(supplier)
    mark_reauthenticated(client, supplier)  # privileged action: password typed again
    response = client.post(
        f"/organization/members/{supplier_member.membership.pk}/role/", {"role": "admin"}
    )
    assert response.status_code == 302
    supplier_member.membership.refresh_from_db()
    assert supplier_member.membership.role == Membership.Role.ADMIN
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.data == {"email": supplier_member.email, "from": "member", "to": "admin"}


def test_the_last_admin_cannot_demote_themself(supplier):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.membership_set_role(membership=supplier.membership, role="member", by=supplier)
    supplier.membership.refresh_from_db()
    assert supplier.membership.role == Membership.Role.ADMIN


# --- The invitation email, through the outbox ----------------------------------------------------


def _invite(inviter, email="new.colleague@example.org"):
    return services.invitation_create(
        organization=inviter.membership.organization, email=email, role="member", by=inviter
    )


def _stored_text(delivery: EmailDelivery) -> str:
    row = EmailDelivery.objects.values().get(pk=delivery.pk)
    return " ".join(str(value) for value in row.values())


def test_the_outbox_keeps_the_invitation_email_but_never_its_link(
    client, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = _invite(buyer)
    delivery = EmailDelivery.objects.get(purpose="invitation")
    assert delivery.recipient is None  # no account yet: the address is the recipient
    assert delivery.to_address == "new.colleague@example.org"
    assert (delivery.object_type, delivery.object_id) == ("portal.invitation", str(invitation.pk))
    assert delivery.status == "sent" and delivery.language == "fr"
    assert token not in _stored_text(delivery)  # the link is a credential: not at rest
    assert f"/invitations/{notifications.WITHHELD_TOKEN}/" in delivery.body_text
    [message] = mail.outbox
    assert message.subject.startswith("[Passerelle] ")
    assert f"/invitations/{token}/" in message.body
    assert f"/invitations/{token}/" in message.alternatives[0][0]
    assert notifications.WITHHELD_TOKEN not in message.body
    assert client.get(_accept_path(message)).status_code == 200


def test_an_invitation_recorded_or_sent_twice_is_one_email(
    buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _token = _invite(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        again = notifications.invitation_enqueue(invitation=invitation)
    assert EmailDelivery.objects.get(purpose="invitation") == again
    notification_tasks.deliver(again.pk)  # the task run again
    assert len(mail.outbox) == 1


def test_inviting_the_same_address_again_sends_a_new_working_link(
    client, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(buyer)
    assert EmailDelivery.objects.filter(purpose="invitation", status="sent").count() == 2
    first, second = (_accept_path(m) for m in mail.outbox)
    assert first != second
    assert client.get(first).status_code == 200 and client.get(second).status_code == 200


@pytest.mark.parametrize(
    ("language", "subject"), [("en", "You are invited"), ("fr", "Invitation à rejoindre")]
)
def test_the_invitation_email_is_in_the_inviters_language(
    buyer, django_capture_on_commit_callbacks, language, subject
):
    buyer.language = language
    buyer.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        _invite(buyer)
    [message] = mail.outbox
    assert subject in message.subject
    assert EmailDelivery.objects.get(purpose="invitation").language == language


def test_an_invitation_withdrawn_before_its_email_left_is_not_sent(
    buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, _token = _invite(buyer)
    services.invitation_revoke(invitation=invitation, by=buyer)
    for callback in callbacks:  # the worker picks the email up after the withdrawal
        callback()
    delivery = EmailDelivery.objects.get(purpose="invitation")
    assert delivery.status == "failed" and "withdrawn" in delivery.last_error
    assert mail.outbox == []


def test_the_link_is_rebuilt_after_a_secret_key_rotation_with_the_old_key_in_fallbacks(
    client, buyer, settings, django_capture_on_commit_callbacks
):
    old_key = settings.SECRET_KEY
    with django_capture_on_commit_callbacks(execute=False) as pending:
        _invitation, token = _invite(buyer, email="one@example.org")
        _other, lost = _invite(buyer, email="two@example.org")
    settings.SECRET_KEY = "a-new-secret-key-for-the-rotation-" + "x" * 20
    settings.SECRET_KEY_FALLBACKS = [old_key]
    pending[0]()
    assert [m.to for m in mail.outbox] == [["one@example.org"]]
    assert f"/invitations/{token}/" in mail.outbox[0].body
    settings.SECRET_KEY_FALLBACKS = []  # the old key dropped: the link cannot be rebuilt
    pending[1]()
    delivery = EmailDelivery.objects.get(to_address="two@example.org")
    assert delivery.status == "failed" and "rebuilt" in delivery.last_error
    assert len(mail.outbox) == 1
    assert client.get(f"/invitations/{lost}/").status_code == 200  # still valid, as a link

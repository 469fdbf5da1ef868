"""Two-factor authentication for buyers and moderators; sessions a user can see and end;
the password asked again for privileged actions."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession

from portal.models import Membership, Organization
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

from .helpers import mark_reauthenticated, totp_code

pytestmark = pytest.mark.django_db


def _buyer_without_mfa():
    organization = OrganizationFactory(kind=Organization.Kind.PRIME, siren="")
    return MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user


def test_a_buyer_without_mfa_is_sent_to_the_setup_page_before_any_shortlist(
    client, make_tender, security_log
):
    buyer = _buyer_without_mfa()
    tender = make_tender()
    client.force_login(buyer)
    response = client.get(f"/shortlists/{tender.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    assert f"next=%2Fshortlists%2F{tender.pk}%2F" in response["Location"]
    assert security_log.events("mfa.required")
    # Pages that show no shortlist stay open (the dashboard, the tender search).
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/tenders/").status_code == 200


def test_a_moderator_without_mfa_reaches_no_moderation_or_admin_page(client):
    moderator = UserFactory(platform_role="moderator", is_staff=True)
    client.force_login(moderator)
    for path in ("/suppliers/moderation/", "/moderation/organizations/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/totp/activate/"), path


def test_a_buyer_activates_totp_then_reaches_the_shortlist_and_logs_in_with_a_code(
    client, make_tender, password
):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    buyer = _buyer_without_mfa()
    tender = make_tender()
    client.post("/accounts/login/", {"login": buyer.email, "password": password})
    # The password was just typed to log in: activating does not ask for it again (README,
    # Security: only when it was typed more than ACCOUNT_REAUTHENTICATION_TIMEOUT ago).
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    secret = client.session["mfa.totp.secret"]
    import time

    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=buyer, type="totp").exists()
    assert Authenticator.objects.filter(user=buyer, type="recovery_codes").exists()
    assert client.get(f"/shortlists/{tender.pk}/").status_code in (200, 404)
    client.logout()

    # From now on the password alone does not log in: the code is asked for.
    response = client.post("/accounts/login/", {"login": buyer.email, "password": password})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/dashboard/").status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200  # wrong code
    assert client.get("/dashboard/").status_code == 302


def test_fixture_buyer_logs_in_with_password_and_totp(client, buyer, password):
    response = client.post("/accounts/login/", {"login": buyer.email, "password": password})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(buyer)})
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_suppliers_may_opt_in_but_are_not_forced(client, supplier, make_tender):
    client.force_login(supplier)
    assert client.get("/suppliers/profile/").status_code == 200
    assert client.get("/accounts/2fa/").status_code == 200


def test_users_see_and_end_their_other_sessions(client, supplier, password):
    from django.test import Client

    other_device = Client(HTTP_USER_AGENT="Other device")
    assert (
        other_device.post(
            "/accounts/login/", {"login": supplier.email, "password": password}
        ).status_code
        == 302
    )
    client.post("/accounts/login/", {"login": supplier.email, "password": password})
    assert UserSession.objects.filter(user=supplier).count() == 2
    response = client.get("/accounts/sessions/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"Other device" in response.content
    response = client.post("/accounts/sessions/", {"action": "sign_out_others"})
    assert UserSession.objects.filter(user=supplier).count() == 1
    assert other_device.get("/dashboard/").status_code == 302  # that session is gone
    assert client.get("/dashboard/").status_code == 200


def test_moderation_decisions_ask_for_the_password_again(client, moderator, password):
    from suppliers.models import SupplierProfile

    client.force_login(moderator)
    response = client.post("/suppliers/moderation/1/decide/", {"decision": "approve"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not SupplierProfile.objects.exists()


def test_member_role_change_asks_for_the_password_again_then_resumes(client, supplier, password):
    colleague = MembershipFactory(
        organization=supplier.membership.organization, role=Membership.Role.MEMBER
    )
    client.force_login(supplier)
    url = f"/organization/members/{colleague.pk}/role/"
    response = client.post(url, {"role": "admin"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.MEMBER
    # Typing the password resumes the suspended request.
    client.post(response["Location"], {"password": password})
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.ADMIN


def test_reauthentication_expires(client, supplier, settings):
    colleague = MembershipFactory(
        organization=supplier.membership.organization, role=Membership.Role.MEMBER
    )
    client.force_login(supplier)
    mark_reauthenticated(
        client, supplier, seconds_ago=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    )
    url = f"/organization/members/{colleague.pk}/role/"
    assert client.post(url, {"role": "admin"})["Location"].startswith("/accounts/reauthenticate/")
    mark_reauthenticated(client, supplier)
    assert client.post(url, {"role": "admin"})["Location"] == "/organization/members/"
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.ADMIN


def test_shortlist_export_asks_for_the_password_again(client, buyer, make_tender):
    from matching.models import Follow

    tender = make_tender()
    Follow.objects.create(organization=buyer.membership.organization, tender=tender)
    client.force_login(buyer)
    response = client.get(f"/shortlists/{tender.pk}/export.csv")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    mark_reauthenticated(client, buyer)
    response = client.get(f"/shortlists/{tender.pk}/export.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")

"""Personal API tokens: created on the portal page (shown once), stored hashed, revoked,
expired, audited; they act as their user."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api import services
from api.models import ApiToken
from portal.models import AuditEvent
from tests.security.helpers import mark_reauthenticated

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_it_requires_login_for_the_page(client):
    response = client.get("/api/tokens/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_creating_a_token_asks_for_the_password_again(client, supplier):
    client.force_login(supplier)
    response = client.post("/api/tokens/", {"name": "ERP"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not ApiToken.objects.exists()


def test_it_shows_a_new_token_once_and_stores_only_its_hash(client, supplier):
    client.force_login(supplier)
    mark_reauthenticated(client, supplier)
    response = client.post(
        "/api/tokens/", {"name": "ERP", "expires_in_days": "30"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = re.search(r'value="(psl_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=supplier)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix) and len(token.prefix) < len(key) // 3
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    page = client.get("/api/tokens/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert key not in page and token.prefix in page
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.actor == supplier and event.target_id == str(token.pk)
    assert key not in str(event.data)


def test_it_authenticates_as_its_user_and_records_the_use(supplier):
    token, key = services.token_create(user=supplier, name="script")
    response = _bearer(key).get("/api/v1/supplier-profile/")
    assert response.status_code == 200
    assert response.json()["organization"]["id"] == supplier.membership.organization_id
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_refuses_a_name_less_token_on_the_page(client, supplier):
    client.force_login(supplier)
    mark_reauthenticated(client, supplier)
    response = client.post("/api/tokens/", {"name": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "psl_" not in response.content.decode()


def test_it_revokes_a_token_from_the_page(client, buyer):
    token, key = services.token_create(user=buyer, name="script")
    assert _bearer(key).get("/api/v1/follows/").status_code == 200
    client.force_login(buyer)
    response = client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = _bearer(key).get("/api/v1/follows/")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "authentication_failed"
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert AuditEvent.objects.filter(action="api_token.revoked", actor=buyer).count() == 1
    client.post(f"/api/tokens/{token.pk}/revoke/")  # twice: nothing more
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_it_gives_404_when_revoking_someone_elses_token(client, buyer, other_buyer):
    token, key = services.token_create(user=other_buyer, name="theirs")
    client.force_login(buyer)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert client.get(f"/api/tokens/{token.pk}/revoke/").status_code in (404, 405)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_refuses_an_expired_token(supplier):
    token, key = services.token_create(user=supplier, name="short", expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _bearer(key).get("/api/v1/supplier-profile/").status_code == 401


def test_it_refuses_unknown_malformed_and_inactive_users_tokens(supplier):
    token, key = services.token_create(user=supplier, name="x")
    for header in ("Bearer psl_nope", "Bearer", f"Bearer {key} extra", "Bearer psl_é"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        assert client.get("/api/v1/supplier-profile/").status_code == 401, header
    supplier.is_active = False
    supplier.save()
    assert _bearer(key).get("/api/v1/supplier-profile/").status_code == 401


def test_it_limits_the_number_of_active_tokens(supplier):
    for i in range(services.MAX_ACTIVE_TOKENS):
        services.token_create(user=supplier, name=f"t{i}")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.token_create(user=supplier, name="one too many")


def test_a_token_state_agrees_in_gender_in_french(client, supplier):
    """ "expired" is "expiré" for a token (un jeton) and "expirée" for an invitation."""
    token, _key = services.token_create(user=supplier, name="Ancien", expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(supplier)
    page = client.get("/api/tokens/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<td>expiré</td>" in page

"""Saving an expired (or soon expiring) certification or security clearance keeps it, and says so
(QA finding: the save succeeded silently, and the credential then failed every tender's hard
constraint)."""

import datetime

import pytest

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 3, 15)
URL = "/suppliers/profile/credentials/"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    # The view reads the day with timezone.localdate(): pinned, so that no test turns at midnight.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def day(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


def us(date: datetime.date) -> str:
    """SHORT_DATE_FORMAT in English."""
    return f"{date:%m/%d/%Y}"


def credentials(*certifications, clearance_level=0, clearance_expires_on=None, **extra):
    """The credentials step's POST: the clearance form and the certifications formset."""
    data = {
        "clearance_level": str(clearance_level),
        "clearance_expires_on": clearance_expires_on.isoformat() if clearance_expires_on else "",
        "itar_free": "on",
        "cert-TOTAL_FORMS": str(len(certifications) + 1),  # and the empty extra block
        "cert-INITIAL_FORMS": "0",
        "cert-MIN_NUM_FORMS": "0",
        "cert-MAX_NUM_FORMS": "30",
        "stay": "1",
    }
    for index, certification in enumerate(certifications):
        for field, value in certification.items():
            if isinstance(value, datetime.date):
                value = value.isoformat()
            data[f"cert-{index}-{field}"] = value
    return {**data, **extra}


def save(client, data):
    response = client.post(URL, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.redirect_chain == [(URL, 302)], response.redirect_chain
    return response


def shown(response, level: str) -> list[str]:
    """The messages of LEVEL (message-warning, message-info…) on the page after the redirect."""
    page = response.content.decode()
    return [
        line.strip().removeprefix(f'<p class="message message-{level}">').removesuffix("</p>")
        for line in page.splitlines()
        if f'class="message message-{level}"' in line
    ]


def test_an_expired_certification_is_saved_with_a_warning(client, supplier, profile):
    client.force_login(supplier)
    expired = day(-14)
    response = save(
        client,
        credentials(
            {"type": "iso27001", "number": "IS 123", "issuer": "AFNOR", "expires_on": expired}
        ),
    )
    certification = profile.certifications.get()
    assert (certification.type, certification.number, certification.issuer) == (
        "iso27001",
        "IS 123",
        "AFNOR",
    )
    assert certification.expires_on == expired and certification.is_expired
    assert shown(response, "success") == ["Saved."]
    assert shown(response, "warning") == [
        f"ISO 27001 expired on {us(expired)}: tenders that require it will not match until "
        "you add a valid one."
    ]
    assert shown(response, "info") == []
    # Said once: the next visit of the page does not repeat it.
    again = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert shown(again, "warning") == [] and shown(again, "success") == []


def test_an_other_certification_is_named_by_its_name(client, supplier, profile):
    client.force_login(supplier)
    response = save(
        client, credentials({"type": "other", "name": "Qualiopi", "expires_on": day(-1)})
    )
    assert profile.certifications.get().name == "Qualiopi"
    assert shown(response, "warning") == [
        f"Qualiopi expired on {us(day(-1))}: tenders that require it will not match until you "
        "add a valid one."
    ]


def test_an_expired_clearance_is_saved_with_a_warning(client, supplier, profile):
    client.force_login(supplier)
    expired = day(-400)
    response = save(client, credentials(clearance_level=2, clearance_expires_on=expired))
    profile.refresh_from_db()
    assert (profile.clearance_level, profile.clearance_expires_on) == (2, expired)
    assert profile.itar_free
    assert shown(response, "success") == ["Saved."]
    assert shown(response, "warning") == [
        f"Your security clearance (Secret) expired on {us(expired)}: tenders that require a "
        "clearance will not match until you enter a valid one."
    ]


def test_credentials_expiring_soon_get_a_reminder(client, supplier, profile):
    client.force_login(supplier)
    response = save(
        client,
        credentials(
            {"type": "iso9001", "expires_on": day(30)},
            {"type": "hds", "expires_on": day(365)},
            clearance_level=1,
            clearance_expires_on=day(59),
        ),
    )
    assert profile.certifications.count() == 2
    assert shown(response, "warning") == []
    assert shown(response, "info") == [
        f"ISO 9001 expires on {us(day(30))}: renew it before then, or tenders with a later "
        "deadline will not match.",
        f"Your security clearance (Diffusion Restreinte handling) expires on {us(day(59))}: "
        "renew it before then, or tenders with a later deadline will not match.",
    ]


@pytest.mark.parametrize(
    ("days", "level"),
    [(-1, "warning"), (0, "info"), (60, "info"), (61, None)],
    ids=["yesterday", "today", "in-60-days", "in-61-days"],
)
def test_the_limits(client, supplier, profile, days, level):
    # Valid on its expiry day (Certification.is_valid_on); reminded 60 days ahead.
    client.force_login(supplier)
    response = save(
        client,
        credentials(
            {"type": "passi", "expires_on": day(days)},
            clearance_level=3,
            clearance_expires_on=day(days),
        ),
    )
    for other in {"warning", "info"} - {level}:
        assert shown(response, other) == []
    if level:
        messages = shown(response, level)
        assert len(messages) == 2
        assert messages[0].startswith(f"PASSI {'expired' if days < 0 else 'expires'} on")
        assert messages[1].startswith("Your security clearance (Très Secret)")
        assert all(us(day(days)) in message for message in messages)


def test_no_warning_for_credentials_valid_long_enough(client, supplier, profile):
    client.force_login(supplier)
    response = save(
        client,
        credentials(
            {"type": "iso27001", "expires_on": day(800)},
            {"type": "en9100"},  # no expiry date
            clearance_level=2,
            clearance_expires_on=day(1000),
        ),
    )
    assert profile.certifications.count() == 2
    assert shown(response, "success") == ["Saved."]
    assert shown(response, "warning") == [] and shown(response, "info") == []


def test_an_expired_copy_kept_next_to_its_renewal_is_no_concern(client, supplier, profile):
    client.force_login(supplier)
    response = save(
        client,
        credentials(
            {"type": "iso27001", "expires_on": day(-30)},
            {"type": "iso27001", "expires_on": day(900)},
            {"type": "aqap2110", "expires_on": day(-300)},
            {"type": "aqap2110", "expires_on": day(20)},
        ),
    )
    assert profile.certifications.count() == 4
    assert shown(response, "warning") == []
    assert shown(response, "info") == [
        f"AQAP 2110 expires on {us(day(20))}: renew it before then, or tenders with a later "
        "deadline will not match."
    ]


def test_no_clearance_means_no_clearance_warning(client, supplier, profile):
    # A stale date left with the level "None" is no clearance at all.
    client.force_login(supplier)
    response = save(client, credentials(clearance_level=0, clearance_expires_on=day(-10)))
    assert shown(response, "warning") == [] and shown(response, "info") == []


def test_a_deleted_or_refused_certification_gives_no_warning(client, supplier, profile):
    client.force_login(supplier)
    # Ticked "Delete": not saved, not warned about.
    response = save(client, credentials({"type": "iso9001", "expires_on": day(-5), "DELETE": "on"}))
    assert not profile.certifications.exists()
    assert shown(response, "warning") == []
    # A form error: nothing saved, the form comes back, no warning (and no "Saved.").
    response = client.post(
        URL,
        credentials({"type": "other", "name": "", "expires_on": day(-5)}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert not profile.certifications.exists()
    assert shown(response, "warning") == [] and shown(response, "success") == []


def test_the_warning_reads_in_french_by_default(client, supplier, profile):
    client.force_login(supplier)
    data = credentials({"type": "iso27001", "expires_on": day(-14)})
    response = client.post(URL, data, follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    assert shown(response, "warning") == [
        "ISO 27001 a expiré le 01/03/2025\u00a0: les appels d’offres qui l’exigent ne "
        "correspondront pas à votre profil tant que vous n’en aurez pas ajouté une valide."
    ]

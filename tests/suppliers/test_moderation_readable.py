"""The moderator's review page reads as a moderator reads: names and labels, not stored codes
(QA finding: regions "11, 84", "iso27001", ISO dates, True/False, "supplier_profile.approved")."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.choices import ClearanceLevel
from portal.models import AuditEvent, Departement, Region
from suppliers import services
from suppliers.models import SupplierProfile
from tests.security.helpers import mark_reauthenticated

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ISO_27001 = {"type": "iso27001", "number": "C-42", "expires_on": datetime.date(2027, 12, 31)}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def filled(profile, supplier):
    """The working profile with codes of every kind: regions, CPV codes, a clearance and its
    expiry, a certification, a private reference with its département, a document."""
    Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    Departement.objects.create(code="35", name="Ille-et-Vilaine", region_id="53")
    services.profile_update(
        profile=profile,
        data={
            "regions_served": ["11", "84"],
            "cpv_codes": ["35613000", "72000000"],
            "clearance_level": ClearanceLevel.DIFFUSION_RESTREINTE,
            "clearance_expires_on": datetime.date(2028, 3, 1),
            "itar_free": True,
        },
        by=supplier,
    )
    services.profile_set_certifications(profile=profile, items=[ISO_27001], by=supplier)
    services.profile_set_references(
        profile=profile,
        items=[
            {
                "client": "DGA",
                "year": 2021,
                "cpv_code": "72000000",
                "description": "Banc de test",
                "is_public": False,
                "departement": "35",
            }
        ],
        by=supplier,
    )
    services.document_add(
        profile=profile,
        kind="deck",
        title="Plaquette",
        upload=SimpleUploadedFile("plaquette.pdf", PDF),
        by=supplier,
    )
    return services.profile_submit(profile=profile, by=supplier)


def _page(client, moderator, profile, language="en"):
    client.force_login(moderator)
    response = client.get(f"/suppliers/moderation/{profile.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response


def _rows(response) -> dict:
    return {str(row["field"]): (row["old"], row["new"]) for row in response.context["diff"]}


def test_a_new_profile_shows_names_labels_and_formatted_dates(client, moderator, filled):
    response = _page(client, moderator, filled)
    rows = _rows(response)
    assert rows["regions served"] == ("", "Île-de-France, Auvergne-Rhône-Alpes")
    assert rows["CPV codes"] == (
        "",
        "35613000 — Unmanned aerial vehicles\n72000000 — IT services",
    )
    assert rows["facility security clearance"] == ("", "Diffusion Restreinte handling")
    assert rows["clearance expiry date"] == ("", "03/01/2028")
    assert rows["our offer is ITAR-free"] == ("", "yes")
    assert rows["Certifications"] == ("", "ISO 27001 · C-42 · 12/31/2027")
    assert rows["References"] == (
        "",
        "DGA · 2021 · 72000000 — IT services · Banc de test · visible to buyers: no"
        " · 35 Ille-et-Vilaine",
    )
    old, new = rows["Documents"]
    assert old == "" and new.startswith("Capability deck · Plaquette · plaquette.pdf · ")
    assert "bytes" in new  # its size, not a count of bytes alone
    page = response.content.decode()
    assert "Île-de-France, Auvergne-Rhône-Alpes" in page
    assert "ISO 27001 · C-42 · 12/31/2027" in page
    for raw in ("11, 84", "iso27001", "2027-12-31", "2028-03-01", "False", "True"):
        assert raw not in page


def test_a_revision_shows_only_what_changed_old_and_new_readable(
    client, moderator, filled, supplier
):
    services.profile_approve(profile=filled, by=moderator, reason="")
    working = SupplierProfile.objects.get(pk=filled.pk)
    services.profile_update(profile=working, data={"regions_served": ["84"]}, by=supplier)
    services.profile_set_certifications(
        profile=working,
        items=[{**ISO_27001, "expires_on": datetime.date(2028, 6, 30)}],
        by=supplier,
    )
    services.profile_submit(profile=working, by=supplier)
    response = _page(client, moderator, working)
    assert _rows(response) == {
        "regions served": ("Île-de-France, Auvergne-Rhône-Alpes", "Auvergne-Rhône-Alpes"),
        "Certifications": ("ISO 27001 · C-42 · 12/31/2027", "ISO 27001 · C-42 · 06/30/2028"),
    }
    history = response.content.decode()
    assert '<span title="supplier_profile.revision_started">Reopened for editing</span>' in history


def test_saving_the_same_values_again_shows_no_change(client, moderator, filled, supplier):
    services.profile_approve(profile=filled, by=moderator, reason="")
    working = SupplierProfile.objects.get(pk=filled.pk)
    services.profile_update(profile=working, data={"regions_served": ["11", "84"]}, by=supplier)
    services.profile_set_certifications(profile=working, items=[ISO_27001], by=supplier)
    services.profile_submit(profile=working, by=supplier)
    response = _page(client, moderator, working)
    assert response.context["diff"] == []
    assert "No change." in response.content.decode()


def test_the_history_shows_what_happened_in_words(client, moderator, approved):
    client.force_login(moderator)
    mark_reauthenticated(client, moderator)  # privileged actions: password typed again
    client.post(f"/suppliers/moderation/{approved.pk}/suspend/", {"reason": "Fraude"})
    client.post(f"/suppliers/moderation/{approved.pk}/reinstate/", {"reason": "Levée"})
    live = SupplierProfile.objects.get(is_live=True)
    AuditEvent.objects.create(
        action="supplier_profile.merged", target_type="suppliers.supplierprofile", target_id=live.pk
    )
    page = _page(client, moderator, approved).content.decode()
    for action, label in [
        ("submitted", "Submitted for review"),
        ("approved", "Approved"),
        ("suspended", "Suspended"),
        ("reinstated", "Reinstated"),
    ]:
        assert f'<span title="supplier_profile.{action}">{label}</span>' in page
    assert "<code>supplier_profile.merged</code>" in page  # an unknown action: its code
    assert "<code>supplier_profile.approved</code>" not in page
    assert "— system —" in page  # the event without an actor
    french = _page(client, moderator, approved, language="fr").content.decode()
    assert '<span title="supplier_profile.submitted">Soumis pour examen</span>' in french

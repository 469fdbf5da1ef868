import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from suppliers import services
from suppliers.models import Document, SupplierProfile

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media):
    return sorted(p for p in media.rglob("*") if p.is_file())


def upload(client, content, name="deck.pdf"):
    return client.post(
        "/suppliers/profile/documents/",
        {"kind": "deck", "title": "", "file": SimpleUploadedFile(name, content)},
    )


def test_a_pdf_is_stored_under_a_random_name_and_served_as_attachment(
    client, profile, supplier, media
):
    client.force_login(supplier)
    response = upload(client, PDF, name="../../etc/Plaquette <commerciale>.pdf")
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.original_name == "Plaquette commerciale.pdf"
    assert "etc" not in document.file.name and document.storage_key in document.file.name
    assert len(document.storage_key) == 48
    response = client.get(f"/suppliers/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_a_renamed_executable_is_refused_and_nothing_is_kept(client, profile, supplier, media):
    client.force_login(supplier)
    response = upload(client, b"\x7fELF\x02\x01\x01" + b"\0" * 100, name="deck.pdf")
    assert response.status_code == 200
    assert "not a PDF" in str(response.context["form"].errors["file"]) or "pas un PDF" in str(
        response.context["form"].errors["file"]
    )
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_an_oversize_file_is_refused_and_nothing_is_kept(client, profile, supplier, media):
    client.force_login(supplier)
    big = PDF + b"0" * services.MAX_DOCUMENT_BYTES
    response = upload(client, big)
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not Document.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "who,status",
    [
        ("supplier", 200),
        ("supplier_member", 200),
        ("moderator", 200),
        ("buyer", 404),
        ("other_supplier", 404),
    ],
)
def test_a_draft_document_is_private(client, request, profile, supplier, who, status):
    document = services.document_add(
        profile=profile,
        kind="deck",
        title="Deck",
        upload=SimpleUploadedFile("d.pdf", PDF),
        by=supplier,
    )
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/suppliers/documents/{document.pk}/").status_code == status


def test_buyers_download_documents_of_approved_profiles_only(
    client, submitted, supplier, moderator, buyer, media
):
    services.document_add(
        profile=submitted,
        kind="deck",
        title="Deck",
        upload=SimpleUploadedFile("d.pdf", PDF),
        by=supplier,
    )
    services.profile_submit(profile=submitted, by=supplier)
    services.profile_approve(profile=submitted, by=moderator)
    live_doc = Document.objects.get(profile__is_live=True)
    client.force_login(buyer)
    assert client.get(f"/suppliers/documents/{live_doc.pk}/").status_code == 200
    client.logout()
    assert client.get(f"/suppliers/documents/{live_doc.pk}/").status_code == 302


def test_deleting_a_draft_document_keeps_the_file_the_live_profile_still_shows(
    client, submitted, supplier, moderator, media
):
    services.document_add(
        profile=submitted,
        kind="deck",
        title="Deck",
        upload=SimpleUploadedFile("d.pdf", PDF),
        by=supplier,
    )
    services.profile_submit(profile=submitted, by=supplier)
    services.profile_approve(profile=submitted, by=moderator)
    working_doc = Document.objects.get(profile__is_live=False)
    client.force_login(supplier)
    response = client.post(f"/suppliers/profile/documents/{working_doc.pk}/delete/")
    assert response.status_code == 302
    assert len(stored_files(media)) == 1  # the live copy still points at it
    working = SupplierProfile.objects.get(pk=submitted.pk)
    services.profile_submit(profile=working, by=supplier)
    services.profile_approve(profile=working, by=moderator)
    assert not Document.objects.exists()

"""Uploads: checked by content (magic bytes), bounded in size, stored under a random key, the
original name sanitised; downloads never render inline (attachment, nosniff, CSP sandbox)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from suppliers.models import Document
from suppliers.services import MAX_DOCUMENT_BYTES

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(client, content, name="deck.pdf", content_type="application/pdf"):
    return client.post(
        "/suppliers/profile/documents/",
        {"kind": "deck", "title": "", "file": SimpleUploadedFile(name, content, content_type)},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(document.cookie)</script></html>",
        b"MZ\x90\x00\x03 executable",
        b"  %PDF-1.7 leading spaces are not a PDF header",
        b"",
    ],
)
def test_content_that_is_not_a_pdf_is_refused_whatever_its_name_and_type(
    client, profile, supplier, media, content
):
    client.force_login(supplier)
    response = _upload(client, content, name="deck.pdf", content_type="application/pdf")
    assert response.status_code == 200
    assert not Document.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_an_oversize_pdf_is_refused(client, profile, supplier, media):
    client.force_login(supplier)
    response = _upload(client, PDF + b"0" * MAX_DOCUMENT_BYTES)
    assert response.status_code == 200 and b"the limit is 10 MB" in response.content
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/passwd.pdf",
        "..\\..\\windows\\system32\\evil.pdf",
        'quote".pdf',
        "line\r\nX-Injected: yes.pdf",
        "/absolute/path.pdf",
        "....pdf",
    ],
)
def test_path_tricks_in_the_name_reach_neither_the_disk_nor_the_headers(
    client, profile, supplier, media, name
):
    client.force_login(supplier)
    assert _upload(client, PDF, name=name).status_code == 302
    document = Document.objects.get()
    stored = [p for p in media.rglob("*") if p.is_file()]
    assert stored == [media / "supplier-documents" / f"{document.storage_key}.pdf"]
    assert "/" not in document.original_name and "\\" not in document.original_name
    assert not any(c in document.original_name for c in '"\r\n')
    response = client.get(f"/suppliers/documents/{document.pk}/")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition
    assert not response.has_header("X-Injected")


def test_a_pdf_polyglot_is_served_as_an_inert_attachment(client, profile, supplier):
    client.force_login(supplier)
    polyglot = PDF + b"<html><script>alert(1)</script></html>"
    assert _upload(client, polyglot, name="x.html").status_code == 302
    document = Document.objects.get()
    response = client.get(f"/suppliers/documents/{document.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert b"".join(response.streaming_content) == polyglot


def test_the_ocds_import_parses_and_never_stores_the_upload(client, moderator, media):
    from tests.security.helpers import mark_reauthenticated

    client.force_login(moderator)
    mark_reauthenticated(client, moderator)
    response = client.post(
        "/tenders/import/",
        {"file": SimpleUploadedFile("x.json", b"<script>alert(1)</script>", "application/json")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert not [p for p in media.rglob("*") if p.is_file()]

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


def test_the_ocds_import_keeps_the_upload_privately_and_only_until_the_job_ends(
    client, moderator, media, django_capture_on_commit_callbacks
):
    from tenders.models import OcdsImportJob
    from tests.security.helpers import mark_reauthenticated

    client.force_login(moderator)
    mark_reauthenticated(client, moderator)
    upload = SimpleUploadedFile("../x.json", b"<script>alert(1)</script>", "application/json")
    response = client.post("/tenders/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    # Until the worker runs the job: under a random name, in the (never served) private storage.
    job = OcdsImportJob.objects.get()
    stored = [p for p in media.rglob("*") if p.is_file()]
    assert stored == [media / "ocds-imports" / f"{job.storage_key}.json"]
    assert len(job.storage_key) >= 32
    assert client.get(f"/media/ocds-imports/{job.storage_key}.json").status_code == 404
    from tenders.tasks import run_ocds_import_job

    with django_capture_on_commit_callbacks(execute=True):
        run_ocds_import_job(job.pk)
    response = client.get(f"/tenders/import/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_a_body_above_the_request_cap_is_refused_before_it_is_read(
    client, profile, supplier, media, settings
):
    """Django streams uploaded files of any size to disk: the cap answers 413 first."""
    settings.MAX_REQUEST_BYTES = 64 * 1024
    client.force_login(supplier)
    response = _upload(client, PDF + b"0" * (64 * 1024))
    assert response.status_code == 413
    page = response.content.decode()
    assert "too large (0.1 MB): the portal accepts at most 0.1 MB" in page
    assert "Nothing was saved" in page and "limited to 10 MB each" in page
    assert not Document.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]
    assert _upload(client, PDF + b"0" * 1024).status_code == 302  # below the cap: as before


def test_the_request_cap_applies_to_anonymous_forms_and_the_api(client, settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    big = SimpleUploadedFile("x.bin", b"0" * (1024 * 1024 + 1))
    response = client.post(
        "/accounts/login/",
        {"login": "a@b.fr", "password": "x", "f": big},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert "too large (1.0 MB): the portal accepts at most 1 MB" in response.content.decode()
    big.seek(0)
    response = client.post(
        "/api/v1/tenders/", {"f": big}, HTTP_ACCEPT_LANGUAGE="fr", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": "La requête est trop volumineuse (1.0 Mo) : la limite est de 1 Mo. "
        "Rien n’a été enregistré."
    }


def test_the_default_cap_lets_the_largest_upload_reach_its_form():
    """Between the OCDS limit and the cap, the import form says what to do; above, the 413."""
    from django.conf import settings

    from tenders.forms import OCDS_UPLOAD_MAX_BYTES

    assert settings.MAX_REQUEST_BYTES >= OCDS_UPLOAD_MAX_BYTES + 1024 * 1024

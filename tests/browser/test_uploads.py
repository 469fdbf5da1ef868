"""A file above a form's limit is refused in the browser before it is sent (static/js/
file-limit.js): the field says which file, its size and the limit, nothing is posted, and what
the user typed stays; a file within the limit is sent as before."""

from suppliers.models import Document

from .conftest import login, totp_secret

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _posts(page) -> list[str]:
    sent: list[str] = []
    page.on("request", lambda request: request.method == "POST" and sent.append(request.url))
    return sent


def test_a_document_above_the_limit_is_refused_before_it_is_sent(browser, supplier, password):
    page = browser.new_page()
    login(page, supplier.email, password)
    page.goto("/suppliers/profile/documents/")
    posts = _posts(page)
    page.locator("#id_title").fill("Plaquette 2026")
    # Exactly 11 MB, named with characters String.replace would read as patterns.
    big = PDF + b"0" * (11 * MB - len(PDF))
    page.locator("#id_file").set_input_files(
        files=[{"name": "plaquette-$&.pdf", "mimeType": "application/pdf", "buffer": big}]
    )
    error = page.locator("#id_file_size_error")
    assert "plaquette-$&.pdf fait 11,0 Mo ; la limite est de 10 Mo" in error.inner_text()
    assert "Rien n’a été envoyé" in error.inner_text()
    assert page.locator("#id_file").get_attribute("aria-invalid") == "true"
    assert "id_file_size_error" in page.locator("#id_file").get_attribute("aria-describedby")
    browser.shot(page, "too-large")
    page.locator("main form.form-card button[type=submit]").click()
    page.wait_for_timeout(500)
    assert posts == [] and page.url.endswith("/suppliers/profile/documents/")
    assert page.locator("#id_title").input_value() == "Plaquette 2026"  # nothing typed is lost
    assert page.evaluate("document.activeElement.id") == "id_file"
    assert not Document.objects.exists()

    # A file within the limit clears the message and is sent.
    page.locator("#id_file").set_input_files(
        files=[{"name": "plaquette.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    assert error.inner_text() == ""
    assert page.locator("#id_file").get_attribute("aria-invalid") is None
    with page.expect_navigation():
        page.locator("main form.form-card button[type=submit]").click()
    assert len(posts) == 1
    assert Document.objects.get().title == "Plaquette 2026"
    assert browser.console_errors == []


def test_an_ocds_file_above_the_browser_import_limit_is_refused_before_it_is_sent(
    browser, moderator, password, tmp_path
):
    big = tmp_path / "releases.json"
    with big.open("wb") as f:
        f.truncate(51 * MB)  # sparse: the size is what the browser sees
    page = browser.new_page(locale="en-GB")
    login(page, moderator.email, password, totp_secret(moderator))
    page.goto("/tenders/import/")
    posts = _posts(page)
    page.locator("#id_file").set_input_files(str(big))
    error = page.locator("#id_file_size_error")
    assert error.inner_text() == (
        "releases.json is 51.0 MB; the browser import takes up to 50 MB. Split it, or import "
        "it with manage.py import_ocds. Nothing was sent."
    )
    page.locator("main form.form-card button[type=submit]").click()
    page.wait_for_timeout(500)
    assert posts == []
    assert browser.console_errors == []

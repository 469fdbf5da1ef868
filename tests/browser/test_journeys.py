"""The main journey through the whole portal in Chromium, on a live server with a real Celery
worker (matching, emails): a supplier registers and verifies its email, builds and submits its
profile; the moderator approves it; a ministry author publishes a tender; the buyer follows it,
opens the shortlist from its email, shortlists a supplier with a note and exports the CSV; the
supplier finds the tender in "tenders for you"."""

import csv
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from stdnum import luhn
from stdnum.fr import siret as siret_std

from matching.models import ShortlistEntry
from portal.models import Organization
from suppliers.models import SupplierProfile
from tenders.models import Tender

from .conftest import login, totp_secret

SUPPLIER_EMAIL = "fondatrice@optronique-armor.example"
SUPPLIER_PASSWORD = "une-phrase-de-passe-assez-longue"
COMPANY = "Optronique Armor SAS"
TENDER_TITLE = "Drones de reconnaissance tactique pour l'armée de Terre"


def _siren_siret() -> tuple[str, str]:
    base = "91834562"
    siren = base + luhn.calc_check_digit(base)
    nic = next(f"{i:05d}" for i in range(10, 99999) if siret_std.is_valid(f"{siren}{i:05d}"))
    return siren, siren + nic


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _mail_to(mailbox, address: str, body_pattern: str, timeout: float = 30.0):
    """The newest message to ADDRESS whose text matches BODY_PATTERN, waiting for it (the
    worker sends most of them); returns (message, match)."""
    deadline = time.monotonic() + timeout
    while True:
        for message in reversed(mailbox()):
            if message["To"] == address and (found := re.search(body_pattern, _body(message))):
                return message, found
        if time.monotonic() > deadline:
            seen = [(m["To"], m["Subject"]) for m in mailbox()]
            pytest.fail(f"no email to {address} matching {body_pattern!r}; sent: {seen}")
        time.sleep(0.2)


def _submit(page, form_selector: str = "main form", name: str | None = None) -> None:
    """Click the form's submit button and wait for the page that answers."""
    button = f"{form_selector} button[type=submit]" + (f"[name={name}]" if name else "")
    with page.expect_navigation():
        page.locator(button).first.click()


def _reauthenticate_if_asked(page, password: str) -> None:
    """Privileged actions may ask for the password again (allauth reauthentication)."""
    if "/reauthenticate" in page.url:
        page.locator("input[name=password]").fill(password)
        _submit(page)


def _download(page, link_selector: str, password: str):
    """Follow a download link; an export may first ask for the password again."""
    try:
        with page.expect_download(timeout=5_000) as info:
            page.locator(link_selector).click()
        return info.value
    except PlaywrightTimeoutError:
        assert "/reauthenticate" in page.url, f"no download from {link_selector}: {page.url}"
    page.locator("input[name=password]").fill(password)
    with page.expect_download() as info:
        page.locator("main form button[type=submit]").first.click()
    # Not left on the password page: back where the export was asked, which says so.
    assert "/reauthenticate" not in page.url, page.url
    page.locator("main .message-success", has_text=".").wait_for()
    return info.value


def _pick_cpv(page, field_id: str, query: str, code: str) -> None:
    """Use the CPV picker next to FIELD_ID: type words, choose the suggestion for CODE."""
    picker = page.locator(f".field:has(#{field_id}) .cpv-picker")
    picker.locator("input[type=search]").fill(query)
    picker.locator(".cpv-results button", has_text=code).click()
    assert code in page.locator(f"#{field_id}").input_value()


# --- The journey, one function per person --------------------------------------------------------


def supplier_registers(browser, page, mailbox) -> None:
    siren, _siret = _siren_siret()
    page.goto("/accounts/signup/")
    browser.shot(page, "signup")
    page.locator("#id_company_name").fill(COMPANY)
    page.locator("#id_siren").fill(f"{siren[:3]} {siren[3:6]} {siren[6:]}")
    page.locator("#id_email").fill(SUPPLIER_EMAIL)
    page.locator("#id_password1").fill(SUPPLIER_PASSWORD)
    page.locator("#id_password2").fill(SUPPLIER_PASSWORD)
    _submit(page)
    browser.shot(page, "verification-sent")
    assert "/accounts/signup/" not in page.url, page.locator(".errorlist").all_inner_texts()

    _message, link = _mail_to(mailbox, SUPPLIER_EMAIL, r"https?://\S+/accounts/confirm-email/\S+/")
    page.goto(_path(link.group(0)))
    browser.shot(page, "confirm-email")
    _submit(page)
    assert page.url.endswith("/dashboard/"), page.url
    assert COMPANY in page.locator("main").inner_text()
    browser.shot(page, "dashboard-after-verification")


def supplier_builds_and_submits_profile(browser, page) -> None:
    siren, siret = _siren_siret()
    page.goto("/suppliers/profile/identity/")
    page.locator("#id_legal_name").fill(COMPANY)
    page.locator("#id_siren").fill(siren)
    page.locator("#id_siret").fill(siret)
    page.locator("#id_year_founded").fill("2016")
    page.locator("#id_website").fill("https://optronique-armor.example")
    page.locator("#id_address").fill("12 rue des Forges")
    page.locator("#id_postal_code").fill("29200")
    page.locator("#id_city").fill("Brest")
    page.locator("#id_region").select_option(label="Bretagne")
    page.locator("#id_regions_served input[value='53']").check()
    browser.shot(page, "profile-identity")
    _submit(page, name="continue")
    assert page.url.endswith("/suppliers/profile/size/"), page.url

    page.locator("#id_headcount").fill("42")
    page.locator("#id_annual_turnover_eur").fill("6000000")
    page.locator("#id_balance_sheet_eur").fill("4000000")
    page.locator("#id_rd_share_percent").fill("18")
    browser.shot(page, "profile-size")
    _submit(page, name="continue")
    assert page.url.endswith("/suppliers/profile/capabilities/"), page.url

    page.locator("#id_capability_statement").fill(
        "Conception et fabrication de drones de reconnaissance tactique et de caméras "
        "infrarouges durcies pour les forces terrestres."
    )
    page.locator("#id_keywords").fill("drones, reconnaissance, infrarouge")
    _pick_cpv(page, "id_cpv_codes", "aériens sans pilote", "35613000")
    page.locator("#id_technologies").fill("optronique, vision embarquée")
    browser.shot(page, "profile-capabilities")
    _submit(page, name="continue")
    assert page.url.endswith("/suppliers/profile/credentials/"), page.url

    page.locator("#id_cert-0-type").select_option("iso9001")
    page.locator("#id_cert-0-number").fill("FR-9001-2024-118")
    page.locator("#id_cert-0-issuer").fill("AFNOR Certification")
    page.locator("#id_cert-0-expires_on").fill(
        (timezone.localdate() + timedelta(days=700)).isoformat()
    )
    browser.shot(page, "profile-credentials")
    _submit(page, name="continue")
    assert page.url.endswith("/suppliers/profile/references/"), page.url

    page.locator("#id_ref-0-client").fill("Direction générale de l'armement")
    page.locator("#id_ref-0-year").fill("2023")
    page.locator("#id_ref-0-value_eur").fill("850000")
    _pick_cpv(page, "id_ref-0-cpv_code", "35613", "35613000")
    page.locator("#id_ref-0-description").fill("Drones d'observation pour essais.")
    browser.shot(page, "profile-references")
    _submit(page, name="continue")
    assert page.url.endswith("/suppliers/profile/documents/"), page.url
    browser.shot(page, "profile-documents")  # optional: none uploaded

    page.goto("/suppliers/profile/")
    _submit(page, "form[action$='/profile/submit/']")
    browser.shot(page, "profile-submitted")
    profile = SupplierProfile.objects.get(organization__name=COMPANY, is_live=False)
    assert profile.status == SupplierProfile.Status.SUBMITTED
    assert profile.cpv_codes == ["35613000"]
    assert profile.siren == siren and profile.references.count() == 1


def moderator_approves(browser, page, moderator, password) -> None:
    login(page, moderator.email, password, totp_secret(moderator))
    page.goto("/suppliers/moderation/")
    browser.shot(page, "moderation-queue")
    with page.expect_navigation():
        page.locator("main table a", has_text=COMPANY).click()
    browser.shot(page, "moderation-detail")
    page.locator("input[name=decision][value=approve]").check()
    page.locator("textarea[name=reason]").fill("SIREN et références vérifiés.")
    _submit(page, "form[action$='/decide/']")
    _reauthenticate_if_asked(page, password)
    browser.shot(page, "moderation-decided")
    live = SupplierProfile.objects.get(organization__name=COMPANY, is_live=True)
    assert live.status == SupplierProfile.Status.APPROVED


def ministry_publishes_tender(browser, page, author, password) -> Tender:
    login(page, author.email, password, totp_secret(author))
    page.goto("/tenders/new/")
    page.locator("#id_title").fill(TENDER_TITLE)
    page.locator("#id_description").fill(
        "Fourniture de drones de reconnaissance tactique à voilure fixe, avec caméras "
        "infrarouges et maintenance sur cinq ans."
    )
    _pick_cpv(page, "id_main_cpv_code", "sans pilote", "35613000")
    page.locator("#id_estimated_value").fill("2500000")
    deadline = timezone.localtime() + timedelta(days=45)
    page.locator("#id_submission_deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    browser.shot(page, "tender-form")
    _submit(page, "form.tender-form")
    assert re.search(r"/tenders/\d+/$", page.url), page.url
    _submit(page, "form[action$='/publish/']")
    browser.shot(page, "tender-published")
    tender = Tender.objects.get(title=TENDER_TITLE)
    assert tender.status == Tender.Status.PUBLISHED
    return tender


def buyer_follows(browser, page, buyer, password, tender) -> None:
    login(page, buyer.email, password, totp_secret(buyer))
    page.goto("/tenders/?q=drones+reconnaissance")
    browser.shot(page, "tender-search")
    with page.expect_navigation():
        page.locator("main a", has_text=TENDER_TITLE).first.click()
    _submit(page, "form[action$='/follow/']")
    browser.shot(page, "tender-followed")


def buyer_opens_shortlist_from_email(browser, page, mailbox, buyer, tender) -> None:
    """The shortlist email (notifications): computed by the worker, sent to the buyer, with a
    link that opens the shortlist."""
    pattern = rf"https?://\S+/shortlists/{tender.pk}/"
    message, link = _mail_to(mailbox, buyer.email, pattern, timeout=60)
    assert COMPANY in _body(message), _body(message)
    # The subject names the tender as typed (no HTML escaping in a plain-text header).
    assert tender.title in message["Subject"], message["Subject"]
    # The worker builds links with SITE_URL, here the live server's address: follow it as is.
    assert link.group(0).startswith(browser.base_url), link.group(0)
    page.goto(link.group(0))
    assert page.url.endswith(f"/shortlists/{tender.pk}/"), page.url


def buyer_reviews_and_exports(browser, page, buyer, password, tender, tmp_path) -> None:
    supplier = Organization.objects.get(name=COMPANY)
    entry = page.locator(f"#supplier-{supplier.pk}")
    entry.wait_for()
    browser.shot(page, "shortlist")
    entry.locator("select[name=status]").select_option("shortlisted")
    entry.locator("textarea[name=notes]").fill("Solide sur l'infrarouge ; à rencontrer.")
    with page.expect_navigation():
        entry.locator("form.entry-form button[type=submit]").click()
    _reauthenticate_if_asked(page, password)
    browser.shot(page, "shortlist-reviewed")
    saved = ShortlistEntry.objects.get(tender=tender, supplier=supplier)
    assert saved.status == ShortlistEntry.Status.SHORTLISTED
    assert "infrarouge" in saved.notes

    download = _download(page, "a[href*='export.csv']", password)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.suffix == ".csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert any(COMPANY in cell for row in rows for cell in row), rows[:3]


def supplier_sees_tender_for_it(browser, page) -> None:
    deadline = time.monotonic() + 30
    while True:
        page.goto("/dashboard/")
        section = page.locator("section[aria-labelledby=for-you]")
        if TENDER_TITLE in section.inner_text() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    browser.shot(page, "supplier-tenders-for-you")
    assert TENDER_TITLE in section.inner_text()


def test_it_goes_from_registration_to_an_exported_shortlist(
    browser, journey_mailbox, cpv, regions, moderator, ministry_author, buyer, password, tmp_path
):
    supplier_page = browser.new_page()
    supplier_registers(browser, supplier_page, journey_mailbox)
    supplier_builds_and_submits_profile(browser, supplier_page)

    moderator_approves(browser, browser.new_page(), moderator, password)
    # The decision email, sent by the worker, quotes the moderator's message.
    _mail_to(journey_mailbox, SUPPLIER_EMAIL, "SIREN et références vérifiés")

    tender = ministry_publishes_tender(browser, browser.new_page(), ministry_author, password)

    buyer_page = browser.new_page()
    buyer_follows(browser, buyer_page, buyer, password, tender)
    buyer_opens_shortlist_from_email(browser, buyer_page, journey_mailbox, buyer, tender)
    buyer_reviews_and_exports(browser, buyer_page, buyer, password, tender, tmp_path)

    supplier_sees_tender_for_it(browser, supplier_page)
    # No script error and no Content Security Policy violation on the way.
    assert not browser.console_errors, "\n".join(browser.console_errors)

"""The "Done when" of the buyers' issue, in Chromium on the live server with a real Celery worker:
the buyer follows a tender, receives the shortlist email, opens its link, marks two suppliers
shortlisted with notes, contacts one (the supplier's member gets the email), exports the CSV
(statuses and notes in it); a colleague of the same organization sees the same statuses and
notes; a buyer of another organization gets a 404 and never sees them."""

import csv
import re

import pytest
from django.conf import settings
from django.utils import translation

from matching.models import ShortlistEntry, SupplierContact
from portal.models import Membership, User

from ..conftest import _with_totp
from ..factories import MembershipFactory
from .conftest import login, totp_secret
from .test_journeys import _body, _download, _mail_to, _reauthenticate_if_asked, _submit

pytestmark = pytest.mark.browser

TENDER_TITLE = "Drones de reconnaissance tactique et caméras infrarouges"
NOTE_A = "Très bonne équipe infrarouge ; demander les délais."
NOTE_B = "Références DGA solides : à rencontrer en priorité."
MESSAGE = "Bonjour, nous préparons une offre pour ce marché : pouvons-nous en parler ?"


@pytest.fixture
def done_when_data(make_supplier, make_tender):
    """Three approved suppliers matching a published tender, made through the real services
    before the worker starts (the tasks of approval run eagerly here)."""
    statements = [
        "Drones de reconnaissance tactique à voilure fixe.",
        "Caméras infrarouges durcies pour drones de reconnaissance.",
        "Maintenance de drones tactiques et formation des opérateurs.",
    ]
    suppliers = [
        make_supplier(cpv_codes=["35613000"], capability_statement=text) for text in statements
    ]
    tender = make_tender(
        title=TENDER_TITLE,
        description="Fourniture de drones de reconnaissance tactique avec caméras infrarouges.",
        region_id="53",
    )
    return tender, suppliers


def _age_the_password(page, seconds: float) -> None:
    """Make the browser session's password entry SECONDS older, as time would."""
    from importlib import import_module

    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    key = next(
        c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME
    )
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - seconds}
        for record in session[AUTHENTICATION_METHODS_SESSION_KEY]
    ]
    session.save()


def _entry(page, supplier):
    entry = page.locator(f"#supplier-{supplier.pk}")
    entry.wait_for()
    return entry


def _save_entry(page, supplier, status: str, notes: str, password: str) -> None:
    entry = _entry(page, supplier)
    entry.locator("select[name=status]").select_option(status)
    entry.locator("textarea[name=notes]").fill(notes)
    with page.expect_navigation():
        entry.locator("form.entry-form button[type=submit]").click()
    _reauthenticate_if_asked(page, password)


def _status_label(status: str) -> str:
    with translation.override("fr"):  # the buyers' language (the default)
        return str(ShortlistEntry.Status(status).label)


def test_buyers_work_a_shortlist_together_and_other_organizations_see_nothing(
    done_when_data, browser, journey_mailbox, buyer, other_buyer, password, tmp_path
):
    tender, (supplier_a, supplier_b, supplier_c) = done_when_data
    organization = buyer.membership.organization
    colleague = _with_totp(
        MembershipFactory(organization=organization, role=Membership.Role.MEMBER).user
    )
    shortlist_path = f"/shortlists/{tender.pk}/"

    # 1. The buyer logs in (password, then TOTP code) and follows the tender from its page.
    page = browser.new_page()
    login(page, buyer.email, password, totp_secret(buyer))
    page.goto(f"/tenders/{tender.pk}/")
    browser.shot(page, "tender")
    _submit(page, "form[action$='/follow/']")
    browser.shot(page, "followed")
    assert page.url.endswith(shortlist_path), page.url

    # 2. The worker computes the shortlist after commit and emails it; open its link.
    message, link = _mail_to(
        journey_mailbox, buyer.email, rf"https?://\S+{shortlist_path}", timeout=60
    )
    body = _body(message)
    for supplier in (supplier_a, supplier_b, supplier_c):
        assert supplier.name in body, body
    assert link.group(0).startswith(browser.base_url), link.group(0)
    page.goto(link.group(0))
    assert page.url.endswith(shortlist_path), page.url
    browser.shot(page, "shortlist-from-email")

    # 3. Two suppliers shortlisted with notes.
    _save_entry(page, supplier_a, "shortlisted", NOTE_A, password)
    _save_entry(page, supplier_b, "shortlisted", NOTE_B, password)
    browser.shot(page, "two-shortlisted")
    entries = {
        e.supplier_id: e
        for e in ShortlistEntry.objects.filter(tender=tender, organization=organization)
    }
    assert entries[supplier_a.pk].status == ShortlistEntry.Status.SHORTLISTED
    assert entries[supplier_a.pk].notes == NOTE_A
    assert entries[supplier_b.pk].status == ShortlistEntry.Status.SHORTLISTED
    assert entries[supplier_b.pk].notes == NOTE_B

    # ... one of them contacted: its member gets the message through the worker.
    entry_b = _entry(page, supplier_b)
    entry_b.locator("details.contact summary").click()
    entry_b.locator("textarea[name=message]").fill(MESSAGE)
    with page.expect_navigation():
        entry_b.locator("details.contact button[type=submit]").click()
    _reauthenticate_if_asked(page, password)
    browser.shot(page, "contacted")
    member_b = User.objects.get(membership__organization=supplier_b)
    contact_email, _found = _mail_to(journey_mailbox, member_b.email, "pouvons-nous en parler")
    assert buyer.email in _body(contact_email)  # the supplier can reply to the buyer
    assert SupplierContact.objects.filter(tender=tender, supplier=supplier_b).count() == 1
    contacted = ShortlistEntry.objects.get(
        tender=tender, organization=organization, supplier=supplier_b
    )
    assert contacted.status == ShortlistEntry.Status.CONTACTED
    assert contacted.notes == NOTE_B  # contacting keeps the notes
    assert (
        _status_label("contacted") in _entry(page, supplier_b).locator(".badge-status").inner_text()
    )
    # The message went to that supplier only.
    assert [m["To"] for m in journey_mailbox() if MESSAGE in _body(m)] == [member_b.email]

    # ... and the CSV export carries statuses and notes. The password typed at login is old by
    # now: the export asks for it again, then the shortlist comes back and the file downloads.
    _age_the_password(page, settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)
    download = _download(page, "a[href*='export.csv']", password)
    assert f"/shortlists/{tender.pk}/" in page.url
    assert "téléchargement" in page.locator("main .message-success").inner_text()
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.suffix == ".csv"
    # In French: ";" between fields and a decimal comma, as a French spreadsheet reads them.
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    lines = rows[1:]
    assert all(re.fullmatch(r"\d+(,\d)?", line[2]) for line in lines), lines  # the score
    by_name = {line[1]: line for line in lines}
    status_col, notes_col = 4, 5  # Rank, Supplier, Score, Eligible, Status, Notes, ...
    assert set(by_name) == {supplier_a.name, supplier_b.name, supplier_c.name}, rows
    assert by_name[supplier_a.name][status_col] == _status_label("shortlisted")
    assert by_name[supplier_a.name][notes_col] == NOTE_A
    assert by_name[supplier_b.name][status_col] == _status_label("contacted")
    assert by_name[supplier_b.name][notes_col] == NOTE_B
    assert by_name[supplier_c.name][status_col] == _status_label("new")
    assert by_name[supplier_c.name][notes_col] == ""

    # 4. A colleague of the same organization sees the same statuses and notes.
    colleague_page = browser.new_page()
    login(colleague_page, colleague.email, password, totp_secret(colleague))
    colleague_page.goto(shortlist_path)
    browser.shot(colleague_page, "colleague-shortlist")
    expected = {
        supplier_a: ("shortlisted", NOTE_A),
        supplier_b: ("contacted", NOTE_B),
        supplier_c: ("new", ""),
    }
    for supplier, (status, notes) in expected.items():
        entry = _entry(colleague_page, supplier)
        assert entry.locator("select[name=status]").input_value() == status
        assert entry.locator("textarea[name=notes]").input_value() == notes
        assert _status_label(status) in entry.locator(".badge-status").inner_text()

    # No script error and no Content Security Policy violation on the way.
    assert not browser.console_errors, "\n".join(browser.console_errors)

    # 5. A buyer of another organization: the shortlist does not exist for them.
    outsider_page = browser.new_page()
    login(outsider_page, other_buyer.email, password, totp_secret(other_buyer))
    response = outsider_page.goto(shortlist_path)
    browser.shot(outsider_page, "other-organization")
    assert response.status == 404, (response.status, outsider_page.url)
    assert outsider_page.url.endswith(shortlist_path)
    seen = outsider_page.content()
    for secret in (NOTE_A, NOTE_B, supplier_a.name, supplier_b.name):
        assert secret not in seen
    for url in (shortlist_path, f"{shortlist_path}export.csv", f"/tenders/{tender.pk}/"):
        response = outsider_page.request.get(url)
        text = response.text()
        assert NOTE_A not in text and NOTE_B not in text, url
        if url != f"/tenders/{tender.pk}/":
            assert response.status == 404, (url, response.status)
    # Their tender page offers to follow; it says nothing of the other organization's work.
    outsider_page.goto(f"/tenders/{tender.pk}/")
    assert outsider_page.locator("form[action$='/follow/']").count() == 1

    # The only console errors since: the expected 404 (and the favicon its bare page lacks).
    unexpected = [e for e in browser.console_errors if "status of 404" not in e]
    assert not unexpected, "\n".join(unexpected)

"""Keyboard only (RGAA 7.3, WCAG 2.1.1): a supplier completes its profile and a buyer reviews a
shortlist with Tab, Enter, Space, arrows and typing. No mouse click, no `fill`: if a control is
not reachable with Tab or not operable from the keyboard, these tests fail."""

import pytest

from matching import services as matching_services
from matching.models import ShortlistEntry
from suppliers.models import SupplierProfile

from ..matching.conftest import _siren_siret
from .conftest import totp_code, totp_secret

MAX_TABS = 120


def focused(page, selector: str) -> bool:
    return page.evaluate("(s) => !!document.activeElement?.matches(s)", selector)


def tab_to(page, selector: str) -> None:
    """Press Tab until SELECTOR has the focus (forward only, as a keyboard user would)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    pytest.fail(f"{selector} on {page.url} is not reachable with Tab ({MAX_TABS} presses)")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(text)


def choose(page, selector: str, value: str) -> None:
    """A <select>: focus it, then arrow keys until VALUE is selected."""
    tab_to(page, selector)
    page.keyboard.press("Home")
    for _ in range(60):
        if page.evaluate("() => document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"{value!r} cannot be chosen with the arrow keys in {selector}")


def press_button(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  const shadow = s.boxShadow && s.boxShadow !== "none";
  const name = (el.getAttribute("aria-label") || el.innerText || el.name || el.id || "");
  return {visible: outline || !!shadow, element: el.outerHTML.slice(0, 120),
          name: name.trim().slice(0, 40), outline: `${s.outlineStyle} ${s.outlineWidth}`};
}"""


def assert_focus_always_visible(page, max_stops: int = 150) -> int:
    """Tab through the whole page (RGAA 10.7): every element that takes the focus shows it
    (an outline of 2 px or more, or a shadow). Returns the number of Tab stops; reloads the
    page afterwards so that the focus starts from the top again."""
    stops, hidden, seen = 0, [], set()
    for _ in range(max_stops):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None or state["element"] in seen:  # past the last element
            break
        seen.add(state["element"])
        stops += 1
        if not state["visible"]:
            hidden.append(f"{state['name']!r} ({state['outline']}): {state['element']}")
    assert not hidden, f"no visible focus on {page.url} for:\n" + "\n".join(hidden)
    page.reload()
    return stops


def keyboard_login(page, email: str, password: str, totp: str | None = None) -> None:
    page.goto("/accounts/login/")
    # The first Tab reaches the skip link, which moves the focus to the main content.
    page.keyboard.press("Tab")
    assert focused(page, "a.skip-link"), "the first Tab does not reach the skip link"
    page.keyboard.press("Enter")
    type_into(page, "input[name=login]", email)
    type_into(page, "input[name=password]", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if totp:
        type_into(page, "input[name=code]", totp_code(totp))
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert "/accounts/login/" not in page.url, page.url


def reauthenticate_if_asked(page, password: str) -> None:
    if "/reauthenticate" in page.url:
        type_into(page, "input[name=password]", password)
        with page.expect_navigation():
            page.keyboard.press("Enter")


def test_it_completes_the_supplier_profile_with_the_keyboard_only(
    browser, cpv, regions, supplier, password
):
    organization = supplier.membership.organization
    siren, siret = _siren_siret(900)
    organization.siren = siren
    organization.save(update_fields=["siren"])
    page = browser.new_page()
    keyboard_login(page, supplier.email, password)
    browser.shot(page, "dashboard")
    press_button(page, "main a[href$='/suppliers/profile/identity/']")
    assert assert_focus_always_visible(page) > 20

    type_into(page, "#id_legal_name", "Mécanique de Précision Armor SARL")
    type_into(page, "#id_siren", siren)
    type_into(page, "#id_siret", siret)
    type_into(page, "#id_city", "Lorient")
    choose(page, "#id_region", "53")
    tab_to(page, "#id_regions_served input[value='53']")
    page.keyboard.press("Space")
    browser.shot(page, "identity")
    press_button(page, "button[name=continue]")
    assert page.url.endswith("/size/"), page.url

    type_into(page, "#id_headcount", "35")
    type_into(page, "#id_annual_turnover_eur", "4500000")
    press_button(page, "button[name=continue]")
    assert page.url.endswith("/capabilities/"), page.url

    type_into(page, "#id_capability_statement", "Usinage de pièces pour drones.")
    # The CPV picker: type in its search box, Tab to a suggestion, Enter chooses it.
    type_into(page, ".cpv-picker input[type=search]", "35613")
    page.locator(".cpv-results button").first.wait_for()
    page.keyboard.press("Tab")
    assert focused(page, ".cpv-results button"), "Tab does not reach the CPV suggestions"
    page.keyboard.press("Enter")
    assert "35613000" in page.locator("#id_cpv_codes").input_value()
    browser.shot(page, "capabilities")
    press_button(page, "button[name=continue]")
    assert page.url.endswith("/credentials/"), page.url

    choose(page, "#id_cert-0-type", "iso9001")
    type_into(page, "#id_cert-0-number", "ISO-9001-77")
    press_button(page, "button[name=continue]")
    assert page.url.endswith("/references/"), page.url
    press_button(page, "button[name=continue]")
    assert page.url.endswith("/documents/"), page.url

    press_button(page, "nav.steps a[href$='/suppliers/profile/']")
    press_button(page, "form[action$='/profile/submit/'] button[type=submit]")
    browser.shot(page, "submitted")

    profile = SupplierProfile.objects.get(organization=organization, is_live=False)
    assert profile.status == SupplierProfile.Status.SUBMITTED
    assert profile.cpv_codes == ["35613000"]
    assert profile.regions_served == ["53"]
    assert profile.certifications.get().number == "ISO-9001-77"
    assert not browser.console_errors, "\n".join(browser.console_errors)


def test_it_reviews_a_shortlist_with_the_keyboard_only(
    browser, make_supplier, make_tender, buyer, password
):
    tender = make_tender(title="Pièces de rechange pour drones")
    chosen = make_supplier(cpv_codes=["35613000"], capability_statement="Drones.")
    make_supplier(cpv_codes=["35613000"])
    matching_services.follow_tender(tender=tender, by=buyer)

    page = browser.new_page()
    keyboard_login(page, buyer.email, password, totp_secret(buyer))
    press_button(page, f"main a[href$='/shortlists/{tender.pk}/']")
    browser.shot(page, "shortlist")
    assert assert_focus_always_visible(page) > 20

    choose(page, f"#status-{chosen.pk}", ShortlistEntry.Status.SHORTLISTED)
    type_into(page, f"#notes-{chosen.pk}", "Rappeler lundi.")
    page.keyboard.press("Tab")
    assert focused(page, f"#supplier-{chosen.pk} form.entry-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    reauthenticate_if_asked(page, password)
    browser.shot(page, "reviewed")

    entry = ShortlistEntry.objects.get(organization=buyer.membership.organization, supplier=chosen)
    assert entry.status == ShortlistEntry.Status.SHORTLISTED
    assert entry.notes == "Rappeler lundi."
    assert not browser.console_errors, "\n".join(browser.console_errors)


def test_it_shows_the_keyboard_focus_on_the_public_pages(browser):
    page = browser.new_page()
    for path in ("/", "/accounts/login/", "/accounts/signup/"):
        page.goto(path)
        assert assert_focus_always_visible(page) >= 5
    assert not browser.console_errors, "\n".join(browser.console_errors)

    # The check is not vacuous: with the focus styles removed, it fails.
    page = browser.new_page(bypass_csp=True)
    page.goto("/")
    page.add_style_tag(content="*:focus, *:focus-visible { outline: none !important; }")
    with pytest.raises(AssertionError, match="no visible focus"):
        assert_focus_always_visible(page)

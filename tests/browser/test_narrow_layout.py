"""No page scrolls sideways: on a 375 px wide phone a tender, a supplier profile and pages with wide
tables fit the window (a wide table scrolls inside its own box), and at 1280 px a shortlist whose
explanations are long fits too (they wrap instead of stretching a column)."""

import pytest

from matching import services as matching_services
from portal.models import Membership

from .conftest import login, totp_secret

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 800}
# Five long phrases, in the tender and in the supplier's statement: the shortlist explains the
# text score with all of them on one line of its bars.
PHRASES = (
    "supervision cyberdéfense opérationnelle, interopérabilité cryptographique souveraine, "
    "reconnaissance hyperspectrale aéroportée, maintenance prédictive embarquée, "
    "radiocommunications tactiques sécurisées"
)

PAGE_WIDTH = "() => document.documentElement.scrollWidth"
# Whether the longest explanation of the bars wraps onto several lines (the test is not vacuous).
EXPLANATION_WRAPS = """() => {
  const all = [...document.querySelectorAll('.bar-explanation')];
  const longest = all.sort((a, b) => b.textContent.length - a.textContent.length)[0];
  const range = document.createRange();
  range.selectNodeContents(longest);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
}"""


@pytest.fixture
def layout_data(make_supplier, make_tender, buyer):
    """A published tender with long facts, followed by the buyer; an approved supplier with
    references (a table on its profile) whose statement echoes the tender's phrases."""
    tender = make_tender(
        title="Système de commandement tactique interarmées et radiocommunications sécurisées",
        description=f"Le titulaire assure la {PHRASES}.",
        main_cpv_id="35613000",
        region_id="53",
    )
    supplier = make_supplier(
        cpv_codes=["35613000"],
        capability_statement=f"Nous assurons la {PHRASES} pour les armées.",
        references=[
            ("35613000", 2023, "Direction générale de l'armement, Unité de management drones"),
            ("35613000", 2022, "Service industriel de l'aéronautique"),
        ],
    )
    matching_services.follow_tender(tender=tender, by=buyer)
    return tender, supplier


def _page(browser, user, password, viewport):
    page = browser.new_page()
    page.set_viewport_size(viewport)
    login(page, user.email, password, totp_secret(user))
    return page


def _width(browser, page, path: str) -> int:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response.status}"
    browser.shot(page, f"{page.viewport_size['width']}{path}")
    return page.evaluate(PAGE_WIDTH)


def test_pages_fit_a_phone_and_the_shortlist_fits_a_desktop(
    browser, layout_data, buyer, moderator, password
):
    tender, supplier = layout_data
    supplier_user = Membership.objects.select_related("user").get(organization=supplier).user
    too_wide = {}

    # 375 px: a tender, the supplier's profile (its references table), two wide tables. Each
    # user logs in once (a TOTP code is accepted once).
    checks = [
        (supplier_user, [f"/tenders/{tender.pk}/", "/suppliers/profile/"]),
        (moderator, ["/moderation/organizations/"]),
        (buyer, ["/dashboard/"]),
    ]
    for user, paths in checks:
        page = _page(browser, user, password, PHONE)
        for path in paths:
            if (width := _width(browser, page, path)) > PHONE["width"]:
                too_wide[f"{path} as {user.email} at {PHONE['width']} px"] = width
            if path == "/moderation/organizations/":  # wider than a phone: it scrolls itself
                # The table scrolls in its wrapper (.table-scroll) or, unwrapped, in itself.
                table = page.locator("main table").first
                table_scrolls = table.evaluate(
                    "t => [t, t.parentElement].some(e => e.scrollWidth > e.clientWidth)"
                )

    # 1280 px: the buyer's shortlist, with the long explanation of the text score.
    page.set_viewport_size(DESKTOP)
    path = f"/shortlists/{tender.pk}/"
    if (width := _width(browser, page, path)) > DESKTOP["width"]:
        too_wide[f"{path} as {buyer.email} at {DESKTOP['width']} px"] = width

    assert not too_wide, f"pages wider than the window (document scrollWidth): {too_wide}"
    assert table_scrolls, "the organizations' table fits a phone: it checks nothing"
    assert page.locator(f"#supplier-{supplier.pk} .bar-explanation").count()
    assert page.evaluate(EXPLANATION_WRAPS), "no explanation long enough to wrap at 1280 px"

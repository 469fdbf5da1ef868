"""RGAA / WCAG 2.1 AA: axe-core (vendored, tests/browser/vendor/) run in Chromium on every main
page of each role; no violation of impact serious or critical may remain."""

import json

import pytest
from django.urls import NoReverseMatch, reverse

from matching import services as matching_services
from portal.models import Membership
from suppliers.models import SupplierProfile
from tenders.models import OcdsImportJob

from .conftest import AXE, login, totp_secret

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                              summary: n.failureSummary}))
  }));
}"""


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN, WCAG_TAGS)


def _readable(failures: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in failures.items():
        lines.append(f"\n== {where}")
        for v in violations:
            lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['url']})")
            for node in v["nodes"][:8]:
                lines.append(f"      at {node['target']}: {node['html']}")
                summary = (node["summary"] or "").replace("\n", " | ")
                lines.append(f"         {summary[:300]}")
    return "\n".join(lines)


def check_current(browser, page, label: str, failures: dict) -> None:
    """Run axe on the page as it is now; add its blocking violations to FAILURES (with a
    screenshot of the page in the test's artifacts)."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    if blocking:
        browser.shot(page, label)
        failures[f"{label} as {page.locator('.account-nav').inner_text()[:60]!r}"] = blocking


def check_pages(browser, page, paths: list[str], failures: dict, expect=None) -> None:
    """Open each path and check it; EXPECT maps a path to an element it must show (so that
    the state worth checking, e.g. an excluded supplier, is really on the page)."""
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response.status}"
        assert page.url.removeprefix(browser.base_url) == path, f"{path} led to {page.url}"
        if expect and path in expect:
            assert page.locator(expect[path]).count(), f"{path}: no {expect[path]}"
        check_current(browser, page, path, failures)


def assert_no_failures(failures: dict) -> None:
    assert not failures, "axe-core found serious or critical violations:" + _readable(failures)


@pytest.fixture
def portal(make_supplier, make_tender, supplier, buyer, moderator, ministry_author):
    """A published tender requiring ISO 9001, followed by the buyer: on its shortlist one
    eligible supplier (declined, with a note: badges and history show) and one excluded; a
    profile waiting for moderation; `supplier` has a draft profile."""
    tender = make_tender(
        title="Drones tactiques de reconnaissance",
        main_cpv_id="35613000",
        mandatory_certifications=["iso9001"],
    )
    eligible = make_supplier(
        cpv_codes=["35613000"],
        capability_statement="Drones tactiques.",
        certifications=[("iso9001", None)],
        references=[("35613000", 2023, "DGA")],
    )
    excluded = make_supplier(cpv_codes=["35613000"], capability_statement="Maintenance.")
    waiting = make_supplier(cpv_codes=["35613000"], approve=False)
    matching_services.follow_tender(tender=tender, by=buyer)
    entry = {"organization": buyer.membership.organization, "tender": tender, "supplier": eligible}
    matching_services.shortlist_entry_set_status(**entry, status="declined", by=buyer)
    matching_services.shortlist_entry_set_notes(**entry, notes="Hors budget.", by=buyer)
    import_job = OcdsImportJob.objects.create(
        created_by=moderator,
        file_name="marches.json",
        size=2048,
        storage_key="k",
        status=OcdsImportJob.Status.DONE,
        processed=2,
        created=1,
        failed=1,
        report=[["ocds-x-2", "tender.title: expected a string, got a number"]],
    )
    return {
        "import_job": import_job,
        "tender": tender,
        "eligible": eligible,
        "excluded": excluded,
        "waiting": SupplierProfile.objects.get(organization=waiting, is_live=False),
    }


def _member(organization):
    return Membership.objects.select_related("user").get(organization=organization).user


def _new_page(browser, user=None, password=None):
    # axe is injected as an inline script: let it through the Content Security Policy.
    page = browser.new_page(bypass_csp=True)
    page.context.add_init_script(path=str(AXE))  # in every page, before its own scripts
    if user is not None:
        login(page, user.email, password, totp_secret(user))
    return page


def test_it_has_no_serious_violation_on_the_public_pages(browser):
    failures = {}
    page = _new_page(browser)
    public = ["/", "/accounts/login/", "/accounts/password/reset/", "/accounts/signup/"]
    check_pages(browser, page, public, failures)
    # The sign-up form sent empty: the errors and how they are tied to the fields.
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() >= 3
    check_current(browser, page, "/accounts/signup/ (errors)", failures)
    assert_no_failures(failures)


# Email addresses, password, two-factor authentication, sessions, API tokens, alerts, outbox:
# checked where they exist (by URL name) and the role may open them.
ACCOUNT_PAGES = {
    "supplier": [
        "account_email",
        "account_change_password",
        "mfa_index",
        "mfa_activate_totp",
        "usersessions_list",
        "notifications:alerts",
    ],
    "buyer": ["mfa_index", "usersessions_list", "api:tokens", "notifications:alerts"],
    "moderator": ["notifications:outbox"],
}


def check_account_pages(browser, page, role: str, failures: dict) -> list[str]:
    checked = []
    for name in ACCOUNT_PAGES.get(role, []):
        try:
            path = reverse(name)
        except NoReverseMatch:
            continue
        response = page.goto(path)
        if response is None or response.status != 200:
            continue
        checked.append(path)
        check_current(browser, page, f"{path} ({page.url})", failures)
    return checked


def test_it_has_no_serious_violation_on_the_main_pages_of_each_role(
    browser, portal, supplier, moderator, ministry_author, buyer, password
):
    tender = portal["tender"]
    detail = f"/tenders/{tender.pk}/"
    steps = ["identity", "size", "capabilities", "credentials", "references", "documents"]
    pages = {
        "new supplier": ["/dashboard/", "/suppliers/profile/", "/suppliers/profile/identity/"],
        "excluded supplier": ["/dashboard/", detail],
        "supplier": ["/dashboard/", "/suppliers/profile/"]
        + [f"/suppliers/profile/{step}/" for step in steps]
        + ["/tenders/", detail, "/organization/members/"],
        "moderator": [
            "/dashboard/",
            "/suppliers/moderation/",
            f"/suppliers/moderation/{portal['waiting'].pk}/",
            "/moderation/organizations/",
            "/tenders/import/",
            f"/tenders/import/{portal['import_job'].pk}/",
        ],
        "ministry": [
            "/dashboard/",
            "/tenders/new/",
            detail,
            f"/tenders/{tender.pk}/edit/",
        ],
        "buyer": [
            "/dashboard/",
            "/tenders/?q=drones",
            detail,
            f"/shortlists/{tender.pk}/",
            f"/shortlists/{tender.pk}/?excluded=on&sort=status",
            f"/suppliers/{portal['eligible'].pk}/",
            "/organization/members/",
        ],
    }
    users = {
        "new supplier": supplier,
        "excluded supplier": _member(portal["excluded"]),
        "supplier": _member(portal["eligible"]),
        "moderator": moderator,
        "ministry": ministry_author,
        "buyer": buyer,
    }
    expect = {
        "excluded supplier": {"/dashboard/": ".match-excluded"},
        "supplier": {"/dashboard/": ".match .score"},
        "buyer": {
            f"/shortlists/{tender.pk}/": ".status-declined",
            f"/shortlists/{tender.pk}/?excluded=on&sort=status": ".shortlist-excluded",
        },
    }
    failures, account_pages = {}, []
    for role, paths in pages.items():
        page = _new_page(browser, users[role], password)
        check_pages(browser, page, paths, failures, expect.get(role))
        account_pages += check_account_pages(browser, page, role, failures)
        if role == "supplier":  # the CPV picker's suggestions, added by its script
            page.goto("/suppliers/profile/capabilities/")
            page.locator(".cpv-picker input[type=search]").fill("35613")
            page.locator(".cpv-results button").first.wait_for()
            check_current(browser, page, "/suppliers/profile/capabilities/ (CPV picker)", failures)
        page.context.close()

    # The second step of a login with multi-factor authentication.
    page = _new_page(browser)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(buyer.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if totp_secret(buyer):
        assert page.locator("input[name=code]").count(), page.url
        check_current(browser, page, f"{page.url} (authenticator code)", failures)
    assert len(account_pages) >= 2, account_pages  # at least email and password
    assert_no_failures(failures)


def test_it_catches_a_real_violation(browser):
    """The check is not vacuous: axe, as injected, does see a missing label and bad contrast."""
    page = _new_page(browser)
    page.goto("/")
    page.evaluate(
        """() => {
      const main = document.querySelector("main");
      main.insertAdjacentHTML("beforeend",
        '<input type="text" id="unlabelled"><p style="color:#ccc;background:#fff">Faint</p>');
    }"""
    )
    ids = {v["id"] for v in axe_violations(page) if v["impact"] in BLOCKING}
    assert {"label", "color-contrast"} <= ids, json.dumps(sorted(ids))

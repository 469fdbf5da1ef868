"""The buyers' shortlist pages: who sees what, statuses and notes without JavaScript, contact,
requirements, exports, the dashboard section, the follow button, and a bounded query count."""

import csv
import io
import statistics
import time

import pytest
from django.db import reset_queries
from django.template.base import Template
from django.utils import timezone
from openpyxl import load_workbook

from matching import services
from matching.models import Follow, Match, ShortlistEntry, SupplierContact
from matching.scoring import DEFAULT_WEIGHTS
from portal.models import AuditEvent, Membership, Organization
from suppliers.models import Certification, SupplierProfile
from tenders.models import Interest
from tests.security.helpers import mark_reauthenticated

from ..factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shortlist(buyer, make_supplier, make_tender, django_capture_on_commit_callbacks):
    """(tender, [best supplier, second supplier]) followed by the buyer's organization."""
    tender = make_tender(title="Drones tactiques")
    first = make_supplier(
        cpv_codes=["35613000"],
        capability_statement="Drones tactiques",
        certifications=[("iso9001", None)],
    )
    second = make_supplier(cpv_codes=["35613000"], capability_statement="Maintenance.")
    Interest.objects.create(tender=tender, organization=second)
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_tender(tender=tender, by=buyer)
    return tender, [first, second]


@pytest.fixture
def colleague(buyer):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = MembershipFactory(
        organization=buyer.membership.organization, role=Membership.Role.MEMBER
    ).user
    TOTP.activate(user, generate_totp_secret())  # buyers need MFA for shortlists
    return user


def _urls(tender, supplier):
    base = f"/shortlists/{tender.pk}/"
    return {
        "get": [base, base + "export.csv", base + "export.xlsx"],
        "post": [
            base + "requirements/",
            base + "unfollow/",
            f"{base}suppliers/{supplier.pk}/",
            f"{base}suppliers/{supplier.pk}/contact/",
        ],
    }


def test_anonymous_visitors_are_sent_to_login(client, shortlist):
    tender, (supplier, _) = shortlist
    urls = _urls(tender, supplier)
    for url in urls["get"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for url in urls["post"]:
        assert client.post(url).status_code == 302


def test_another_buyer_organization_gets_404_everywhere(client, other_buyer, shortlist):
    tender, (supplier, _) = shortlist
    client.force_login(other_buyer)
    urls = _urls(tender, supplier)
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url, {"status": "declined", "message": "x"}).status_code == 404, url
    assert not ShortlistEntry.objects.exists() and Follow.objects.count() == 1


@pytest.mark.parametrize("who", ["supplier", "ministry_author", "moderator"])
def test_suppliers_ministry_authors_and_moderators_get_403(client, request, who, shortlist):
    tender, (supplier, _) = shortlist
    client.force_login(request.getfixturevalue(who))
    urls = _urls(tender, supplier)
    for url in urls["get"]:
        assert client.get(url).status_code == 403, url
    for url in urls["post"]:
        assert client.post(url, {"status": "declined"}).status_code == 403, url
    assert client.post(f"/shortlists/{tender.pk}/follow/").status_code == 403


def test_write_views_refuse_get(client, buyer, shortlist):
    tender, (supplier, _) = shortlist
    client.force_login(buyer)
    for url in _urls(tender, supplier)["post"]:
        assert client.get(url).status_code == 405


def test_the_page_shows_ranked_suppliers_with_breakdown_constraints_and_facts(
    client, buyer, shortlist
):
    tender, (first, second) = shortlist
    client.force_login(buyer)
    page = client.get(f"/shortlists/{tender.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.index(f'id="supplier-{first.pk}"') < page.index(f'id="supplier-{second.pk}"')
    assert "Score " in page and "/100" in page
    assert "Activity codes (CPV)" in page and "(weight 35)" in page  # a bar, in text
    assert "same code" in page  # an explanation sentence
    assert "Has expressed interest" in page  # the second supplier
    assert "ISO 9001" in page and "Brittany" in page or "Bretagne" in page
    assert f'href="/suppliers/{first.pk}/"' in page
    assert '<label for="status-' in page and '<label for="notes-' in page
    assert "New" in page  # first visit: everything is new


def test_a_status_and_notes_posted_without_javascript_are_shared_with_colleagues(
    client, buyer, colleague, other_buyer, shortlist
):
    tender, (first, _) = shortlist
    client.force_login(buyer)
    response = client.post(
        f"/shortlists/{tender.pk}/suppliers/{first.pk}/",
        {"status": "shortlisted", "notes": "Strong references", "query": "sort=name"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/shortlists/{tender.pk}/?sort=name#supplier-{first.pk}"
    client.force_login(colleague)
    page = client.get(f"/shortlists/{tender.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Strong references" in page
    assert '<option value="shortlisted" selected>' in page
    assert "status New → Shortlisted" in page and buyer.email in page  # the history
    # Another organization following the same tender sees none of it.
    services.follow_tender(tender=tender, by=other_buyer)
    client.force_login(other_buyer)
    page = client.get(f"/shortlists/{tender.pk}/").content.decode()
    assert "Strong references" not in page and 'value="shortlisted" selected' not in page


def test_the_entries_escape_names_notes_explanations_and_the_query(client, buyer, shortlist):
    # The entries are built in Python (matching/shortlist_html.py), not by the template engine:
    # nothing escapes them but that code.
    tender, (first, _) = shortlist
    SupplierProfile.objects.filter(organization=first).update(
        trade_name='<script>alert("name")</script>'
    )
    match = Match.objects.get(follow__isnull=False, supplier=first)
    match.constraints = [{"passed": False, "explanation": "<b>bold</b> & co"}]
    match.save(update_fields=["constraints"])
    client.force_login(buyer)
    client.post(
        f"/shortlists/{tender.pk}/suppliers/{first.pk}/",
        {"status": "contacted", "notes": "<img src=x onerror=alert(1)>"},
    )
    page = client.get(
        f"/shortlists/{tender.pk}/?excluded=on&x=%22%3E%3Cscript%3E", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;</textarea>" in page
    assert "Not met:</span> &lt;b&gt;bold&lt;/b&gt; &amp; co</li>" in page
    assert 'name="query" value="excluded=on&amp;x=%22%3E%3Cscript%3E"' in page


def test_an_invalid_status_changes_nothing(client, buyer, shortlist):
    tender, (first, _) = shortlist
    client.force_login(buyer)
    response = client.post(
        f"/shortlists/{tender.pk}/suppliers/{first.pk}/",
        {"status": "hired"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Choose a valid status" in response.content.decode()
    assert not ShortlistEntry.objects.exists()


def test_contacting_from_the_page_records_and_sends(
    client, buyer, shortlist, mailoutbox, django_capture_on_commit_callbacks
):
    tender, (first, _) = shortlist
    client.force_login(buyer)
    mailoutbox.clear()  # the buyers' shortlist email, sent when the follow was computed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/shortlists/{tender.pk}/suppliers/{first.pk}/contact/", {"message": "Hello"})
    assert SupplierContact.objects.get().message == "Hello"
    assert ShortlistEntry.objects.get().status == "contacted"
    assert len(mailoutbox) == Membership.objects.filter(organization=first).count()


def test_the_requirements_form_rebuilds_the_organization_shortlist(
    client, buyer, shortlist, django_capture_on_commit_callbacks
):
    tender, (first, second) = shortlist
    client.force_login(buyer)
    data = {"certifications": ["iso9001"], "regions": ["53"]}
    # The defaults of matching.scoring (being tuned elsewhere), except the interest weight.
    data.update({f"weight_{k}": v for k, v in DEFAULT_WEIGHTS.items()}, weight_interest=0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/shortlists/{tender.pk}/requirements/", data)
    assert response.status_code == 302
    follow = Follow.objects.get()
    assert follow.extra_mandatory_certifications == ["iso9001"]
    assert follow.weights == {"interest": 0.0}
    eligible = Match.objects.filter(follow=follow, eligible=True).values_list("supplier", flat=True)
    assert list(eligible) == [first.pk]


def _read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export_is_what_is_on_screen_with_statuses_and_notes(client, buyer, shortlist):
    tender, (first, second) = shortlist
    scope = {"organization": buyer.membership.organization, "tender": tender, "by": buyer}
    services.shortlist_entry_set_status(**scope, supplier=first, status="shortlisted")
    services.shortlist_entry_set_notes(**scope, supplier=first, notes="=cmd|' /C calc'!A0")
    client.force_login(buyer)
    mark_reauthenticated(client, buyer)  # privileged action: password typed again
    response = client.get(
        f"/shortlists/{tender.pk}/export.csv?status=shortlisted", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    rows = _read_csv(response)
    assert rows[0][:6] == ["Rank", "Supplier", "Score", "Eligible", "Status", "Notes"]
    assert len(rows) == 2  # the filter applies: only the shortlisted supplier
    assert rows[1][0] == "1" and rows[1][4] == "Shortlisted"
    assert rows[1][5] == "'=cmd|' /C calc'!A0"  # never a formula in a spreadsheet
    assert "same code" in rows[1][11]
    event = AuditEvent.objects.get(action="shortlist.exported")
    assert event.actor == buyer and event.data["format"] == "csv" and event.data["rows"] == 1


def test_the_csv_export_in_french_is_what_a_french_spreadsheet_reads(client, buyer, shortlist):
    """Separated by ";" with a decimal comma: a French spreadsheet put a comma-separated file in
    one column, and read "72.5" as text (QA finding)."""
    tender, _ = shortlist
    client.force_login(buyer)
    mark_reauthenticated(client, buyer)
    response = client.get(f"/shortlists/{tender.pk}/export.csv", HTTP_ACCEPT_LANGUAGE="fr")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["Rang", "Fournisseur", "Score", "Éligible"]
    scores = [row[2] for row in rows[1:]]
    assert len(scores) == 2 and all("." not in score for score in scores)
    stored = sorted(Match.objects.filter(tender=tender).values_list("score", flat=True))
    assert sorted(float(score.replace(",", ".")) for score in scores) == [
        round(score, 1) for score in stored
    ]


def test_the_xlsx_export_opens_with_the_same_content(client, buyer, shortlist):
    tender, (first, second) = shortlist
    services.shortlist_entry_set_notes(
        organization=buyer.membership.organization,
        tender=tender,
        supplier=second,
        notes="Interested, call back",
        by=buyer,
    )
    client.force_login(buyer)
    mark_reauthenticated(client, buyer)  # privileged action: password typed again
    response = client.get(
        f"/shortlists/{tender.pk}/export.xlsx?sort=name", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:5] == ["Rank", "Supplier", "Score", "Eligible", "Status"]
    names = [row[1] for row in values[1:]]
    assert names == sorted(names, key=str.casefold) and len(names) == 2
    by_name = {row[1]: row for row in values[1:]}
    second_row = by_name[
        SupplierProfile.objects.get(organization=second, is_live=True).display_name
    ]
    assert second_row[5] == "Interested, call back" and second_row[6] == "yes"
    assert AuditEvent.objects.filter(action="shortlist.exported", data__format="xlsx").exists()


def test_the_tender_page_offers_follow_and_unfollow_to_buyers(client, buyer, make_tender, supplier):
    tender = make_tender()
    client.force_login(buyer)
    page = client.get(f"/tenders/{tender.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'action="/shortlists/{tender.pk}/follow/"' in page
    response = client.post(f"/shortlists/{tender.pk}/follow/")
    assert response["Location"] == f"/shortlists/{tender.pk}/"
    page = client.get(f"/tenders/{tender.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'action="/shortlists/{tender.pk}/unfollow/"' in page
    client.post(f"/shortlists/{tender.pk}/unfollow/")
    assert not Follow.objects.exists()
    client.force_login(supplier)  # suppliers see no follow button
    page = client.get(f"/tenders/{tender.pk}/").content.decode()
    assert "/follow/" not in page


def test_the_dashboard_lists_followed_tenders_with_size_and_news(
    client, buyer, colleague, shortlist
):
    tender, _ = shortlist
    client.force_login(buyer)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Drones tactiques" in page and "2 suppliers" in page and "Not opened yet" in page
    client.get(f"/shortlists/{tender.pk}/")
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing new" in page
    Match.objects.filter(follow__isnull=False, rank=2).update(computed_at=timezone.now())
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 new or re-scored" in page
    client.force_login(colleague)  # the visit is per person
    assert "Not opened yet" in client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def _fill(follow, template: Match, count: int, buyer) -> None:
    """COUNT more live suppliers on the follow's shortlist, with statuses, notes, history and
    interests, written directly: the page, not the engine, is under test."""
    now = timezone.now()
    start = Match.objects.filter(follow=follow).count()
    for i in range(count):
        org = OrganizationFactory(kind=Organization.Kind.SUPPLIER)
        profile = SupplierProfile.objects.create(
            organization=org,
            is_live=True,
            status="approved",
            legal_name=f"Bulk {i}",
            siren=org.siren,
            region_id="53",
            size_category="pme",
            clearance_level=i % 3,
        )
        Certification.objects.create(profile=profile, type="iso9001")
        Match.objects.create(
            tender=follow.tender,
            follow=follow,
            supplier=org,
            score=50 - i * 0.5,
            rank=start + i + 1,
            eligible=True,
            components=template.components,
            constraints=template.constraints,
            engine_version="1",
            computed_at=now,
        )
        if i % 2:
            Interest.objects.create(tender=follow.tender, organization=org)
            services.shortlist_entry_set_status(
                organization=follow.organization,
                tender=follow.tender,
                supplier=org,
                status="shortlisted",
                by=buyer,
            )


def test_the_page_issues_a_bounded_number_of_queries_and_renders_50_entries_fast(
    client, buyer, shortlist, django_assert_max_num_queries, monkeypatch
):
    tender, _ = shortlist
    follow = Follow.objects.get()
    template = Match.objects.filter(follow=follow).first()
    client.force_login(buyer)
    _fill(follow, template, 3, buyer)
    client.get(f"/shortlists/{tender.pk}/")  # the first visit also creates the visit row
    reset_queries()  # the query log is a bounded deque: filling it would hide the count
    with django_assert_max_num_queries(20) as small:
        client.get(f"/shortlists/{tender.pk}/")
    small_count = len(small)
    _fill(follow, template, 45, buyer)  # 50 entries in all
    client.get(f"/shortlists/{tender.pk}/")  # warm-up (templates, translations)
    reset_queries()
    with django_assert_max_num_queries(20) as large:
        started = time.perf_counter()
        response = client.get(f"/shortlists/{tender.pk}/")
        elapsed = time.perf_counter() - started
    assert response.content.decode().count('class="shortlist-entry') == 50
    # Read the counts now: the next request resets Django's query log.
    assert len(large) == small_count
    # Time without the test runner's template instrumentation (a signal per template render,
    # which production does not pay). Printed with -s; not asserted (machines differ).
    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))
    timings = []
    for _ in range(10):
        started = time.perf_counter()
        client.get(f"/shortlists/{tender.pk}/")
        timings.append(time.perf_counter() - started)
    print(
        f"\nshortlist page, 50 entries: {small_count} queries (as with 5), "
        f"{elapsed * 1000:.1f} ms with test instrumentation; without it, 10 runs: "
        + ", ".join(f"{t * 1000:.1f}" for t in timings)
        + f" ms (median {statistics.median(timings) * 1000:.1f} ms; "
        "manage.py bench_shortlist_page measures it outside the test runner)"
    )


def test_an_export_asked_before_the_password_downloads_on_the_shortlist_after_it(
    client, buyer, shortlist
):
    """A download resumed by the password page left the buyer on that page with no sign of it
    (QA finding): the password page now leads back to the shortlist, filters kept, which
    starts the download and says so."""
    from tests.factories import PASSWORD

    tender, _ = shortlist
    client.force_login(buyer)
    mark_reauthenticated(client, buyer, seconds_ago=3600)  # typed an hour ago: stale
    response = client.get(f"/shortlists/{tender.pk}/export.csv?status=shortlisted&sort=name")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/?next=")
    assert not AuditEvent.objects.filter(action="shortlist.exported").exists()

    # The shortlist named in `next` starts no download while the password is stale.
    back = f"/shortlists/{tender.pk}/?status=shortlisted&sort=name&download=csv"
    assert 'http-equiv="refresh"' not in client.get(back).content.decode()

    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == back
    page = client.get(back, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    export = f"/shortlists/{tender.pk}/export.csv?status=shortlisted&amp;sort=name"
    assert f'<meta http-equiv="refresh" content="0;url={export}">' in page
    assert "Password confirmed: your CSV export is downloading." in page
    assert f'<a href="{export}">' in page  # the same file by hand, if the browser waits
    # The export buttons, the entries' forms and the requirements form do not carry it on.
    assert page.count("download=") == 1  # only the language switch's return address
    response = client.get(export.replace("&amp;", "&"))
    assert response["Content-Type"] == "text/csv"
    assert AuditEvent.objects.filter(action="shortlist.exported").count() == 1


def test_an_unknown_download_format_on_the_shortlist_is_ignored(client, buyer, shortlist):
    tender, _ = shortlist
    client.force_login(buyer)
    mark_reauthenticated(client, buyer)
    page = client.get(f"/shortlists/{tender.pk}/?download=pdf").content.decode()
    assert 'http-equiv="refresh"' not in page and page.count("download=") == 1

"""Every view: anonymous → login, wrong role → 403, outsider → 404, success, wrong method."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tenders.models import Interest, OcdsImportJob, Tender

pytestmark = pytest.mark.django_db

S = Tender.Status


def url(tender, action=""):
    return f"/tenders/{tender.pk}/{action + '/' if action else ''}"


def test_anonymous_users_are_sent_to_login(client, make_tender):
    tender = make_tender()
    gets = ["/tenders/", "/tenders/new/", "/tenders/cpv/?q=35", "/tenders/ocds.json",
            "/tenders/import/", url(tender), url(tender, "edit"),
            url(tender) + "ocds.json"]  # fmt: skip
    for path in gets:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path
    for action in ("publish", "close", "award", "cancel", "interest", "interest/withdraw"):
        response = client.post(url(tender, action))
        assert response["Location"].startswith("/accounts/login/"), action


def test_a_supplier_finds_a_tender_by_an_unaccented_word_and_its_cpv_division(
    client, supplier, make_tender
):
    make_tender(title="Défense anti-drones des bases aériennes", main_cpv_id="35730000")
    client.force_login(supplier)
    for query in ({"q": "defense aerienne"}, {"cpv": "35"}):
        page = client.get("/tenders/", query).content.decode()
        assert "Défense anti-drones des bases aériennes" in page, query


def test_the_search_page_shows_form_errors_instead_of_failing(client, supplier, make_tender):
    make_tender(title="Visible")
    client.force_login(supplier)
    response = client.get("/tenders/", {"cpv": "3x"})
    assert response.status_code == 200
    assert "cpv" in response.context["form"].errors
    assert "Visible" in response.content.decode()


def test_the_detail_page_shows_requirements_in_words_and_paris_time(client, supplier, make_tender):
    deadline = datetime(2099, 3, 1, 11, 0, tzinfo=UTC)
    tender = make_tender(
        min_clearance=2, mandatory_certifications=["iso27001"], min_trl=6,
        submission_deadline=deadline,
    )  # fmt: skip
    client.force_login(supplier)
    page = client.get(url(tender)).content.decode()
    assert "12:00" in page  # 11:00 UTC is noon in Paris in March
    assert "ISO 27001" in page
    assert "TRL 6" in page


def test_other_ministry_draft_is_404_and_own_draft_is_visible(
    client, make_tender, ministry_author, other_ministry_author, supplier, moderator
):
    draft = make_tender(status=S.DRAFT)
    for user, expected in ((other_ministry_author, 404), (supplier, 404),
                           (ministry_author, 200), (moderator, 200)):  # fmt: skip
        client.force_login(user)
        assert client.get(url(draft)).status_code == expected, user
        assert client.get(f"/tenders/{draft.pk}/ocds.json").status_code == expected, user
    client.force_login(other_ministry_author)
    assert client.post(url(draft, "publish")).status_code == 404


def test_a_supplier_cannot_create_or_edit(client, supplier, buyer, make_tender):
    tender = make_tender()
    for user in (supplier, buyer):
        client.force_login(user)
        assert client.get("/tenders/new/").status_code == 403
        assert client.post("/tenders/new/", {"title": "X"}).status_code == 403
        assert client.get(url(tender, "edit")).status_code == 403
        assert client.post(url(tender, "close")).status_code == 403
    assert Tender.objects.get().status == S.PUBLISHED


def test_another_ministry_cannot_act_on_a_published_tender(
    client, other_ministry_author, make_tender
):
    tender = make_tender()
    client.force_login(other_ministry_author)
    assert client.get(url(tender)).status_code == 200
    assert client.post(url(tender, "close")).status_code == 403


def form_data(**overrides):
    deadline = (timezone.localtime() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "title": "Drones de surveillance maritime",
        "description": "Systèmes de drones embarqués.",
        "main_cpv_code": "35613000-4",
        "additional_cpv_codes": "34711200, 80510000",
        "currency": "EUR",
        "submission_deadline": deadline,
        "min_clearance": "1",
        "mandatory_certifications": ["en9100"],
        "min_trl": "6",
        "lots-TOTAL_FORMS": "2", "lots-INITIAL_FORMS": "0",
        "lots-0-title": "Vecteurs", "lots-0-cpv_code": "35613000", "lots-0-value": "1000",
        "docs-TOTAL_FORMS": "1", "docs-INITIAL_FORMS": "0",
        "docs-0-title": "Règlement", "docs-0-url": "https://example.org/rc.pdf",
    }  # fmt: skip
    return {**data, **overrides}


def test_a_ministry_author_creates_edits_and_publishes_in_the_browser(
    client, ministry_author, ministry, cpv
):
    client.force_login(ministry_author)
    assert client.get("/tenders/new/").status_code == 200
    response = client.post("/tenders/new/", form_data())
    tender = Tender.objects.get()
    assert response["Location"] == url(tender)
    assert (tender.buyer, tender.status, tender.main_cpv_id) == (ministry, S.DRAFT, "35613000")
    assert sorted(tender.additional_cpvs.values_list("code", flat=True)) == ["34711200", "80510000"]
    assert list(tender.lots.values_list("title", "cpv_id")) == [("Vecteurs", "35613000")]
    assert tender.mandatory_certifications == ["en9100"]
    edit = client.get(url(tender, "edit")).content.decode()
    assert 'value="35613000"' in edit and "Vecteurs" in edit
    response = client.post(url(tender, "edit"), form_data(title="Drones maritimes", **{
        "lots-TOTAL_FORMS": "1", "lots-INITIAL_FORMS": "1"}))  # fmt: skip
    assert response.status_code == 302
    client.post(url(tender, "publish"))
    tender.refresh_from_db()
    assert (tender.title, tender.status) == ("Drones maritimes", S.PUBLISHED)


def test_invalid_input_shows_errors_and_writes_nothing(client, ministry_author, cpv):
    client.force_login(ministry_author)
    response = client.post("/tenders/new/", form_data(main_cpv_code="99999999", min_trl="12"))
    assert response.status_code == 200
    assert "main_cpv_code" in response.context["form"].errors
    assert "min_trl" in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Tender.objects.exists()


def test_a_moderator_creates_for_any_entity_and_acts_on_any_tender(
    client, moderator, ministry, make_tender
):
    client.force_login(moderator)
    response = client.post("/tenders/new/", form_data(buyer=str(ministry.pk)))
    assert response.status_code == 302
    tender = make_tender()
    client.post(url(tender, "cancel"), {"reason": "Besoin redéfini"})
    tender.refresh_from_db()
    assert tender.status == S.CANCELLED


def test_an_illegal_transition_is_explained_not_applied(client, ministry_author, make_tender):
    tender = make_tender(status=S.AWARDED)
    client.force_login(ministry_author)
    response = client.post(url(tender, "publish"), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    tender.refresh_from_db()
    assert tender.status == S.AWARDED


def test_transitions_and_interest_need_post(client, ministry_author, supplier, make_tender):
    tender = make_tender(status=S.DRAFT)
    client.force_login(ministry_author)
    assert client.get(url(tender, "publish")).status_code == 405
    client.force_login(supplier)
    assert client.get(url(make_tender(), "interest")).status_code == 405


def test_a_supplier_expresses_and_withdraws_interest_in_the_browser(client, supplier, make_tender):
    tender = make_tender()
    client.force_login(supplier)
    page = client.post(url(tender, "interest"), follow=True).content.decode()
    assert Interest.objects.filter(tender=tender).count() == 1
    assert f'action="{url(tender, "interest/withdraw")}"' in page
    client.post(url(tender, "interest/withdraw"))
    assert not Interest.objects.exists()


def test_only_suppliers_express_interest_in_the_browser(client, buyer, make_tender, supplier):
    tender = make_tender()
    client.force_login(buyer)
    assert client.post(url(tender, "interest")).status_code == 403
    client.force_login(supplier)
    closed = make_tender(status=S.CLOSED)
    client.post(url(closed, "interest"))
    assert not Interest.objects.exists()


def test_the_cpv_picker_finds_codes_by_prefix_and_by_unaccented_label(client, supplier, cpv):
    client.force_login(supplier)
    by_code = client.get("/tenders/cpv/", {"q": "356"}).json()["results"]
    assert by_code[0]["code"] == "35600000"
    assert all(r["code"].startswith("356") for r in by_code)
    by_label = client.get("/tenders/cpv/", {"q": "vehicules aeriens"}).json()["results"]
    assert [r["code"] for r in by_label] == ["35613000"]
    assert client.get("/tenders/cpv/", {"q": "x"}).json() == {"results": []}


def test_only_moderators_import_ocds_in_the_browser(
    client,
    supplier,
    ministry_author,
    moderator,
    cpv,
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_ocds_import import package, release

    for user in (supplier, ministry_author):
        client.force_login(user)
        assert client.get("/tenders/import/").status_code == 403
    settings.MEDIA_ROOT = tmp_path
    client.force_login(moderator)
    upload = SimpleUploadedFile(
        "p.json", package(release(ocid="web-1"), release(ocid="web-2", title=3)).encode()
    )
    # Tests run tasks eagerly: the import runs when the upload's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tenders/import/", {"file": upload})
    job = OcdsImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tenders/import/{job.pk}/"
    response = client.get(response["Location"])
    page = response.content.decode()
    assert response.context["job"].summary() == "created 1, updated 0, unchanged 0, failed 1"
    assert "web-2" in page and "tender.title: expected a string" in page
    assert Tender.objects.filter(ocid="web-1").exists()
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing
    assert "p.json" in client.get("/tenders/import/").content.decode()  # the recent imports
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # the upload is deleted


def test_the_browser_import_refuses_an_oversized_file(client, moderator, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tenders import forms

    monkeypatch.setattr(forms, "OCDS_UPLOAD_MAX_BYTES", 1024 * 1024)
    client.force_login(moderator)
    upload = SimpleUploadedFile("big.json", b"[" + b" " * (2 * 1024 * 1024) + b"]")
    response = client.post("/tenders/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The file is 2 MB; the browser import takes up to 1 MB" in response.content.decode()
    assert not Tender.objects.exists()
    assert not OcdsImportJob.objects.exists()

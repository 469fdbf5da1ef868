"""Role permissions on the write endpoints, scoping of every read, and public fields only."""

import pytest
from stdnum.fr import siret

from matching.models import Follow, ShortlistEntry
from portal.models import AuditEvent
from suppliers.models import SupplierProfile
from tenders.models import Interest, Tender

pytestmark = pytest.mark.django_db

NEW_TENDER = {
    "title": "Radars côtiers",
    "main_cpv": "35613000",
    "mandatory_certifications": ["iso9001"],
    "lots": [{"title": "Lot A", "value": "1000.00", "cpv": "35613000"}],
    "documents": [{"title": "Règlement", "url": "https://example.org/rc.pdf"}],
}


@pytest.mark.parametrize("role", ["supplier", "buyer"])
def test_it_forbids_tender_creation_to_other_roles(request, bearer, cpv, role):
    response = bearer(request.getfixturevalue(role)).post(
        "/api/v1/tenders/", NEW_TENDER, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Tender.objects.exists()


def test_it_lets_anonymous_callers_in_nowhere(client, cpv):
    response = client.post("/api/v1/tenders/", NEW_TENDER, content_type="application/json")
    assert response.status_code == 401
    assert client.get("/api/v1/tenders/").status_code == 401


def test_it_lets_a_ministry_author_create_update_and_publish(
    bearer, ministry_author, ministry, cpv
):
    api = bearer(ministry_author)
    created = api.post("/api/v1/tenders/", NEW_TENDER, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["buyer"]["id"] == ministry.pk
    assert [lot["title"] for lot in body["lots"]] == ["Lot A"]
    pk = body["id"]
    refused = api.post(f"/api/v1/tenders/{pk}/publish/")
    assert refused.status_code == 400
    assert "submission_deadline" in refused.json()["error"]["fields"]
    updated = api.patch(
        f"/api/v1/tenders/{pk}/", {"submission_deadline": "2099-01-01T12:00:00Z"}, format="json"
    )
    assert updated.status_code == 200
    assert updated.json()["lots"][0]["title"] == "Lot A"  # kept: not in the body
    published = api.post(f"/api/v1/tenders/{pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = api.post(f"/api/v1/tenders/{pk}/publish/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert AuditEvent.objects.filter(action="tender.published", actor=ministry_author).exists()


def test_it_keeps_authors_to_their_own_entity(bearer, ministry_author, make_tender):
    from tests.factories import MembershipFactory, OrganizationFactory

    other = OrganizationFactory(kind="ministry", siren="")
    other_author = MembershipFactory(organization=other).user
    draft = make_tender(status=Tender.Status.DRAFT)
    published = make_tender()
    api = bearer(other_author)
    assert api.get(f"/api/v1/tenders/{draft.pk}/").status_code == 404
    assert (
        api.patch(f"/api/v1/tenders/{draft.pk}/", {"title": "x"}, format="json").status_code == 404
    )
    assert (
        api.patch(f"/api/v1/tenders/{published.pk}/", {"title": "x"}, format="json").status_code
        == 403
    )
    assert api.post(f"/api/v1/tenders/{published.pk}/publish/").status_code == 403
    assert (
        api.post(
            "/api/v1/tenders/", {**NEW_TENDER, "buyer": draft.buyer_id}, format="json"
        ).status_code
        == 400
    )
    published.refresh_from_db()
    assert published.title != "x"


def test_it_lets_a_moderator_create_for_a_named_entity(bearer, moderator, ministry, cpv):
    api = bearer(moderator)
    assert api.post("/api/v1/tenders/", NEW_TENDER, format="json").status_code == 400
    created = api.post("/api/v1/tenders/", {**NEW_TENDER, "buyer": ministry.pk}, format="json")
    assert created.status_code == 201


def test_it_hides_drafts_from_suppliers(bearer, supplier, make_tender):
    draft = make_tender(status=Tender.Status.DRAFT)
    published = make_tender()
    api = bearer(supplier)
    ids = [t["id"] for t in api.get("/api/v1/tenders/").json()["results"]]
    assert ids == [published.pk]
    assert api.get(f"/api/v1/tenders/{draft.pk}/").status_code == 404
    assert api.get(f"/api/v1/tenders/{draft.pk}/ocds/").status_code == 404
    package = api.get(f"/api/v1/tenders/{published.pk}/ocds/").json()
    assert [r["ocid"] for r in package["releases"]] == [published.ocid]


def test_it_lets_suppliers_only_express_interest(bearer, supplier, buyer, make_tender):
    tender = make_tender()
    assert bearer(buyer).post(f"/api/v1/tenders/{tender.pk}/interest/").status_code == 403
    api = bearer(supplier)
    assert api.post(f"/api/v1/tenders/{tender.pk}/interest/").status_code == 201
    assert api.post(f"/api/v1/tenders/{tender.pk}/interest/").status_code == 200  # already
    assert Interest.objects.filter(tender=tender).count() == 1
    assert api.delete(f"/api/v1/tenders/{tender.pk}/interest/").status_code == 204
    assert not Interest.objects.exists()


def test_it_shows_matches_to_the_following_buyer_and_moderators_only(
    bearer, world, buyer, other_buyer, supplier, ministry_author, moderator
):
    tender = world["tender"]
    url = f"/api/v1/tenders/{tender.pk}/matches/"
    own = bearer(buyer).get(url)
    assert own.status_code == 200
    assert [m["supplier"]["id"] for m in own.json()["results"]] == [world["supplier"].pk]
    assert bearer(moderator).get(url).json()["count"] == 1
    assert bearer(other_buyer).get(url).status_code == 404
    assert bearer(supplier).get(url).status_code == 403
    assert bearer(ministry_author).get(url).status_code == 403


def test_it_keeps_follows_and_entries_to_the_organization(bearer, world, buyer, other_buyer):
    tender, supplier = world["tender"], world["supplier"]
    theirs = bearer(other_buyer)
    assert theirs.get("/api/v1/follows/").json()["count"] == 0
    followed = theirs.post("/api/v1/follows/", {"tender": tender.pk}, format="json")
    assert followed.status_code == 201  # their own follow, independent of the first one
    theirs.patch(
        f"/api/v1/follows/{tender.pk}/shortlist/{supplier.pk}/", {"notes": "theirs"}, format="json"
    )
    mine = bearer(buyer).get(f"/api/v1/follows/{tender.pk}/shortlist/{supplier.pk}/")
    assert mine.status_code == 200 and mine.json()["notes"] == ""
    assert Follow.objects.filter(tender=tender).count() == 2
    assert ShortlistEntry.objects.get(organization=other_buyer.membership.organization).notes == (
        "theirs"
    )
    again = theirs.post("/api/v1/follows/", {"tender": tender.pk}, format="json")
    assert again.status_code == 409


def test_it_shows_approved_suppliers_public_fields_only(
    bearer, world, buyer, supplier, ministry_author
):
    organization = world["supplier"]
    response = bearer(buyer).get("/api/v1/suppliers/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["organization"]["id"] == organization.pk
    for private in ("annual_turnover_eur", "balance_sheet_eur", "decision_reason", "status"):
        assert private not in row
    assert [r["client"] for r in row["references"]] == ["Public client"]
    assert bearer(buyer).get(f"/api/v1/suppliers/{organization.pk}/").status_code == 200
    assert bearer(supplier).get("/api/v1/suppliers/").status_code == 403
    assert bearer(ministry_author).get("/api/v1/suppliers/").status_code == 403
    # As on the portal: a ministry author reads a supplier its tender page links to, a
    # supplier does not read its competitors.
    assert bearer(ministry_author).get(f"/api/v1/suppliers/{organization.pk}/").status_code == 200
    assert bearer(supplier).get(f"/api/v1/suppliers/{organization.pk}/").status_code == 403


def test_it_shows_buyers_the_live_copy_not_the_revision(bearer, world, buyer):
    organization = world["supplier"]
    member = organization.memberships.first().user
    edited = bearer(member).patch(
        "/api/v1/supplier-profile/", {"trade_name": "Pending name"}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["status"] == "draft"
    row = bearer(buyer).get(f"/api/v1/suppliers/{organization.pk}/").json()
    assert row["trade_name"] == ""


def test_it_lets_a_supplier_edit_and_submit_its_own_profile(bearer, supplier, cpv, regions):
    api = bearer(supplier)
    incomplete = api.post("/api/v1/supplier-profile/submit/")
    assert incomplete.status_code == 400
    assert incomplete.json()["error"]["code"] == "profile_incomplete"
    assert "identity" in incomplete.json()["error"]["fields"]
    siren = supplier.membership.organization.siren
    nic = next(f"{i:05d}" for i in range(10, 99999) if siret.is_valid(f"{siren}{i:05d}"))
    edited = api.patch(
        "/api/v1/supplier-profile/",
        {
            "legal_name": "Optique SAS", "siret": siren + nic, "region": "53", "headcount": 12,
            "capability_statement": "Optique.", "cpv_codes": ["35613000"],
            "certifications": [{"type": "iso9001", "number": "1", "expires_on": "2030-01-01"}],
        },
        format="json",
    )  # fmt: skip
    assert edited.status_code == 200, edited.json()
    assert edited.json()["size_category"] == "pme"  # computed from the headcount, never typed
    assert edited.json()["certifications"][0]["type"] == "iso9001"
    refused = api.patch(
        "/api/v1/supplier-profile/", {"size_category": "ge", "status": "approved"}, format="json"
    )
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"size_category", "status"}
    submitted = api.post("/api/v1/supplier-profile/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


@pytest.mark.parametrize("role", ["supplier", "buyer", "ministry_author"])
def test_it_keeps_moderation_to_moderators(request, bearer, role, world):
    working = SupplierProfile.objects.get(organization=world["supplier"], is_live=False)
    api = bearer(request.getfixturevalue(role))
    assert api.get("/api/v1/moderation/profiles/").status_code == 403
    response = api.post(
        f"/api/v1/moderation/profiles/{working.pk}/suspend/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 403


def test_it_lets_moderators_suspend_and_reinstate(bearer, moderator, world, buyer):
    working = SupplierProfile.objects.get(organization=world["supplier"], is_live=False)
    api = bearer(moderator)
    url = f"/api/v1/moderation/profiles/{working.pk}"
    no_reason = api.post(f"{url}/suspend/", {}, format="json")
    assert no_reason.status_code == 409
    suspended = api.post(f"{url}/suspend/", {"reason": "Fraud check"}, format="json")
    assert suspended.status_code == 200 and suspended.json()["live_status"] == "suspended"
    assert bearer(buyer).get(f"/api/v1/suppliers/{world['supplier'].pk}/").status_code == 404
    assert api.post(f"{url}/approve/", {}, format="json").status_code == 409
    reinstated = api.post(f"{url}/reinstate/", {"reason": "Cleared"}, format="json")
    assert reinstated.json()["live_status"] == "approved"
    queue = api.get("/api/v1/moderation/profiles/", {"state": "approved"})
    assert queue.status_code == 200 and queue.json()["count"] == 1

import pytest

from suppliers.models import SupplierProfile

pytestmark = pytest.mark.django_db
Status = SupplierProfile.Status


def step(client, name, data, follow_on=True):
    return client.post(f"/suppliers/profile/{name}/", {**data, "continue": "1"})


IDENTITY = {
    "legal_name": "Drones d'Armor SAS",
    "trade_name": "D'Armor",
    "siren": "912 345 675",
    "siret": "912 345 675 00017",
    "year_founded": "2021",
    "website": "",
    "address": "1 rue de Brest",
    "postal_code": "29200",
    "city": "Brest",
    "region": "53",
    "regions_served": ["53", "11"],
}


def test_a_supplier_builds_its_profile_over_several_steps_and_submits_it(
    client, supplier, reference
):
    client.force_login(supplier)
    response = step(client, "identity", IDENTITY)
    assert response.status_code == 302
    assert response["Location"] == "/suppliers/profile/size/"
    response = step(
        client,
        "size",
        {
            "headcount": "12",
            "annual_turnover_eur": "1500000",
            "balance_sheet_eur": "",
            "rd_share_percent": "30",
        },
    )
    assert response["Location"] == "/suppliers/profile/capabilities/"
    profile = SupplierProfile.objects.get(is_live=False)
    assert profile.size_category == "pme" and profile.is_startup
    assert profile.regions_served == ["53", "11"]

    response = step(
        client,
        "capabilities",
        {
            "capability_statement": "Drones de reconnaissance",
            "statement_language": "fr",
            "keywords": "drone, ISR , drone",
            "cpv_codes": "35613000-4, 72000000",
            "technologies": "",
            "trl": "6",
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.keywords == ["drone", "ISR"]
    assert profile.cpv_codes == ["35613000", "72000000"]

    response = client.post(
        "/suppliers/profile/credentials/",
        {
            "clearance_level": "1",
            "clearance_expires_on": "2030-01-01",
            "itar_free": "on",
            "cert-TOTAL_FORMS": "1",
            "cert-INITIAL_FORMS": "0",
            "cert-MIN_NUM_FORMS": "0",
            "cert-MAX_NUM_FORMS": "30",
            "cert-0-type": "iso9001",
            "cert-0-number": "FR123",
            "cert-0-issuer": "AFNOR",
            "cert-0-expires_on": "2020-01-01",
        },
    )
    assert response.status_code == 302
    assert profile.certifications.get().is_expired

    response = client.post("/suppliers/profile/submit/")
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.status == Status.SUBMITTED
    page = client.get("/suppliers/profile/").content.decode()
    assert "Drones d&#x27;Armor SAS" in page


def test_it_names_the_field_and_keeps_the_input_on_error(client, supplier, reference):
    client.force_login(supplier)
    response = client.post(
        "/suppliers/profile/capabilities/",
        {
            "capability_statement": "Un long texte que je ne veux pas perdre",
            "statement_language": "fr",
            "cpv_codes": "35613000, 99999999, abc",
            "trl": "12",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "99999999" in str(errors["cpv_codes"]) and "abc" in str(errors["cpv_codes"])
    assert "trl" in errors
    assert "Un long texte que je ne veux pas perdre" in response.content.decode()
    assert SupplierProfile.objects.get().capability_statement == ""


def test_what_was_typed_survives_an_expired_session(client, supplier, password, reference):
    data = {**IDENTITY, "legal_name": "Typed At Night SAS"}
    response = client.post("/suppliers/profile/identity/", data)  # not logged in: expired
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        {"login": supplier.email, "password": password, "next": "/suppliers/profile/identity/"},
    )
    assert response["Location"] == "/suppliers/profile/identity/"
    page = client.get("/suppliers/profile/identity/").content.decode()
    assert 'value="Typed At Night SAS"' in page
    assert not SupplierProfile.objects.filter(legal_name="Typed At Night SAS").exists()
    # Restored once only: a reload shows the saved profile again.
    assert "Typed At Night SAS" not in client.get("/suppliers/profile/identity/").content.decode()


def test_an_approved_profile_stays_visible_while_a_revision_waits(
    client, approved, supplier, buyer
):
    client.force_login(supplier)
    client.post("/suppliers/profile/identity/", {**IDENTITY, "legal_name": "Renamed SAS"})
    client.force_login(buyer)
    page = client.get(f"/suppliers/{approved.organization_id}/").content.decode()
    assert "Optique Avancée SAS" in page
    assert "Renamed SAS" not in page


def test_the_dashboard_shows_the_decision_and_its_reason(client, submitted, moderator, supplier):
    from suppliers import services

    services.profile_request_changes(profile=submitted, by=moderator, reason="Ajoutez le SIRET")
    client.force_login(supplier)
    assert "Ajoutez le SIRET" in client.get("/dashboard/").content.decode()


@pytest.mark.parametrize("who", ["buyer", "ministry_author", "moderator"])
def test_other_roles_cannot_edit_a_supplier_profile(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/suppliers/profile/").status_code == 403
    assert client.post("/suppliers/profile/identity/", IDENTITY).status_code == 403


def test_anonymous_is_sent_to_login(client):
    for url in ("/suppliers/profile/", "/suppliers/profile/identity/", "/suppliers/moderation/"):
        assert client.get(url)["Location"].startswith("/accounts/login/")


def test_unknown_step_is_404(client, supplier):
    client.force_login(supplier)
    assert client.get("/suppliers/profile/nope/").status_code == 404


def test_submit_requires_post(client, supplier):
    client.force_login(supplier)
    assert client.get("/suppliers/profile/submit/").status_code == 405

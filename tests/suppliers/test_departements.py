"""The supplier side of the "local track record" signal: each reference's place of performance
(département), and the départements a live profile is known to work in."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import Departement, Region
from suppliers import services
from suppliers.models import Reference, SupplierProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def departements(reference):
    Region.objects.create(code="75", name="Nouvelle-Aquitaine")
    for code, name, region in [
        ("29", "Finistère", "53"),
        ("33", "Gironde", "75"),
        ("35", "Ille-et-Vilaine", "53"),
        ("75", "Paris", "11"),
    ]:
        Departement.objects.create(code=code, name=name, region_id=region)


def _reference(client="DGA", departement=None, **fields) -> dict:
    return {
        "client": client,
        "year": 2024,
        "value_eur": 1000,
        "cpv_code": "",
        "description": "Étude",
        "is_public": True,
        "departement": departement,
        **fields,
    }


def _approve_revision(profile, supplier, moderator, *, data=None, references=None):
    """Edit the profile (a revision when it is approved), submit it, approve it: the live copy."""
    if data:
        services.profile_update(profile=profile, data=data, by=supplier)
    if references is not None:
        services.profile_set_references(profile=profile, items=references, by=supplier)
    working = SupplierProfile.objects.get(pk=profile.pk)
    services.profile_submit(profile=working, by=supplier)
    services.profile_approve(profile=working, by=moderator)
    return SupplierProfile.objects.get(organization=profile.organization, is_live=True)


def _live():
    return SupplierProfile.objects.get(is_live=True)


# --- Derivation ---------------------------------------------------------------------------------


def test_it_derives_the_departements_from_the_head_office_and_the_references(
    profile, supplier, moderator, departements
):
    live = _approve_revision(
        profile,
        supplier,
        moderator,
        data={"postal_code": "35000"},
        references=[_reference("A", "33"), _reference("B", "29"), _reference("C", "35")]
        + [_reference("D")],
    )
    assert live.departements == ["29", "33", "35"]  # sorted, distinct
    assert SupplierProfile.objects.get(pk=profile.pk).departements == []  # live copy only


def test_it_keeps_only_departements_of_the_reference_data(
    profile, supplier, moderator, departements
):
    live = _approve_revision(profile, supplier, moderator, data={"postal_code": "97411"})
    assert live.departements == []  # 974 is not loaded here
    live = _approve_revision(profile, supplier, moderator, data={"postal_code": "98000"})
    assert live.departements == []  # Monaco: no département
    assert services.profile_departements(
        postal_code="75001", reference_departements=["ZZ", None, "", "33"]
    ) == ["33", "75"]
    assert services.profile_departements(postal_code="", reference_departements=[]) == []


def test_approving_a_revision_carries_the_departement_to_the_live_copy(
    approved, supplier, moderator, departements
):
    assert _live().departements == []  # no postal code, no reference
    services.profile_set_references(
        profile=approved, items=[_reference("Naval Group", "29")], by=supplier
    )
    assert _live().departements == []  # pending revision: the live copy is unchanged
    assert not _live().references.exists()

    live = _approve_revision(approved, supplier, moderator)
    assert live.references.get().departement_id == "29"
    assert live.departements == ["29"]

    live = _approve_revision(
        approved, supplier, moderator, references=[_reference("Naval Group", "33")]
    )
    assert live.references.get().departement_id == "33"
    assert live.departements == ["33"]  # recomputed: 29 is gone with the old reference
    assert Reference.objects.filter(profile__is_live=False).get().departement_id == "33"


def test_an_unknown_departement_is_refused_and_nothing_changes(profile, supplier, departements):
    services.profile_set_references(profile=profile, items=[_reference("Gardé", "35")], by=supplier)
    with pytest.raises(ValidationError, match="1"):
        services.profile_set_references(
            profile=profile, items=[_reference("Nouveau", "ZZ")], by=supplier
        )
    assert list(profile.references.values_list("client", "departement_id")) == [("Gardé", "35")]


def test_the_service_takes_the_departement_as_an_object_a_code_or_its_id(
    profile, supplier, departements
):
    gironde = Departement.objects.get(code="33")
    without = {k: v for k, v in _reference("Id").items() if k != "departement"}
    items = [
        _reference("Objet", gironde),
        _reference("Code", "29"),
        {**without, "departement_id": "35"},
    ]
    services.profile_set_references(profile=profile, items=items, by=supplier)
    assert dict(profile.references.values_list("client", "departement_id")) == {
        "Objet": "33",
        "Code": "29",
        "Id": "35",
    }


def test_the_data_migration_fills_live_profiles_from_their_head_office(approved, departements):
    migration = importlib.import_module("suppliers.migrations.0004_reference_departement")
    SupplierProfile.objects.filter(is_live=True).update(postal_code="35 000", departements=[])
    SupplierProfile.objects.filter(is_live=False).update(postal_code="33000")
    migration.fill(apps, None)
    assert _live().departements == ["35"]
    assert SupplierProfile.objects.get(is_live=False).departements == []  # working: not derived


# --- The references step ------------------------------------------------------------------------


def _references_post(*rows: dict) -> dict:
    data = {
        "ref-TOTAL_FORMS": str(len(rows)),
        "ref-INITIAL_FORMS": "0",
        "ref-MIN_NUM_FORMS": "0",
        "ref-MAX_NUM_FORMS": "30",
        "stay": "1",
    }
    for i, row in enumerate(rows):
        data.update({f"ref-{i}-{name}": value for name, value in row.items()})
    return data


ROW = {
    "client": "Marine nationale",
    "year": "2023",
    "value_eur": "250000",
    "cpv_code": "",
    "description": "Maintien en condition opérationnelle de drones embarqués.",
    "is_public": "on",
}


def test_the_reference_form_offers_the_departements_after_client_and_year(
    client, supplier, profile, departements
):
    client.force_login(supplier)
    response = client.get("/suppliers/profile/references/", HTTP_ACCEPT_LANGUAGE="en")
    form = response.context["formset"].forms[0]
    assert list(form.fields)[:3] == ["client", "year", "departement"]
    page = response.content.decode()
    assert '<option value="33">33 — Gironde</option>' in page
    assert "Where the work was done; used to find local suppliers." in page
    assert page.index('value="29"') < page.index('value="33"') < page.index('value="75"')


def test_the_reference_form_saves_the_chosen_departement(client, supplier, profile, departements):
    client.force_login(supplier)
    response = client.post(
        "/suppliers/profile/references/",
        _references_post({**ROW, "departement": "33"}, {**ROW, "client": "SSF", "departement": ""}),
    )
    assert response.status_code == 302
    assert dict(profile.references.values_list("client", "departement_id")) == {
        "Marine nationale": "33",
        "SSF": None,
    }
    page = client.get("/suppliers/profile/references/").content.decode()
    assert '<option value="33" selected>33 — Gironde</option>' in page


def test_an_unknown_departement_is_a_field_error_and_nothing_typed_is_lost(
    client, supplier, profile, departements
):
    client.force_login(supplier)
    response = client.post(
        "/suppliers/profile/references/",
        _references_post({**ROW, "departement": "ZZ"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors
    assert list(errors) == ["departement"]
    assert "ZZ" in str(errors["departement"])
    page = response.content.decode()
    assert 'value="Marine nationale"' in page and "Maintien en condition opérationnelle" in page
    assert not profile.references.exists()


def test_a_reference_without_departement_still_saves_and_reads_back(
    client, supplier, profile, departements
):
    services.profile_set_references(
        profile=profile,
        items=[{k: v for k, v in _reference("Ancienne").items() if k != "departement"}],
        by=supplier,
    )
    client.force_login(supplier)
    response = client.get("/suppliers/profile/references/")
    assert response.context["formset"].forms[0].initial["departement"] == ""
    data = _references_post({**ROW, "client": "Ancienne", "departement": ""})
    assert client.post("/suppliers/profile/references/", data).status_code == 302
    assert profile.references.get().departement_id is None


def test_the_references_step_reads_the_departements_once(client, supplier, profile, departements):
    services.profile_set_references(
        profile=profile, items=[_reference(str(i), "35") for i in range(5)], by=supplier
    )
    client.force_login(supplier)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/suppliers/profile/references/")
    assert len(response.context["formset"].forms) == 6
    assert sum('"portal_departement"' in q["sql"] for q in queries.captured_queries) == 1


# --- What buyers and moderators see --------------------------------------------------------------


def test_the_public_profile_shows_a_references_departement(
    client, approved, supplier, moderator, buyer, departements
):
    references = [_reference("Naval Group", "29"), _reference("Sans lieu")]
    live = _approve_revision(approved, supplier, moderator, references=references)
    client.force_login(buyer)
    url = f"/suppliers/{live.organization_id}/"
    with CaptureQueriesContext(connection) as two:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Place of performance" in page
    assert "Finistère (29)" in page
    more = [_reference(f"Client {i}", "33") for i in range(5)]
    _approve_revision(approved, supplier, moderator, references=references + more)
    with CaptureQueriesContext(connection) as seven:
        assert "Gironde (33)" in client.get(url).content.decode()
    assert len(seven) == len(two)  # no query per reference


def test_the_moderation_diff_shows_a_changed_departement(
    client, approved, supplier, moderator, departements
):
    _approve_revision(approved, supplier, moderator, references=[_reference("DGA", "29")])
    services.profile_set_references(profile=approved, items=[_reference("DGA", "33")], by=supplier)
    services.profile_submit(profile=SupplierProfile.objects.get(pk=approved.pk), by=supplier)
    client.force_login(moderator)
    response = client.get(f"/suppliers/moderation/{approved.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    [row] = response.context["diff"]
    assert str(row["field"]) == "References"
    assert "29 Finistère" in row["old"] and "33 Gironde" in row["new"]
    assert "Gironde (33)" in response.content.decode()

"""QA: an enquiry deadline after the submission deadline, and the other tender constraints, are
explained on the field (the page and the API), never as « La contrainte « … » n'est pas
respectée »."""

from datetime import UTC, datetime

import pytest

from tenders.models import Tender

from ..api.conftest import client_with_token
from .test_views import form_data

pytestmark = pytest.mark.django_db


def _page_errors(response) -> tuple[dict, list]:
    form = response.context["form"]
    return form.errors, form.non_field_errors()


def test_it_explains_a_late_enquiry_deadline_on_its_field_with_both_dates(
    client, ministry_author, cpv
):
    client.force_login(ministry_author)
    response = client.post(
        "/tenders/new/",
        form_data(submission_deadline="2020-01-01T12:00", enquiry_deadline="2027-09-01T12:00"),
    )
    assert response.status_code == 200
    errors, general = _page_errors(response)
    assert list(general) == []
    (message,) = errors["enquiry_deadline"]
    assert "1 septembre 2027 12:00" in message and "1 janvier 2020 12:00" in message
    assert "au plus tard" in message  # says how to fix it
    assert "contrainte" not in response.content.decode()
    assert not Tender.objects.exists()


def test_it_explains_a_late_enquiry_deadline_when_editing(client, ministry_author, make_tender):
    tender = make_tender(status=Tender.Status.DRAFT)
    client.force_login(ministry_author)
    response = client.post(
        f"/tenders/{tender.pk}/edit/",
        form_data(submission_deadline="2030-01-01T12:00", enquiry_deadline="2030-01-02T09:00"),
    )
    assert response.status_code == 200
    assert "enquiry_deadline" in response.context["form"].errors
    tender.refresh_from_db()
    assert tender.enquiry_deadline is None


def test_an_enquiry_deadline_on_the_submission_deadline_is_accepted(client, ministry_author, cpv):
    client.force_login(ministry_author)
    same = "2030-01-01T12:00"
    response = client.post(
        "/tenders/new/", form_data(submission_deadline=same, enquiry_deadline=same)
    )
    assert response.status_code == 302, response.context["form"].errors
    tender = Tender.objects.get()
    assert tender.enquiry_deadline == tender.submission_deadline


def test_a_negative_value_and_a_lowercase_currency_are_explained_on_their_fields(
    client, ministry_author, cpv
):
    client.force_login(ministry_author)
    response = client.post("/tenders/new/", form_data(estimated_value="-5", currency="eur"))
    errors, general = _page_errors(response)
    assert list(general) == []
    assert {"estimated_value", "currency"} <= set(errors)
    assert "ISO 4217" in errors["currency"][0]
    assert not Tender.objects.exists()


def test_a_reused_reference_is_explained_in_words(client, ministry_author, make_tender):
    make_tender(reference="DGA-2027-01")
    client.force_login(ministry_author)
    response = client.post("/tenders/new/", form_data(reference="DGA-2027-01"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "tender_reference_unique_per_buyer" not in page
    assert "référence interne" in page


def test_the_api_says_which_field_and_both_dates(ministry_author, make_tender):
    api = client_with_token(ministry_author)
    body = {
        "title": "Drones",
        "submission_deadline": "2030-01-01T12:00:00+01:00",
        "enquiry_deadline": "2030-02-01T12:00:00+01:00",
    }
    response = api.post("/api/v1/tenders/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == ["enquiry_deadline"]
    (message,) = error["fields"]["enquiry_deadline"]
    assert "Feb. 1, 2030" in message and "Jan. 1, 2030" in message
    assert not Tender.objects.exists()

    # A PATCH of the enquiry deadline alone is checked against the stored submission deadline.
    tender = make_tender(
        status=Tender.Status.DRAFT, submission_deadline=datetime(2030, 1, 1, 11, tzinfo=UTC)
    )
    response = api.patch(
        f"/api/v1/tenders/{tender.pk}/",
        {"enquiry_deadline": "2030-03-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["enquiry_deadline"]
    tender.refresh_from_db()
    assert tender.enquiry_deadline is None


def test_the_constraints_have_human_messages():
    messages = {
        c.name: str(c.violation_error_message)
        for c in Tender._meta.constraints
        if hasattr(c, "violation_error_message")
    }
    assert all("Constraint" not in m and "contrainte" not in m for m in messages.values())


def test_a_published_tender_edited_without_main_cpv_says_so_on_the_cpv_field(
    client, ministry_author, make_tender
):
    tender = make_tender()
    client.force_login(ministry_author)
    response = client.post(f"/tenders/{tender.pk}/edit/", form_data(main_cpv_code=""))
    assert response.status_code == 200
    assert "main_cpv_code" in response.context["form"].errors
    tender.refresh_from_db()
    assert tender.main_cpv_id == "35613000"

"""Long forms list every error at the top, each linking to its field (QA suggestion: on a
twenty-field step, an error below the fold went unseen)."""

import re

import pytest

from portal.templatetags.forms_extras import collect_errors
from suppliers.forms import CertificationFormSet

pytestmark = pytest.mark.django_db


def _summary(response) -> list[tuple[str, str]]:
    page = response.content.decode()
    block = re.search(r'<div class="message message-error error-summary".*?</div>', page, re.S)
    assert block, "no error summary"
    return re.findall(r'<li>(?:<a href="#([^"]+)">)?(.*?)(?:</a>)?</li>', block[0])


def test_a_profile_step_lists_its_errors_with_links_to_the_fields(client, supplier, reference):
    client.force_login(supplier)
    response = client.post(
        "/suppliers/profile/capabilities/",
        {"capability_statement": "Texte gardé", "cpv_codes": "abc", "trl": "12"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    summary = _summary(response)
    page = response.content.decode()
    assert "errors: nothing was saved yet, and what you typed is kept." in page
    anchors = [anchor for anchor, _text in summary]
    assert "id_cpv_codes" in anchors and "id_trl" in anchors
    for anchor in anchors:
        assert f'id="{anchor}"' in page  # each link lands on its field
    assert any(text.startswith("Technology readiness") or "TRL" in text for _a, text in summary)


def test_a_formset_names_the_block_and_skips_deleted_ones(client, supplier, reference):
    client.force_login(supplier)
    data = {
        "clearance_level": "0",
        "itar_free": "on",
        "cert-TOTAL_FORMS": "2",
        "cert-INITIAL_FORMS": "0",
        "cert-MIN_NUM_FORMS": "0",
        "cert-MAX_NUM_FORMS": "30",
        "cert-0-type": "iso9001",
        "cert-0-expires_on": "pas une date",
        "cert-1-type": "iso27001",
        "cert-1-expires_on": "pas une date non plus",
        "cert-1-DELETE": "on",  # ticked "Delete": its error does not count
        "stay": "1",
    }
    response = client.post("/suppliers/profile/credentials/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    summary = _summary(response)
    assert len(summary) == 1, summary
    anchor, text = summary[0]
    assert anchor == "id_cert-0-expires_on" and text.startswith("Certification 1 — ")
    assert "1 error: nothing was saved yet" in response.content.decode()


def test_no_summary_without_errors():
    formset = CertificationFormSet(prefix="cert")
    assert collect_errors(None, "Certification", formset) == []


def test_the_tender_form_names_the_lot_at_fault(client, ministry_author, cpv):
    from tests.tenders.test_views import form_data

    client.force_login(ministry_author)
    response = client.post(
        "/tenders/new/",
        form_data(currency="eur", **{"lots-0-value": "-1"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    summary = _summary(response)
    anchors = [anchor for anchor, _text in summary]
    assert anchors == ["id_currency", "id_lots-0-value"], summary
    assert summary[1][1].startswith("Lot 1 — ")

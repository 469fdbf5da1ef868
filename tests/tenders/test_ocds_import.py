import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from portal.models import Departement, Organization
from portal.reference import cpv_load
from tenders.models import Lot, Tender
from tenders.ocds.importer import ocds_import

from .ocds_schema import errors

pytestmark = pytest.mark.django_db

EXAMPLE = "ocds-213czf-000-00001.json"


@pytest.fixture
def ocds_dir(reference_data_dir):
    return reference_data_dir / "ocds"


@pytest.fixture
def full_cpv(reference_data_dir):
    cpv_load(reference_data_dir / "cpv" / "cpv_2008_fr_en.csv")


def release(ocid="ocds-x-1", rid="r1", date="2026-01-10T09:00:00Z", **tender):
    return {
        "ocid": ocid,
        "id": rid,
        "date": date,
        "tag": ["tender"],
        "initiationType": "tender",
        "buyer": {"id": "FR-DGA", "name": "Direction générale de l'armement (DGA)"},
        "tender": {
            "id": f"{ocid}-t",
            "title": "Drones de surveillance",
            "status": "active",
            "value": {"amount": 250000, "currency": "EUR"},
            "tenderPeriod": {
                "startDate": "2026-01-10T09:00:00Z",
                "endDate": "2099-02-10T12:00:00Z",
            },
            "items": [{"id": "1", "classification": {"scheme": "CPV", "id": "35613000-4"}}],
            **tender,
        },
    }


def run(data: bytes | str):
    data = data.encode() if isinstance(data, str) else data
    return ocds_import(io.BytesIO(data))


def package(*releases) -> str:
    return json.dumps(
        {
            "uri": "https://x.example/p",
            "version": "1.1",
            "publishedDate": "2026-01-10T00:00:00Z",
            "publisher": {"name": "Test"},
            "releases": list(releases),
        }  # fmt: skip
    )


def test_the_shared_examples_are_valid_ocds(ocds_dir):
    for name, kind in [
        (EXAMPLE, "release_package"),
        ("ocds-213czf-000-00001-02-tender.json", "release_package"),
        ("ocds-213czf-000-00001-04-award.json", "release_package"),
        ("record_ocds-213czf-000-00001.json", "record_package"),
    ]:
        data = json.loads((ocds_dir / name).read_text())
        assert errors(data, kind, ocds_dir / "schema-1.1.5") == [], name


def test_it_imports_the_shared_example_and_reimports_it_unchanged(ocds_dir, full_cpv):
    with open(ocds_dir / EXAMPLE, "rb") as fh:
        report = ocds_import(fh)
    assert report.summary() == "created 1, updated 5, unchanged 0, failed 0"
    tender = Tender.objects.get(ocid="ocds-213czf-000-00001")
    assert tender.title == "Planned cycle lane improvements"
    assert tender.status == Tender.Status.AWARDED  # the award release came last
    assert tender.estimated_value == Decimal("1100000")
    assert (tender.currency, tender.main_cpv_id) == ("GBP", "45233130")
    assert list(tender.additional_cpvs.values_list("code", flat=True)) == ["45233162"]
    assert tender.buyer.name == "London Borough of Barnet"
    assert tender.buyer.kind == Organization.Kind.MINISTRY
    assert tender.submission_deadline.isoformat() == "2010-04-08T18:00:00+00:00"  # amended
    # The last release with documents (the amendment) lists the notice and the enquiry answers.
    assert list(tender.documents.values_list("title", flat=True)) == [
        "Tender Notice",
        "Enquiry Responses",
    ]
    with open(ocds_dir / EXAMPLE, "rb") as fh:
        again = ocds_import(fh)
    assert again.summary() == "created 0, updated 0, unchanged 6, failed 0"


def test_it_imports_a_record_package_through_its_compiled_release(ocds_dir, full_cpv):
    with open(ocds_dir / "record_ocds-213czf-000-00001.json", "rb") as fh:
        report = ocds_import(fh)
    assert (report.created, report.failed) == (1, 0)
    assert Tender.objects.get().status == Tender.Status.AWARDED


def test_it_imports_json_lines_and_a_newer_release_updates(cpv):
    first = release(lots=[{"id": "L1", "title": "Lot unique"}])
    newer = release(rid="r2", date="2026-01-20T09:00:00Z", title="Drones de surveillance v2")
    report = run(json.dumps(first) + "\n\n" + json.dumps(newer) + "\n")
    assert report.summary() == "created 1, updated 1, unchanged 0, failed 0"
    tender = Tender.objects.get()
    assert tender.title == "Drones de surveillance v2"
    assert tender.ocds_release_id == "r2"
    assert list(tender.lots.values_list("title", flat=True)) == ["Lot unique"]
    older = run(json.dumps(first))
    assert older.summary() == "created 0, updated 0, unchanged 1, failed 0"
    assert Tender.objects.get().title == "Drones de surveillance v2"


def test_it_creates_the_buyer_once_and_reuses_a_known_ministry(cpv, ministry):
    known = release(ocid="a")
    known["buyer"]["name"] = ministry.name.upper()
    report = run(package(known, release(ocid="b"), release(ocid="c")))
    assert report.created == 3
    assert Tender.objects.get(ocid="a").buyer == ministry
    assert Organization.objects.filter(name="Direction générale de l'armement (DGA)").count() == 1


@pytest.mark.parametrize(
    "bad,reason",
    [
        ({"ocid": None}, "release.ocid is missing"),
        ({"tender": "not an object"}, "release.tender: expected an object, got a string"),
        ({"date": "yesterday"}, "is not an ISO 8601 date-time"),
    ],
)
def test_it_reports_a_malformed_release_and_imports_the_rest(cpv, bad, reason):
    broken = {**release(ocid="bad"), **bad}
    report = run(package(release(ocid="good-1"), broken, release(ocid="good-2")))
    assert (report.created, report.failed) == (2, 1)
    assert reason in report.failures[0][1]
    assert set(Tender.objects.values_list("ocid", flat=True)) == {"good-1", "good-2"}


def test_it_reports_a_negative_amount(cpv):
    bad = release(ocid="neg", lots=[{"id": "1", "title": "L", "value": {"amount": -5}}])
    assert run(package(bad)).failures == [
        ("neg", "tender.lots[0].value.amount: must not be negative")
    ]


def test_it_refuses_a_document_address_that_could_run_script(cpv):
    bad = release(ocid="js", documents=[{"id": "1", "url": "javascript:alert(1)"}])
    good = release(ocid="ok", documents=[{"id": "1", "url": "https://example.org/cctp.pdf"}])
    report = run(package(bad, good))
    assert report.failures == [
        ("js", "tender.documents[0].url: expected an http(s):// address, got 'javascript:alert(1)'")
    ]
    assert list(Tender.objects.values_list("ocid", flat=True)) == ["ok"]


def test_it_reports_wrong_types_with_their_path(cpv):
    report = run(package(release(ocid="x", value={"amount": "a lot", "currency": "EUR"})))
    assert report.failures == [("x", "tender.value.amount: expected a number, got a string")]
    assert not Tender.objects.exists()


def test_an_unknown_cpv_leaves_nothing_half_written(cpv):
    items = [{"id": "1", "classification": {"scheme": "CPV", "id": "99999999"}}]
    bad = release(ocid="unknown-cpv", items=items, lots=[{"id": "1", "title": "Lot"}])
    report = run(package(bad))
    assert report.failures == [("unknown-cpv", "unknown CPV code(s): 99999999")]
    assert not Tender.objects.exists()
    assert not Lot.objects.exists()
    assert not Organization.objects.filter(kind=Organization.Kind.MINISTRY).exists()


def test_a_database_refusal_rolls_back_only_that_release(cpv):
    # Lots are written after the tender: the tender row must not survive the lot's failure.
    huge = {"amount": 10**20, "currency": "EUR"}  # overflows the lot's numeric(16, 2)
    bad = release(ocid="huge-lot", lots=[{"id": "1", "title": "L", "value": huge}])
    report = run(package(release(ocid="ok"), bad))
    assert report.created == 1
    assert report.failures[0][0] == "huge-lot"
    assert "rejected by the database" in report.failures[0][1]
    assert list(Tender.objects.values_list("ocid", flat=True)) == ["ok"]
    assert not Organization.objects.filter(tenders__ocid="huge-lot").exists()


def test_it_reports_a_duplicate_ocid_in_one_file(cpv):
    first = release(ocid="dup")
    second = release(ocid="dup", title="Autre titre")
    report = run(package(first, second))
    assert (report.created, report.failed) == (1, 1)
    assert report.failures[0][0] == "dup"
    assert "duplicate ocid" in report.failures[0][1]
    assert Tender.objects.get().title == "Drones de surveillance"


def test_it_reports_broken_json_and_keeps_what_came_before(cpv):
    text = package(release(ocid="before"), release(ocid="after"))
    cut = text.index('{"ocid": "after"') + 20
    report = run(text[:cut] + "<<broken")
    assert report.created == 1
    assert report.failures[0][0] == "(file)"
    assert "invalid JSON" in report.failures[0][1]
    assert list(Tender.objects.values_list("ocid", flat=True)) == ["before"]


def test_it_reports_a_broken_json_line_and_goes_on(cpv):
    lines = [json.dumps(release(ocid="one")), "{not json", json.dumps(release(ocid="two"))]
    report = run("\n".join(lines))
    assert (report.created, report.failed) == (2, 1)
    assert report.failures[0][0] == "line 2"


def test_it_refuses_a_file_that_is_not_ocds(db):
    for data in ("", "[1, 2]", '{"hello": "world"}', "{{{"):
        report = run(data)
        assert report.failed == 1
        assert report.failures[0][0] == "(file)"


def test_the_command_prints_failures_and_the_summary_last(cpv, tmp_path, capsys):
    path = tmp_path / "releases.json"
    path.write_text(package(release(ocid="ok"), release(ocid="bad", title=42)))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_ocds", str(path))
    assert exit_info.value.code == 1
    out, err = capsys.readouterr()
    assert out.strip().splitlines()[-1] == "created 1, updated 0, unchanged 0, failed 1"
    assert "bad: tender.title: expected a string, got a number" in err


def test_the_command_succeeds_quietly_on_a_good_file(cpv, tmp_path, capsys):
    path = tmp_path / "releases.json"
    path.write_text(package(release(ocid="ok")))
    call_command("import_ocds", str(path))
    assert capsys.readouterr().out.strip() == "created 1, updated 0, unchanged 0, failed 0"


def test_a_delivery_postal_code_gives_the_departement_and_its_region(cpv, regions):
    Departement.objects.create(code="35", name="Ille-et-Vilaine", region_id="53")
    Departement.objects.create(code="75", name="Paris", region_id="11")
    items = [
        {
            "id": "1",
            "classification": {"scheme": "CPV", "id": "35613000-4"},
            "deliveryAddresses": [{"postalCode": "35170", "countryName": "France"}],
        }
    ]
    assert run(package(release(items=items))).created == 1
    tender = Tender.objects.get()
    assert (tender.departement_id, tender.region_id) == ("35", "53")
    # A newer release placing it in another region drops the département that no longer fits.
    items[0]["deliveryAddresses"] = [{"region": "Île-de-France"}]
    assert run(package(release(rid="r2", date="2026-02-01T00:00:00Z", items=items))).updated == 1
    tender.refresh_from_db()
    assert (tender.departement_id, tender.region_id) == (None, "11")
    # A postal code abroad, or one that contradicts the region given, is ignored.
    items[0]["deliveryAddresses"] = [
        {"region": "Île-de-France", "postalCode": "35170"},
        {"postalCode": "75007", "countryName": "Belgique"},
    ]
    assert run(package(release(rid="r3", date="2026-03-01T00:00:00Z", items=items))).updated == 1
    tender.refresh_from_db()
    assert (tender.departement_id, tender.region_id) == (None, "11")

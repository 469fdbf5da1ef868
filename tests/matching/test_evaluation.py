"""`evaluate_matching` on a tiny hand-made DECP file whose answer is known."""

import io
import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from stdnum import luhn

from portal.models import CpvCode, Organization
from suppliers.models import SupplierProfile
from tenders.models import Tender


def _siren(n: int) -> str:
    base = f"{80000000 + n:08d}"
    return base + luhn.calc_check_digit(base)


DRONES, SOFTWARE, FARM, ARMOUR, ENGINEERING = (_siren(n) for n in range(1, 6))
NEWCOMER, OUTSIDER = _siren(6), _siren(7)

REFERENCE = {
    "geo/regions.csv": "region_code,region_nom\n11,Île-de-France\n53,Bretagne\n",
    "geo/departements.csv": (
        "departement_code,departement_nom,region_code,region_nom\n"
        "29,Finistère,53,Bretagne\n35,Ille-et-Vilaine,53,Bretagne\n75,Paris,11,Île-de-France\n"
    ),
    "cpv/cpv_2008_fr_en.csv": "code,code8,label_en,label_fr\n"
    + "".join(
        f"{code},{code[:8]},{label},{label}\n"
        for code, label in [
            ("03000000-1", "Farm products"),
            ("35000000-4", "Security equipment"),
            ("35613000-4", "Unmanned aerial vehicles"),
            ("72000000-5", "IT services"),
            ("72200000-7", "Software programming"),
        ]
    ),
}


def _award(id_, buyer, cpv, place, objet, day, winners, *, nested=False):
    record = {
        "id": id_,
        "acheteur": {"id": f"buyer-{buyer}", "nom": buyer},
        "objet": objet,
        "codeCPV": cpv,
        "lieuExecution": place,
        "montant": 100000,
        "titulaires": [
            {"titulaire": w} if nested else w
            for w in (
                {"typeIdentifiant": kind, "id": ident, "denominationSociale": name}
                for kind, ident, name in winners
            )
        ],
    }
    if day:
        record["dateNotification"] = day
    return record


DEPT_35 = {"code": "35", "typeCode": "Code département", "nom": "Ille-et-Vilaine"}
PARIS = {"code": "75007", "typeCode": "Code postal", "nom": "Paris"}
BREST = {"code": "29200", "typeCode": "Code postal", "nom": "Brest"}
DGA, BREST_CITY, INTERIOR = "Direction générale de l'armement", "Mairie de Brest", "Intérieur"


def _siret(siren: str) -> str:
    return siren + "00011"


MARCHES = [
    # History (before 2019-01-01, or undated).
    _award("h1", DGA, "35613000-4", DEPT_35, "Drones de reconnaissance tactique",
           "2018-03-01+01:00", [("SIRET", _siret(DRONES), "Drones SA")]),
    _award("h2", DGA, "35613000", {"code": "35000", "typeCode": "Code postal"},
           "Maintenance de drones", None, [("SIRET", _siret(DRONES), "Drones SA")]),
    _award("h3", DGA, "72200000", PARIS, "Développement logiciel", "2018-05-01",
           [("SIRET", _siret(SOFTWARE), "Logiciels SARL")], nested=True),
    _award("h4", DGA, "72000000", PARIS, "Maintenance du syst\ufffdme informatique",
           "2018-06-01", [("SIRET", _siret(SOFTWARE), "Logiciels SARL")]),
    _award("h5", BREST_CITY, "3000000", BREST, "Fourniture de produits agricoles", "2018-07-01",
           [("SIRET", _siret(FARM), "Ferme")]),
    _award("h6", INTERIOR, "35000000", PARIS, "Gilets pare-balles", "2018-08-01",
           [("SIRET", _siret(ARMOUR), "Protection SA")]),
    _award("h7", DGA, "35613000", DEPT_35, "Drones", "2018-09-01",
           [("SIRET", "12345678900011", "Luhn fails")]),
    _award("h8", DGA, "35613000", DEPT_35, "Drones", "2018-09-01",
           [("TVA_INTRACOMMUNAUTAIRE", "DE123456789", "GmbH")]),
    # Tenders (on or after the split).
    _award("t1", DGA, "35613000", DEPT_35, "Drones de reconnaissance", "2019-02-01",
           [("SIRET", _siret(DRONES), "Drones SA")]),
    _award("t2", DGA, "72200000", PARIS, "Développement et maintenance logiciel", "2019-03-01",
           [("SIRET", _siret(SOFTWARE), "Logiciels SARL")]),
    _award("t2", DGA, "72000000", PARIS, "Développement et maintenance logiciel", "2019-03-01",
           [("SIRET", _siret(NEWCOMER), "Nouveau")]),
    _award("t3", BREST_CITY, "72000000", BREST, "Hébergement de serveurs", "2019-04-01",
           [("SIRET", _siret(FARM), "Ferme")]),
    _award("t4", BREST_CITY, "03000000", BREST, "Pommes", "2019-04-02",
           [("SIRET", _siret(OUTSIDER), "Verger")]),
]  # fmt: skip


def _scratch_name() -> str:
    return f"passerelle_eval_{os.getpid()}"


def _decp_file(tmp_path, settings):
    """MARCHES as a DECP file in TMP_PATH, and the reference data the command reads."""
    for name, text in REFERENCE.items():
        (tmp_path / "ref" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "ref" / name).write_text(text, encoding="utf-8")
    settings.REFERENCE_DATA_DIR = str(tmp_path / "ref")
    decp_file = tmp_path / "decp.json"
    decp_file.write_text(json.dumps({"marches": MARCHES}), encoding="utf-8")
    return decp_file


def _counts():
    return [m.objects.count() for m in (Organization, SupplierProfile, Tender, CpvCode)]


@pytest.mark.django_db(transaction=True)
def test_it_ranks_the_known_winners_and_leaves_nothing_behind(tmp_path, settings):
    decp_file = _decp_file(tmp_path, settings)
    before, stdout, stderr = _counts(), io.StringIO(), io.StringIO()

    call_command(
        "evaluate_matching",
        f"--decp={decp_file}",
        "--split-date=2019-01-01",
        f"--out={tmp_path / 'ranks.jsonl'}",
        stdout=stdout,
        stderr=stderr,
    )

    rows = [json.loads(line) for line in (tmp_path / "ranks.jsonl").read_text().splitlines()]
    # t4's winner never won before: no line. t2's lots make one tender with both winners.
    assert [(r["winners"], r["rank"], r["candidates"]) for r in rows] == [
        ([DRONES], 1, 2),  # the armour supplier shares the division only
        ([SOFTWARE, NEWCOMER], 1, 2),  # the drones supplier matches "maintenance" only
        ([FARM], None, 1),  # the farm never did IT: not even a candidate
    ]
    assert json.loads(stdout.getvalue().splitlines()[-1]) == {
        "tenders": 3,
        "hit@1": 0.6667,
        "hit@5": 0.6667,
        "hit@10": 0.6667,
        "hit@50": 0.6667,
        "mrr": 0.6667,
    }
    report = stderr.getvalue()
    assert "winner whose SIREN fails the Luhn check: skipped" in report
    assert "winner without a SIRET/SIREN" in report
    assert "CPV with a lost leading zero: padded" in report
    with connection.cursor() as cursor:
        # This process's scratch database (others may run their own evaluation meanwhile).
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_scratch_name()])
        assert cursor.fetchall() == []
    assert _counts() == before


@pytest.mark.django_db(transaction=True)
def test_until_leaves_the_later_awards_out(tmp_path, settings):
    decp_file = _decp_file(tmp_path, settings)
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(
        "evaluate_matching",
        f"--decp={decp_file}",
        "--split-date=2019-01-01",
        "--until=2019-03-15",
        stdout=stdout,
        stderr=stderr,
    )
    assert json.loads(stdout.getvalue().splitlines()[-1])["tenders"] == 2  # t1 and t2 (lots)
    assert "2  procedures on or after --until: left out" in stderr.getvalue()
    with pytest.raises(CommandError, match="--until must come after --split-date"):
        call_command(
            "evaluate_matching",
            f"--decp={decp_file}",
            "--split-date=2019-01-01",
            "--until=2018-12-31",
        )


@pytest.mark.parametrize(
    "content, message",
    [
        ("garbage{", r"not JSON \(line 1, column 1: Expecting value\)"),
        ("[1, 2]", r'a JSON object with a "marches" list; found a list'),
        ('{"marches": {}}', "found an object without it"),
        ("", "not JSON"),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_an_unreadable_decp_file_is_refused_before_any_database_is_made(tmp_path, content, message):
    decp_file = tmp_path / "decp.json"
    decp_file.write_text(content, encoding="utf-8")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database")
        databases = cursor.fetchone()[0]
    with pytest.raises(CommandError, match=message):
        call_command("evaluate_matching", f"--decp={decp_file}", "--split-date=2019-01-01")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database")
        assert cursor.fetchone()[0] == databases


@pytest.mark.django_db(transaction=True)
def test_a_failed_run_keeps_the_earlier_ranks_file_and_a_bad_out_is_refused_first(
    tmp_path, settings, monkeypatch
):
    from matching import evaluation

    decp_file = _decp_file(tmp_path, settings)
    with pytest.raises(CommandError, match="--out .*missing/ranks.jsonl: cannot write there"):
        call_command(
            "evaluate_matching",
            f"--decp={decp_file}",
            "--split-date=2019-01-01",
            f"--out={tmp_path / 'missing' / 'ranks.jsonl'}",
        )

    ranks = tmp_path / "ranks.jsonl"
    ranks.write_text("an earlier run\n", encoding="utf-8")
    real_evaluate = evaluation.evaluate

    def interrupted(built, write, progress=None):
        real_evaluate(built, write, progress)  # every row written, then the run fails
        raise RuntimeError("interrupted")

    monkeypatch.setattr(evaluation, "evaluate", interrupted)
    with pytest.raises(RuntimeError, match="interrupted"):
        call_command(
            "evaluate_matching", f"--decp={decp_file}", "--split-date=2019-01-01", f"--out={ranks}"
        )
    assert ranks.read_text(encoding="utf-8") == "an earlier run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decp.json", "ranks.jsonl", "ref"]

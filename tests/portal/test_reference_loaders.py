import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.models import CpvCode, Departement, Region
from portal.reference import cpv_load, regions_load

pytestmark = pytest.mark.django_db

HEADER = "code,code8,label_en,label_fr\n"
GOOD = (
    '35000000-4,35000000,"Security, fire-fighting, police and defence equipment",'
    '"Équipement de sécurité, de lutte contre l\'incendie, de police et de défense"\n'
    '35600000-0,35600000,"Military aircrafts, missiles and spacecrafts","Avions, missiles"\n'
    "35611100-1,35611100,Fighter aircrafts,Avions de combat\n"
)


def write(tmp_path, text, name="cpv.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_it_loads_cpv_codes_with_their_hierarchy(tmp_path):
    report = cpv_load(write(tmp_path, HEADER + GOOD))
    assert (report.created, report.updated, report.unchanged, report.failed) == (3, 0, 0, 0)
    fighter = CpvCode.objects.get(code="35611100")
    assert fighter.check_digit == "1"
    assert fighter.level == 6
    assert fighter.prefix == "356111"
    # 35611000 and 35610000 are absent here: the nearest present ancestor is the parent.
    assert fighter.parent_id == "35600000"
    assert CpvCode.objects.get(code="35600000").parent_id == "35000000"
    assert CpvCode.objects.get(code="35000000").level == CpvCode.Level.DIVISION


def test_it_is_idempotent_and_updates_changed_labels(tmp_path):
    path = write(tmp_path, HEADER + GOOD)
    cpv_load(path)
    again = cpv_load(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = write(tmp_path, HEADER + GOOD.replace("Avions de combat", "Chasseurs"), "v2.csv")
    report = cpv_load(changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert CpvCode.objects.get(code="35611100").label_fr == "Chasseurs"


def test_it_reports_bad_rows_by_line_and_loads_the_rest(tmp_path):
    text = (
        HEADER
        + GOOD
        + (
            "3560000,3560000,Too short,Trop court\n"
            "72000000-5,72000000,IT services,\n"
            "35000000-4,35000000,Duplicate,Doublon\n"
            "72200000-7,72200000,Software programming,Programmation de logiciels\n"
        )
    )
    report = cpv_load(write(tmp_path, text))
    assert report.created == 4
    assert [line for line, _ in report.failures] == [5, 6, 7]
    assert "not a CPV code" in report.failures[0][1]
    assert "label_fr" in report.failures[1][1]
    assert "duplicate" in report.failures[2][1]
    assert CpvCode.objects.filter(code="72200000").exists()


def test_the_command_prints_the_report_and_fails_on_bad_rows(tmp_path, capsys):
    path = write(tmp_path, HEADER + GOOD + "xx,xx,Bad,Mauvais\n")
    with pytest.raises(CommandError, match="1 row"):
        call_command("load_cpv", str(path))
    out, err = capsys.readouterr()
    assert "created 3, updated 0, unchanged 0, failed 1" in out
    assert "line 5" in err
    assert CpvCode.objects.count() == 3


def test_the_command_names_missing_columns(tmp_path):
    path = write(tmp_path, "code,label\n35000000-4,Security\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("load_cpv", str(path))


def test_the_command_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_cpv", str(tmp_path / "nope.csv"))


def test_it_loads_regions_and_departements(tmp_path, capsys):
    regions = write(
        tmp_path, "region_code,region_nom\n53,Bretagne\n11,Île-de-France\nXX,Bad\n", "regions.csv"
    )
    deps = write(
        tmp_path,
        "departement_code,departement_nom,region_code,region_nom\n"
        "29,Finistère,53,Bretagne\n2A,Corse-du-Sud,94,Corse\n",
        "deps.csv",
    )
    with pytest.raises(CommandError):
        call_command("load_regions", str(regions), "--departements", str(deps))
    assert set(Region.objects.values_list("code", flat=True)) == {"53", "11"}
    assert Departement.objects.get(code="29").region_id == "53"
    assert not Departement.objects.filter(code="2A").exists()  # its region is unknown
    err = capsys.readouterr().err
    assert "line 4" in err and "line 3" in err
    assert regions_load(regions).unchanged == 2


def test_the_bundled_subset_loads_without_shared_data(settings, capsys):
    settings.REFERENCE_DATA_DIR = ""
    call_command("load_reference")
    assert Region.objects.count() == 18
    assert CpvCode.objects.filter(level=CpvCode.Level.DIVISION).count() == 45
    assert CpvCode.objects.filter(code="35613000").exists()  # a code the demo uses


def test_the_full_official_lists_load(reference_data_dir, capsys):
    call_command("load_reference", "--dir", str(reference_data_dir))
    assert CpvCode.objects.count() == 9454
    assert Region.objects.count() == 27
    assert Departement.objects.count() == 110
    assert CpvCode.objects.filter(parent__isnull=True).count() == 45  # only divisions are roots
    out = capsys.readouterr().out
    assert "cpv: created 9454, updated 0, unchanged 0, failed 0" in out

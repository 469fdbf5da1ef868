import pytest

from portal.geography import departement_of_postal_code


@pytest.mark.parametrize(
    "postal_code,departement",
    [
        ("01000", "01"),
        ("33000", "33"),
        ("95880", "95"),
        ("20000", "2A"),
        ("20090", "2A"),
        ("20199", "2A"),
        ("20200", "2B"),
        ("20699", "2B"),
        ("20700", ""),  # no such Corsican code
        ("97100", "971"),
        ("97411", "974"),
        ("97600", "976"),
        ("98000", ""),  # Monaco
        ("98800", ""),  # New Caledonia: no département
        ("99000", ""),
        ("00100", ""),
        ("", ""),
        ("ABCDE", ""),
        ("3300", "03"),  # 03300, Cusset: a spreadsheet dropped the leading zero
        ("1000", "01"),
        ("330000", ""),
        ("330", ""),
        (" 33 000 ", "33"),  # typed with spaces
        ("2A000", ""),
    ],
)
def test_it_finds_the_departement_of_a_postal_code(postal_code, departement):
    assert departement_of_postal_code(postal_code) == departement


def test_it_takes_none_for_no_postal_code():
    assert departement_of_postal_code(None) == ""

"""Every list of regions in one order (QA finding: Île-de-France came last, after Provence, and
the shortlist filters offered overseas collectivities no supplier profile can name)."""

import pytest

from matching.forms import RequirementsForm, ShortlistFilterForm
from portal.models import Region
from suppliers.forms import IdentityForm, RegionsField
from tenders.forms import SearchForm, TenderForm

pytestmark = pytest.mark.django_db

EXPECTED = ["Auvergne-Rhône-Alpes", "Bretagne", "Corse", "Île-de-France", "Occitanie"]


@pytest.fixture
def some_regions():
    for code, name in [
        ("988", "Nouvelle-Calédonie"),
        ("94", "Corse"),
        ("11", "Île-de-France"),
        ("76", "Occitanie"),
        ("53", "Bretagne"),
        ("84", "Auvergne-Rhône-Alpes"),
        ("975", "Saint-Pierre-et-Miquelon"),
    ]:
        Region.objects.create(code=code, name=name)


def _labels(field) -> list[str]:
    return [str(label) for value, label in field.choices if value != ""]


def test_regions_come_alphabetically_ignoring_accents_then_the_collectivities(some_regions):
    names = list(Region.objects.values_list("name", flat=True))
    assert names == [*EXPECTED, "Nouvelle-Calédonie", "Saint-Pierre-et-Miquelon"]
    assert list(Region.objects.regions().values_list("name", flat=True)) == EXPECTED


def test_tenders_may_lie_in_a_collectivity_suppliers_are_described_by_the_18_regions(
    some_regions,
):
    # A tender's place of performance may be overseas: the search offers every place, in order.
    assert _labels(SearchForm().fields["region"]) == [
        *EXPECTED,
        "Nouvelle-Calédonie",
        "Saint-Pierre-et-Miquelon",
    ]
    assert _labels(TenderForm().fields["region"]) == _labels(SearchForm().fields["region"])
    # What describes a supplier offers the regions a profile can name, in the same order.
    assert _labels(IdentityForm().fields["region"]) == EXPECTED
    assert _labels(RegionsField()) == EXPECTED
    assert _labels(ShortlistFilterForm().fields["region"]) == EXPECTED
    assert _labels(RequirementsForm().fields["regions"]) == EXPECTED

import pytest

from portal.models import Organization
from portal.reference import LOADERS, reference_sources
from tenders.demo import demo_load
from tenders.demo_data import DEPARTEMENTS
from tenders.models import Tender

pytestmark = pytest.mark.django_db


def test_it_loads_realistic_demo_tenders_once(db):
    dga = Organization.objects.create(
        kind=Organization.Kind.MINISTRY, name="Direction générale de l'armement (DGA)"
    )
    first = demo_load()
    assert first["tenders"] == Tender.objects.count() >= 25
    assert demo_load() == {"tenders": 0, "ministry_entities": 0}
    assert Tender.objects.count() == first["tenders"]
    assert Tender.objects.filter(buyer=dga).exists()  # the portal's demo DGA is reused
    assert Organization.objects.filter(kind=Organization.Kind.MINISTRY).count() >= 6
    statuses = set(Tender.objects.values_list("status", flat=True))
    assert {"draft", "published", "closed"} <= statuses
    assert not Tender.objects.filter(main_cpv__isnull=True).exists()
    assert Tender.objects.filter(lots__isnull=False).distinct().count() >= 5


def test_demo_tenders_name_their_departement_with_the_bundled_reference_data(db, settings):
    settings.REFERENCE_DATA_DIR = ""  # the subset shipped with the project (make run)
    for kind, path in reference_sources():
        LOADERS[kind](path)
    demo_load()
    placed = Tender.objects.exclude(departement=None).select_related("departement")
    assert placed.count() == len(DEPARTEMENTS)
    assert all(t.departement.region_id == t.region_id for t in placed)

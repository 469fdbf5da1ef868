from datetime import timedelta

import pytest
from django.utils import timezone

from portal.choices import ClearanceLevel
from tenders.models import Lot, Tender
from tenders.selectors import SearchFilters, tenders_facets, tenders_search

pytestmark = pytest.mark.django_db


def titles(user, **filters):
    return [t.title for t in tenders_search(user=user, filters=SearchFilters(**filters))]


def test_a_french_word_typed_without_accents_finds_an_accented_title(make_tender, supplier):
    make_tender(title="Système de défense sol-air")
    make_tender(title="Formation des équipages")
    assert titles(supplier, q="defense") == ["Système de défense sol-air"]
    assert titles(supplier, q="equipage") == ["Formation des équipages"]  # stemmed too


def test_english_words_and_lots_are_searched(make_tender, supplier):
    make_tender(title="Surveillance drones")
    make_tender(title="Soutien", lots=["Maintenance des véhicules blindés"])
    assert titles(supplier, q="drone") == ["Surveillance drones"]
    assert titles(supplier, q="vehicules blindes") == ["Soutien"]


def test_the_vector_follows_lot_changes(make_tender, supplier):
    tender = make_tender(title="Soutien", lots=["Optronique"])
    Lot.objects.filter(tender=tender).update(title="Radar")
    assert titles(supplier, q="radar") == ["Soutien"]
    Lot.objects.filter(tender=tender).delete()
    assert titles(supplier, q="radar") == []


def test_the_title_ranks_before_the_description(make_tender, supplier):
    make_tender(title="Maintenance", description="Drones de reconnaissance")
    make_tender(title="Drones de reconnaissance")
    assert titles(supplier, q="drones", sort="relevance")[0] == "Drones de reconnaissance"


def test_it_filters_by_cpv_division_group_or_code(make_tender, supplier):
    make_tender(title="Drones", main_cpv_id="35613000")
    make_tender(title="Logiciel", main_cpv_id="72212730")
    extra = make_tender(title="Formation", main_cpv_id="80510000")
    extra.additional_cpvs.set(["35740000"])
    assert sorted(titles(supplier, cpv="35")) == ["Drones", "Formation"]
    assert titles(supplier, cpv="3561") == ["Drones"]
    assert titles(supplier, cpv="72212730") == ["Logiciel"]
    assert titles(supplier, cpv="50") == []


def test_it_filters_by_deadline_clearance_sme_buyer_region_status(
    make_tender, supplier, regions, other_ministry_author
):
    now = timezone.now()
    make_tender(title="Soon", submission_deadline=now + timedelta(days=3), region_id="53")
    make_tender(title="Later", submission_deadline=now + timedelta(days=40), sme_reserved=True)
    make_tender(title="Secret", min_clearance=ClearanceLevel.SECRET, status=Tender.Status.CLOSED)
    make_tender(title="Other", buyer=other_ministry_author.membership.organization)
    soon = (now + timedelta(days=5)).date()
    assert titles(supplier, deadline_to=soon) == ["Soon"]
    assert "Soon" not in titles(supplier, deadline_from=soon)
    assert "Secret" not in titles(supplier, max_clearance=ClearanceLevel.DIFFUSION_RESTREINTE)
    assert titles(supplier, sme_reserved=True) == ["Later"]
    assert titles(supplier, region="53") == ["Soon"]
    assert titles(supplier, status="closed") == ["Secret"]
    assert titles(supplier, buyer=other_ministry_author.membership.organization.pk) == ["Other"]


def test_it_sorts_by_deadline_and_publication(make_tender, supplier):
    now = timezone.now()
    make_tender(title="B", submission_deadline=now + timedelta(days=9), published_at=now)
    make_tender(title="A", submission_deadline=now + timedelta(days=2),
                published_at=now - timedelta(days=3))  # fmt: skip
    assert titles(supplier, sort="deadline") == ["A", "B"]
    assert titles(supplier, sort="publication") == ["B", "A"]


def test_facets_count_the_matching_tenders(make_tender, supplier, regions):
    make_tender(title="Drone 1", main_cpv_id="35613000", region_id="53", sme_reserved=True)
    make_tender(title="Drone 2", main_cpv_id="35740000", status=Tender.Status.CLOSED)
    make_tender(title="Logiciel", main_cpv_id="72212730")
    queryset = tenders_search(user=supplier, filters=SearchFilters())
    facets = tenders_facets(queryset=queryset)
    assert [(b.value, b.count) for b in facets["cpv"]] == [("35", 2), ("72", 1)]
    assert facets["cpv"][0].label.startswith("Équipement de sécurité")  # French by default
    assert [(b.value, b.count) for b in facets["status"]] == [("published", 2), ("closed", 1)]
    assert [(b.value, b.count) for b in facets["region"]] == [("53", 1)]
    assert [b.count for b in facets["sme"]] == [1]
    narrowed = tenders_facets(
        queryset=tenders_search(user=supplier, filters=SearchFilters(q="drone"))
    )
    assert [(b.value, b.count) for b in narrowed["cpv"]] == [("35", 2)]


def test_drafts_are_searchable_only_by_their_entity_and_moderators(
    make_tender, supplier, ministry_author, other_ministry_author, moderator
):
    make_tender(title="Brouillon", status=Tender.Status.DRAFT)
    assert titles(supplier) == []
    assert titles(other_ministry_author) == []
    assert titles(ministry_author) == ["Brouillon"]
    assert titles(moderator) == ["Brouillon"]


def test_the_search_page_uses_a_bounded_number_of_queries(
    client, supplier, make_tender, regions, django_assert_max_num_queries
):
    for i in range(30):
        make_tender(title=f"Drone de défense {i}", region_id="53", lots=["Lot"])
    client.force_login(supplier)
    with django_assert_max_num_queries(14):
        response = client.get("/tenders/", {"q": "defense", "cpv": "35", "sort": "deadline"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 30
    assert len(response.context["page"].object_list) == 20


def test_the_search_uses_the_gin_index(make_tender, moderator):
    from django.db import connection

    for i in range(5):
        make_tender(title=f"Tender {i}")
    # A moderator sees every status: the full-text condition is the only filter left.
    queryset = tenders_search(user=moderator, filters=SearchFilters(q="defense"))
    with connection.cursor() as cursor:
        # Tiny test tables make any plan cheap: forbid the scans that need no index at all,
        # and plain index scans (whose choice on empty tables depends on stale statistics).
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        plan = queryset.explain()
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    assert "tender_search_gin" in plan

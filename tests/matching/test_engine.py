import dataclasses
import datetime
import threading

import pytest
from django.db import connection
from django.utils import translation

from matching import bench, engine, scoring, services
from matching.models import Match
from portal.models import Departement
from suppliers import services as supplier_services
from suppliers.models import SupplierProfile
from tenders import services as tender_services

pytestmark = pytest.mark.django_db


def test_it_ranks_by_cpv_proximity_and_words_and_explains_each_component(
    make_supplier, make_tender
):
    exact = make_supplier(
        cpv_codes=["35613000"], capability_statement="Drones de reconnaissance tactique."
    )
    group = make_supplier(cpv_codes=["35600000"])
    division = make_supplier(cpv_codes=["35000000"])
    unrelated = make_supplier(cpv_codes=["72000000"])
    tender = make_tender(title="Drones de reconnaissance", region_id="53")
    stats = services.shortlist_rebuild(tender=tender)
    assert stats["created"] == 3
    ranked = list(Match.objects.filter(tender=tender).order_by("rank"))
    assert [m.supplier_id for m in ranked] == [exact.pk, group.pk, division.pk]
    assert unrelated.pk not in {m.supplier_id for m in ranked}
    best = ranked[0]
    assert {c["name"] for c in best.components} == {
        "cpv",
        "text",
        "past_performance",
        "certifications",
        "region",
        "departement",
        "size",
        "interest",
    }
    assert all(c["explanation"] for c in best.components)
    text = next(c for c in best.components if c["name"] == "text")
    assert text["value"] > 0 and "drone" in text["explanation"]
    assert ranked[0].score > ranked[1].score > ranked[2].score


def test_a_hard_constraint_excludes_with_its_reason(make_supplier, make_tender):
    deadline = datetime.date.today() + datetime.timedelta(days=30)
    holder = make_supplier(
        cpv_codes=["35613000"], certifications=[("iso27001", deadline + datetime.timedelta(days=1))]
    )
    lapsing = make_supplier(
        cpv_codes=["35613000"], certifications=[("iso27001", deadline - datetime.timedelta(days=1))]
    )
    tender = make_tender(mandatory_certifications=["iso27001"])
    services.shortlist_rebuild(tender=tender)
    kept = Match.objects.get(tender=tender, supplier=holder)
    out = Match.objects.get(tender=tender, supplier=lapsing)
    assert kept.rank == 1 and kept.eligible
    assert out.rank is None and not out.eligible
    [failed] = [c for c in out.constraints if not c["passed"]]
    assert "ISO 27001" in failed["reason"]


@pytest.mark.parametrize("top_n, min_batch", [(5, engine.MIN_DETAILS_BATCH), (2, 1), (5, 1)])
def test_the_top_n_equals_exhaustive_scoring(
    make_supplier, make_tender, monkeypatch, top_n, min_batch
):
    """With small details batches (MIN_BATCH 1: 2 × TOP_N rows first), the later reads are
    those of the rows whose bound can still reach the N-th best score, and the top N stays
    exact."""
    monkeypatch.setattr(engine, "MIN_DETAILS_BATCH", min_batch)
    reads = []
    details = engine.details
    monkeypatch.setattr(engine, "details", lambda ctx, ids: reads.append(ids) or details(ctx, ids))
    Departement.objects.create(code="35", name="Ille-et-Vilaine", region_id="53")
    Departement.objects.create(code="29", name="Finistère", region_id="53")
    codes = ["35613000", "35600000", "35000000", "35700000", "72000000", "35613000"]
    words = ["drones", "radar", "cyber", "logistique", "drones et radar", "formation"]
    for i in range(18):
        make_supplier(
            cpv_codes=[codes[i % 6]],
            capability_statement=words[(i * 5) % 6],
            headcount=5 + i * 30,
            postal_code="35000" if i % 5 < 2 else "29200",
            regions_served=["53"] if i % 3 else [],
            references=[("35613000", 2020 + i % 6, "DGA")] if i % 4 == 0 else [],
        )
    tender = make_tender(
        title="Drones et radar", region_id="53", departement_id="35", sme_reserved=True
    )
    ctx = engine.tender_context(tender)
    # Exhaustive: every live supplier loaded through the ORM and scored in Python, its text
    # relevance computed in Python too (the benchmark's naive baseline).
    everything = sorted(
        (engine.score_row(ctx, bench._naive_row(p, ctx, set())) for p in bench.naive_profiles()),
        key=lambda s: (-s.score, s.supplier_id),
    )
    everything = [s for s in everything if engine.is_relevant(s)]
    local = {c.value for s in everything for c in s.components if c.name == "departement"}
    assert local == {0.0, 1.0}  # the département weighs in both ways (head office from postcode)
    exhaustive = [s.supplier_id for s in everything if s.eligible][:top_n]
    # Start with a window far too small: the engine must widen it until the top N is exact.
    eligible, _excluded = engine.rank(ctx, top_n=top_n, first_limit=2)
    assert [s.supplier_id for s in eligible] == exhaustive
    assert len(exhaustive) == top_n
    eligible, _excluded = engine.rank(ctx, top_n=top_n)
    assert [s.supplier_id for s in eligible] == exhaustive
    if min_batch == 1:  # rows past the first batch were read
        assert len(reads) > 2


def test_rematching_is_idempotent(make_supplier, make_tender):
    make_supplier(cpv_codes=["35613000"])
    make_supplier(cpv_codes=["35600000"])
    tender = make_tender()
    services.shortlist_rebuild(tender=tender)
    before = list(Match.objects.values_list("pk", "rank", "computed_at"))
    assert services.shortlist_rebuild(tender=tender) == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "deleted": 0,
    }
    assert list(Match.objects.values_list("pk", "rank", "computed_at")) == before


def test_ranks_move_without_colliding_when_a_supplier_overtakes(
    make_supplier, make_tender, supplier
):
    first = make_supplier(cpv_codes=["35613000"])
    second = make_supplier(cpv_codes=["35600000"])
    tender = make_tender()
    services.shortlist_rebuild(tender=tender)
    live = SupplierProfile.objects.get(organization=second, is_live=True)
    SupplierProfile.objects.filter(pk=live.pk).update(
        cpv_prefixes=supplier_services.cpv_prefixes(["35613000"]),
        cpv_codes=["35613000"],
        region_id="53",
    )
    tender.region_id = "53"
    tender.save()
    assert services.shortlist_rebuild(tender=tender)["updated"] == 2
    ranks = dict(Match.objects.values_list("supplier_id", "rank"))
    assert sorted(ranks.values()) == [1, 2]
    assert ranks[first.pk] != ranks[second.pk]
    # What the one-statement update wrote reads back as what the engine computes.
    assert services.shortlist_rebuild(tender=tender)["unchanged"] == 2
    moved = Match.objects.get(supplier=second)
    assert moved.engine_version == scoring.ENGINE_VERSION and moved.components[0]["explanation"]


def test_a_suspended_supplier_leaves_every_shortlist(make_supplier, make_tender, moderator):
    org = make_supplier(cpv_codes=["35613000"])
    tender = make_tender()
    services.shortlist_rebuild(tender=tender)
    live = SupplierProfile.objects.get(organization=org, is_live=True)
    supplier_services.profile_suspend(live=live, by=moderator, reason="Contrôle")
    assert not Match.objects.filter(supplier=org).exists()
    services.shortlist_rebuild(tender=tender)
    assert not Match.objects.filter(supplier=org).exists()


def test_a_tender_no_longer_published_has_no_shortlist(make_supplier, make_tender, moderator):
    make_supplier(cpv_codes=["35613000"])
    tender = make_tender()
    services.shortlist_rebuild(tender=tender)
    tender_services.tender_cancel(tender=tender, by=moderator, reason="Annulé")
    tender.refresh_from_db()
    services.shortlist_rebuild(tender=tender)
    assert not Match.objects.filter(tender=tender).exists()


def test_publishing_enqueues_matching_after_commit_and_not_on_rollback(
    make_tender, ministry_author, django_capture_on_commit_callbacks
):
    draft = make_tender(status="draft")
    with django_capture_on_commit_callbacks() as callbacks:
        tender_services.tender_publish(tender=draft, by=ministry_author)
    assert len(callbacks) == 1
    assert "match_tender" in repr(callbacks[0]) or callbacks[0].__qualname__

    other = make_tender(status="draft")
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with connection.cursor():
                from django.db import transaction

                with transaction.atomic():
                    tender_services.tender_publish(tender=other, by=ministry_author)
                    raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert callbacks == []


@pytest.mark.django_db(transaction=True)
def test_two_rebuilds_at_once_leave_one_consistent_shortlist(make_supplier, make_tender):
    for code in ["35613000", "35600000", "35000000"]:
        make_supplier(cpv_codes=[code])
    tender = make_tender()
    errors = []

    def rebuild():
        try:
            services.shortlist_rebuild(tender=tender)
        except Exception as exc:  # noqa: BLE001 - any failure fails the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=rebuild) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Match.objects.filter(tender=tender).values_list("rank", flat=True)) == [1, 2, 3]


def test_constraints_in_sql_agree_with_python(make_supplier, make_tender):
    deadline = datetime.date.today() + datetime.timedelta(days=30)
    later, earlier = deadline + datetime.timedelta(days=1), deadline - datetime.timedelta(days=1)
    good = {"clearance_level": 2, "clearance_expires_on": later, "eu_controlled": True}
    good |= {"itar_free": True, "trl": 7}
    valid_certs = [("iso27001", later), ("iso9001", None)]
    variants = [  # the one that passes everything, then one failing constraint each
        (good, valid_certs),
        (good | {"clearance_level": 3, "clearance_expires_on": None}, valid_certs),
        (good | {"clearance_expires_on": earlier}, valid_certs),
        (good | {"clearance_level": 1}, valid_certs),
        (good, [("iso27001", earlier), ("iso9001", None)]),
        (good, [("iso27001", later)]),
        (good, [("iso27001", later), ("iso27001", None)]),  # one certification, held twice
        (good | {"headcount": 400, "annual_turnover_eur": 90_000_000}, valid_certs),
        (good | {"eu_controlled": False}, valid_certs),
        (good | {"itar_free": False}, valid_certs),
        (good | {"trl": 5}, valid_certs),
    ]
    for fields, certs in variants:
        make_supplier(cpv_codes=["35613000"], certifications=certs, **fields)
    tender = make_tender(
        min_clearance=2,
        mandatory_certifications=["iso27001", "iso9001"],
        sme_reserved=True,
        eu_controlled_required=True,
        itar_free_required=True,
        min_trl=6,
    )
    for requirements in (None, "constraints"):
        ctx = engine.tender_context(tender)
        if requirements is None:  # the same suppliers against a tender with no constraint
            ctx.requirements = scoring.Requirements(cpv_codes=ctx.codes, deadline=deadline)
        rows = engine.retrieve(ctx, 100, candidates_only=False)
        assert len(rows) == len(variants)
        verdicts = [(bool(r["eligible_sql"]), engine.score_row(ctx, r).eligible) for r in rows]
        assert all(sql == python for sql, python in verdicts), verdicts
        passed = sum(sql for sql, _ in verdicts)
        assert passed == (len(variants) if requirements is None else 2)
        # The same constraints as a filter (the later stages read eligible suppliers only).
        only = engine.retrieve(ctx, 100, candidates_only=False, eligible_only=True)
        assert {r["id"] for r in only} == {r["id"] for r in rows if r["eligible_sql"]}


def test_a_supplier_outside_the_candidates_still_ranks_when_needed(make_supplier, make_tender):
    """Stage 1 reads only suppliers sharing a CPV group or a distinctive word; when they are too
    few for the top N, every relevant supplier is read (the outsider, which shares only the CPV
    division, comes last, but it comes); an irrelevant one never does."""
    close = make_supplier(cpv_codes=["35613000"], capability_statement="Drones tactiques.")
    outsider = make_supplier(cpv_codes=["35100000"], capability_statement="Logiciels.")
    make_supplier(cpv_codes=["72000000"], capability_statement="Logiciels.")
    tender = make_tender(title="Drones tactiques", region_id="53")
    eligible, _excluded = engine.rank(engine.tender_context(tender), top_n=5)
    assert [s.supplier_id for s in eligible] == [close.pk, outsider.pk]
    # With room for one only, the candidates answer alone.
    eligible, _excluded = engine.rank(engine.tender_context(tender), top_n=1)
    assert [s.supplier_id for s in eligible] == [close.pk]


def test_with_few_eligible_suppliers_the_later_stages_read_only_those(
    make_supplier, make_tender, monkeypatch
):
    """A rare mandatory certification: stage 1 holds fewer than N eligible suppliers, so the
    outsiders must be read too — the eligible ones only, the constraints filtering the rows —
    and the top N is still exact; the excluded are the best of the stage-1 candidates."""
    suppliers = [
        make_supplier(
            cpv_codes=["35613000" if i % 3 == 0 else "35100000"],
            capability_statement="Drones tactiques." if i % 3 == 0 else "Logiciels embarqués.",
            headcount=5 + i * 20,
            certifications=[("secnumcloud", None)] if i % 4 == 0 else [("iso9001", None)],
        )
        for i in range(12)
    ]
    tender = make_tender(title="Drones tactiques", mandatory_certifications=["secnumcloud"])
    ctx = engine.tender_context(tender)
    everything = sorted(
        (engine.score_row(ctx, bench._naive_row(p, ctx, set())) for p in bench.naive_profiles()),
        key=lambda s: (-s.score, s.supplier_id),
    )
    exhaustive = [s.supplier_id for s in everything if s.eligible and engine.is_relevant(s)]
    assert exhaustive == [suppliers[i].pk for i in (0, 4, 8)]  # one candidate, two outsiders
    calls = []
    original = engine.window

    def spy(ctx, limit, candidates_only=True, essential=None, eligible_only=False):
        calls.append(eligible_only)
        return original(ctx, limit, candidates_only, essential, eligible_only)

    monkeypatch.setattr(engine, "window", spy)
    eligible, excluded = engine.rank(ctx, top_n=5)
    assert [s.supplier_id for s in eligible] == exhaustive
    assert calls == [False, True]
    assert {s.supplier_id for s in excluded} == {suppliers[i].pk for i in (3, 6, 9)}
    assert not any(s.eligible for s in excluded)


def test_term_statistics_make_rare_words_weigh_more(make_supplier, make_tender):
    for _ in range(3):
        make_supplier(cpv_codes=["35613000"], capability_statement="Drones et services.")
    make_supplier(cpv_codes=["35613000"], capability_statement="Capteurs hyperspectraux.")
    assert engine.refresh_term_stats() == 4
    tender = make_tender(title="Drones hyperspectraux et services")
    weights = {t.word: t.weight for t in engine.tender_context(tender).terms}
    assert weights["hyperspectraux"] > weights["drones"]
    # A word no supplier uses cannot match: it is not a term of the query.
    tender = make_tender(title="Drones et hélicoptères")
    assert "hélicoptères" not in {t.word for t in engine.tender_context(tender).terms}


def test_the_nightly_fan_out_recounts_the_words_first(make_supplier, make_tender):
    from matching.models import CorpusStat
    from matching.tasks import match_open_tenders

    make_supplier(cpv_codes=["35613000"], capability_statement="Drones tactiques.")
    make_tender(title="Drones")
    CorpusStat.objects.all().delete()
    assert match_open_tenders() == 1  # eager in tests: the tender's match ran too
    assert CorpusStat.objects.get().documents == 1


def test_essential_words_keep_only_the_outsiders_that_can_still_enter(
    make_supplier, make_tender, monkeypatch
):
    """When stage 1 is not proven, only outsiders holding one of the common words heavy enough
    to reach its N-th best score are read (stage 1½), and the top N is still exact."""
    monkeypatch.setattr(engine, "DISTINCTIVE_MIN_DOCUMENTS", 0)  # common words in a small corpus
    monkeypatch.setattr(engine, "DISTINCTIVE_SHARE", 0.3)
    words = [
        "maintenance radar drones",
        "maintenance radar",
        "maintenance",
        "maintenance logistique",
        "radar logistique",
        "formation",
        "logistique",
        "maintenance radar logistique",
    ]
    for i in range(16):
        make_supplier(
            cpv_codes=["35613000" if i < 3 else "35100000" if i % 2 else "72000000"],
            capability_statement=words[i % len(words)],
            headcount=5 + i * 40,
            regions_served=["53"] if i % 3 else [],
        )
    engine.refresh_term_stats()
    tender = make_tender(
        title="Maintenance radar et logistique des drones", region_id="53", sme_reserved=True
    )
    ctx = engine.tender_context(tender)
    assert any(not t.distinctive for t in ctx.terms)
    everything = sorted(
        (engine.score_row(ctx, bench._naive_row(p, ctx, set())) for p in bench.naive_profiles()),
        key=lambda s: (-s.score, s.supplier_id),
    )
    eligible_all = [s.supplier_id for s in everything if s.eligible and engine.is_relevant(s)]
    calls = []
    original = engine.window

    def spy(ctx, limit, candidates_only=True, essential=None, eligible_only=False):
        calls.append((candidates_only, essential))
        return original(ctx, limit, candidates_only, essential, eligible_only)

    monkeypatch.setattr(engine, "window", spy)
    for top_n in range(1, 9):
        eligible, _excluded = engine.rank(ctx, top_n=top_n)
        assert [s.supplier_id for s in eligible] == eligible_all[:top_n], top_n
    assert any(essential for _candidates, essential in calls)  # stage 1½ was exercised
    assert any(candidates for candidates, _essential in calls[1:])  # in place of stage 2


def test_essential_terms_leave_out_the_lightest_words_an_outsider_may_hold(make_tender, regions):
    tender = make_tender(title="x", region_id="53")
    ctx = engine.tender_context(tender)
    ctx.terms = [
        engine.Term("drone", "drones", 5.0, True),
        engine.Term("radar", "radar", 3.0, False),
        engine.Term("maint", "maintenance", 1.0, False),
        engine.Term("lot", "lot", 0.5, False),
    ]
    light = ctx.terms[2:]
    # Thresholds are scores, rounded to 2 decimals; a bound counts as what it shows rounded.
    shown = engine._reachable
    above = shown(engine.outsider_bound(ctx, light)) + 0.01
    assert engine.essential_terms(ctx, above) == engine.Essential(("radar",), False)
    everything = shown(engine.outsider_bound(ctx, ctx.terms[1:]))  # can tie: radar still needed
    assert engine.essential_terms(ctx, everything) == engine.Essential(("radar",), False)
    above = shown(engine.outsider_bound(ctx, light[1:])) + 0.01
    assert engine.essential_terms(ctx, above) == engine.Essential(("maint", "radar"), False)
    # The CPV division alone could reach it: those suppliers are read, and the words are chosen
    # for the others (no CPV points at all).
    division_only = shown(engine.outsider_bound(ctx, []))
    without_division = engine.outsider_bound(ctx, light, division=False)
    assert without_division < division_only  # with these weights
    assert engine.essential_terms(ctx, division_only) == engine.Essential(("radar",), True)
    assert (
        engine.essential_terms(ctx, shown(engine.outsider_bound(ctx, [], division=False))) is None
    )


def test_integer_keys_are_kept_by_postgresql_as_the_engine_computes_them(make_supplier):
    """The generated columns (suppliers 0006) and their Python mirrors agree, accents and
    English stems included; a lexeme's key is a stable hash of it."""
    organization = make_supplier(
        cpv_codes=["35613000", "72212000"],
        capability_statement="Drones tactiques, élévation et maintenance des hélicoptères.",
        keywords=["cyber defence"],
        references=[("50600000", 2022, "DGA")],
    )
    profile = SupplierProfile.objects.get(organization=organization, is_live=True)
    assert profile.cpv_keys == engine.cpv_keys(profile.cpv_prefixes)
    assert profile.reference_cpv_keys == engine.cpv_keys(profile.reference_cpv_prefixes)
    assert 35613000 * 10 + 8 in profile.cpv_keys and 35 * 10 + 2 in profile.cpv_keys
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(search_vector) FROM suppliers_supplierprofile WHERE id = %s",
            [profile.pk],
        )
        lexemes = cursor.fetchone()[0]
    assert any(not lexeme.isascii() or "elev" in lexeme for lexeme in lexemes)
    assert profile.lexeme_keys == sorted({engine.lexeme_key(lexeme) for lexeme in lexemes})
    assert engine.lexeme_key("drone") == engine.lexeme_key("drone") != engine.lexeme_key("dron")
    # A tender's terms carry the key PostgreSQL computes: the same as the stored ones whatever
    # the database's encoding (here UTF-8: the same as Python's too).
    terms, _avg = engine.tender_terms("Drones tactiques: élévation des hélicoptères")
    assert all(t.key == engine.lexeme_key(t.lexeme) for t in terms)
    shared = [t for t in terms if t.lexeme in lexemes]
    assert len(shared) >= 3 and all(t.key in profile.lexeme_keys for t in shared)


def test_the_text_bound_on_integer_keys_is_never_below_the_exact_text(make_supplier, make_tender):
    """The window ranks by a text bound counted on integer keys (weights rounded up to 31
    steps of the heaviest): never below the exact text relevance, and close to it."""
    statements = [
        "Drones tactiques et radar",
        "Maintenance radar, formation",
        "Drones, maintenance, logistique, formation, radar aéroporté",
        "Logiciels embarqués",
        "Capteurs hyperspectraux pour drones",
        "Services généraux",
    ]
    for statement in statements:
        make_supplier(cpv_codes=["35613000"], capability_statement=statement)
    engine.refresh_term_stats()
    tender = make_tender(
        title="Drones tactiques et capteurs hyperspectraux",
        description="Maintenance radar et formation, logistique aéroportée.",
    )
    ctx = engine.tender_context(tender)
    assert len({round(t.weight, 6) for t in ctx.terms}) > 2  # weights that need rounding
    n = len(ctx.terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, {engine.text_bound_sql(n)} "  # noqa: S608
            "FROM matching_supplierindex p",  # what the window reads
            {**engine._params(ctx), **engine._key_sets(ctx)},
        )
        bounds = dict(cursor.fetchall())
    rows = engine.details(ctx, list(bounds))
    pairs = [
        (ctx.text_value(r["matched_terms"], r["matched_phrases"], r["doc_length"]), bounds[i])
        for i, r in rows.items()
    ]
    assert len(pairs) == len(statements)
    assert ctx.phrases and any(r["matched_phrases"] for r in rows.values())
    assert any(exact > 0 for exact, _bound in pairs)
    for exact, bound in pairs:
        assert exact - 1e-9 <= bound <= exact + n / 31 / scoring.TEXT_FULL + 1e-9


def test_the_bound_leaves_out_the_components_that_add_nothing_and_stays_the_same(
    make_supplier, make_tender
):
    """A tender with no region, no SME reservation, no preferred certification and no interest:
    those terms are left out of the bound's SQL, and every row's bound is the same number as
    with all of them (each would add exactly 0)."""
    for i in range(6):
        make_supplier(
            cpv_codes=["35613000" if i % 2 else "35100000"],
            capability_statement="Drones tactiques, maintenance." if i % 3 else "Radar.",
            regions_served=["53"] if i % 2 else [],
            headcount=5 + i * 60,
            certifications=[("iso9001", None)] if i % 3 == 0 else [],
        )
    ctx = engine.tender_context(make_tender(title="Maintenance de drones tactiques"))
    assert engine.bound_parts(ctx) == ("cpv", "text", "past_performance")
    params = {**engine._params(ctx), **engine._key_sets(ctx), "limit": 100}
    every = engine.window_sql(len(ctx.terms), "TRUE", False, False)
    assert len(engine.BOUND_PARTS) == 8 and every.count("%(w_") == 8
    with connection.cursor() as cursor:
        cursor.execute(every, params)
        all_parts = [(row[0], row[2]) for row in cursor.fetchall()]
    rows = engine.window(ctx, 100, candidates_only=False)
    assert [(r["id"], r["upper_bound"]) for r in rows] == all_parts
    assert len(rows) == 6 and all(bound > 0 for _id, bound in all_parts)
    # A region but no département: the region counts (some suppliers serve it), not the rest.
    ctx = engine.tender_context(make_tender(title="Maintenance de drones", region_id="53"))
    assert engine.bound_parts(ctx) == ("cpv", "text", "region", "past_performance")
    params = {**engine._params(ctx), **engine._key_sets(ctx), "limit": 100}
    with connection.cursor() as cursor:
        cursor.execute(every, params)
        all_parts = [(row[0], row[2]) for row in cursor.fetchall()]
    rows = engine.window(ctx, 100, candidates_only=False)
    assert [(r["id"], r["upper_bound"]) for r in rows] == all_parts
    # With a region, SME reservation, a preferred certification and an interest, all count.
    tender = make_tender(
        title="Drones", region_id="53", sme_reserved=True, preferred_certifications=["iso9001"]
    )
    tender.interests.create(organization=SupplierProfile.objects.first().organization)
    assert engine.bound_parts(engine.tender_context(tender)) == (
        "cpv",
        "text",
        "region",
        "size",
        "interest",
        "past_performance",
        "certifications",
    )


def test_the_certifications_bound_counts_the_types_held_and_is_never_below_the_exact_value(
    make_supplier, make_tender
):
    """The window bounds the preferred certifications from the types held (a column kept when
    the profile goes live), their expiry aside: exact for valid ones, above for expired ones."""
    deadline = datetime.date.today() + datetime.timedelta(days=30)
    expired = deadline - datetime.timedelta(days=1)
    held = [
        [],
        [("iso9001", None)],
        [("iso9001", None), ("iso27001", deadline)],
        [("iso27001", expired)],  # held, but not valid on the deadline
        [("iso9001", None), ("iso27001", None), ("aqap2110", None)],
    ]
    suppliers = [make_supplier(cpv_codes=["35613000"], certifications=c) for c in held]
    tender = make_tender(preferred_certifications=["iso27001", "iso9001"])
    ctx = engine.tender_context(tender)
    ctx.requirements = dataclasses.replace(ctx.requirements, deadline=deadline)
    n = len(ctx.requirements.preferred_certifications)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.organization_id, p.certification_types, "  # noqa: S608
            f"{engine.certifications_bound_sql(n)} "
            "FROM suppliers_supplierprofile p WHERE p.is_live",
            engine._params(ctx),
        )
        found = {org: (types, bound) for org, types, bound in cursor.fetchall()}
    rows = {r["organization_id"]: r for r in engine.retrieve(ctx, 100, candidates_only=False)}
    exact = {
        org: next(
            c.value for c in engine.score_row(ctx, row).components if c.name == "certifications"
        )
        for org, row in rows.items()
    }
    assert [found[s.pk][0] for s in suppliers] == [
        [],
        ["iso9001"],
        ["iso27001", "iso9001"],
        ["iso27001"],
        ["aqap2110", "iso27001", "iso9001"],
    ]
    assert [found[s.pk][1] for s in suppliers] == [0.0, 0.5, 1.0, 0.5, 1.0]
    assert [exact[s.pk] for s in suppliers] == [0.0, 0.5, 1.0, 0.0, 1.0]
    # The ranking follows the exact values (ties by supplier id), not the bound.
    eligible, _excluded = engine.rank(ctx, top_n=5)
    assert [s.supplier_id for s in eligible][:3] == [suppliers[2].pk, suppliers[4].pk,
                                                     suppliers[1].pk]  # fmt: skip


def test_a_tie_at_the_nth_score_goes_to_the_lower_supplier_id_past_a_rounded_bound(
    monkeypatch, make_tender
):
    """Scores are rounded to 2 decimals, so a row whose bound is 65.026 can score 65.03: it must
    still be scored when the N-th best is 65.03, and win the tie with its lower supplier id."""
    ctx = engine.tender_context(make_tender(title="x"))
    scores = {1: 65.03, 2: 65.03}  # profile id → rounded exact score (supplier id = profile id)
    cpv = scoring.Component("cpv", 1.0, 35.0, scoring.Msg("same code"))  # relevant
    monkeypatch.setattr(engine, "details", lambda ctx, ids: {i: {"id": i} for i in ids})
    monkeypatch.setattr(
        engine,
        "score_row",
        lambda ctx, row: engine.Scored(row["id"], row["id"], scores[row["id"]], True, [cpv], []),
    )
    rows = [  # best bound first: supplier 2's bound is exact, supplier 1's is just below 65.03
        {"id": 2, "eligible_sql": True, "upper_bound": 65.03, "position": 1},
        {"id": 1, "eligible_sql": True, "upper_bound": 65.026, "position": 2},
    ]
    top, proven = engine._score_group(ctx, rows, True, 1, 10, 100.0)
    assert proven and [s.supplier_id for s in top] == [1]


def test_a_text_holding_the_tenders_phrase_ranks_above_one_holding_its_words_apart(
    make_supplier, make_tender
):
    together = make_supplier(
        cpv_codes=["35613000"], capability_statement="Maintenance de véhicules blindés légers."
    )
    apart = make_supplier(
        cpv_codes=["35613000"],
        capability_statement="Maintenance de véhicules. Conception de blindages légers.",
    )
    engine.refresh_term_stats()
    tender = make_tender(
        title="Maintien en condition des véhicules blindés",
        description="Véhicules\nlégers de liaison.",
        lots=["Lot blindés"],
    )
    ctx = engine.tender_context(tender)
    shown = {ph.words for ph in ctx.phrases}
    assert "véhicules blindés" in shown or "véhicule blindé" in shown
    # A pair never spans a line break, nor the end of one part and the start of another.
    assert not any(ph.words.startswith("véhicul") and "lég" in ph.words for ph in ctx.phrases)
    assert not any(ph.words.startswith("blind") for ph in ctx.phrases)
    eligible, _excluded = engine.rank(ctx)
    assert [s.supplier_id for s in eligible] == [together.pk, apart.pk]
    with translation.override("en"):
        explained = str(next(c for c in eligible[0].components if c.name == "text").explanation)
    assert "words and phrases (véhicule" in explained  # words as written, not stems
    assert "phrases" not in str(
        next(c for c in eligible[1].components if c.name == "text").explanation
    )


def test_a_suppliers_pairs_never_span_two_lines_keywords_or_references(make_supplier):
    """Phrases are adjacent positions of the stored vector: the statement's lines, the keywords,
    the references and their clients are kept apart (as the tender's lines are)."""

    def adjacent(profile, first: str, second: str, config: str = "fr_unaccent") -> bool:
        """FIRST then SECOND, as close as a tender's pair may be (engine.PHRASE_MAX_GAP)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT bool_or(search_vector @@ to_tsquery(%s::regconfig, %s || d || %s)) "
                "FROM suppliers_supplierprofile, generate_series(1, %s) AS d "
                "WHERE organization_id = %s AND is_live",
                [config, f"{first} <", f"> {second}", engine.PHRASE_MAX_GAP, profile.pk],
            )
            return cursor.fetchone()[0]

    one_line = make_supplier(
        cpv_codes=["35613000"], capability_statement="Maintenance de véhicules blindés."
    )
    two_lines = make_supplier(
        cpv_codes=["35613000"],
        capability_statement="Maintenance de véhicules\nBlindés légers\u2028Radar aéroporté",
        keywords=["drones", "vision nocturne"],
        references=[("35613000", 2024, "Marine nationale"), ("35613000", 2023, "Armée de terre")],
    )
    english = make_supplier(
        cpv_codes=["35613000"],
        capability_statement="Armoured vehicles\nrepair.",
        statement_language="en",
        keywords=["night vision", "drones"],
    )
    assert adjacent(one_line, "véhicules", "blindés")
    assert not adjacent(two_lines, "véhicules", "blindés")  # two lines
    assert not adjacent(two_lines, "légers", "radar")  # a Unicode line separator
    assert adjacent(two_lines, "radar", "aéroporté")
    assert adjacent(two_lines, "vision", "nocturne")  # within one keyword
    assert not adjacent(two_lines, "aéroporté", "drones")  # the statement, then the keywords
    assert not adjacent(two_lines, "drones", "vision")  # two keywords
    assert not adjacent(two_lines, "contrat", "marine")  # a reference and its client
    assert not adjacent(two_lines, "nationale", "contrat")  # two references
    assert adjacent(two_lines, "marine", "nationale")
    assert not adjacent(english, "vehicles", "repair", "en_unaccent")
    assert not adjacent(english, "vision", "drones", "en_unaccent")
    assert adjacent(english, "night", "vision", "en_unaccent")
    # The separators are stop words: they add no lexeme.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(DISTINCT l) FROM suppliers_supplierprofile, "
            "unnest(tsvector_to_array(search_vector)) AS l WHERE is_live"
        )
        lexemes = set(cursor.fetchone()[0])
    assert {"vehicul", "nocturn", "armour"} <= lexemes and not {"le", "the"} & lexemes


def test_stage_one_goes_on_when_an_outsider_could_tie_its_nth_score_after_rounding(
    monkeypatch, make_tender
):
    """An outsider whose exact score is at most 43.996 shows 44.00: with a 44.00 N-th best,
    stage 1 cannot be the answer (the tie would go to the lower supplier id)."""
    ctx = engine.tender_context(make_tender(title="x"))
    nth = [engine.Scored(i, i, 44.0, True, [], []) for i in range(10, 13)]
    stages = []

    def stage(ctx, top_n, first_limit, candidates_only, essential=None, eligible_only=False):
        stages.append(candidates_only)
        return nth, []

    monkeypatch.setattr(engine, "_rank_stage", stage)
    monkeypatch.setattr(engine, "outsider_bound", lambda ctx, *args, **kwargs: 43.996)
    engine.rank(ctx, top_n=3)
    assert len(stages) == 2
    stages.clear()
    monkeypatch.setattr(engine, "outsider_bound", lambda ctx, *args, **kwargs: 43.994)
    engine.rank(ctx, top_n=3)
    assert stages == [True]  # 43.994 shows 43.99 at most: stage 1 is the answer


def test_two_terms_sharing_an_integer_key_still_bound_their_summed_weight(make_tender):
    seen, pair = {}, None
    for i in range(400_000):  # a 32-bit collision: about 2^16 draws (birthday)
        lexeme = f"w{i}"
        key = engine.lexeme_key(lexeme)
        if key in seen:
            pair = (seen[key], lexeme)
            break
        seen[key] = lexeme
    assert pair is not None
    ctx = engine.tender_context(make_tender(title="x"))
    ctx.terms = [
        engine.Term(pair[0], pair[0], 9.0, True),
        engine.Term(pair[1], pair[1], 8.0, True),
        engine.Term("radar", "radar", 1.0, True),
    ]
    sets = engine._key_sets(ctx)
    key = engine.lexeme_key(pair[0])
    bound = sets["quantum"] * sum(2**b for b in range(engine.TEXT_BITS) if key in sets[f"s{b}"])
    assert bound >= 17.0  # a text holding both words


def test_a_stop_word_of_one_language_is_no_word_of_the_tender(make_tender, make_supplier):
    make_supplier(cpv_codes=["35613000"], capability_statement="Caméras thermiques, radar.")
    make_supplier(
        cpv_codes=["35613000"],
        capability_statement="Sur-mesure: cameras on vehicles",
        statement_language="en",
    )
    engine.refresh_term_stats()
    ctx = engine.tender_context(make_tender(title="Le marché porte sur caméras thermiques"))
    # English keeps "sur" (a rare word of the supplier texts), French drops it: no word of the
    # tender, nor of a phrase.
    assert "sur" not in {t.lexeme for t in ctx.terms}
    assert {"camera", "thermiqu"} <= {t.lexeme for t in ctx.terms}
    assert [ph.words for ph in ctx.phrases] == ["caméras thermiques"]


def test_the_per_tender_scoring_data_follows_terms_phrases_and_labels_replaced(
    make_tender, regions
):
    ctx = engine.tender_context(make_tender(title="x", region_id="53"))
    ctx.terms = [
        engine.Term("drone", "drones", 3.0, True),
        engine.Term("radar", "radar", 1.0, True),
    ]
    assert ctx.text_value(["drone"], [], 0) == scoring.text_relevance(3.0, 4.0, 0, 0.0, 0.0, 0.0)
    assert ctx.derived.words == {"drone": "drones", "radar": "radar"}
    ctx.terms = [engine.Term("drone", "drone", 1.0, True), engine.Term("radar", "radar", 3.0, True)]
    assert ctx.total_term_weight == 4.0
    assert ctx.text_value(["drone"], [], 0) == scoring.text_relevance(1.0, 4.0, 0, 0.0, 0.0, 0.0)
    assert ctx.derived.words["drone"] == "drone"
    ctx.phrases = [engine.Phrase(("drone",), ("radar",), 1, "drone radar", 1.0)]
    assert ctx.total_phrase_weight == 1.0
    assert ctx.text_value(["drone"], [0], 0) == scoring.text_relevance(1.0, 4.0, 0, 0.0, 1.0, 1.0)
    assert "region:53" not in ctx.derived.labels
    ctx.labels = {"region:53": "Bretagne"}
    assert ctx.derived.labels["region:53"] == "Bretagne"
    assert ctx.derived.labels["cert:iso9001"]  # with the certification names still


def test_a_supplier_sharing_only_a_word_every_supplier_uses_is_not_listed(
    make_supplier, make_tender
):
    """Such a word weighs next to nothing (idf), so the text relevance rounds to none
    (scoring.text_component): with nothing else in common the supplier is not relevant, and
    exhaustive scoring drops it. So must the engine, even when fewer suppliers than N are
    relevant and it reads every supplier holding one of the tender's words (stage 2): it used to
    list them there, with no reason to."""
    rare = (
        "gyroscope télémètre hélice turbine radar sonar optronique caméra infrarouge laser "
        "balise antenne brouilleur capteur altimètre boussole parachute treuil moteur batterie"
    )
    # make_supplier returns the organization: supplier_id below, not profile_id
    near = make_supplier(cpv_codes=["35613000"], capability_statement=f"Services. {rare}.")
    for _ in range(3):
        make_supplier(cpv_codes=["03000000"], capability_statement="Services.")
    engine.refresh_term_stats()
    ctx = engine.tender_context(make_tender(title=f"{rare} services"))
    assert "servic" in {t.lexeme for t in ctx.terms}  # the common word is one of its terms
    everything = [
        engine.score_row(ctx, bench._naive_row(p, ctx, set())) for p in bench.naive_profiles()
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM suppliers_supplierprofile "
            "WHERE is_live AND search_vector @@ 'servic'::tsquery"
        )
        assert cursor.fetchone()[0] == 4  # all of them hold it
    assert len(everything) == 4
    assert [engine.is_relevant(s) for s in everything] == [
        s.supplier_id == near.pk for s in everything
    ]
    eligible, excluded = engine.rank(ctx, top_n=5)
    assert [s.supplier_id for s in eligible] == [near.pk] and excluded == []


def test_a_hyphenated_word_and_its_own_first_part_make_no_pair(make_supplier, make_tender):
    """PostgreSQL gives a hyphenated word a position, then each of its parts one: the compound
    followed by its first part ("pare-balles pare") is not a pair of the tender's text, while
    its parts and its neighbours are."""
    make_supplier(cpv_codes=["35613000"], capability_statement="Gilets pare-balles, anti-drone.")
    engine.refresh_term_stats()
    tender = make_tender(title="Gilets pare-balles et brouilleurs anti-drone", description="")
    shown = {ph.words for ph in engine.tender_context(tender).phrases}
    assert {"gilets pare-balles", "pare balles", "anti drone"} <= shown, shown
    assert not {"pare-balles pare", "anti-drone anti", "anti-drone drone"} & shown, shown


def test_an_accented_french_stop_word_is_no_word_of_a_tender_or_a_supplier(
    make_supplier, make_tender
):
    """The French stop list is checked before accents go: "été", "même", "étant" and "à" are
    no words (they were 'ete', 'mem', 'etant' once unaccented, shared by any two French texts),
    yet they still keep the words around them apart."""
    summer = make_supplier(
        cpv_codes=["35613000"],
        capability_statement="Nous avons été retenus, même en été, étant à jour de nos radars.",
    )
    other = make_supplier(
        cpv_codes=["35613000"], capability_statement="Caméras thermiques, même en été."
    )
    engine.refresh_term_stats()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(search_vector) FROM suppliers_supplierprofile "
            "WHERE organization_id = %s AND is_live",
            [summer.pk],
        )
        lexemes = set(cursor.fetchone()[0])
    assert {"retenus", "jour", "radar"} <= lexemes, lexemes
    assert not {"ete", "mem", "etant", "a"} & lexemes, lexemes
    tender = make_tender(title="Travaux réalisés même en été, étant entendu le radar à jour")
    ctx = engine.tender_context(tender)
    assert not {"ete", "mem", "etant"} & {t.lexeme for t in ctx.terms}
    assert {"radar", "jour"} <= {t.lexeme for t in ctx.terms}
    # "été, étant entendu": the stop words still take positions, so no pair across them.
    assert not any("entendu" in ph.words and "réalisés" in ph.words for ph in ctx.phrases)
    eligible, _excluded = engine.rank(ctx, top_n=10)
    text = {s.supplier_id: next(c for c in s.components if c.name == "text") for s in eligible}
    assert text[summer.pk].value > 0
    assert text[other.pk].value == 0  # "même en été" is all it shares with the tender


def test_a_buyer_known_by_its_acronym_is_recognised_in_the_references_and_the_bound(
    make_supplier, make_tender, ministry
):
    """The tender's buyer is 'Direction générale de l'armement (DGA)': references naming it
    'DGA Techniques terrestres' or by its name count as work for this buyer, in the exact score
    and in the SQL bound, so the top N stays that of exhaustive scoring."""
    ministry.name = "Direction générale de l'armement (DGA)"
    ministry.save()
    clients = ["DGA Techniques terrestres", "Direction générale de l'armement", "SIMMT", "DGAC"]
    suppliers = [
        make_supplier(cpv_codes=["35613000"], references=[("35613000", 2024, client)])
        for client in clients
    ]
    tender = make_tender(title="Drones")
    ctx = engine.tender_context(tender)
    everything = sorted(
        (engine.score_row(ctx, bench._naive_row(p, ctx, set())) for p in bench.naive_profiles()),
        key=lambda s: (-s.score, s.supplier_id),
    )
    for_buyer = {
        s.supplier_id
        for s in everything
        for c in s.components
        if c.name == "past_performance" and "buyer" in c.explanation.message
    }
    assert for_buyer == {suppliers[0].pk, suppliers[1].pk}
    # The window's bound is never below the exact score (rounded as scores are), acronym too.
    rows = engine.window(ctx, limit=10)
    found = engine.details(ctx, [r["id"] for r in rows])
    weight_sum = sum(engine._applicable(ctx).values())
    for row in rows:
        exact = engine.score_row(ctx, {**found[row["id"]], **row}).score
        assert exact <= engine._reachable(100.0 * row["upper_bound"] / weight_sum), row
    eligible, _excluded = engine.rank(ctx, top_n=2, first_limit=1)
    assert [s.supplier_id for s in eligible] == [s.supplier_id for s in everything][:2]
    assert {s.supplier_id for s in eligible} == for_buyer

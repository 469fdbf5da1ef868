import datetime

import pytest
from django.utils import translation

from matching import scoring as s

D = datetime.date


@pytest.mark.parametrize(
    "tender,supplier,value,level",
    [
        ("35613000", "35613000", 1.0, 8),
        ("35613100", "35613200", 0.9, 5),  # same category 35613
        ("35613000", "35614000", 0.8, 4),  # same class 3561
        ("35613000", "35620000", 0.6, 3),  # same group 356
        ("35613000", "35700000", 0.4, 2),  # same division 35
        ("35613000", "72000000", 0.0, 0),
        ("35613000", "35000000", 0.4, 2),  # an ancestor counts at its own depth
        ("35613100", "35613000", 0.9, 5),
    ],
)
def test_cpv_proximity_follows_the_hierarchy(tender, supplier, value, level):
    assert s.cpv_pair_value(tender, supplier) == (value, level)


def test_cpv_component_takes_the_best_pair_and_discounts_reference_codes():
    c = s.cpv_component(["35613000", "72000000"], ["35700000"], ["72000000"], 35)
    assert c.value == pytest.approx(s.REFERENCE_CPV_FACTOR)  # exact, but only in a reference
    assert "72000000" in str(c.explanation)
    assert s.cpv_component(["35613000"], [], [], 35).value == 0


def test_constraints_check_clearance_and_certifications_on_the_deadline():
    req = s.Requirements(
        deadline=D(2027, 3, 1), min_clearance=2, mandatory_certifications=["iso27001"]
    )
    ok = s.SupplierFacts(
        clearance_level=2,
        clearance_expires_on=D(2027, 3, 1),
        certifications=[("iso27001", D(2027, 3, 1))],
    )
    assert all(c.passed for c in s.check_constraints(req, ok))
    expired = s.SupplierFacts(
        clearance_level=3,
        clearance_expires_on=D(2027, 2, 28),
        certifications=[("iso27001", D(2027, 2, 28))],
    )
    failed = [c for c in s.check_constraints(req, expired) if not c.passed]
    assert [c.name for c in failed] == ["clearance", "certification:iso27001"]
    assert failed[1].reason.params["day"] == "2027-03-01"  # stored as ISO, shown localised:
    with translation.override("fr"):
        assert "1 mars 2027" in str(failed[1].reason), str(failed[1].reason)
        assert "2027-03-01" not in str(failed[1].reason)
    with translation.override("en"):
        assert "March 1, 2027" in str(failed[1].reason)


@pytest.mark.parametrize(
    "facts,passed",
    [
        ({"size_category": "pme"}, True),
        ({"size_category": "micro"}, True),
        ({"size_category": "eti"}, False),
        ({"size_category": ""}, False),
    ],
)
def test_sme_reservation(facts, passed):
    [c] = s.check_constraints(s.Requirements(sme_reserved=True), s.SupplierFacts(**facts))
    assert c.passed is passed


def test_sovereignty_and_trl_constraints():
    req = s.Requirements(eu_controlled_required=True, itar_free_required=True, min_trl=6)
    result = s.check_constraints(req, s.SupplierFacts(eu_controlled=True, itar_free=False, trl=6))
    assert [(c.name, c.passed) for c in result] == [
        ("eu_controlled", True),
        ("itar_free", False),
        ("trl", True),
    ]
    assert not s.check_constraints(req, s.SupplierFacts(trl=None))[2].passed
    assert s.check_constraints(s.Requirements(), s.SupplierFacts()) == []


def test_text_component_is_bounded_and_explains():
    assert s.text_component(0.0, [], 25).value == 0
    low, high = s.text_component(0.2, ["drone"], 25), s.text_component(0.9, ["drone"], 25)
    assert 0 < low.value < high.value < 1
    assert s.text_component(3.0, ["drone"], 25).value == 1
    assert "drone" in str(high.explanation)


def test_idf_weighs_rare_words_more_and_never_negative():
    assert s.idf(1, 1000) > s.idf(100, 1000) > s.idf(900, 1000) > 0
    assert s.idf(1000, 1000) > 0  # a word in every text still counts a little
    assert s.idf(0, 0) == s.idf(0, 0) > 0  # no statistics yet: every word weighs the same
    assert s.idf(50, 10) == s.idf(10, 10)  # stale counts are clamped


def test_text_relevance_rewards_coverage():
    # Half the tender's weight, in a text of average length, holding half its phrases too.
    half = s.text_relevance(5.0, 10.0, 30, 30.0, 2.0, 4.0)
    assert half == pytest.approx(0.5 / s.TEXT_FULL)
    assert s.text_relevance(0.0, 10.0, 30, 30.0) == 0
    assert s.text_relevance(10.0, 10.0, 30, 30.0) == 1  # capped
    # By default (TEXT_B = 0) the text's length does not matter.
    assert s.text_relevance(3.0, 10.0, 10, 30.0) == s.text_relevance(3.0, 10.0, 300, 30.0)


def test_phrases_raise_text_relevance_up_to_the_words_share_only():
    words_only = s.text_relevance(5.0, 10.0, 30, 30.0, 0.0, 4.0)
    assert words_only == pytest.approx((1 - s.PHRASE_SHARE) * 0.5 / s.TEXT_FULL)
    some = s.text_relevance(5.0, 10.0, 30, 30.0, 1.0, 4.0)
    assert words_only < some < s.text_relevance(5.0, 10.0, 30, 30.0, 2.0, 4.0)
    # Every phrase held counts no more than the words' share: never above words and phrases
    # held in the same proportion, so a bound on the words alone stays a bound.
    assert s.text_relevance(5.0, 10.0, 30, 30.0, 4.0, 4.0) == pytest.approx(0.5 / s.TEXT_FULL)
    # A tender without phrases: the words' part only; no word, nothing.
    assert s.text_relevance(5.0, 10.0, 30, 30.0) == words_only
    assert s.text_relevance(0.0, 10.0, 30, 30.0, 4.0, 4.0) == 0


@translation.override("en")
def test_the_text_explanation_names_phrases_first():
    c = s.text_component(0.5, ["véhicule", "blindé", "radar"], 25, ["véhicule blindé"])
    assert str(c.explanation) == (
        "capability statement matches the tender's words and phrases (véhicule blindé, radar)"
    )
    with translation.override("fr"):
        assert "expressions" in str(c.explanation)
    assert "phrases" not in str(s.text_component(0.5, ["radar"], 25).explanation)


@translation.override("en")
def test_the_text_explanation_leaves_out_a_phrase_within_another_and_its_words():
    c = s.text_component(
        0.5,
        ["pare-balles", "gilets", "casques", "balles"],
        25,
        ["pare balles", "gilets pare-balles", "casques lourds"],
    )
    assert str(c.explanation) == (
        "capability statement matches the tender's words and phrases "
        "(gilets pare-balles, casques lourds)"
    )


def test_text_relevance_can_penalise_long_texts(monkeypatch):
    monkeypatch.setattr(s, "TEXT_B", 0.75)
    short, long = s.text_relevance(3.0, 10.0, 10, 30.0), s.text_relevance(3.0, 10.0, 300, 30.0)
    assert short > s.text_relevance(3.0, 10.0, 30, 30.0) > long > 0
    assert s.text_relevance(3.0, 10.0, 300, 0.0, 1.0, 1.0) == pytest.approx(0.3 / s.TEXT_FULL)
    assert s.text_length_factor(30, 30.0) == pytest.approx(1.0)


def test_past_performance_bound_is_an_upper_bound():
    codes = ["35613000"]
    cases = [
        ([("35613000", 2024, "DGA Techniques")] * 3, True),
        ([("35613000", 2024, "SIMMT")] * 3, False),
        ([("35613000", 2010, "SIMMT"), ("35600000", 2024, "DGA")], True),
        ([("35613000", 2024, "DGA")] * 40, True),
        ([("72000000", 2024, "DGA")], True),
    ]
    for refs, buyer_seen in cases:
        value = s.past_performance_component(codes, refs, "DGA", 2026, 15).value
        assert value <= s.past_performance_bound(len(refs), buyer_seen) + 1e-12
    assert s.past_performance_bound(0, True) == 0
    # A reference sharing only the CPV division does not count (see PAST_PERFORMANCE_MIN_LEVEL).
    division_only = [("35100000", 2024, "DGA")]
    assert s.past_performance_component(codes, division_only, "DGA", 2026, 15).value == 0


@translation.override("en")
def test_past_performance_prefers_recent_and_same_buyer_references():
    codes = ["35613000"]
    old = s.past_performance_component(codes, [("35613000", 2010, "SIMMT")], "DGA", 2026, 15)
    recent = s.past_performance_component(codes, [("35613000", 2024, "SIMMT")], "DGA", 2026, 15)
    buyer = s.past_performance_component(
        codes, [("35613000", 2024, "DGA Techniques")], "DGA", 2026, 15
    )
    unrelated = s.past_performance_component(codes, [("72000000", 2024, "DGA")], "DGA", 2026, 15)
    assert 0 == unrelated.value < old.value < recent.value < buyer.value < 1
    assert "buyer" in str(buyer.explanation)


def test_a_buyer_named_with_its_acronym_is_recognised_in_either_form():
    """'Direction générale de l'armement (DGA)': references naming the client by its name, its
    acronym or a part of it ('DGA Techniques terrestres') are for this buyer; another body whose
    acronym merely contains those letters is not."""
    dga = "Direction générale de l'armement (DGA)"
    assert s.buyer_names(dga) == ("direction générale de l'armement", "dga")
    names = s.buyer_names(dga)
    for client in ("DGA", "DGA Techniques terrestres", "Direction générale de l'armement"):
        assert s.is_for_buyer(client, names), client
    for client in ("DGAC", "SDGA Nord", "Marine nationale", ""):
        assert not s.is_for_buyer(client, names), client
    # Not an acronym: fewer than 2 capitals or 3 characters, digits; a name too short to stand
    # alone keeps its acronym.
    assert s.buyer_names("Grand-Quevilly (LE) (00100)")[1] == ""
    assert s.buyer_names("Commune (le)") == ("commune (le)", "")
    assert s.buyer_names("Société (SOLIDEO)") == ("société (solideo)", "solideo")
    codes = ["35613000"]
    with_acronym = s.past_performance_component(
        codes, [("35613000", 2024, "DGA Techniques terrestres")], dga, 2026, 15
    )
    other = s.past_performance_component(codes, [("35613000", 2024, "SIMMT")], dga, 2026, 15)
    assert with_acronym.value > other.value


def test_past_performance_keeps_growing_with_experience_and_values_the_buyer():
    codes = ["35613000"]
    many = s.past_performance_component(codes, [("35613000", 2024, "SIMMT")] * 40, "DGA", 2026, 15)
    two = s.past_performance_component(codes, [("35613000", 2024, "SIMMT")] * 2, "DGA", 2026, 15)
    once_for_buyer = s.past_performance_component(
        codes, [("35613000", 2024, "DGA Techniques")], "DGA", 2026, 15
    )
    assert 0 < two.value < many.value <= 1
    # Experience alone fills half the component, the relationship with the buyer the other half.
    assert many.value < 1 - s.SAME_BUYER_SHARE + 1e-9
    assert once_for_buyer.value > two.value


def test_preferred_certifications_region_size_interest():
    cert = s.certifications_component(["iso9001", "en9100"], {"iso9001"}, 8)
    assert cert.value == 0.5
    assert s.certifications_component([], set(), 8).weight == 0  # not applicable
    assert s.region_component("53", "53", [], 8).value == 1
    assert s.region_component("53", "11", ["53"], 8).value == 0.6
    assert s.region_component("53", "11", [], 8).value == 0
    assert s.region_component("", "11", [], 8).weight == 0
    local = s.departement_component("35", ["29", "35"], 10, "Ille-et-Vilaine (35)")
    assert (local.value, local.weight) == (1, 10)
    assert local.as_dict()["explanation"] == "based in or has worked in Ille-et-Vilaine (35)"
    assert s.departement_component("35", ["29"], 10).value == 0
    assert s.departement_component("35", [], 10).weight == 10  # counts, as a zero
    assert s.departement_component("", ["35"], 10).weight == 0  # not applicable
    assert s.size_component(True, "pme", True, 5).value == 1
    assert s.size_component(True, "pme", False, 5).value == 0.9
    assert s.size_component(True, "ge", False, 5).value == 0
    assert s.size_component(False, "pme", True, 5).weight == 0
    assert s.interest_component(True, 4).value == 1


def test_every_component_explains_itself():
    components = [
        s.cpv_component(["35613000"], ["35613000"], [], 35),
        s.text_component(0.2, ["drone"], 25),
        s.past_performance_component(["35613000"], [], "", 2026, 15),
        s.certifications_component(["iso9001"], set(), 8),
        s.region_component("53", "53", [], 8),
        s.departement_component("35", [], 10),
        s.size_component(True, "pme", False, 5),
        s.interest_component(False, 4),
    ]
    assert all(str(c.explanation).strip() for c in components)
    assert all(0 <= c.value <= 1 for c in components)


def test_total_score_is_a_weighted_mean_ignoring_inapplicable_components():
    a = s.Component("a", 1.0, 30, "")
    b = s.Component("b", 0.5, 10, "")
    na = s.Component("c", 0.0, 0.0, "")
    assert s.total_score([a, b, na]) == pytest.approx(87.5)
    assert s.total_score([na]) == 0


def test_explanations_are_stored_once_and_shown_in_each_readers_language():
    from matching.templatetags.matching import explain

    stored = s.region_component("53", "11", ["53"], 8, "Bretagne").as_dict()
    assert stored["explanation"] == "serves Bretagne"
    with translation.override("fr"):
        assert explain(stored) == "intervient en région Bretagne"
    with translation.override("en"):
        assert explain(stored) == "serves Bretagne"


def test_past_performance_says_one_contract_or_several_in_each_language():
    """ "1 past contract(s)" read as a form, not a sentence (QA finding): the plural follows the
    count, in French too (where 0 and 1 are singular)."""
    from matching.templatetags.matching import explain

    codes = ["35613000"]
    one = s.past_performance_component(codes, [("35613000", 2024, "SIMMT")], "DGA", 2026, 15)
    three = s.past_performance_component(
        codes, [("35613000", 2024, "DGA"), ("35613000", 2023, "X"), ("35600000", 2022, "Y")],
        "Direction générale de l'armement (DGA)", 2026, 15,
    )  # fmt: skip
    with translation.override("en"):
        assert str(one.explanation) == "1 past contract in the tender's CPV area"
        assert str(three.explanation) == (
            "3 past contracts in the tender's CPV area, including for this buyer"
        )
    with translation.override("fr"):
        assert str(one.explanation) == "1 référence dans le domaine CPV de l’appel d’offres"
        assert explain(three.as_dict()) == (
            "3 références dans le domaine CPV de l’appel d’offres, dont au moins une pour cet "
            "acheteur"
        )
        # What is stored: the English text for the API, and both forms to render later.
        stored = one.as_dict()
        assert stored["explanation"] == "1 past contract in the tender's CPV area"
        assert stored["plural"] == "%(n)d past contracts in the tender's CPV area"
        # A row stored before plurals (no "plural") still reads.
        old = {"message": "%(n)d past contract(s) in the tender's CPV area", "params": {"n": 2}}
        assert explain(old) == "2 référence(s) dans le domaine CPV de l’appel d’offres"

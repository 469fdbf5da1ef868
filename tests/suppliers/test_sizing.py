from decimal import Decimal

import pytest

from suppliers.sizing import is_startup, size_category

M = Decimal(1_000_000)


@pytest.mark.parametrize(
    "headcount,turnover,balance,expected",
    [
        (9, 2 * M, None, "micro"),
        (9, None, 2 * M, "micro"),
        (9, 3 * M, 2 * M, "micro"),  # turnover OR balance sheet
        (10, 1 * M, 1 * M, "pme"),  # 10 employees is no longer micro
        (9, 3 * M, 3 * M, "pme"),  # both money ceilings of micro exceeded
        (249, 50 * M, 99 * M, "pme"),
        (249, 51 * M, 43 * M, "pme"),
        (250, 1 * M, 1 * M, "eti"),
        (249, 51 * M, 44 * M, "eti"),
        (4999, 1500 * M, 9999 * M, "eti"),
        (4999, 1501 * M, 2001 * M, "ge"),
        (5000, 1 * M, 1 * M, "ge"),
        (None, 1 * M, 1 * M, ""),
        (5, None, None, "micro"),  # no money figure yet: the headcount decides
        (5, 3 * M, None, "pme"),  # one known figure must meet its ceiling
    ],
)
def test_it_applies_the_french_size_thresholds_at_their_boundaries(
    headcount, turnover, balance, expected
):
    assert size_category(headcount=headcount, turnover=turnover, balance_sheet=balance) == expected


def test_without_money_figures_the_headcount_decides():
    assert size_category(headcount=300, turnover=None, balance_sheet=None) == "eti"
    assert size_category(headcount=6000, turnover=None, balance_sheet=None) == "ge"


@pytest.mark.parametrize(
    "category,founded,rd,expected",
    [
        ("pme", 2020, 20, True),
        ("micro", 2020, 35, True),
        ("pme", 2020, 19, False),
        ("pme", 2018, 50, False),  # 8 years old in 2026
        ("pme", 2019, 50, True),
        ("eti", 2024, 50, False),
        ("pme", None, 50, False),
        ("pme", 2024, None, False),
    ],
)
def test_it_flags_young_innovative_companies(category, founded, rd, expected):
    assert (
        is_startup(category=category, year_founded=founded, rd_share=rd, current_year=2026)
        is expected
    )

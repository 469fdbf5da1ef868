"""Company size by the French definitions (décret n° 2008-1354, art. 51 LME), and the
young-innovative-company (JEI) start-up flag. Pure functions: no ORM."""

from __future__ import annotations

from decimal import Decimal

MILLION = Decimal(1_000_000)

# (category, headcount strictly below, turnover at most, or balance sheet at most)
THRESHOLDS = [
    ("micro", 10, 2 * MILLION, 2 * MILLION),
    ("pme", 250, 50 * MILLION, 43 * MILLION),
    ("eti", 5000, 1500 * MILLION, 2000 * MILLION),
]
# JEI: an SME less than 8 years old whose R&D reaches 20 % of its expenses (15 % before 2025).
STARTUP_MAX_AGE_YEARS = 8
STARTUP_MIN_RD_SHARE = 20


def size_category(
    *, headcount: int | None, turnover: Decimal | None, balance_sheet: Decimal | None
) -> str:
    """'micro', 'pme', 'eti' or 'ge'; '' while the headcount is unknown.

    A company belongs to the smallest category whose headcount ceiling it stays under AND whose
    turnover OR balance-sheet ceiling it meets. While neither money figure is known, the
    headcount alone decides; a single known figure must meet its ceiling."""
    if headcount is None:
        return ""
    for category, max_headcount, max_turnover, max_balance in THRESHOLDS:
        money_ok = (
            (turnover is None and balance_sheet is None)
            or (turnover is not None and turnover <= max_turnover)
            or (balance_sheet is not None and balance_sheet <= max_balance)
        )
        if headcount < max_headcount and money_ok:
            return category
    return "ge"


def is_startup(
    *, category: str, year_founded: int | None, rd_share: int | None, current_year: int
) -> bool:
    return (
        category in ("micro", "pme")
        and year_founded is not None
        and current_year - year_founded < STARTUP_MAX_AGE_YEARS
        and rd_share is not None
        and rd_share >= STARTUP_MIN_RD_SHARE
    )

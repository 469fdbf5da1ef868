"""French geography without the database: which département a postal code belongs to.

Pure functions, so that data migrations and the matching engine's tests can use them too."""

from __future__ import annotations

import re


def departement_of_postal_code(code: str) -> str:
    """The INSEE code of the département of a French postal code, or "" when there is none.

    The first two digits, except in Corsica (20000–20199 → "2A", 20200–20699 → "2B") and
    overseas (97x → its first three digits, e.g. 97400 → "974"). 98x codes (Monaco, the
    Pacific collectivities) are no département. A 4-digit code has lost its leading zero
    (spreadsheets do that): "1000" is 01000. The result may still be unknown to the
    reference data (975, for instance): callers check it against portal_departement."""
    code = re.sub(r"\s", "", code or "")
    if re.fullmatch(r"[0-9]{4}", code):
        code = "0" + code
    if not re.fullmatch(r"[0-9]{5}", code) or code.startswith(("00", "98", "99")):
        return ""
    if code.startswith("20"):
        number = int(code)
        if number < 20200:
            return "2A"
        return "2B" if number < 20700 else ""
    if code.startswith("97"):
        return code[:3]
    return code[:2]

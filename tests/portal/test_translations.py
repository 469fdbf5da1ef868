"""The French catalogue is complete: a fuzzy or empty entry shows English to French users."""

import gettext
import json
import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)?\s*("(?:[^"\\]|\\.)*")$')


def _entries() -> list[dict]:
    """One dict per entry: its fields (msgid, msgid_plural, msgstr, msgstr[0], ...) unquoted,
    and its flags."""
    entries = []
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        fields, key, flags = {}, None, []
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                flags.append(line)
            match = _LINE.match(line)
            if match:
                key = match.group(1) or key
                fields[key] = fields.get(key, "") + json.loads(match.group(2))
        if fields.get("msgid"):
            entries.append({**fields, "flags": flags})
    return entries


def _translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def test_every_french_entry_is_translated_and_none_is_fuzzy():
    entries = _entries()
    assert len(entries) > 800
    fuzzy = [e["msgid"] for e in entries if any("fuzzy" in flag for flag in e["flags"])]
    empty = [e["msgid"] for e in entries if not all(_translations(e))]
    assert fuzzy == [] and empty == []


def test_the_compiled_catalogue_matches_its_source():
    """The .mo is committed: it must have been compiled from the .po as it is."""
    with (CATALOGUE.with_suffix(".mo")).open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for entry in _entries():
        if "msgid_plural" in entry:
            continue
        if "msgctxt" in entry:
            found = compiled.pgettext(entry["msgctxt"], entry["msgid"])
        else:
            found = compiled.gettext(entry["msgid"])
        assert found == entry["msgstr"], entry["msgid"]

"""`manage.py bench_shortlist_page` on a tiny scale: one JSON line, and nothing left behind."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from matching.models import Follow, Match, ShortlistEntry
from portal.models import Organization, User
from suppliers.models import SupplierProfile
from tenders.models import Interest, Tender


# Not inside a test transaction: the command's own rollback is what must leave nothing.
@pytest.mark.django_db(transaction=True)
def test_bench_prints_one_json_line_and_leaves_no_rows(regions):
    out = StringIO()
    call_command("bench_shortlist_page", entries=3, runs=2, stdout=out, stderr=StringIO())
    [line] = out.getvalue().splitlines()
    result = json.loads(line)
    assert list(result) == ["entries", "queries", "p50_ms", "p95_ms"]
    assert result["entries"] == 3
    assert 0 < result["queries"] <= 20
    assert 0 < result["p50_ms"] <= result["p95_ms"]
    for model in (Organization, User, Tender, Follow, SupplierProfile, Match, Interest):
        assert not model.objects.exists(), model.__name__
    assert not ShortlistEntry.objects.exists()

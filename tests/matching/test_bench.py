"""`manage.py bench_matching` on a tiny scale: one JSON line, and nothing left behind."""

import json
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from matching.models import Match
from suppliers.models import SupplierProfile

KEYS = ["suppliers", "tenders", "p50_ms", "p95_ms", "rematch_p50_ms", "naive_p50_ms", "speedup"]


# The command creates and drops a database of its own through the default connection: the
# test must not sit inside a transaction on it.
@pytest.mark.django_db(transaction=True)
def test_bench_prints_one_json_line_and_drops_its_scratch_database():
    test_database = connection.settings_dict["NAME"]
    out, err = StringIO(), StringIO()
    call_command("bench_matching", suppliers=300, tenders=3, naive_sample=1, stdout=out, stderr=err)
    [line] = out.getvalue().splitlines()
    result = json.loads(line)
    for key in KEYS:
        value = result[key]
        assert isinstance(value, int | float) and not isinstance(value, bool), key
        assert value > 0, key
    assert result["suppliers"] == 300 and result["tenders"] == 3
    assert "suppliers copied" in err.getvalue()

    assert connection.settings_dict["NAME"] == test_database
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s",
            [f"passerelle_bench_{os.getpid()}"],
        )
        assert cursor.fetchone()[0] == 0
    assert not SupplierProfile.objects.exists()
    assert not Match.objects.exists()


@pytest.mark.django_db
def test_bench_refuses_bad_sizes_and_the_portals_own_database():
    from django.core.management import CommandError

    for option, value in [("--suppliers", "-5"), ("--tenders", "0"), ("--top-n", "ten")]:
        with pytest.raises(CommandError, match=option):
            call_command("bench_matching", option, value)
    own = connection.settings_dict["NAME"]
    with pytest.raises(CommandError, match=f"--keep {own} is the portal's own database"):
        call_command("bench_matching", "--keep", own, "--suppliers", "10")
    assert not SupplierProfile.objects.exists()

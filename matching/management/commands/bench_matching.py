"""manage.py bench_matching: the matching engine's speed at scale, in a scratch database.

Builds N synthetic suppliers and T+1 published tenders in a database of its own (created,
migrated, then dropped: the configured database is never written to), times
`matching.services.shortlist_rebuild` per tender, then the naive approach on a few of them, and
prints one JSON line on stdout. Progress and setup timings go to stderr."""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from matching import bench, engine, services
from matching.models import Match
from portal.models import Region
from tenders.models import Tender

WARMUP_TENDERS = 1

# The engine's stage-1 candidate filter (matching.engine.CANDIDATES_WHERE), counted: how
# many suppliers the retrieval query scores for each tender. Informational, outside timings.
CANDIDATES_SQL = (
    "SELECT count(*) FROM matching_supplierindex p WHERE TRUE"  # noqa: S608 (constant)
    + engine.CANDIDATES_WHERE
)


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below {minimum}")
        return value

    return parse


@contextmanager
def scratch_database(name: str, keep: bool = False) -> Iterator[bool]:
    """Point the default connection at a new, migrated database NAME; drop it afterwards and
    point the connection back, whatever happened. With KEEP, an existing NAME that holds a
    benchmark data set is reused (yields True) and the database is never dropped."""
    settings_dict = connection.settings_dict
    old_name = settings_dict["NAME"]
    test_settings = settings_dict.setdefault("TEST", {})
    old_test_name = test_settings.get("NAME")
    test_settings["NAME"] = name
    try:
        connection.creation.create_test_db(
            verbosity=0, autoclobber=not keep, serialize=False, keepdb=keep
        )
        yield keep and Tender.objects.filter(ocid__startswith="ocds-bench-").exists()
    finally:
        try:
            # Only ever drop the scratch database: if creation failed before switching over,
            # NAME is still the real database and destroy_test_db would drop *that*.
            if settings_dict["NAME"] == name and not keep:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        finally:
            settings_dict["NAME"] = old_name
            test_settings["NAME"] = old_test_name
            ContentType.objects.clear_cache()  # ids cached from the scratch database


@contextmanager
def retrieval_probe() -> Iterator[dict[str, list[float]]]:
    """Time every engine.window call (the query that ranks the suppliers by bound) and every
    engine.details call (reading the rows scored) while the block runs."""
    calls: dict[str, list[float]] = {"window": [], "details": []}
    originals = {name: getattr(engine, name) for name in calls}

    def timed(name):
        def call(*args, **kwargs):
            start = time.perf_counter()
            try:
                return originals[name](*args, **kwargs)
            finally:
                calls[name].append(time.perf_counter() - start)

        return call

    for name in calls:
        setattr(engine, name, timed(name))
    try:
        yield calls
    finally:
        for name, original in originals.items():
            setattr(engine, name, original)


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = math.floor(k), math.ceil(k)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def candidate_count(tender: Tender) -> int:
    ctx = engine.tender_context(tender)
    with connection.cursor() as cursor:
        cursor.execute(CANDIDATES_SQL, {**engine._params(ctx), **engine._key_sets(ctx)})
        return cursor.fetchone()[0]


def engine_top(tender: Tender) -> list[tuple[int, float]]:
    return list(
        Match.objects.filter(tender=tender, eligible=True)
        .order_by("rank")
        .values_list("supplier_id", "score")
    )


class Command(BaseCommand):
    help = (
        "Benchmark the matching engine in a scratch database (created, then dropped): N "
        "synthetic suppliers (CPV codes, capability statements, credentials, references) and "
        "T published tenders plus one warm-up tender; time shortlist_rebuild (retrieve, score, "
        "store the top N) per tender, then again with the shortlists stored (rematch_*: a nightly "
        "re-match, nothing changed). The naive baseline, on --naive-sample tenders: load every "
        "approved live supplier through the ORM (certifications and references prefetched, "
        "PostgreSQL's ts_rank_cd annotated per supplier), score each with the same "
        "matching.scoring functions, sort, replace the stored top N. Prints one JSON line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--suppliers", type=_at_least(1), default=100_000)
        parser.add_argument("--tenders", type=_at_least(1), default=50, help="measured tenders")
        parser.add_argument("--top-n", type=_at_least(1), default=engine.DEFAULT_TOP_N)
        parser.add_argument("--naive-sample", type=_at_least(0), default=5)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--keep",
            metavar="NAME",
            help="build the data in database NAME and keep it; if NAME already holds a "
            "benchmark data set, reuse it (skips the setup: for tuning the engine)",
        )

    def handle(self, *args, **options):
        self.options = options
        self.show_bar = sys.stderr.isatty()
        started = time.perf_counter()
        keep = options["keep"]
        if keep is not None and keep == connection.settings_dict["NAME"]:
            raise CommandError(
                f"--keep {keep} is the portal's own database: the benchmark writes "
                f"{options['suppliers']:,} suppliers there; give it a database of its own "
                "(e.g. --keep passerelle_bench)."
            )
        database = scratch_database(keep or f"passerelle_bench_{os.getpid()}", keep=bool(keep))
        with database as reused:
            self.phase_done("scratch database ready", started)
            if reused:
                t = time.perf_counter()
                # Every run times the same thing: shortlists built from nothing (rows left by an
                # earlier run, of another engine version, would time the update path instead).
                Match.objects.filter(tender__ocid__startswith="ocds-bench-").delete()
                engine.refresh_term_stats()
                self.phase_done("term statistics", t)
                tender_ids = list(
                    Tender.objects.filter(ocid__startswith="ocds-bench-")
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
            else:
                tender_ids = self.setup()
            setup_s = round(time.perf_counter() - started, 1)
            result = {**self.measure(tender_ids), "setup_s": setup_s}
        self.stdout.write(json.dumps(result))

    def phase_done(self, what: str, since: float) -> float:
        now = time.perf_counter()
        self.stderr.write(f"{what}: {now - since:.1f} s")
        return now

    def setup(self) -> list[int]:
        """Reference data, suppliers, tenders; returns the tender ids, warm-up first."""
        t = time.perf_counter()
        loaded = bench.load_reference_data()
        t = self.phase_done(f"reference data {loaded}", t)
        rng = random.Random(self.options["seed"])
        maker = bench.SupplierMaker(
            bench.Catalogue.from_database(rng),
            list(Region.objects.order_by("name").values_list("code", flat=True)),
        )
        count = self.options["suppliers"]
        with tqdm(total=count, unit=" suppliers", disable=not self.show_bar) as bar:
            bench.generate_suppliers(maker, count, progress=bar.update)
        t = self.phase_done(f"{count} suppliers copied", t)
        bench.refresh_search_vectors()
        t = self.phase_done("search vectors", t)
        engine.refresh_term_stats()
        t = self.phase_done("term statistics", t)
        tender_ids = bench.generate_tenders(maker, self.options["tenders"] + WARMUP_TENDERS)
        t = self.phase_done("tenders", t)
        bench.vacuum_analyze()
        self.phase_done("vacuum analyze", t)
        return tender_ids

    def measure(self, tender_ids: list[int]) -> dict:
        tenders = [Tender.objects.select_related("buyer", "region").get(pk=pk) for pk in tender_ids]
        warmup, measured = tenders[:WARMUP_TENDERS], tenders[WARMUP_TENDERS:]
        for tender in warmup:
            self.rebuild(tender)
        with retrieval_probe() as calls:
            times = self.timed_each(measured, self.rebuild, "engine")
        # The same tenders again, nothing changed: what a nightly re-match costs a tender whose
        # shortlist is stored (compared with the new ranking, nothing rewritten). Before the
        # naive run, which replaces some shortlists.
        again = self.timed_each(measured, self.rebuild, "re-match")
        candidates = [candidate_count(t) for t in measured]
        sample = measured[: self.options["naive_sample"]]
        naive_times, same_top_n = self.measure_naive(sample)
        p50 = percentile(times, 0.5)
        naive_p50 = percentile(naive_times, 0.5) if naive_times else None
        return {
            "suppliers": self.options["suppliers"],
            "tenders": len(measured),
            "p50_ms": round(1000 * p50, 1),
            "p95_ms": round(1000 * percentile(times, 0.95), 1),
            "rematch_p50_ms": round(1000 * percentile(again, 0.5), 1),
            "rematch_p95_ms": round(1000 * percentile(again, 0.95), 1),
            "naive_p50_ms": round(1000 * naive_p50, 1) if naive_p50 else None,
            "speedup": round(naive_p50 / p50, 1) if naive_p50 else None,
            "warmup_tenders": len(warmup),
            "naive_sample": len(sample),
            "naive_same_top_n": same_top_n,
            "candidates_p50": round(percentile(candidates, 0.5)),
            "candidates_max": max(candidates),
            "window_calls": len(calls["window"]),
            "window_p50_ms": round(1000 * percentile(calls["window"], 0.5), 1),
            "details_calls": len(calls["details"]),
            "details_p50_ms": round(1000 * percentile(calls["details"], 0.5), 1),
        }

    def measure_naive(self, sample: list[Tender]) -> tuple[list[float], bool]:
        """Naive rebuild times on SAMPLE, and whether its eligible top N equals the engine's
        (which it replaces in the Match table)."""
        expected = {t.pk: engine_top(t) for t in sample}
        got = {}

        def naive(tender: Tender) -> None:
            got[tender.pk] = bench.naive_shortlist_rebuild(tender, self.options["top_n"])

        times = self.timed_each(sample, naive, "naive")
        return times, got == expected

    def timed_each(self, tenders: list[Tender], run: Callable[[Tender], None], what: str):
        times = []
        for tender in tqdm(tenders, desc=what, unit=" tenders", disable=not self.show_bar):
            start = time.perf_counter()
            run(tender)
            times.append(time.perf_counter() - start)
        if times:
            self.stderr.write(f"{what}: p50 {1000 * percentile(times, 0.5):.1f} ms")
        return times

    def rebuild(self, tender: Tender) -> None:
        services.shortlist_rebuild(tender=tender, top_n=self.options["top_n"])

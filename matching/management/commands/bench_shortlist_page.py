"""manage.py bench_shortlist_page: how long the buyers' shortlist page takes to render.

Inside one transaction that is always rolled back, creates a buyer (with an authenticator, as
shortlists require), a published tender its organization follows, and N live suppliers on the
shortlist (score breakdowns, certifications, interests, statuses and their history on half of
them); then requests /shortlists/<tender>/ through django.test.Client, with the whole middleware
stack, DEBUG off and the cached template loader, and prints one JSON line on stdout:
{"entries": N, "queries": ..., "p50_ms": ..., "p95_ms": ...}. Nothing is left in the database;
the session is flushed from the cache. Run it on an idle machine and repeat: timings are noisy.
"""

from __future__ import annotations

import json
import math
import time
import uuid
from datetime import timedelta

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from stdnum import luhn

from matching.models import Follow, Match, ShortlistEntry, ShortlistEntryChange
from matching.scoring import Component, Msg
from portal.models import Membership, Organization, Region, User
from suppliers.models import Certification, SupplierProfile
from tenders.models import Interest, Tender

WARMUP_REQUESTS = 2  # the first visit also records it; templates and translations load


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = math.floor(k), math.ceil(k)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _components(i: int) -> list[dict]:
    """A plausible stored score breakdown: the seven weighted criteria, some met."""
    return [
        c.as_dict()
        for c in (
            Component(
                "cpv",
                1.0 if i % 3 else 0.6,
                35.0,
                Msg(
                    "CPV %(s)s: %(level)s as the tender's %(t)s",
                    {"s": "35613000", "t": "35613000", "level": "same code"},
                ),
            ),
            Component(
                "text",
                0.8 if i % 2 else 0.0,
                40.0,
                Msg(
                    "capability statement matches the tender's words (%(terms)s)",
                    {"terms": "drones, tactiques"},
                ),
            ),
            Component(
                "past_performance",
                0.5,
                35.0,
                Msg(
                    "%(n)d past contract in the tender's CPV area",
                    {"n": 1 + i % 4},
                    "%(n)d past contracts in the tender's CPV area",
                ),
            ),
            Component(
                "certifications",
                1.0,
                8.0,
                Msg(
                    "holds %(n)d of %(total)d preferred certifications (%(names)s)",
                    {"n": 1, "total": 1, "names": "ISO 9001"},
                ),
            ),
            Component("region", 1.0, 15.0, Msg("head office in %(r)s", {"r": "Bretagne"})),
            Component("size", 1.0, 5.0, Msg("size: %(size)s", {"size": "SME (PME)"})),
            Component(
                "interest",
                float(i % 2),
                4.0,
                Msg("has expressed interest in this tender")
                if i % 2
                else Msg("has not expressed interest"),
            ),
        )
    ]


class Command(BaseCommand):
    help = (
        "Time the buyers' shortlist page with N entries, end to end through the test client "
        "(middleware included, DEBUG off), on scratch rows created in a transaction that is "
        "rolled back. Prints one JSON line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=50)
        parser.add_argument("--runs", type=int, default=30)

    def handle(self, *args, **options):
        entries, runs = options["entries"], options["runs"]
        if entries < 1 or runs < 1:
            raise CommandError("--entries and --runs must be at least 1.")
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        # DEBUG off as in production (override_settings rebuilds the template engines: no
        # template debugging, the cached loader); https requests pass SECURE_SSL_REDIRECT.
        with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts), transaction.atomic():
            try:
                result = self.measure(entries, runs)
            finally:
                transaction.set_rollback(True)
        self.stdout.write(json.dumps(result))

    def measure(self, entries: int, runs: int) -> dict:
        user, tender = self.scratch_shortlist(entries)
        client = Client()
        client.force_login(user)
        url = f"/shortlists/{tender.pk}/"
        try:
            for _ in range(WARMUP_REQUESTS):
                self.get(client, url, entries)
            with CaptureQueriesContext(connection) as queries:
                self.get(client, url, entries)
            query_count = len(queries)  # now: the next request empties Django's query log
            timings = [self.get(client, url, entries) for _ in range(runs)]
        finally:
            client.logout()  # the session lives in the cache too
        return {
            "entries": entries,
            "queries": query_count,
            "p50_ms": round(1000 * percentile(timings, 0.5), 1),
            "p95_ms": round(1000 * percentile(timings, 0.95), 1),
        }

    def get(self, client: Client, url: str, entries: int) -> float:
        """Seconds the request took; a wrong answer stops the benchmark."""
        started = time.perf_counter()
        response = client.get(url, secure=True)
        elapsed = time.perf_counter() - started
        shown = response.content.decode().count('class="shortlist-entry')
        if response.status_code != 200 or shown != entries:
            raise CommandError(
                f"{url} answered {response.status_code} with {shown} entries, not {entries}."
            )
        return elapsed

    def scratch_shortlist(self, entries: int) -> tuple[User, Tender]:
        """A buyer and the tender its organization follows, with ENTRIES shortlisted suppliers."""
        now, tag = timezone.now(), uuid.uuid4().hex[:12]
        ministry = Organization.objects.create(kind=Organization.Kind.MINISTRY, name="Bench")
        buyer_org = Organization.objects.create(kind=Organization.Kind.PRIME, name="Bench prime")
        user = User.objects.create_user(f"bench-{tag}@example.invalid")
        Membership.objects.create(user=user, organization=buyer_org, role=Membership.Role.ADMIN)
        TOTP.activate(user, generate_totp_secret())
        tender = Tender.objects.create(
            ocid=f"ocds-bench-page-{tag}",
            title="Drones tactiques (benchmark)",
            buyer=ministry,
            status=Tender.Status.PUBLISHED,
            published_at=now,
            submission_deadline=now + timedelta(days=30),
        )
        follow = Follow.objects.create(organization=buyer_org, tender=tender, created_by=user)
        region = Region.objects.order_by("code").first()
        suppliers = Organization.objects.bulk_create(
            Organization(kind=Organization.Kind.SUPPLIER, name=f"Bench supplier {i}", siren=s)
            for i, s in enumerate(_sirens(entries))
        )
        profiles = SupplierProfile.objects.bulk_create(
            SupplierProfile(
                organization=org,
                is_live=True,
                status=SupplierProfile.Status.APPROVED,
                legal_name=org.name,
                siren=org.siren,
                region=region,
                size_category="pme",
                clearance_level=i % 3,
            )
            for i, org in enumerate(suppliers)
        )
        Certification.objects.bulk_create(
            Certification(profile=p, type="iso9001") for p in profiles
        )
        Match.objects.bulk_create(
            Match(
                tender=tender,
                follow=follow,
                supplier=org,
                score=90 - i * 80 / entries,
                rank=i + 1,
                eligible=True,
                components=_components(i),
                constraints=[],
                engine_version="bench",
                computed_at=now,
            )
            for i, org in enumerate(suppliers)
        )
        odd = suppliers[1::2]
        Interest.objects.bulk_create(Interest(tender=tender, organization=org) for org in odd)
        shortlisted = ShortlistEntry.objects.bulk_create(
            ShortlistEntry(
                organization=buyer_org,
                tender=tender,
                supplier=org,
                status=ShortlistEntry.Status.SHORTLISTED,
                notes="À rappeler avant la date limite.",
                updated_by=user,
            )
            for org in odd
        )
        ShortlistEntryChange.objects.bulk_create(
            ShortlistEntryChange(
                entry=entry,
                kind=ShortlistEntryChange.Kind.STATUS,
                old_status=ShortlistEntry.Status.NEW,
                new_status=ShortlistEntry.Status.SHORTLISTED,
                changed_by=user,
            )
            for entry in shortlisted
        )
        return user, tender


def _sirens(count: int) -> list[str]:
    """COUNT valid SIRENs unlikely to exist (the 99 prefix is not allocated)."""
    bases = [f"99{n:06d}" for n in range(count)]
    return [base + luhn.calc_check_digit(base) for base in bases]

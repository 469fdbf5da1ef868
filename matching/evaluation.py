"""Measure matching on real French award data (DECP): who won a contract before a split date is
a supplier (profile built from its past awards), the awards after it are tenders, and a good
engine ranks each tender's actual winner near the top.

Everything happens in a scratch database that `scratch_database` creates and drops, with the
production retrieval and scoring (`engine.rank`) on PostgreSQL."""

from __future__ import annotations

import datetime
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portal.models import CpvCode, Departement, Organization, Region
from portal.reference import LOADERS, reference_sources
from suppliers import services as supplier_services
from suppliers.models import Reference, SupplierProfile
from tenders.models import Tender

from . import decp, engine

HITS_AT = (1, 5, 10, 50)
Log = Callable[[str], None]


@contextmanager
def scratch_database() -> Iterator[str]:
    """A fresh, migrated database for this process, dropped on the way out whatever happens;
    the connection points back at the usual database afterwards."""
    db = settings.DATABASES["default"]
    old_name, test = db["NAME"], db.setdefault("TEST", {})
    old_test_name = test.get("NAME")
    test["NAME"] = f"passerelle_eval_{os.getpid()}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = test["NAME"]
    try:
        yield connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False, keepdb=False
        )
    finally:
        try:
            if connection.settings_dict["NAME"] != old_name:  # created, even if migrate failed
                connection.creation.destroy_test_db(old_name, verbosity=0)
        finally:
            test["NAME"] = old_test_name
            connection.settings_dict["TEST"]["NAME"] = old_test_name


def load_reference(log: Log) -> None:
    """The full CPV list and the départements when REFERENCE_DATA_DIR is set (DECP codes need
    them), otherwise the bundled subset."""
    for kind, path in reference_sources():
        report = LOADERS[kind](path)
        log(f"reference {kind}: {report.summary()}")


# --- Building the history (suppliers) and the tenders ------------------------------------------


@dataclass
class Built:
    suppliers: dict[str, int]  # SIREN → organization id
    tenders: list[tuple[int, list[str]]]  # (tender id, winners' SIRENs)


def _most_common(values) -> str:
    values = [v for v in values if v]
    return Counter(values).most_common(1)[0][0] if values else ""


def _dedupe(awards: list[decp.Award]) -> list[decp.Award]:
    """Sources republish the same award: one per procedure, code and object."""
    seen, out = set(), []
    for award in awards:
        key = (award.procedure, award.cpv, award.title)
        if key not in seen:
            seen.add(key)
            out.append(award)
    return out


def insert_suppliers(history: list[decp.Award], default_year: int) -> dict[str, int]:
    """One live, approved profile per winning SIREN: its won codes, its contracts' objects as
    its capability statement and its contracts as references."""
    by_siren: dict[str, list[decp.Award]] = {}
    names: dict[str, Counter] = {}
    for award in _dedupe(history):
        for siren, name in award.winners:
            by_siren.setdefault(siren, []).append(award)
            names.setdefault(siren, Counter())[name] += 1
    sirens = sorted(by_siren)
    orgs = Organization.objects.bulk_create(
        Organization(
            kind=Organization.Kind.SUPPLIER,
            siren=siren,
            name=(_most_common(names[siren].elements()) or siren)[:200],
        )
        for siren in sirens
    )
    profiles = SupplierProfile.objects.bulk_create(
        _profile(org, by_siren[org.siren]) for org in orgs
    )
    Reference.objects.bulk_create(
        (
            Reference(
                profile=profile,
                client=award.buyer_name[:200],
                year=award.year or default_year,
                value_eur=award.amount,
                cpv_code=award.cpv,
                description=award.title[:2000],
                departement_id=award.departement or None,
            )
            for profile, org in zip(profiles, orgs, strict=True)
            for award in by_siren[org.siren]
        ),
        batch_size=2000,
    )
    return {org.siren: org.pk for org in orgs}


def _profile(org: Organization, awards: list[decp.Award]) -> SupplierProfile:
    codes = [code for code, _n in Counter(a.cpv for a in awards if a.cpv).most_common()]
    regions = [code for code, _n in Counter(a.region for a in awards if a.region).most_common()]
    departements = sorted({a.departement for a in awards if a.departement})
    return SupplierProfile(
        organization=org,
        is_live=True,
        status=SupplierProfile.Status.APPROVED,
        legal_name=org.name,
        siren=org.siren,
        region_id=regions[0] if regions else None,
        regions_served=regions,
        capability_statement="\n".join(dict.fromkeys(a.title for a in awards if a.title)),
        statement_language=SupplierProfile.Language.FR,
        cpv_codes=codes,
        # What the app derives when a profile goes live (services.live_refresh_matching_fields);
        # the search vector is set below in one statement for all profiles.
        cpv_prefixes=supplier_services.cpv_prefixes(codes),
        reference_cpv_prefixes=supplier_services.cpv_prefixes(a.cpv for a in awards),
        reference_count=len(awards),
        reference_clients=supplier_services.reference_clients(a.buyer_name[:200] for a in awards),
        departements=departements,  # no head office known: the places of the contracts
    )


def refresh_search_vectors() -> None:
    """The app's own search-vector statement, run once for every live profile."""
    one_profile = "WHERE p.id = %(id)s"
    sql = supplier_services._SEARCH_VECTOR_SQL
    if one_profile not in sql:  # the app's statement changed shape: adapt this one
        raise RuntimeError("suppliers.services._SEARCH_VECTOR_SQL is not the expected statement")
    for language, config in (("fr", "fr_unaccent"), ("en", "en_unaccent")):
        where = f"WHERE p.is_live AND p.statement_language = '{language}'"
        with connection.cursor() as cursor:
            cursor.execute(sql.replace(one_profile, where), {"config": config})


def insert_tenders(groups: list[list[decp.Award]]) -> list[tuple[int, list[str]]]:
    """One published tender per procedure (its lots' codes as additional CPVs), bought by a
    ministry-kind organization named after the buyer."""
    buyers = {}
    for group in groups:
        buyers.setdefault(group[0].buyer_key, group[0].buyer_name)
    buyer_orgs = dict(
        zip(
            buyers,
            Organization.objects.bulk_create(
                Organization(kind=Organization.Kind.MINISTRY, name=name[:200], siren="")
                for name in buyers.values()
            ),
            strict=True,
        )
    )
    tenders = Tender.objects.bulk_create(
        _tender(n, group, buyer_orgs[group[0].buyer_key]) for n, group in enumerate(groups)
    )
    links = [
        Tender.additional_cpvs.through(tender_id=tender.pk, cpvcode_id=code)
        for tender, group in zip(tenders, groups, strict=True)
        for code in sorted({a.cpv for a in group if a.cpv} - {tender.main_cpv_id})
    ]
    Tender.additional_cpvs.through.objects.bulk_create(links)
    return [
        (tender.pk, list(dict.fromkeys(s for a in group for s, _name in a.winners)))
        for tender, group in zip(tenders, groups, strict=True)
    ]


def _tender(n: int, group: list[decp.Award], buyer: Organization) -> Tender:
    day = group[0].day
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    titles = list(dict.fromkeys(a.title for a in group if a.title))
    return Tender(
        ocid=f"decp-eval-{n}",
        title=(_most_common(a.title for a in group) or f"Marché {group[0].procedure[1]}")[:300],
        description="\n".join(titles[1:]),
        buyer=buyer,
        main_cpv_id=_most_common(a.cpv for a in group) or None,
        region_id=_most_common(a.region for a in group) or None,
        departement_id=_most_common(a.departement for a in group) or None,
        status=Tender.Status.PUBLISHED,
        published_at=moment,
        status_changed_at=moment,
        submission_deadline=moment,
    )


class DecpFileError(ValueError):
    """A DECP file that cannot be read, with a message naming the file and what it holds."""


def read_decp(path: Path) -> dict:
    """The DECP document in PATH: a JSON object with a "marches" list (records that are not
    objects are counted and dropped by decp.parse)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise DecpFileError(f"{path}: cannot be read ({error.strerror or error}).") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DecpFileError(
            f"{path}: not JSON (line {error.lineno}, column {error.colno}: {error.msg}). "
            'Expected a DECP document, {"marches": [...]}.'
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get("marches"), list):
        found = {
            dict: "an object without it",
            list: "a list",
            str: "a string",
            bool: "true or false",
            type(None): "null",
        }.get(type(data), "a number")
        raise DecpFileError(
            f'{path}: a DECP document is a JSON object with a "marches" list; found {found}.'
        )
    return data


@transaction.atomic
def build(
    data: dict, split: datetime.date, report: decp.Report, until: datetime.date | None = None
) -> Built:
    """Suppliers from the awards of DATA (read_decp) before SPLIT (or undated), tenders from
    those on or after it (and before UNTIL when given: a later period can then be left out,
    e.g. to tune on one period and check on the next)."""
    dept_region = dict(Departement.objects.values_list("code", "region_id"))
    awards = decp.parse(
        data,
        set(CpvCode.objects.values_list("code", flat=True)),
        dept_region,
        set(Region.objects.values_list("code", flat=True)),
        report,
    )
    history, future, later = [], [], []
    for group in decp.procedures(awards):
        day = group[0].day
        if not day or day < split:
            history.append(group)
        else:
            (later if until and day >= until else future).append(group)
    report.add("procedures before the split (or undated): supplier history", len(history))
    report.add("procedures on or after the split: tenders", len(future))
    if until:
        report.add("procedures on or after --until: left out", len(later))
    suppliers = insert_suppliers([a for g in history for a in g], split.year - 1)
    refresh_search_vectors()
    engine.refresh_term_stats()
    tenders = insert_tenders(future)
    report.add("supplier profiles built", len(suppliers))
    return Built(suppliers=suppliers, tenders=tenders)


# --- Ranking and metrics --------------------------------------------------------------------


def rank_of_winners(tender_id: int, winner_orgs: set[int], top_n: int) -> tuple[int | None, int]:
    """(1-based rank of the best-ranked winner among the eligible suppliers, or None; how many
    eligible suppliers were ranked), with the engine's full ranking."""
    tender = Tender.objects.select_related("buyer", "region", "departement").get(pk=tender_id)
    eligible, _excluded = engine.rank(engine.tender_context(tender), top_n=top_n)
    position = next(
        (n for n, s in enumerate(eligible, start=1) if s.supplier_id in winner_orgs), None
    )
    return position, len(eligible)


def metrics(ranks: list[int | None]) -> dict:
    n = len(ranks)
    out: dict = {"tenders": n}
    for k in HITS_AT:
        out[f"hit@{k}"] = round(sum(1 for r in ranks if r and r <= k) / n, 4) if n else 0.0
    out["mrr"] = round(sum(1 / r for r in ranks if r) / n, 4) if n else 0.0
    return out


def evaluate(built: Built, write: Callable[[dict], None], progress=None) -> dict:
    """Rank every tender whose winner is in the history; WRITE gets one row per tender."""
    top_n = max(SupplierProfile.objects.filter(is_live=True).count(), 1)
    ranks = []
    for tender_id, sirens in built.tenders:
        winner_orgs = {built.suppliers[s] for s in sirens if s in built.suppliers}
        if winner_orgs:
            position, candidates = rank_of_winners(tender_id, winner_orgs, top_n)
            ranks.append(position)
            write(
                {"tender": tender_id, "winners": sirens, "rank": position, "candidates": candidates}
            )
        if progress:
            progress(1)
    return metrics(ranks)

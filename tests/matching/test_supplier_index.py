"""matching_supplierindex, what the engine's window reads, mirrors the live approved supplier
profiles through every way a profile changes: kept by a PostgreSQL trigger, in the same
transaction, whoever writes the profile (services, a queryset update, raw SQL)."""

import pytest
from django.db import connection

from matching.models import SupplierIndex
from suppliers import services as supplier_services
from suppliers.models import SupplierProfile

pytestmark = pytest.mark.django_db

COLUMNS = [f.column for f in SupplierIndex._meta.get_fields() if f.column != "id"]


def _mirror() -> dict[int, tuple]:
    """What the index should hold: the live approved profiles' columns, as the engine reads
    them (the vector's length, empty arrays for none)."""
    source = ", ".join(
        "coalesce(length(search_vector), 0)"
        if c == "vector_length"
        else f"coalesce({c}, '{{}}')"
        if c in ("cpv_keys", "reference_cpv_keys", "lexeme_keys")
        else c
        for c in COLUMNS
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {source} FROM suppliers_supplierprofile "  # noqa: S608 (model columns)
            "WHERE is_live AND status = 'approved'"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _index() -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {', '.join(COLUMNS)} FROM matching_supplierindex")  # noqa: S608
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _xmin(pk: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text::bigint FROM matching_supplierindex WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_it_mirrors_the_live_approved_profiles_through_their_whole_life(make_supplier, moderator):
    first = make_supplier(
        cpv_codes=["35613000"],
        capability_statement="Drones de reconnaissance.",
        certifications=[("iso9001", None)],
        references=[("35613000", 2024, "DGA")],
    )
    make_supplier(cpv_codes=["35613000"], approve=False)  # submitted, not approved: absent
    live = SupplierProfile.objects.get(organization=first, is_live=True)
    assert set(_index()) == {live.pk} and _index() == _mirror()
    row = SupplierIndex.objects.get(pk=live.pk)
    assert row.organization_id == first.pk and row.certification_types == ["iso9001"]
    assert row.reference_count == 1 and row.vector_length > 0 and row.lexeme_keys

    # A new revision approved: the live copy changes, and the index with it.
    user = first.memberships.first().user
    working = supplier_services.profile_get_working(organization=first)
    supplier_services.profile_update(
        profile=working, data={"capability_statement": "Radars et sonars.", "trl": 7}, by=user
    )
    assert _index() == _mirror()  # the working copy is not live: nothing moved yet
    supplier_services.profile_submit(profile=working, by=user)
    supplier_services.profile_approve(profile=working, by=moderator)
    assert _index() == _mirror() and SupplierIndex.objects.get(pk=live.pk).trl == 7

    # Suspended: gone; reinstated: back.
    live.refresh_from_db()
    supplier_services.profile_suspend(live=live, by=moderator, reason="Contrôle en cours")
    assert _index() == {} == _mirror()
    supplier_services.profile_reinstate(live=live, by=moderator, reason="Contrôle terminé")
    assert set(_index()) == {live.pk} and _index() == _mirror()

    # A write that changes nothing the engine reads leaves the row alone; one that does, not.
    before = _xmin(live.pk)
    SupplierProfile.objects.filter(pk=live.pk).update(legal_name="Renamed SAS")
    assert _xmin(live.pk) == before
    SupplierProfile.objects.filter(pk=live.pk).update(reference_clients=["marine nationale"])
    assert _xmin(live.pk) != before and _index() == _mirror()

    # Raw SQL too, and deletion.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE suppliers_supplierprofile SET status = 'suspended' WHERE id = %s", [live.pk]
        )
    assert _index() == {}
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE suppliers_supplierprofile SET status = 'approved' WHERE id = %s", [live.pk]
        )
    assert _index() == _mirror() != {}
    SupplierProfile.objects.filter(pk=live.pk).delete()
    assert _index() == {} == _mirror()

    # Emptied with the profile table (a statement trigger: TRUNCATE fires no row trigger).
    make_supplier(cpv_codes=["35613000"])
    assert len(_index()) == 1
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign key checks
        cursor.execute("TRUNCATE suppliers_supplierprofile CASCADE")
    assert _index() == {}

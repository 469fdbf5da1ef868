import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from matching import services
from matching.models import Match
from portal.models import Membership

pytestmark = pytest.mark.django_db


def test_a_supplier_sees_its_tenders_with_explanations_and_what_it_would_need(
    client, make_supplier, make_tender
):
    org = make_supplier(cpv_codes=["35613000"], capability_statement="Drones tactiques")
    shortlisted = make_tender(title="Drones tactiques pour l'armée de Terre")
    out_of_reach = make_tender(title="Drones classifiés", min_clearance=2)
    for tender in (shortlisted, out_of_reach):
        services.shortlist_rebuild(tender=tender)
    client.force_login(Membership.objects.get(organization=org).user)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Drones tactiques pour l&#x27;armée de Terre" in page
    assert "rank 1 on the shortlist" in page
    assert "same code" in page  # the CPV explanation
    assert "Not eligible yet" in page
    assert "requires clearance level Secret" in page


def test_the_dashboard_query_count_is_bounded(
    client, make_supplier, make_tender, django_assert_max_num_queries
):
    org = make_supplier(cpv_codes=["35613000"])
    for i in range(8):
        services.shortlist_rebuild(tender=make_tender(title=f"Drones {i}"))
    client.force_login(Membership.objects.get(organization=org).user)
    with django_assert_max_num_queries(15):
        client.get("/dashboard/")


def test_rematch_command_runs_one_or_all_open_tenders(make_supplier, make_tender, capsys):
    make_supplier(cpv_codes=["35613000"])
    first, second = make_tender(), make_tender()
    call_command("rematch", "--tender", str(first.pk))
    assert Match.objects.filter(tender=first).count() == 1
    assert not Match.objects.filter(tender=second).exists()
    call_command("rematch", "--all")
    assert Match.objects.filter(tender=second).count() == 1
    assert "2 tender(s): created 1, updated 0, unchanged 1, deleted 0" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No tender"):
        call_command("rematch", "--tender", "999999")


def test_the_tender_page_shows_its_shortlist_to_its_author_only(
    client, make_supplier, make_tender, ministry_author, buyer
):
    org = make_supplier(cpv_codes=["35613000"])
    tender = make_tender()
    services.shortlist_rebuild(tender=tender)
    client.force_login(ministry_author)
    response = client.get(f"/tenders/{tender.pk}/")
    assert [m.supplier_id for m in response.context["shortlist"]] == [org.pk]
    client.force_login(buyer)
    assert "shortlist" not in client.get(f"/tenders/{tender.pk}/").context


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks sent to a broker nobody listens on (as with Redis stopped), not run inline. Only
    the URL of new connections changes (Celery reads it from the environment first): the
    producer pool, made on the first task sent, must not be made here."""
    from portal.celery import app

    pool = app._pool
    monkeypatch.setenv("CELERY_BROKER_WRITE_URL", "redis://127.0.0.1:9/0")
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    yield
    assert app._pool is pool, "a task was sent while the broker was down"


def test_rematch_stops_before_writing_when_the_broker_is_down(
    make_supplier, make_tender, capsys, broker_down
):
    """The command queues emails: with the broker down it says so before storing anything,
    instead of storing one tender's shortlist and stopping at its first email."""
    make_supplier(cpv_codes=["35613000"])
    tenders = [make_tender(), make_tender()]
    Match.objects.all().delete()
    down = r"broker \(Redis, redis://127.0.0.1:9/0\) cannot be reached"
    with pytest.raises(CommandError, match=down):
        call_command("rematch", "--all")
    assert not Match.objects.exists()
    call_command("rematch", "--all", "--no-notify")  # needs no broker
    assert {m.tender_id for m in Match.objects.all()} == {t.pk for t in tenders}
    assert "2 tender(s): created 2" in capsys.readouterr().out

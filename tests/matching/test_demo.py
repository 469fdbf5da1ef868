"""The demo buyer follows demo tenders: logging in as the buyer shows shortlists at once."""

import pytest
from django.core.management import call_command
from django.utils.html import escape

from matching.demo import FOLLOWED
from matching.models import Follow, Match
from portal.models import User
from tenders.demo import OCID_PREFIX

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, django_capture_on_commit_callbacks):
    """The bundled reference subset and the whole demo, its after-commit tasks run (eagerly,
    as the worker of `make run` would)."""
    settings.REFERENCE_DATA_DIR = ""
    settings.DEMO_MODE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed
    call_command("load_reference")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")


def test_the_demo_buyer_follows_two_demo_tenders_with_ranked_shortlists(demo, client):
    buyer = User.objects.get(email="buyer@example.com")
    follows = Follow.objects.filter(organization=buyer.membership.organization)
    assert sorted(f.tender.ocid for f in follows) == sorted(OCID_PREFIX + k for k in FOLLOWED)
    assert all(f.created_by == buyer for f in follows)
    drones = follows.get(tender__ocid=OCID_PREFIX + "drones-recon")
    ranked = Match.objects.filter(follow=drones, rank__isnull=False).order_by("rank")
    assert ranked.count() >= 3  # demo suppliers make drones and hold EN 9100
    assert list(ranked.values_list("rank", flat=True)) == list(range(1, ranked.count() + 1))
    client.force_login(buyer)
    page = client.get("/dashboard/").content.decode()
    for follow in follows:
        assert escape(follow.tender.title) in page


def test_loading_the_demo_again_follows_nothing_more(demo, django_capture_on_commit_callbacks):
    buyer = User.objects.get(email="buyer@example.com")
    before = set(Follow.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("load_demo")
    assert set(Follow.objects.values_list("pk", flat=True)) == before
    assert not callbacks  # nothing re-queued either
    assert Follow.objects.filter(organization=buyer.membership.organization).count() == 2


def test_the_demo_follows_only_open_tenders_and_never_stops_the_demo_loading(demo):
    from django.utils import timezone

    from portal.models import Organization
    from tenders.models import Tender

    buyer = User.objects.get(email="buyer@example.com")
    Follow.objects.all().delete()
    past = timezone.now()  # published still, but its deadline has passed
    Tender.objects.filter(ocid=OCID_PREFIX + "drones-recon").update(
        submission_deadline=past, enquiry_deadline=past
    )
    call_command("load_demo")
    assert [f.tender.ocid for f in Follow.objects.all()] == [OCID_PREFIX + "cyber-soc"]
    # The demo buyer moved to a supplier in the admin: the demo loads, with no follow.
    Follow.objects.all().delete()
    membership = buyer.membership
    membership.organization = Organization.objects.filter(kind="supplier").first()
    membership.save()
    call_command("load_demo")
    assert not Follow.objects.exists()

"""Following tenders: rules, per-organization shortlists, statuses and notes across
re-matching, history, contacting a supplier."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from matching import services, tasks
from matching.models import Follow, Match, ShortlistEntry, SupplierContact
from matching.services import ShortlistError
from notifications.models import EmailDelivery
from portal.models import AuditEvent, Membership, Organization

from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The services' error messages are asserted in English (the catalog also has French)."""
    with translation.override("en"):
        yield


def _org(user) -> Organization:
    return user.membership.organization


def _follow(buyer, tender, django_capture_on_commit_callbacks) -> Follow:
    with django_capture_on_commit_callbacks(execute=True):
        return services.follow_tender(tender=tender, by=buyer)


def test_it_follows_a_published_tender_and_ranks_it_for_the_organization_after_commit(
    buyer, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    supplier = make_supplier(cpv_codes=["35613000"])
    tender = make_tender(title="Drones")
    with django_capture_on_commit_callbacks() as callbacks:
        follow = services.follow_tender(tender=tender, by=buyer)
    assert not Match.objects.filter(follow=follow).exists()  # nothing before commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert list(Match.objects.filter(follow=follow).values_list("supplier", "rank")) == [
        (supplier.pk, 1)
    ]
    assert follow.organization == _org(buyer) and follow.created_by == buyer
    assert AuditEvent.objects.filter(action="tender.followed", actor=buyer).exists()


@pytest.mark.parametrize("status", ["draft", "closed", "cancelled"])
def test_it_follows_only_published_tenders(buyer, make_tender, status):
    tender = make_tender(
        status=status, **({"cancellation_reason": "x"} if status == "cancelled" else {})
    )
    with pytest.raises(ShortlistError, match="published"):
        services.follow_tender(tender=tender, by=buyer)
    assert not Follow.objects.exists()


def test_it_lets_only_prime_contractors_follow(supplier, ministry_author, moderator, make_tender):
    tender = make_tender()
    for user in (supplier, ministry_author, moderator):
        with pytest.raises(ShortlistError, match="prime contractor"):
            services.follow_tender(tender=tender, by=user)
    assert not Follow.objects.exists()


def test_it_refuses_to_follow_twice(buyer, make_tender, django_capture_on_commit_callbacks):
    tender = make_tender()
    _follow(buyer, tender, django_capture_on_commit_callbacks)
    colleague = MembershipFactory(organization=_org(buyer), role=Membership.Role.MEMBER).user
    with pytest.raises(ShortlistError, match="already follows"):
        services.follow_tender(tender=tender, by=colleague)
    assert Follow.objects.count() == 1


def test_it_unfollows_but_keeps_statuses_and_notes(
    buyer, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    supplier = make_supplier(cpv_codes=["35613000"])
    tender = make_tender()
    follow = _follow(buyer, tender, django_capture_on_commit_callbacks)
    scope = {"organization": _org(buyer), "tender": tender, "supplier": supplier, "by": buyer}
    services.shortlist_entry_set_notes(**scope, notes="Good fit")
    services.unfollow_tender(follow=follow, by=buyer)
    assert not Follow.objects.exists() and not Match.objects.filter(follow__isnull=False).exists()
    assert ShortlistEntry.objects.get().notes == "Good fit"
    assert AuditEvent.objects.filter(action="tender.unfollowed").exists()


def test_it_refuses_an_unfollow_by_another_organization(
    buyer, other_buyer, make_tender, django_capture_on_commit_callbacks
):
    follow = _follow(buyer, make_tender(), django_capture_on_commit_callbacks)
    with pytest.raises(ShortlistError):
        services.unfollow_tender(follow=follow, by=other_buyer)
    assert Follow.objects.filter(pk=follow.pk).exists()


def test_its_organization_shortlist_honours_extra_certifications_and_regions(
    buyer, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    certified = make_supplier(
        cpv_codes=["35613000"], certifications=[("iso27001", None)], regions_served=["11"]
    )
    plain = make_supplier(cpv_codes=["35613000"])
    tender = make_tender()
    services.shortlist_rebuild(tender=tender)
    follow = _follow(buyer, tender, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_update_requirements(
            follow=follow,
            by=buyer,
            extra_mandatory_certifications=["iso27001"],
            extra_regions=["11"],
            weights={},
        )
    # The tender-level ranking is untouched; the organization's excludes the plain supplier.
    assert set(
        Match.objects.filter(follow=None, eligible=True).values_list("supplier", flat=True)
    ) == {
        certified.pk,
        plain.pk,
    }
    own = {m.supplier_id: m for m in Match.objects.filter(follow=follow)}
    assert own[certified.pk].eligible and own[certified.pk].rank == 1
    assert not own[plain.pk].eligible
    failed = [c for c in own[plain.pk].constraints if not c["passed"]]
    assert {c["name"] for c in failed} == {"certification:iso27001", "regions"}
    region = next(c for c in failed if c["name"] == "regions")
    assert region["reason"] == "requires a base in or service to Île-de-France"


def test_its_organization_shortlist_uses_its_weights(
    buyer, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    make_supplier(cpv_codes=["35613000"], capability_statement="Autre chose.")
    tender = make_tender(title="Drones")
    services.shortlist_rebuild(tender=tender)
    follow = _follow(buyer, tender, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_update_requirements(
            follow=follow,
            by=buyer,
            extra_mandatory_certifications=[],
            extra_regions=[],
            weights={"text": 0, "past_performance": 0, "region": 0, "interest": 0},
        )
    base, own = Match.objects.get(follow=None), Match.objects.get(follow=follow)
    assert own.score > base.score
    assert {c["name"]: c["weight"] for c in own.components}["text"] == 0
    assert Follow.objects.get().weights == {
        "text": 0.0,
        "past_performance": 0.0,
        "region": 0.0,
        "interest": 0.0,
    }


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"weights": {"cpv": 101}}, "from 0 to 100"),
        ({"weights": {"luck": 3}}, "Unknown criterion"),
        ({"extra_mandatory_certifications": ["nope"]}, "Unknown certification"),
        ({"extra_regions": ["99"]}, "Unknown region"),
    ],
)
def test_it_refuses_invalid_requirements(
    buyer, regions, make_tender, django_capture_on_commit_callbacks, kwargs, message
):
    follow = _follow(buyer, make_tender(), django_capture_on_commit_callbacks)
    data = {"extra_mandatory_certifications": [], "extra_regions": [], "weights": {}, **kwargs}
    with pytest.raises(ShortlistError, match=message):
        services.follow_update_requirements(follow=follow, by=buyer, **data)
    follow.refresh_from_db()
    assert follow.weights == {} and follow.extra_regions == []


def test_a_rematch_of_the_tender_rebuilds_its_follows(
    buyer, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    tender = make_tender()
    follow = _follow(buyer, tender, django_capture_on_commit_callbacks)
    assert not Match.objects.filter(follow=follow).exists()
    supplier = make_supplier(cpv_codes=["35613000"])
    tasks.match_tender(tender.pk)  # eager in tests: the fan-out runs inline
    assert Match.objects.get(follow=follow).supplier == supplier
    assert Match.objects.get(follow=None).supplier == supplier


def test_the_rematch_command_rebuilds_the_follows_and_tells_their_buyers(
    buyer, make_supplier, make_tender, django_capture_on_commit_callbacks, capsys
):
    """`manage.py rematch` does what the worker does: the following organization's ranking
    (what its buyers see) is rebuilt too, and its buyers hear of a new supplier in it."""
    tender = make_tender()
    follow = _follow(buyer, tender, django_capture_on_commit_callbacks)
    assert not Match.objects.filter(follow=follow).exists()
    supplier = make_supplier(cpv_codes=["35613000"])
    Match.objects.all().delete()  # as if no worker had run since the supplier entered
    EmailDelivery.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rematch", "--tender", str(tender.pk))
    assert Match.objects.get(follow=follow).supplier == supplier
    assert Match.objects.get(follow=None).supplier == supplier
    out = capsys.readouterr().out
    assert "1 tender(s): created 1, updated 0, unchanged 0, deleted 0" in out
    assert "1 following organization ranking(s): created 1, updated 0" in out
    delivery = EmailDelivery.objects.get(purpose="shortlist.update")
    assert delivery.recipient == buyer
    call_command("rematch", "--all")  # nothing changed: nothing rewritten, nobody emailed
    assert "1 following organization ranking(s): created 0, updated 0, unchanged 1" in (
        capsys.readouterr().out
    )
    assert EmailDelivery.objects.filter(purpose="shortlist.update").count() == 1


def test_statuses_and_notes_survive_a_rematch_and_keep_their_history(
    buyer, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    supplier = make_supplier(cpv_codes=["35613000"])
    tender = make_tender()
    follow = _follow(buyer, tender, django_capture_on_commit_callbacks)
    colleague = MembershipFactory(organization=_org(buyer), role=Membership.Role.MEMBER).user
    scope = {"organization": _org(buyer), "tender": tender, "supplier": supplier}
    services.shortlist_entry_set_status(**scope, status="shortlisted", by=buyer)
    services.shortlist_entry_set_notes(**scope, notes="Call Monday", by=colleague)
    services.shortlist_entry_set_status(**scope, status="shortlisted", by=colleague)  # no-op
    services.supplier_matches_remove(organization=supplier)  # e.g. suspended then re-approved
    services.shortlist_rebuild(tender=tender, follow=follow)
    entry = ShortlistEntry.objects.get()
    assert (entry.status, entry.notes, entry.updated_by) == (
        "shortlisted",
        "Call Monday",
        colleague,
    )
    history = [
        (c.kind, c.old_status, c.new_status, c.changed_by) for c in entry.changes.order_by("pk")
    ]
    assert history == [("status", "new", "shortlisted", buyer), ("notes", "", "", colleague)]
    assert AuditEvent.objects.filter(action="shortlist.status_changed").count() == 1
    assert AuditEvent.objects.filter(action="shortlist.notes_edited").count() == 1


def test_it_refuses_an_unknown_status_and_other_organizations(
    buyer, other_buyer, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    supplier = make_supplier(cpv_codes=["35613000"])
    tender = make_tender()
    _follow(buyer, tender, django_capture_on_commit_callbacks)
    scope = {"organization": _org(buyer), "tender": tender, "supplier": supplier}
    with pytest.raises(ShortlistError, match="Unknown status"):
        services.shortlist_entry_set_status(**scope, status="hired", by=buyer)
    with pytest.raises(ShortlistError):
        services.shortlist_entry_set_status(**scope, status="declined", by=other_buyer)
    with pytest.raises(ShortlistError, match="does not follow"):
        services.shortlist_entry_set_status(
            **{**scope, "organization": _org(other_buyer)}, status="declined", by=other_buyer
        )
    assert not ShortlistEntry.objects.filter(status="declined").exists()


def test_contacting_a_supplier_records_it_moves_it_to_contacted_and_emails_after_commit(
    buyer, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    supplier = make_supplier(cpv_codes=["35613000"])
    english = MembershipFactory(organization=supplier, role=Membership.Role.MEMBER).user
    english.language = "en"
    english.save()
    tender = make_tender(title="Drones")
    _follow(buyer, tender, django_capture_on_commit_callbacks)
    mail.outbox.clear()  # the buyers' shortlist email, sent when the follow was computed
    with django_capture_on_commit_callbacks() as callbacks:
        contact = services.supplier_contact(
            organization=_org(buyer),
            tender=tender,
            supplier=supplier,
            message="Let us talk.",
            by=buyer,
        )
    assert mail.outbox == []  # nothing leaves before commit
    assert SupplierContact.objects.get() == contact
    entry = ShortlistEntry.objects.get()
    assert entry.status == "contacted"
    assert entry.changes.get().new_status == "contacted"
    assert AuditEvent.objects.filter(action="supplier.contacted").exists()
    assert len(callbacks) == 1
    callbacks[0]()
    recipients = {m.to[0]: m for m in mail.outbox}
    assert set(recipients) == set(
        Membership.objects.filter(organization=supplier).values_list("user__email", flat=True)
    )
    assert "Let us talk." in recipients[english.email].body
    assert "would like to talk to you about the tender" in recipients[english.email].body
    assert buyer.email in recipients[english.email].body


def test_it_refuses_an_empty_contact_message(
    buyer, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    supplier = make_supplier(cpv_codes=["35613000"])
    tender = make_tender()
    _follow(buyer, tender, django_capture_on_commit_callbacks)
    with pytest.raises(ShortlistError, match="Write a message"):
        services.supplier_contact(
            organization=_org(buyer), tender=tender, supplier=supplier, message="  ", by=buyer
        )
    assert not SupplierContact.objects.exists() and not ShortlistEntry.objects.exists()

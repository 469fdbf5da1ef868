"""Shortlist emails to buyers: on first computation, on a material change (a supplier new in
the top ten, a shortlisted supplier suspended), not on noise; the daily digest; the whole
pipeline with a real worker and SMTP server."""

import pytest
from django.conf import settings
from django.core import mail
from django.template.defaultfilters import floatformat
from django.utils import translation

from matching import services as matching_services
from matching import tasks as matching_tasks
from matching.models import Follow, Match, ShortlistEntry
from matching.templatetags.matching import explain
from notifications import services
from notifications.models import EmailDelivery, ShortlistNotice
from portal.models import Membership
from suppliers import services as supplier_services
from suppliers.models import SupplierProfile

from ..factories import MembershipFactory
from .conftest import wait_for


@pytest.fixture
def colleague(buyer):
    user = MembershipFactory(
        organization=buyer.membership.organization, role=Membership.Role.MEMBER
    ).user
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def _follow(buyer, tender, capture) -> Follow:
    with capture(execute=True):
        return matching_services.follow_tender(tender=tender, by=buyer)


def _by_recipient():
    return {m.to[0]: m for m in mail.outbox}


@pytest.mark.django_db
def test_it_emails_each_buyer_the_first_shortlist_in_their_language(
    buyer, colleague, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    supplier = make_supplier(cpv_codes=["35613000"], capability_statement="Drones tactiques")
    tender = make_tender(title="Drones tactiques")
    follow = _follow(buyer, tender, django_capture_on_commit_callbacks)
    messages = _by_recipient()
    assert set(messages) == {buyer.email, colleague.email}
    english, french = messages[colleague.email], messages[buyer.email]
    match = Match.objects.get(follow=follow, supplier=supplier)
    link = f"{settings.SITE_URL}/shortlists/{tender.pk}/"
    assert english.subject == "[Passerelle] Shortlist ready: Drones tactiques"
    assert "Supplier" in english.body and f"score {floatformat(match.score, 0)}/100" in english.body
    with translation.override("en"):
        sentences = [explain(c) for c in match.components if c.get("weight") and c.get("value")]
    assert sentences and sentences[0] in english.body
    assert link in english.body
    html = english.alternatives[0][0]
    assert f'href="{link}"' in html and "<ol>" in html
    assert "Drones tactiques" in french.subject
    assert french.subject.startswith("[Passerelle] ")  # as every email of the platform
    assert EmailDelivery.objects.get(recipient=buyer).language == "fr"
    deliveries = EmailDelivery.objects.filter(purpose="shortlist.update")
    assert {d.status for d in deliveries} == {"sent"} and deliveries.count() == 2


@pytest.mark.django_db
def test_it_does_not_email_again_when_nothing_material_changed(
    buyer, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    make_supplier(cpv_codes=["35613000"])
    tender = make_tender()
    follow = _follow(buyer, tender, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        matching_tasks.match_follow(follow.pk)  # same ranking
        services.shortlist_notify(follow_id=follow.pk, changed=True)  # scores moved a bit
    assert len(mail.outbox) == 1
    assert ShortlistNotice.objects.get(follow=follow).pending_changes == 1


@pytest.mark.django_db
def test_a_new_supplier_in_the_top_ten_is_a_material_change(
    buyer, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    make_supplier(cpv_codes=["35613000"], capability_statement="Maintenance.")
    tender = make_tender(title="Drones")
    follow = _follow(buyer, tender, django_capture_on_commit_callbacks)
    newcomer = make_supplier(cpv_codes=["35613000"], capability_statement="Drones")
    with django_capture_on_commit_callbacks(execute=True):
        matching_tasks.match_follow(follow.pk)
    assert len(mail.outbox) == 2
    changed = mail.outbox[1]
    assert "Drones" in changed.subject
    name = SupplierProfile.objects.get(organization=newcomer, is_live=True).display_name
    assert name in changed.body
    # The same top ten again (a re-run) is not sent twice: the period is the set's hash.
    with django_capture_on_commit_callbacks(execute=True):
        matching_tasks.match_follow(follow.pk)
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_shortlisted_supplier_suspended_is_reported(
    buyer, moderator, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    kept = make_supplier(cpv_codes=["35613000"])
    gone = make_supplier(cpv_codes=["35613000"])
    tender = make_tender()
    follow = _follow(buyer, tender, django_capture_on_commit_callbacks)
    matching_services.shortlist_entry_set_status(
        organization=follow.organization,
        tender=tender,
        supplier=gone,
        status="shortlisted",
        by=buyer,
    )
    live = SupplierProfile.objects.get(organization=gone, is_live=True)
    with django_capture_on_commit_callbacks(execute=True):
        supplier_services.profile_suspend(live=live, by=moderator, reason="Fraud")
    with django_capture_on_commit_callbacks(execute=True):
        matching_tasks.match_follow(follow.pk)
    updates = [m for m in mail.outbox if m.to == [buyer.email]]
    assert len(updates) == 2
    assert live.display_name in updates[1].body  # "no longer available: ..."
    assert kept.pk in ShortlistNotice.objects.get(follow=follow).top_supplier_ids
    assert ShortlistEntry.objects.get(supplier=gone).status == "shortlisted"


@pytest.mark.django_db
def test_the_daily_digest_groups_minor_changes_once_a_day(
    buyer, colleague, make_supplier, make_tender, django_capture_on_commit_callbacks
):
    make_supplier(cpv_codes=["35613000"])
    first, second, quiet = make_tender(title="Alpha"), make_tender(title="Beta"), make_tender()
    follows = [_follow(buyer, t, django_capture_on_commit_callbacks) for t in (first, second)]
    _follow(buyer, quiet, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    for follow in follows:
        services.shortlist_notify(follow_id=follow.pk, changed=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.shortlist_digest_send() == 2  # one per buyer
    messages = _by_recipient()
    assert set(messages) == {buyer.email, colleague.email}
    english = messages[colleague.email]
    assert english.subject == "[Passerelle] Shortlist changes of the day: 2 followed tenders"
    assert "Alpha" in english.body and "Beta" in english.body
    assert quiet.title not in english.body
    assert f"{settings.SITE_URL}/shortlists/{first.pk}/" in english.body
    # A second run the same day sends nothing (and nothing is pending anyway).
    services.shortlist_notify(follow_id=follows[0].pk, changed=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.shortlist_digest_send() == 0
    assert len(mail.outbox) == 2
    assert ShortlistNotice.objects.get(follow=follows[0]).pending_changes == 1  # tomorrow's


def test_following_a_tender_emails_the_shortlist_through_a_real_worker_and_smtp(
    buyer, make_supplier, make_tender, outbox_workers, smtp_server
):
    buyer.language = "en"
    buyer.save(update_fields=["language"])
    make_supplier(cpv_codes=["35613000"], capability_statement="Drones")
    tender = make_tender(title="Drones de surveillance")
    outbox_workers()
    matching_services.follow_tender(tender=tender, by=buyer)  # commits: match, notify, send
    # (The supplier's approval email goes through the same worker and server.)
    [message] = wait_for(
        lambda: [m for m in smtp_server.messages if m["To"] == buyer.email], timeout=60
    )
    assert message["Subject"] == "[Passerelle] Shortlist ready: Drones de surveillance"
    assert message["Message-ID"].startswith("<delivery-")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"{settings.SITE_URL}/shortlists/{tender.pk}/" in text
    assert "score" in text and "Supplier" in html
    delivery = EmailDelivery.objects.get(purpose="shortlist.update")
    wait_for(lambda: EmailDelivery.objects.get(pk=delivery.pk).status == "sent")

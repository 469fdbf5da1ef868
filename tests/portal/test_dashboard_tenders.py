"""QA: the ministry author's dashboard lists the entity's tenders (drafts, published, closed),
and no dashboard says "will appear here" above a list that is there."""

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import Match
from tenders.models import Tender

pytestmark = pytest.mark.django_db

S = Tender.Status


def _match(tender, supplier_org, rank, eligible=True):
    return Match.objects.create(
        tender=tender, supplier=supplier_org, rank=rank, score=0.5, eligible=eligible,
        engine_version="test", computed_at=timezone.now(),
    )  # fmt: skip


def test_the_ministry_dashboard_lists_drafts_then_published_then_closed(
    client, ministry_author, make_tender, supplier, other_supplier, django_assert_max_num_queries
):
    soon = timezone.now() + timedelta(days=5)
    later = timezone.now() + timedelta(days=50)
    closed = make_tender(title="Clos", status=S.CLOSED)
    published_later = make_tender(title="Publié tard", submission_deadline=later)
    draft = make_tender(title="Brouillon", status=S.DRAFT)
    published_soon = make_tender(title="Publié bientôt", submission_deadline=soon)
    make_tender(title="D'une autre entité", buyer=_other_ministry())
    _match(published_soon, supplier.membership.organization, 1)
    _match(published_soon, other_supplier.membership.organization, None, eligible=False)
    client.force_login(ministry_author)
    with django_assert_max_num_queries(12):
        response = client.get("/dashboard/")
    page = response.content.decode()
    assert "apparaîtront ici" not in page
    rows = response.context["entity_tenders"]
    assert [t.title for t in rows] == ["Brouillon", "Publié bientôt", "Publié tard", "Clos"]
    assert [t.shortlist_size for t in rows] == [0, 1, 0, 0]
    for tender in (draft, published_soon, published_later, closed):
        assert f'href="/tenders/{tender.pk}/"' in page
    assert f'href="/tenders/{published_soon.pk}/#shortlist">1 fournisseur</a>' in page
    assert f'href="/tenders/{published_later.pk}/#shortlist"' not in page
    assert "Brouillon</a></th>\n        <td>Brouillon</td>" in page  # the status, in words
    buyer = ministry_author.membership.organization
    assert f'href="/tenders/?buyer={buyer.pk}"' in page
    assert "D&#x27;une autre entité" not in page


def test_the_ministry_dashboard_is_cut_and_links_to_the_full_search(
    client, ministry_author, make_tender
):
    for _ in range(12):
        make_tender()
    client.force_login(ministry_author)
    response = client.get("/dashboard/")
    assert len(response.context["entity_tenders"]) == 10
    assert "Tous les appels d’offres de votre entité (12)" in response.content.decode()


def test_an_entity_without_tenders_gets_the_placeholder_and_the_new_tender_button(
    client, ministry_author
):
    client.force_login(ministry_author)
    page = client.get("/dashboard/").content.decode()
    assert "Les appels d’offres de votre entité apparaîtront ici." in page
    assert 'href="/tenders/new/"' in page


def test_the_buyer_dashboard_has_no_placeholder_above_its_followed_tenders(
    client, buyer, make_tender
):
    from matching.models import Follow

    Follow.objects.create(organization=buyer.membership.organization, tender=make_tender())
    client.force_login(buyer)
    page = client.get("/dashboard/").content.decode()
    assert 'class="followed-tenders"' in page
    assert "apparaîtront ici" not in page


def _other_ministry():
    from portal.models import Organization

    from ..factories import OrganizationFactory

    return OrganizationFactory(kind=Organization.Kind.MINISTRY, siren="")

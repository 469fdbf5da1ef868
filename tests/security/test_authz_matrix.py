"""Authorization matrix: every URL of the portal (pages, downloads, API) × every role, with the
expected outcome, checked against real objects.

The list of URLs comes from the URL configuration (``get_resolver``): a URL name without an
entry in ``MATRIX`` fails ``test_every_url_has_an_entry``, so a new view cannot ship without
saying who may use it. To add a URL: add one line to ``MATRIX`` (how to call it, then the
outcome per role; ``allowed_for(...)`` covers the common shapes).

Not listed, with the reason (they are excluded by where they come from, never one by one):
- the ``admin`` namespace: Django's admin, which lets in only active staff (moderators here, with
  MFA); ``test_the_admin_is_for_staff_only`` checks that for every role on a sample of pages;
- allauth's own views (``allauth.*`` modules: login, sign-up, email, password, 2FA, sessions):
  they act only on the logged-in user's own account; their protections are tested in
  ``test_login_protection`` and ``test_mfa_sessions_reauth``.

Outcomes: ``ok`` (2xx), ``redirect`` (3xx elsewhere than the login page, e.g. after a POST),
``invalid`` (400: authorised, the empty request is refused), ``login`` (sent to the login page),
``401``, ``403``, ``404`` (object scoping: not yours), ``405``, ``410``.
Every user has typed the password recently (reauthentication is tested elsewhere): this is
about who may do what.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from portal.models import Membership
from tests.factories import MembershipFactory

from .helpers import mark_reauthenticated

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "supplier",
    "other_supplier",
    "buyer",
    "other_buyer",
    "ministry_author",
    "moderator",
)
LOGGED_IN = ROLES[1:]

# --- The URL configuration ------------------------------------------------------------------------

EXCLUDED_NAMESPACES = {"admin"}  # see the module docstring
EXCLUDED_VIEW_MODULES = ("allauth.",)  # see the module docstring


def _callback_module(pattern: URLPattern) -> str:
    callback = pattern.callback
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return (view_class or callback).__module__


def url_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver, namespaces):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = namespaces + ([pattern.namespace] if pattern.namespace else [])
                if not EXCLUDED_NAMESPACES.intersection(ns):
                    walk(pattern, ns)
            elif not _callback_module(pattern).startswith(EXCLUDED_VIEW_MODULES):
                name = pattern.name or f"<unnamed {pattern.pattern}>"
                names.add(":".join([*namespaces, name]))

    walk(get_resolver(), [])
    return names


# --- The table ------------------------------------------------------------------------------------


@dataclass
class Entry:
    method: str  # "get" or "post"
    kwargs: str | None  # key of World.kwargs, or None
    expected: dict[str, str]
    data: dict = field(default_factory=dict)


def allowed_for(*roles: str, ok="ok", others="403", anonymous="login", **exceptions) -> dict:
    """Outcome per role: OK for ROLES, OTHERS for the rest of the logged-in users."""
    table = {role: (ok if role in roles else others) for role in LOGGED_IN}
    table["anonymous"] = anonymous
    table.update(exceptions)
    return table


def everyone(ok="ok") -> dict:
    return dict.fromkeys(ROLES, ok)


def logged_in(ok="ok", anonymous="login", **exceptions) -> dict:
    return {**dict.fromkeys(LOGGED_IN, ok), "anonymous": anonymous, **exceptions}


MATCHING_404 = {"other_buyer": "404"}  # another prime: the follow is not theirs
API_ANON = "401"  # the API answers 401 with a WWW-Authenticate challenge
MANAGERS = ("ministry_author", "moderator")
TENDER_MANAGERS = allowed_for(*MANAGERS)
ORG_ADMIN_ACTION = allowed_for("supplier", ok="redirect", others="404", moderator="403")
# The API's supplier directory is for buyers and moderators (suppliers use own-profile).
SUPPLIER_DIRECTORY = allowed_for("buyer", "other_buyer", "moderator", anonymous=API_ANON)

MATRIX: dict[str, Entry] = {
    # --- portal
    "portal:home": Entry("get", None, everyone()),
    "portal:dashboard": Entry("get", None, logged_in()),
    "portal:organization_members": Entry("get", None, allowed_for(*LOGGED_IN[:-1])),
    # Admins of another organization get 404 (not theirs); the moderator has none: 403.
    "portal:member_remove": Entry("post", "member", ORG_ADMIN_ACTION),
    "portal:member_set_role": Entry("post", "member", ORG_ADMIN_ACTION, {"role": "member"}),
    "portal:invitation_revoke": Entry("post", "invitation", ORG_ADMIN_ACTION),
    "portal:invitation_accept": Entry(
        "get", "invitation_token", {**dict.fromkeys(LOGGED_IN, "redirect"), "anonymous": "ok"}
    ),
    "portal:organization_list": Entry("get", None, allowed_for("moderator")),
    # --- suppliers
    "suppliers:profile": Entry("get", None, allowed_for("supplier", "other_supplier")),
    "suppliers:profile_submit": Entry(
        "post", None, allowed_for("supplier", "other_supplier", ok="redirect")
    ),
    "suppliers:document_delete": Entry(
        "post", "document", allowed_for("supplier", ok="redirect", other_supplier="404")
    ),
    "suppliers:profile_step": Entry("get", "step", allowed_for("supplier", "other_supplier")),
    # The document is on the revision under review: not (yet) shown to buyers.
    "suppliers:document_download": Entry(
        "get", "document", allowed_for("supplier", "moderator", others="404")
    ),
    "suppliers:detail": Entry("get", "supplier_org", logged_in(other_supplier="404")),
    "suppliers:moderation_queue": Entry("get", None, allowed_for("moderator")),
    "suppliers:moderation_detail": Entry("get", "profile", allowed_for("moderator")),
    "suppliers:moderation_decide": Entry(
        "post", "profile", allowed_for("moderator", ok="redirect"), {"decision": "approve"}
    ),
    "suppliers:moderation_suspend": Entry(
        "post", "profile", allowed_for("moderator", ok="redirect"), {"reason": "Test"}
    ),
    "suppliers:moderation_reinstate": Entry(
        "post", "profile", allowed_for("moderator", ok="redirect")
    ),
    # --- tenders: ministry authors and moderators manage them
    "tenders:search": Entry("get", None, logged_in()),
    "tenders:create": Entry("get", None, TENDER_MANAGERS),
    "tenders:cpv_search": Entry("get", None, logged_in()),
    "tenders:ocds_package": Entry("get", None, logged_in()),
    "tenders:import": Entry("get", None, allowed_for("moderator")),
    "tenders:import_job": Entry("get", "import_job", allowed_for("moderator")),
    "tenders:detail": Entry("get", "tender", logged_in()),
    "tenders:edit": Entry("get", "tender", TENDER_MANAGERS),
    "tenders:publish": Entry(
        "post", "draft_tender", allowed_for(*MANAGERS, ok="redirect", others="404")
    ),
    "tenders:close": Entry("post", "tender", allowed_for(*MANAGERS, ok="redirect")),
    "tenders:award": Entry("post", "tender", allowed_for(*MANAGERS, ok="redirect")),
    "tenders:cancel": Entry("post", "tender", allowed_for(*MANAGERS, ok="redirect")),
    "tenders:interest_express": Entry(
        "post", "tender", allowed_for("supplier", "other_supplier", ok="redirect")
    ),
    "tenders:interest_withdraw": Entry(
        "post", "tender", allowed_for("supplier", "other_supplier", ok="redirect")
    ),
    "tenders:ocds_release": Entry("get", "tender", logged_in()),
    # --- matching (shortlists): the buyer's organization only
    "matching:shortlist": Entry("get", "followed", allowed_for("buyer", **MATCHING_404)),
    "matching:export_csv": Entry("get", "followed", allowed_for("buyer", **MATCHING_404)),
    "matching:export_xlsx": Entry("get", "followed", allowed_for("buyer", **MATCHING_404)),
    "matching:follow": Entry(
        "post", "followed", allowed_for("buyer", "other_buyer", ok="redirect")
    ),
    "matching:unfollow": Entry(
        "post", "followed", allowed_for("buyer", ok="redirect", **MATCHING_404)
    ),
    "matching:requirements": Entry(
        "post", "followed", allowed_for("buyer", ok="redirect", **MATCHING_404)
    ),
    "matching:entry_update": Entry(
        "post",
        "entry",
        allowed_for("buyer", ok="redirect", **MATCHING_404),
        {"status": "shortlisted", "notes": ""},
    ),
    "matching:contact": Entry(
        "post", "entry", allowed_for("buyer", ok="redirect", **MATCHING_404), {"message": "Hi"}
    ),
    # --- notifications
    "notifications:outbox": Entry("get", None, allowed_for("moderator")),
    "notifications:outbox_retry": Entry("post", "missing", allowed_for("moderator", ok="404")),
    "notifications:alerts": Entry("get", None, allowed_for("supplier", "other_supplier")),
    # The token is the only credential (RFC 8058 one-click): an unknown one is refused.
    "notifications:unsubscribe": Entry("get", "bad_token", everyone("404")),
    # --- API v1 (session authentication here; tokens are tested by the API tests)
    "api:tenders": Entry("get", None, logged_in(anonymous=API_ANON)),
    "api:ocds-package": Entry("get", None, logged_in(anonymous=API_ANON)),
    "api:tender": Entry("get", "tender_id", logged_in(anonymous=API_ANON)),
    "api:tender-publish": Entry(
        "post", "draft_tender_id", allowed_for(*MANAGERS, anonymous=API_ANON)
    ),
    "api:tender-interest": Entry(
        "post", "tender_id", allowed_for("supplier", "other_supplier", anonymous=API_ANON)
    ),
    "api:tender-ocds": Entry("get", "tender_id", logged_in(anonymous=API_ANON)),
    "api:tender-matches": Entry(
        "get", "tender_id", allowed_for("buyer", "moderator", anonymous=API_ANON, **MATCHING_404)
    ),
    "api:cpv": Entry("get", None, logged_in(ok="invalid", anonymous=API_ANON)),  # needs ?q=
    "api:follows": Entry("get", None, allowed_for("buyer", "other_buyer", anonymous=API_ANON)),
    "api:follow": Entry(
        "get", "tender_id", allowed_for("buyer", anonymous=API_ANON, **MATCHING_404)
    ),
    "api:shortlist": Entry(
        "get", "tender_id", allowed_for("buyer", anonymous=API_ANON, **MATCHING_404)
    ),
    "api:shortlist-entry": Entry(
        "get", "api_entry", allowed_for("buyer", anonymous=API_ANON, **MATCHING_404)
    ),
    "api:own-profile": Entry(
        "get", None, allowed_for("supplier", "other_supplier", anonymous=API_ANON)
    ),
    # Authorised for both; the supplier's profile is already submitted, the other's incomplete.
    "api:own-profile-submit": Entry(
        "post",
        None,
        allowed_for(anonymous=API_ANON, supplier="409", other_supplier="invalid"),
    ),
    "api:suppliers": Entry("get", None, SUPPLIER_DIRECTORY),
    # One approved profile: also ministry authors, as on the portal page (not the directory).
    "api:supplier": Entry(
        "get",
        "api_supplier",
        allowed_for("buyer", "other_buyer", "moderator", "ministry_author", anonymous=API_ANON),
    ),
    "api:moderation-queue": Entry("get", None, allowed_for("moderator", anonymous=API_ANON)),
    "api:moderation-profile": Entry(
        "get", "api_profile", allowed_for("moderator", anonymous=API_ANON)
    ),
    "api:moderation-approve": Entry(
        "post", "api_profile", allowed_for("moderator", anonymous=API_ANON)
    ),
    "api:moderation-request-changes": Entry(
        "post",
        "api_profile",
        allowed_for("moderator", ok="ok|invalid", anonymous=API_ANON),
        {"reason": "More detail"},
    ),
    "api:moderation-reject": Entry(
        "post",
        "api_profile",
        allowed_for("moderator", ok="ok|invalid", anonymous=API_ANON),
        {"reason": "No"},
    ),
    "api:moderation-suspend": Entry(
        "post",
        "api_profile",
        allowed_for("moderator", ok="ok|invalid", anonymous=API_ANON),
        {"reason": "Test"},
    ),
    "api:moderation-reinstate": Entry(
        "post", "api_profile", allowed_for("moderator", ok="ok|invalid|409", anonymous=API_ANON)
    ),
    # Any other /api/v1/ path: a JSON 404 (401 first for anonymous callers).
    "api:not-found": Entry("get", None, logged_in(ok="404", anonymous="401|404")),
    "api:tokens": Entry("get", None, logged_in()),
    "api:token_revoke": Entry("post", "missing", logged_in(ok="404")),
    "api:schema": Entry("get", None, everyone()),
    "api:docs": Entry("get", None, everyone()),
    # --- infrastructure
    # Public; 503 when a dependency (the Celery worker) does not answer, as in the tests.
    "healthz": Entry("get", None, everyone("ok|503")),
    "set_language": Entry("post", None, everyone("redirect"), {"language": "en"}),
}


# --- Real objects for the URL arguments -----------------------------------------------------------


@pytest.fixture
def world(
    supplier,
    supplier_member,
    other_supplier,
    buyer,
    other_buyer,
    ministry_author,
    moderator,
    approved,
    make_tender,
):
    from matching.models import Follow, Match, ShortlistEntry
    from suppliers import services as supplier_services
    from suppliers.models import SupplierProfile

    organization = supplier.membership.organization
    live = SupplierProfile.objects.get(organization=organization, is_live=True)
    # A revision waiting in the queue (the working copy), and a document on the live profile.
    working = supplier_services.profile_get_working(organization=organization)
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = supplier_services.document_add(
        profile=working,
        kind="deck",
        title="Deck",
        upload=SimpleUploadedFile("deck.pdf", b"%PDF-1.7\n%%EOF\n"),
        by=supplier,
    )
    working = supplier_services.profile_submit(profile=working, by=supplier)
    tender = make_tender()
    draft = make_tender(status="draft")
    follow = Follow.objects.create(
        organization=buyer.membership.organization, tender=tender, created_by=buyer
    )
    Match.objects.create(
        tender=tender,
        supplier=organization,
        follow=follow,
        score=0.8,
        rank=1,
        engine_version="test",
        computed_at=timezone.now(),
    )
    ShortlistEntry.objects.create(
        organization=buyer.membership.organization, tender=tender, supplier=organization
    )
    from portal.services import invitation_create

    invitation, token = invitation_create(
        organization=organization, email="new@example.org", role=Membership.Role.MEMBER, by=supplier
    )
    member = MembershipFactory(organization=organization, role=Membership.Role.MEMBER)
    from tenders.models import OcdsImportJob

    import_job = OcdsImportJob.objects.create(
        created_by=moderator, file_name="x.json", size=2, storage_key="k"
    )
    return {
        "users": {
            "supplier": supplier,
            "other_supplier": other_supplier,
            "buyer": buyer,
            "other_buyer": other_buyer,
            "ministry_author": ministry_author,
            "moderator": moderator,
        },
        "kwargs": {
            "member": {"pk": member.pk},
            "invitation": {"pk": invitation.pk},
            "invitation_token": {"token": token},
            "document": {"pk": document.pk},
            "step": {"step": "identity"},
            "supplier_org": {"organization_id": organization.pk},
            "profile": {"pk": working.pk},
            "live_profile": {"pk": live.pk},
            "tender": {"pk": tender.pk},
            "import_job": {"pk": import_job.pk},
            "draft_tender": {"pk": draft.pk},
            "followed": {"tender_id": tender.pk},
            "entry": {"tender_id": tender.pk, "supplier_id": organization.pk},
            "missing": {"pk": 999_999},
            "bad_token": {"token": "not-a-real-token"},
            "tender_id": {"tender_id": tender.pk},
            "draft_tender_id": {"tender_id": draft.pk},
            "api_entry": {"tender_id": tender.pk, "supplier_id": organization.pk},
            "api_supplier": {"supplier_id": organization.pk},
            "api_profile": {"profile_id": working.pk},
            "api_live_profile": {"profile_id": live.pk},
        },
    }


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return "login"
        if location.startswith(("/accounts/reauthenticate/", "/accounts/2fa/")):
            return "step-up"  # must not happen here: everyone has MFA and a fresh password
        return "redirect"
    if 200 <= status < 300:
        return "ok"
    if status == 400:
        return "invalid"
    return str(status)


def _request(client, name, entry, world):
    kwargs = world["kwargs"][entry.kwargs] if entry.kwargs else {}
    url = reverse(name, kwargs=kwargs)
    if entry.method == "get":
        return client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    if name.startswith("api:"):
        return client.post(url, entry.data, content_type="application/json")
    return client.post(url, entry.data, HTTP_ACCEPT_LANGUAGE="en")


def test_every_url_has_an_entry():
    missing = sorted(url_names() - set(MATRIX))
    assert not missing, (
        "URLs without an authorization entry in tests/security/test_authz_matrix.py "
        f"(add one per URL name): {missing}"
    )
    stale = sorted(set(MATRIX) - url_names())
    assert not stale, f"entries for URLs that no longer exist: {stale}"
    for name, entry in MATRIX.items():
        assert set(entry.expected) == set(ROLES), name


def test_the_matrix(world):
    failures = []
    for name in sorted(set(MATRIX) & url_names()):
        entry = MATRIX[name]
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                user = world["users"][role]
                client.force_login(user)
                mark_reauthenticated(client, user)
            # Each request on the same objects: what one role's POST changes is rolled back.
            with transaction.atomic():
                try:
                    got = outcome(_request(client, name, entry, world))
                except Exception as exc:  # noqa: BLE001 - reported with the others
                    got = f"exception {exc!r}"[:200]
                transaction.set_rollback(True)
            if got not in entry.expected[role].split("|"):
                failures.append(f"{name} as {role}: expected {entry.expected[role]}, got {got}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_is_for_staff_only(client, request, role):
    if role != "anonymous":
        user = request.getfixturevalue(role)
        client.force_login(user)
    for path in ("/admin/", "/admin/portal/user/", "/admin/portal/auditevent/"):
        response = client.get(path)
        if role == "moderator":  # staff; each model page needs its own permission
            assert response.status_code == (200 if path == "/admin/" else 403), path
        elif role == "anonymous":
            assert response.status_code == 302, path
            assert response["Location"].startswith("/admin/login/"), path
        else:
            # allauth's secure_admin_login: a logged-in user who is not staff gets 403.
            assert response.status_code in (302, 403), path
            if response.status_code == 302:
                assert client.get(response["Location"]).status_code == 403, path

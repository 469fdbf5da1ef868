"""Demo data for `make run`: one organization and one login per role. Idempotent: running it
again creates nothing twice (later issues add realistic suppliers and tenders here)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from .models import Membership, Organization, User

DEMO_PASSWORD = "passerelle-demo"  # noqa: S105 - documented demo login, demo mode only
# Buyers and moderators must use two-factor authentication (portal.security): the demo ones
# have an authenticator with this published secret (add it to an authenticator app, or run
# `manage.py demo_totp` for the current code). Demo mode only, like the password.
DEMO_TOTP_SECRET = "PASSERELLEDEMOTOTPSECRET"  # noqa: S105

DEMO_ORGANIZATIONS = {
    "supplier": (Organization.Kind.SUPPLIER, "Optronique de Bretagne SAS", "912345675"),
    "buyer": (Organization.Kind.PRIME, "Maître d'œuvre Démo Défense", ""),
    "ministry": (Organization.Kind.MINISTRY, "Direction générale de l'armement (DGA)", ""),
}

DEMO_USERS = [
    ("supplier@example.com", "Sophie", "Le Gall", "supplier"),
    ("buyer@example.com", "Bruno", "Martin", "buyer"),
    ("ministry@example.com", "Marie", "Durand", "ministry"),
    ("moderator@example.com", "Marc", "Petit", None),
]


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create the demo organizations and users if missing; return how many were created."""
    created = {"organizations": 0, "users": 0}
    organizations, users = {}, {}
    for key, (kind, name, siren) in DEMO_ORGANIZATIONS.items():
        organizations[key], new = Organization.objects.get_or_create(
            kind=kind, name=name, defaults={"siren": siren}
        )
        created["organizations"] += new
    for email, first, last, org_key in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, first_name=first, last_name=last
            )
            created["users"] += 1
        users[org_key] = user
        if org_key is None:
            user.platform_role = User.PlatformRole.MODERATOR
            user.is_staff = True
            user.save(update_fields=["platform_role", "is_staff"])
        else:
            Membership.objects.get_or_create(
                user=user,
                defaults={"organization": organizations[org_key], "role": Membership.Role.ADMIN},
            )
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if org_key in (None, "buyer"):
            _demo_totp(user)
    from matching.demo import demo_load as matching_demo
    from suppliers.demo import demo_load as suppliers_demo
    from tenders.demo import demo_load as tenders_demo

    created.update(suppliers_demo())
    created.update(tenders_demo())
    created.update(matching_demo(users["buyer"]))
    return created


def _demo_totp(user: User) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


def demo_totp_code(at: float | None = None) -> str:
    """The demo authenticator's code now (or at AT, a Unix time)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    moment = time.time() if at is None else at
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(moment) // 30))

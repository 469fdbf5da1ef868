from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Create the demo organizations and logins (demo mode only; idempotent)."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo data is only for demo mode (DEBUG=1 or DEMO_MODE=1): its logins share a "
                "published password and must never exist in production."
            )
        created = demo_load()
        counts = ", ".join(f"{n} {what}" for what, n in created.items())
        self.stdout.write(f"demo: created {counts}")
        self.stdout.write(f"logins: {', '.join(u[0] for u in DEMO_USERS)} / {DEMO_PASSWORD}")
        self.stdout.write(
            f"buyer and moderator two-factor secret: {DEMO_TOTP_SECRET} "
            "(current code: manage.py demo_totp)"
        )

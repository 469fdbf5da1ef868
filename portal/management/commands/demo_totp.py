from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_TOTP_SECRET, demo_totp_code


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of the demo buyer and moderator (demo mode only): "
        "what an authenticator app holding the demo secret would show."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("The demo authenticator exists only in demo mode (DEBUG=1).")
        self.stdout.write(f"{demo_totp_code()}  (secret {DEMO_TOTP_SECRET}, valid 30 s)")

import getpass

from allauth.account.models import EmailAddress
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.models import User
from portal.services import audit_record


class Command(BaseCommand):
    help = (
        "Create a moderator (platform staff) or promote an existing user to moderator. "
        "Asks for the password of a new account."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        email = email.strip().lower()
        user = User.objects.filter(email=email).first()
        password = None
        if user is None:
            password = getpass.getpass(f"Password for {email}: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was created.")
            try:
                password_validation.validate_password(password, User(email=email))
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        with transaction.atomic():
            if user is None:
                user = User.objects.create_user(email=email, password=password)
            if hasattr(user, "membership"):
                raise CommandError(
                    f"{email} belongs to {user.membership.organization}; "
                    "moderators have no company."
                )
            user.platform_role = User.PlatformRole.MODERATOR
            user.is_staff = True
            user.save(update_fields=["platform_role", "is_staff"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            audit_record(actor=None, action="user.made_moderator", target=user)
        self.stdout.write(f"{email} is a moderator.")

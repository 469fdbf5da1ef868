"""Core models shared by every app: users, organizations and roles, invitations, the audit log,
and the reference data (CPV taxonomy, French regions and départements)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Length, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren as siren_std


def validate_siren(value: str) -> None:
    """A SIREN is 9 digits whose Luhn checksum is valid."""
    if not siren_std.is_valid(value or ""):
        raise ValidationError(
            _("“%(value)s” is not a valid SIREN: 9 digits with a valid check digit expected."),
            code="invalid_siren",
            params={"value": value},
        )


class UserManager(DjangoUserManager):
    """Email is the login: no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. Their role comes from their organization membership, or from platform_role
    for platform staff (moderators), who have no company."""

    class PlatformRole(models.TextChoices):
        NONE = "", _("None")
        MODERATOR = "moderator", _("Moderator")

    username = None
    email = models.EmailField(_("email address"), unique=True)
    platform_role = models.CharField(
        _("platform role"), max_length=20, choices=PlatformRole.choices, default="", blank=True
    )
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    @property
    def is_moderator(self) -> bool:
        return self.platform_role == self.PlatformRole.MODERATOR


class Organization(models.Model):
    class Kind(models.TextChoices):
        SUPPLIER = "supplier", _("Supplier (SME, start-up, mid-cap)")
        PRIME = "prime", _("Prime contractor")
        MINISTRY = "ministry", _("Ministry entity")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        validators=[validate_siren],
        help_text=_("9 digits, required for suppliers."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="supplier") | ~Q(siren=""),
                name="organization_supplier_has_siren",
            ),
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=r"^[0-9]{9}$"),
                name="organization_siren_digits",
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.SUPPLIER and not self.siren:
            raise ValidationError({"siren": _("A supplier company needs its SIREN.")})


class Membership(models.Model):
    """A user belongs to one organization, as its admin or as a member."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class Invitation(models.Model):
    """A one-time, expiring link that lets a person join an organization.

    The token is not stored: it is derived from `token_salt` and SECRET_KEY (so that the email
    can be built when it is sent, or sent again, without keeping the link anywhere), and only
    its hash is kept, to find the invitation from a link. Invitations made before the token
    was derived have an empty salt: their email went out at the time."""

    email = models.EmailField(_("email address"))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(
        _("role"), max_length=16, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True)
    token_salt = models.CharField(max_length=32, blank=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class AuditEvent(models.Model):
    """Who did what to which object, when, from where and why. Append-only."""

    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    actor_email = models.EmailField(blank=True)  # kept if the user is deleted
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=255, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email} {self.action}"


# --- Reference data -----------------------------------------------------------------------------


class CpvCode(models.Model):
    """A code of the Common Procurement Vocabulary (CPV 2008).

    The hierarchy is in the digits: division (2 significant digits), group (3), class (4),
    category (5), and finer sub-categories (6 to 8). ``prefix`` holds the significant digits so
    that "everything under this class" is an indexed ``LIKE 'prefix%'``."""

    class Level(models.IntegerChoices):
        DIVISION = 2, _("Division")
        GROUP = 3, _("Group")
        CLASS = 4, _("Class")
        CATEGORY = 5, _("Category")
        SUBCATEGORY_6 = 6, _("Sub-category")
        SUBCATEGORY_7 = 7, _("Sub-category (7)")
        SUBCATEGORY_8 = 8, _("Sub-category (8)")

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    check_digit = models.CharField(max_length=1, blank=True)
    label_fr = models.CharField(_("French label"), max_length=400)
    label_en = models.CharField(_("English label"), max_length=400)
    prefix = models.CharField(max_length=8)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("CPV code")
        verbose_name_plural = _("CPV codes")
        ordering = ["code"]
        indexes = [
            models.Index(
                fields=["prefix"], name="cpv_prefix_like", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{8}$"), name="cpv_code_8_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_code} {self.label}"

    @property
    def full_code(self) -> str:
        return f"{self.code}-{self.check_digit}" if self.check_digit else self.code

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr

    @staticmethod
    def significant_prefix(code8: str) -> str:
        """'35120000' → '3512': the digits that carry meaning, at least the division."""
        return code8.rstrip("0").ljust(2, "0")


class RegionQuerySet(models.QuerySet):
    def regions(self):
        """The 18 regions (2-digit INSEE codes), without the overseas collectivities (3 digits:
        Nouvelle-Calédonie, Polynésie française...) where no supplier profile is based: the
        choices wherever suppliers are described or filtered."""
        return self.filter(code__regex=r"^[0-9]{2}$")


class Region(models.Model):
    """A French region, by its INSEE code."""

    code = models.CharField(_("INSEE code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=120)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        # Every list of regions in one order: the 18 regions, then the overseas collectivities,
        # each alphabetical ignoring accents and case (Île-de-France among the I, not last).
        ordering = [Length("code"), Lower(Func(F("name"), function="unaccent"))]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField(_("INSEE code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

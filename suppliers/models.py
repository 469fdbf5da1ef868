"""Supplier profiles, their credentials and references, and their moderation.

A supplier organization has a *working* profile (``is_live=False``) that its members edit and
submit, and, once a moderator approved it, a *live* copy (``is_live=True``): the only version
buyers and the matching engine see. Approving a submission copies the working profile over the
live one, so an edit to an approved profile never hides the approved version while it waits."""

from __future__ import annotations

import datetime

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as siret_std

from portal.choices import CertificationType, ClearanceLevel
from portal.models import Departement, Organization, Region, User, validate_siren

STATEMENT_MAX_LENGTH = 10_000


def validate_past_year(value: int) -> None:
    """A reference is work done: its year is this year at the latest (it weighs in matching,
    where a recent reference counts more)."""
    this_year = timezone.localdate().year
    if value is not None and value > this_year:
        raise ValidationError(
            _("%(year)s is in the future: give the year of the contract, %(max)s at the latest."),
            code="future_year",
            params={"year": value, "max": this_year},
        )


def validate_siret(value: str) -> None:
    if not siret_std.is_valid(value or ""):
        raise ValidationError(
            _("“%(value)s” is not a valid SIRET: 14 digits with a valid check digit expected."),
            code="invalid_siret",
            params={"value": value},
        )


class CpvKeys(models.Func):
    """The CPV prefixes as integers (prefix × 10 + its length, sorted): the matching engine
    compares integer arrays several times faster than text arrays. SQL function created by
    migration suppliers 0006, mirrored by matching.engine.cpv_keys."""

    function = "passerelle_cpv_keys"
    output_field = ArrayField(models.IntegerField())


class LexemeKeys(models.Func):
    """The search vector's lexemes as 32-bit integers (the first 8 hex digits of their MD5,
    sorted): the matching engine bounds text relevance by counting them. SQL function created
    by migration suppliers 0006, mirrored by matching.engine.lexeme_key."""

    function = "passerelle_lexeme_keys"
    output_field = ArrayField(models.IntegerField())


class SizeCategory(models.TextChoices):
    MICRO = "micro", _("Micro-enterprise")
    PME = "pme", _("SME (PME)")
    ETI = "eti", _("Mid-cap (ETI)")
    GE = "ge", _("Large enterprise")


class SupplierProfile(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    class Language(models.TextChoices):
        FR = "fr", _("French")
        EN = "en", _("English")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="supplier_profiles"
    )
    is_live = models.BooleanField(default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    # Identity
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    siret = models.CharField(
        _("head-office SIRET"), max_length=14, blank=True, validators=[validate_siret]
    )
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=[MinValueValidator(1800)]
    )
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("street address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("head-office region"),
    )
    regions_served = ArrayField(
        models.CharField(max_length=3), default=list, blank=True, verbose_name=_("regions served")
    )

    # Size (inputs typed; category and start-up flag always computed)
    headcount = models.PositiveIntegerField(_("headcount (FTE)"), null=True, blank=True)
    annual_turnover_eur = models.DecimalField(
        _("annual turnover (€)"),
        max_digits=15,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    balance_sheet_eur = models.DecimalField(
        _("balance-sheet total (€)"),
        max_digits=15,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    rd_share_percent = models.PositiveSmallIntegerField(
        _("R&D spending (% of total expenses)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    size_category = models.CharField(
        _("size category"), max_length=8, choices=SizeCategory.choices, blank=True, editable=False
    )
    is_startup = models.BooleanField(
        _("start-up (young innovative company)"), default=False, editable=False
    )

    # Capabilities
    # Bounded (forms and API): a statement of a few megabytes could be saved and submitted, then
    # made its approval fail for ever (PostgreSQL's tsvector holds at most 1 MB). 10,000
    # characters is four pages; with the keywords, technologies and 30 references at their
    # limits a profile's text stays under 100 kB.
    capability_statement = models.TextField(
        _("capability statement"), blank=True, max_length=STATEMENT_MAX_LENGTH
    )
    statement_language = models.CharField(
        _("language of the statement"), max_length=2, choices=Language.choices, default="fr"
    )
    keywords = ArrayField(
        models.CharField(max_length=60), default=list, blank=True, verbose_name=_("keywords")
    )
    cpv_codes = ArrayField(
        models.CharField(max_length=8), default=list, blank=True, verbose_name=_("CPV codes")
    )
    technologies = ArrayField(
        models.CharField(max_length=80),
        default=list,
        blank=True,
        verbose_name=_("main technologies"),
    )
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level (TRL) of the main offer"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )

    # Credentials
    clearance_level = models.PositiveSmallIntegerField(
        _("facility security clearance"),
        choices=ClearanceLevel.choices,
        default=ClearanceLevel.NONE,
    )
    clearance_expires_on = models.DateField(_("clearance expiry date"), null=True, blank=True)
    itar_free = models.BooleanField(_("our offer is ITAR-free"), default=False)
    eu_controlled = models.BooleanField(_("ownership controlled from the EU"), default=False)

    # Derived for matching, maintained when a profile goes live (see services._publish):
    # every leading-digit prefix (2 to 8) of the profile's and its references' CPV codes, so
    # that "shares at least k digits with the tender's code" is one indexed array overlap.
    cpv_prefixes = ArrayField(
        models.CharField(max_length=8), default=list, blank=True, editable=False
    )
    reference_cpv_prefixes = ArrayField(
        models.CharField(max_length=8), default=list, blank=True, editable=False
    )
    search_vector = SearchVectorField(null=True, editable=False)
    # The same as integers, kept by PostgreSQL itself (generated columns): for the matching
    # engine's upper bound, computed over thousands of candidates per tender.
    cpv_keys = models.GeneratedField(
        expression=CpvKeys("cpv_prefixes"),
        output_field=ArrayField(models.IntegerField()),
        db_persist=True,
    )
    reference_cpv_keys = models.GeneratedField(
        expression=CpvKeys("reference_cpv_prefixes"),
        output_field=ArrayField(models.IntegerField()),
        db_persist=True,
    )
    lexeme_keys = models.GeneratedField(
        expression=LexemeKeys("search_vector"),
        output_field=ArrayField(models.IntegerField()),
        db_persist=True,
    )
    # How many references, and their clients in lower case: with them the matching engine
    # bounds past performance without reading every candidate's references.
    reference_count = models.PositiveIntegerField(default=0, editable=False)
    reference_clients = ArrayField(models.TextField(), default=list, blank=True, editable=False)
    # The types of its certifications, whatever their expiry: with them the matching engine
    # bounds the preferred-certifications component without reading every candidate's.
    certification_types = ArrayField(
        models.CharField(max_length=20), default=list, blank=True, editable=False
    )
    # Where the supplier is known to work: its head office's département and those where its
    # references were performed (codes of portal_departement, sorted), for the "local track
    # record" signal of matching.
    departements = ArrayField(
        models.CharField(max_length=3),
        default=list,
        blank=True,
        editable=False,
        verbose_name=_("départements worked in"),
    )

    # Moderation bookkeeping
    siren_conflict = models.BooleanField(default=False, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_reason = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supplier profile")
        verbose_name_plural = _("supplier profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "is_live"], name="supplier_profile_one_working_one_live"
            ),
            # Only one live profile may claim a SIREN; a second claimant waits in moderation.
            models.UniqueConstraint(
                fields=["siren"],
                condition=Q(is_live=True),
                name="supplier_profile_live_siren_unique",
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siren="") | Q(siret__startswith=models.F("siren")),
                name="supplier_profile_siret_starts_with_siren",
            ),
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9),
                name="supplier_profile_trl_1_9",
            ),
            models.CheckConstraint(
                condition=Q(is_live=False) | Q(status__in=["approved", "suspended"]),
                name="supplier_profile_live_is_approved_or_suspended",
            ),
        ]
        indexes = [
            models.Index(fields=["is_live", "status"]),
            models.Index(fields=["status", "submitted_at"]),
            GinIndex(fields=["cpv_codes"], name="supplier_profile_cpv_gin"),
            GinIndex(fields=["regions_served"], name="supplier_profile_regions_gin"),
            GinIndex(fields=["departements"], name="supplier_profile_depts_gin"),
            GinIndex(
                fields=["cpv_prefixes"],
                name="supplier_profile_cpvpfx_gin",
                condition=Q(is_live=True),
            ),
            GinIndex(
                fields=["reference_cpv_prefixes"],
                name="supplier_profile_refpfx_gin",
                condition=Q(is_live=True),
            ),
            GinIndex(
                fields=["search_vector"],
                name="supplier_profile_search_gin",
                condition=Q(is_live=True),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name or self.organization.name

    def clean(self) -> None:
        if self.siret and self.siren and not self.siret.startswith(self.siren):
            raise ValidationError(
                {
                    "siret": _("A head-office SIRET starts with the company's SIREN (%(siren)s).")
                    % {"siren": self.siren}
                }
            )
        if self.year_founded and self.year_founded > timezone.localdate().year:
            raise ValidationError({"year_founded": _("The year founded cannot be in the future.")})

    def clearance_on(self, day: datetime.date) -> int:
        """The clearance level that still holds on DAY (an expired one counts as none)."""
        if self.clearance_expires_on and self.clearance_expires_on < day:
            return ClearanceLevel.NONE
        return self.clearance_level


class Certification(models.Model):
    profile = models.ForeignKey(
        SupplierProfile, on_delete=models.CASCADE, related_name="certifications"
    )
    type = models.CharField(_("certification"), max_length=16, choices=CertificationType.choices)
    name = models.CharField(_("name (for “other”)"), max_length=120, blank=True)
    number = models.CharField(_("certificate number"), max_length=80, blank=True)
    issuer = models.CharField(_("issuer"), max_length=120, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["type", "expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type="other") | ~Q(name=""), name="certification_other_has_name"
            ),
        ]
        # Matching reads the holders of a tender's mandatory certifications (engine.eligible_sql).
        indexes = [
            models.Index(
                fields=["type", "profile", "expires_on"], name="certification_type_holder"
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.type == CertificationType.OTHER else self.get_type_display()

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.expires_on is None or self.expires_on >= day

    @property
    def is_expired(self) -> bool:
        return not self.is_valid_on(timezone.localdate())


class Reference(models.Model):
    """A past contract, shown to buyers unless private."""

    profile = models.ForeignKey(
        SupplierProfile, on_delete=models.CASCADE, related_name="references"
    )
    client = models.CharField(_("client"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1950), validate_past_year]
    )
    value_eur = models.DecimalField(
        _("value (€)"),
        max_digits=15,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cpv_code = models.CharField(_("CPV code"), max_length=8, blank=True)
    description = models.TextField(_("short description"), max_length=2000)
    is_public = models.BooleanField(_("visible to buyers"), default=True)
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place of performance (département)"),
    )

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["-year", "client"]

    def __str__(self) -> str:
        return f"{self.client} ({self.year})"


def _document_path(instance: Document, filename: str) -> str:
    # Random, unguessable storage name: the original name is kept in a field, never in the path.
    return f"supplier-documents/{instance.storage_key}.pdf"


class Document(models.Model):
    class Kind(models.TextChoices):
        CAPABILITY_DECK = "deck", _("Capability deck")
        CERTIFICATE = "certificate", _("Certificate")
        OTHER = "other", _("Other")

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    storage_key = models.CharField(max_length=64, editable=False)
    file = models.FileField(upload_to=_document_path, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title

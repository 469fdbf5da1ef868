"""Tenders, modelled on the Open Contracting Data Standard (OCDS 1.1) `tender` object, plus the
defence requirements Passerelle matches on, and the interest suppliers express in them.

The full-text search vector is maintained by PostgreSQL triggers (migration 0002): it covers the
title (weight A), the description (B) and the lots (C), in French and English, accents ignored."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.choices import CertificationType, ClearanceLevel
from portal.models import CpvCode, Departement, Organization, Region


def _shown(moment) -> str:
    """A date and time as the reader sees it: Paris time, in the active language."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class Tender(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        AWARDED = "awarded", _("Awarded")
        CANCELLED = "cancelled", _("Cancelled")

    class Method(models.TextChoices):  # OCDS `method` codelist (closed)
        OPEN = "open", _("Open procedure")
        SELECTIVE = "selective", _("Restricted procedure")
        LIMITED = "limited", _("Negotiated procedure")
        DIRECT = "direct", _("Direct award")

    class Category(models.TextChoices):  # OCDS `procurementCategory` codelist (closed)
        GOODS = "goods", _("Goods")
        WORKS = "works", _("Works")
        SERVICES = "services", _("Services")

    ocid = models.CharField(_("OCDS identifier"), max_length=128, unique=True)
    reference = models.CharField(_("internal reference"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    buyer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="tenders",
        limit_choices_to={"kind": Organization.Kind.MINISTRY},
        verbose_name=_("buyer entity"),
    )
    procurement_method = models.CharField(
        _("procurement method"), max_length=16, choices=Method.choices, blank=True
    )
    procurement_method_details = models.CharField(
        _("procurement method details"), max_length=500, blank=True
    )
    main_procurement_category = models.CharField(
        _("main procurement category"), max_length=16, choices=Category.choices, blank=True
    )
    estimated_value = models.DecimalField(
        _("estimated value"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[
            RegexValidator(
                r"^[A-Z]{3}$",
                message=_("Type the three capital letters of an ISO 4217 currency, e.g. EUR."),
            )
        ],
    )
    main_cpv = models.ForeignKey(
        CpvCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tenders_main",
        verbose_name=_("main CPV code"),
    )
    additional_cpvs = models.ManyToManyField(
        CpvCode, blank=True, related_name="tenders_additional", verbose_name=_("other CPV codes")
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tenders",
        verbose_name=_("place of performance (region)"),
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tenders",
        verbose_name=_("place of performance (département)"),
        help_text=_("Optional. Suppliers who have already worked there rank higher."),
    )
    nuts_code = models.CharField(_("NUTS code"), max_length=5, blank=True)
    published_at = models.DateTimeField(_("publication date"), null=True, blank=True)
    submission_deadline = models.DateTimeField(_("submission deadline"), null=True, blank=True)
    enquiry_deadline = models.DateTimeField(_("enquiry deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)

    # Defence requirements (hard constraints and preferences of matching).
    min_clearance = models.PositiveSmallIntegerField(
        _("minimum facility clearance"),
        choices=ClearanceLevel.choices,
        default=ClearanceLevel.NONE,
    )
    mandatory_certifications = ArrayField(
        models.CharField(max_length=20, choices=CertificationType.choices),
        default=list,
        blank=True,
        verbose_name=_("mandatory certifications"),
    )
    preferred_certifications = ArrayField(
        models.CharField(max_length=20, choices=CertificationType.choices),
        default=list,
        blank=True,
        verbose_name=_("preferred certifications"),
    )
    sme_reserved = models.BooleanField(_("reserved for SMEs"), default=False)
    eu_controlled_required = models.BooleanField(
        _("EU-controlled ownership required"), default=False
    )
    itar_free_required = models.BooleanField(_("ITAR-free required"), default=False)
    min_trl = models.PositiveSmallIntegerField(
        _("minimum technology readiness level (TRL)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )

    # Written by PostgreSQL triggers only (see migration 0002): never assign it in Python.
    search_vector = SearchVectorField(null=True, editable=False)

    # Bookkeeping of `import_ocds`: the last release applied, so re-imports change nothing.
    ocds_release_id = models.CharField(max_length=255, blank=True)
    ocds_release_date = models.DateTimeField(null=True, blank=True)
    ocds_release_hash = models.CharField(max_length=64, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_trl__isnull=True) | Q(min_trl__gte=1, min_trl__lte=9),
                name="tender_min_trl_1_9",
                violation_error_message=_("The minimum TRL must be between 1 and 9."),
            ),
            models.CheckConstraint(
                condition=Q(min_clearance__gte=0, min_clearance__lte=3),
                name="tender_min_clearance_range",
                violation_error_message=_("Pick a clearance level from the list."),
            ),
            models.CheckConstraint(
                condition=Q(estimated_value__isnull=True) | Q(estimated_value__gte=0),
                name="tender_value_not_negative",
                violation_error_message=_("The estimated value cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="tender_currency_iso4217",
                violation_error_message=_(
                    "Type the three capital letters of an ISO 4217 currency, e.g. EUR."
                ),
            ),
            models.CheckConstraint(
                condition=Q(mandatory_certifications__contained_by=CertificationType.values)
                & Q(preferred_certifications__contained_by=CertificationType.values),
                name="tender_certifications_known",
                violation_error_message=_("Pick certifications from the list."),
            ),
            models.CheckConstraint(
                # A draft may be cancelled before it was ever published.
                condition=Q(status__in=["draft", "cancelled"]) | Q(published_at__isnull=False),
                name="tender_published_has_date",
                violation_error_message=_("A published tender needs its publication date."),
            ),
            models.CheckConstraint(
                condition=Q(enquiry_deadline__isnull=True)
                | Q(submission_deadline__isnull=True)
                | Q(enquiry_deadline__lte=F("submission_deadline")),
                name="tender_enquiry_before_submission",
                violation_error_message=_(
                    "The enquiry deadline must be on or before the submission deadline."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "closed", "awarded", "cancelled"]),
                name="tender_status_known",
                violation_error_message=_("Unknown tender status."),
            ),
            models.UniqueConstraint(
                fields=["buyer", "reference"],
                condition=~Q(reference=""),
                name="tender_reference_unique_per_buyer",
                violation_error_message=_(
                    "This buyer entity already has a tender with this internal reference: "
                    "give this one another reference."
                ),
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="tender_search_gin"),
            models.Index(fields=["status", "submission_deadline"], name="tender_status_deadline"),
            models.Index(fields=["status", "published_at"], name="tender_status_published"),
            models.Index(fields=["min_clearance"], name="tender_min_clearance"),
            models.Index(
                fields=["sme_reserved"], condition=Q(sme_reserved=True), name="tender_sme_reserved"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        """The département of performance gives the region when none is set, and must lie in
        the region when both are; questions close no later than offers."""
        super().clean()
        errors = {}
        if self.departement_id:
            departement = self.departement
            if not self.region_id:
                self.region_id = departement.region_id
            elif departement.region_id != self.region_id:
                errors["departement"] = _(
                    "%(departement)s is not in %(region)s: pick a département of that "
                    "region, or change the region."
                ) % {"departement": departement, "region": self.region}
        enquiry, submission = self.enquiry_deadline, self.submission_deadline
        if enquiry is not None and submission is not None and enquiry > submission:
            # Said on the field, with both dates: the database constraint
            # tender_enquiry_before_submission can only say that it is violated.
            errors["enquiry_deadline"] = ValidationError(
                _(
                    "The enquiry deadline (%(enquiry)s) is after the submission deadline "
                    "(%(submission)s): set it on or before %(submission)s, or move the "
                    "submission deadline."
                ),
                code="enquiry_after_submission",
                params={"enquiry": _shown(enquiry), "submission": _shown(submission)},
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.PUBLISHED)


class Lot(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    position = models.PositiveSmallIntegerField(_("lot number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    value = models.DecimalField(
        _("estimated value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    cpv = models.ForeignKey(
        CpvCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lots",
        verbose_name=_("CPV code"),
    )

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["tender", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "position"], name="lot_position_unique"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="lot_value_not_negative",
                violation_error_message=_("The estimated value of a lot cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class TenderDocument(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address (URL)"), max_length=1000)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["tender", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Interest(models.Model):
    """A supplier organization raises its hand on a published tender."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="interests")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="tender_interests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "organization"], name="interest_unique_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.tender}"


def _ocds_import_path(instance: OcdsImportJob, filename: str) -> str:
    # Random, unguessable storage name (as suppliers' documents): the original name is a field.
    return f"ocds-imports/{instance.storage_key}.json"


class OcdsImportJob(models.Model):
    """A moderator's browser import of an OCDS file, run by the worker (tenders.ocds.jobs).

    The upload is kept in the private default storage (never served) until the job ends."""

    REPORT_MAX_LINES = 500

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    storage_key = models.CharField(max_length=64, editable=False)
    file = models.FileField(upload_to=_ocds_import_path, max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True)  # [[ocid or position, reason]], capped
    error = models.TextField(blank=True)
    # Runs started: a job whose worker died is started again once (tenders.ocds.jobs sweep).
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The running import's last sign of life (written with its progress, every few seconds):
    # a job silent for long has no worker left (tenders.ocds.jobs sweep).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("OCDS import")
        verbose_name_plural = _("OCDS imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at"], name="ocds_import_job_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="ocds_import_job_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def error_message(self) -> str:
        """The error as shown: the sweep's own message in the reader's language."""
        from .ocds.jobs import INTERRUPTED

        return gettext(INTERRUPTED) if self.error == INTERRUPTED else self.error

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, failed {self.failed}"
        )

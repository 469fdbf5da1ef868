"""Stored results of the matching engine: the ranked, explained shortlist of each tender, and
what prime contractors do with it (follows, per-organization statuses, notes, contacts)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.choices import CertificationType
from portal.models import Organization


class Match(models.Model):
    """One supplier's standing for one tender. Eligible suppliers carry a rank (1 = best);
    the best-scoring excluded ones are kept with rank NULL so that the supplier can be told
    what it would need."""

    # No index of their own: the unique (tender, follow, supplier), (supplier, eligible, score)
    # and (follow, rank) indexes below lead with them. Every index costs each shortlist write.
    tender = models.ForeignKey(
        "tenders.Tender", on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    supplier = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    # NULL: the tender-level ranking; else the ranking computed for one following organization
    # (its extra requirements and weights).
    follow = models.ForeignKey(
        "matching.Follow",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="matches",
        db_index=False,
    )
    score = models.FloatField(_("score"))
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    eligible = models.BooleanField(default=True)
    components = models.JSONField(default=list)
    constraints = models.JSONField(default=list)
    engine_version = models.CharField(max_length=16)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["tender", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "follow", "supplier"], name="match_unique", nulls_distinct=False
            ),
            models.UniqueConstraint(
                fields=["tender", "follow", "rank"],
                condition=Q(rank__isnull=False),
                name="match_rank_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="match_score_0_100"
            ),
            models.CheckConstraint(
                condition=Q(eligible=False, rank__isnull=True)
                | Q(eligible=True, rank__isnull=False),
                name="match_rank_iff_eligible",
            ),
        ]
        indexes = [
            models.Index(fields=["supplier", "eligible", "score"]),
            models.Index(fields=["follow", "rank"], name="match_follow_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.tender_id} ← {self.supplier_id}: {self.score}"


class WeightOverride(models.Model):
    """Weights a tender's author (organization NULL) or a following buyer sets, by component;
    missing components keep the defaults of matching.scoring."""

    tender = models.ForeignKey(
        "tenders.Tender", on_delete=models.CASCADE, related_name="weight_overrides"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    weights = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "organization"],
                name="weight_override_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"weights of tender {self.tender_id} for {self.organization_id or 'all'}"


class Follow(models.Model):
    """A prime contractor's organization follows a published tender it may answer; its own
    shortlist is computed with its extra requirements and weights."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="follows")
    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE, related_name="follows")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    extra_mandatory_certifications = ArrayField(
        models.CharField(max_length=16, choices=CertificationType.choices),
        default=list,
        blank=True,
        verbose_name=_("additional mandatory certifications"),
    )
    extra_regions = ArrayField(
        models.CharField(max_length=3),
        default=list,
        blank=True,
        verbose_name=_("regions (based in or serving one of them)"),
    )
    weights = models.JSONField(_("weights"), default=dict, blank=True)

    class Meta:
        verbose_name = _("followed tender")
        verbose_name_plural = _("followed tenders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "tender"], name="follow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} follows {self.tender_id}"


class FollowVisit(models.Model):
    """When a member last opened the follow's shortlist: what is new is what changed since."""

    follow = models.ForeignKey(Follow, on_delete=models.CASCADE, related_name="visits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follow", "user"], name="follow_visit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.follow_id} at {self.seen_at}"


class ShortlistEntry(models.Model):
    """An organization's private status and notes on one supplier for one tender. Independent
    of Match rows, so that re-matching (which may drop and re-create matches) never loses them."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        CONTACTED = "contacted", _("Contacted")
        DECLINED = "declined", _("Declined")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="shortlist_entries"
    )
    tender = models.ForeignKey(
        "tenders.Tender", on_delete=models.CASCADE, related_name="shortlist_entries"
    )
    supplier = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shortlist entry")
        verbose_name_plural = _("shortlist entries")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "tender", "supplier"], name="shortlist_entry_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.tender_id}/{self.supplier_id}: {self.status}"


class ShortlistEntryChange(models.Model):
    """History of an entry: who changed its status or edited its notes, and when."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status changed")
        NOTES = "notes", _("Notes edited")

    entry = models.ForeignKey(ShortlistEntry, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    old_status = models.CharField(max_length=16, choices=ShortlistEntry.Status.choices, blank=True)
    new_status = models.CharField(max_length=16, choices=ShortlistEntry.Status.choices, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["entry", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.kind} {self.old_status}→{self.new_status}"


class SupplierContact(models.Model):
    """A message a prime contractor sent to a supplier's members about a tender."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    tender = models.ForeignKey(
        "tenders.Tender", on_delete=models.CASCADE, related_name="supplier_contacts"
    )
    supplier = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contacts_received"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "tender", "supplier"])]

    def __str__(self) -> str:
        return f"{self.organization_id} → {self.supplier_id} about {self.tender_id}"


class TermStat(models.Model):
    """How many live, approved supplier texts contain a lexeme: the engine weighs a tender's
    words by rarity (a word every supplier uses says little). Refreshed set-based by
    `matching.engine.refresh_term_stats` (nightly, and whenever a supplier changes)."""

    lexeme = models.TextField(primary_key=True)
    documents = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.lexeme}: {self.documents}"


class CorpusStat(models.Model):
    """The one row of corpus-wide figures that goes with TermStat."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    documents = models.PositiveIntegerField(default=0)
    average_length = models.FloatField(default=0.0)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.documents} texts, {self.average_length:.1f} words on average"


class SupplierIndex(models.Model):
    """What the matching engine's window reads of each live, approved supplier profile, and
    nothing else: the same columns as suppliers_supplierprofile, same names, same values (id
    is the profile's). ~500 bytes a row against ~1.8 kB of profile (texts, search vector):
    49 MB at 100,000 suppliers against a 296 MB profile table, so the thousands of candidates
    of a tender sit on far fewer pages, which stay in PostgreSQL's buffers (window p50 72 →
    50 ms at 100,000 suppliers, same rows).

    Kept by PostgreSQL itself: a trigger on suppliers_supplierprofile (migration matching
    0005) writes the row when a profile is live and approved, and removes it otherwise, in the
    same transaction. Nothing in Python writes it."""

    id = models.BigIntegerField(primary_key=True)
    organization_id = models.BigIntegerField(db_index=True)
    clearance_level = models.SmallIntegerField()
    clearance_expires_on = models.DateField(null=True)
    size_category = models.CharField(max_length=8)
    is_startup = models.BooleanField()
    eu_controlled = models.BooleanField()
    itar_free = models.BooleanField()
    trl = models.SmallIntegerField(null=True)
    region_id = models.CharField(max_length=3, null=True)
    regions_served = ArrayField(models.CharField(max_length=3))
    departements = ArrayField(models.CharField(max_length=3))
    certification_types = ArrayField(models.CharField(max_length=20))
    reference_count = models.IntegerField()
    reference_clients = ArrayField(models.TextField())
    cpv_keys = ArrayField(models.IntegerField())
    reference_cpv_keys = ArrayField(models.IntegerField())
    lexeme_keys = ArrayField(models.IntegerField())
    vector_length = models.IntegerField()  # length(search_vector): distinct words

    class Meta:
        indexes = [
            # intarray's operator class: the engine finds candidates by overlapping keys.
            GinIndex(
                fields=["cpv_keys"], name="supplier_index_cpv_gin", opclasses=["gin__int_ops"]
            ),
            GinIndex(
                fields=["reference_cpv_keys"],
                name="supplier_index_refcpv_gin",
                opclasses=["gin__int_ops"],
            ),
            GinIndex(
                fields=["lexeme_keys"], name="supplier_index_lexeme_gin", opclasses=["gin__int_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"supplier profile {self.id}"

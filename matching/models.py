"""Stored results of the matching engine: the ranked, explained shortlist of each tender."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import Organization


class Match(models.Model):
    """One supplier's standing for one tender. Eligible suppliers carry a rank (1 = best);
    the best-scoring excluded ones are kept with rank NULL so that the supplier can be told
    what it would need."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE, related_name="matches")
    supplier = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="matches")
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
            models.UniqueConstraint(fields=["tender", "supplier"], name="match_unique"),
            models.UniqueConstraint(
                fields=["tender", "rank"], condition=Q(rank__isnull=False), name="match_rank_unique"
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
        indexes = [models.Index(fields=["supplier", "eligible", "score"])]

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

"""Vocabularies shared by suppliers, tenders and matching (one definition each)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClearanceLevel(models.IntegerChoices):
    """Facility security clearance, ordered: a higher level satisfies a lower requirement."""

    NONE = 0, _("None")
    DIFFUSION_RESTREINTE = 1, _("Diffusion Restreinte handling")
    SECRET = 2, _("Secret")
    TRES_SECRET = 3, _("Très Secret")


class CertificationType(models.TextChoices):
    ISO_9001 = "iso9001", "ISO 9001"
    EN_9100 = "en9100", "EN 9100"
    ISO_27001 = "iso27001", "ISO 27001"
    AQAP_2110 = "aqap2110", "AQAP 2110"
    SECNUMCLOUD = "secnumcloud", "SecNumCloud"
    PASSI = "passi", "PASSI"
    HDS = "hds", "HDS"
    OTHER = "other", _("Other")

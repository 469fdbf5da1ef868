"""The tender's requirements in plain words, for the detail page (and, later, emails)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal.choices import CertificationType, ClearanceLevel

from .models import Tender

TRL_MEANING = {
    1: gettext_noop("basic principles observed"),
    2: gettext_noop("technology concept formulated"),
    3: gettext_noop("experimental proof of concept"),
    4: gettext_noop("technology validated in the laboratory"),
    5: gettext_noop("technology validated in a relevant environment"),
    6: gettext_noop("technology demonstrated in a relevant environment"),
    7: gettext_noop("system prototype demonstrated in an operational environment"),
    8: gettext_noop("system complete and qualified"),
    9: gettext_noop("system proven in operational environment"),
}


def _certifications(values: list[str]) -> str:
    return ", ".join(str(CertificationType(v).label) for v in values)


def requirements_in_words(tender: Tender) -> list[str]:
    """One sentence per requirement, in the current language."""
    lines = []
    if tender.min_clearance:
        lines.append(
            _("Facility security clearance: at least “%(level)s”.")
            % {"level": ClearanceLevel(tender.min_clearance).label}
        )
    else:
        lines.append(_("No facility security clearance is required."))
    if tender.mandatory_certifications:
        lines.append(
            _("Certifications you must hold, valid on the deadline: %(list)s.")
            % {"list": _certifications(tender.mandatory_certifications)}
        )
    if tender.preferred_certifications:
        lines.append(
            _("Certifications that count in your favour: %(list)s.")
            % {"list": _certifications(tender.preferred_certifications)}
        )
    if tender.sme_reserved:
        lines.append(_("Reserved for small and medium-sized enterprises (SMEs)."))
    if tender.eu_controlled_required:
        lines.append(_("Your company must be owned and controlled within the European Union."))
    if tender.itar_free_required:
        lines.append(_("What you supply must be free of ITAR-controlled (US) components."))
    if tender.min_trl:
        lines.append(
            _("Technology readiness: at least TRL %(trl)s (%(meaning)s).")
            % {"trl": tender.min_trl, "meaning": _(TRL_MEANING[tender.min_trl])}
        )
    return lines

"""{% error_summary %}: at the top of a long form, every error with a link to its field, so that
a person who saved a form of twenty fields sees at once what to fix and where (the errors also
stay next to their fields)."""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def _form_errors(form: forms.BaseForm, item: str = "") -> list[tuple[str, str]]:
    """(anchor, text) for each error of FORM; ITEM names the block of a formset."""
    prefix = f"{item} — " if item else ""
    found = [("", prefix + str(error)) for error in form.non_field_errors()]
    for field in form.visible_fields():
        for error in field.errors:
            label = _("%(field)s: %(error)s") % {"field": field.label, "error": error}
            found.append((field.id_for_label or field.auto_id, prefix + label))
    return found


def collect_errors(*entries) -> list[tuple[str, str]]:
    """The errors of forms, formsets and lists of forms, in page order. A string names the
    blocks of the formsets and lists after it: with "Reference", "Reference 2: …"."""
    found: list[tuple[str, str]] = []
    item_label = ""
    for entry in entries:
        if isinstance(entry, str):
            item_label = entry
            continue
        if not entry:
            continue
        if isinstance(entry, forms.BaseForm):
            found += _form_errors(entry)
            continue
        if isinstance(entry, forms.BaseFormSet):
            found += [("", str(error)) for error in entry.non_form_errors()]
            # A block ticked "Delete" or left empty is not validated: its errors do not count.
            blocks = [
                (number, form)
                for number, form in enumerate(entry.forms, start=1)
                if form.is_bound
                and not (entry.can_delete and getattr(form, "cleaned_data", {}).get("DELETE"))
            ]
        else:
            blocks = list(enumerate(entry, start=1))
        for number, form in blocks:
            found += _form_errors(form, f"{item_label} {number}".strip())
    return found


@register.simple_tag
def error_summary(*entries):
    """{% error_summary form "Lot" lots "Document" documents %} (see collect_errors)."""
    errors = collect_errors(*entries)
    if not errors:
        return ""
    title = ngettext(
        "%(n)d error: nothing was saved yet, and what you typed is kept. Fix it and save again.",
        "%(n)d errors: nothing was saved yet, and what you typed is kept. Fix them and save again.",
        len(errors),
    ) % {"n": len(errors)}
    items = format_html_join(
        "",
        "<li>{}</li>",
        (
            (format_html('<a href="#{}">{}</a>', anchor, text) if anchor else text,)
            for anchor, text in errors
        ),
    )
    return format_html(
        '<div class="message message-error error-summary" role="alert" '
        'aria-labelledby="error-summary-title"><p id="error-summary-title"><strong>{}</strong>'
        "</p><ul>{}</ul></div>",
        title,
        items,
    )

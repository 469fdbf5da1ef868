"""The entries of the buyers' shortlist page, rendered with format strings.

Through the template language, 50 entries were some 6,000 nodes, each resolved, localized and
escaped: the largest part of the page's time. The same markup from format strings costs ~7 ms
(`manage.py bench_shortlist_page` measures the page).
The rest of the page stays in templates/matching/shortlist_detail.html, which calls this through
`{% shortlist_entries %}`. Strings keep the msgids they had in the template; as there, the
translations themselves are trusted (not escaped) and every value is escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from suppliers.models import SupplierProfile

from .models import ShortlistEntry, ShortlistEntryChange

if TYPE_CHECKING:  # selectors import the template tags, which import this module
    from .selectors import ShortlistRow

PARIS = ZoneInfo("Europe/Paris")

_ENTRY = """
  <li class="shortlist-entry{excluded_class}" id="supplier-{sid}">
    <h3>
      <span class="rank">{rank}</span>
      <a href="{supplier_url}">{name}</a>
      {new_badge}
      <span class="badge badge-status status-{status}">{status_label}</span>
    </h3>
    <p class="score-line"><strong>{score}</strong>
      · {interest}</p>
    <dl class="key-facts">
      <dt>{size_label}</dt><dd>{size}</dd>
      <dt>{region_label}</dt><dd>{region}</dd>
      <dt>{clearance_label}</dt><dd>{clearance}</dd>
      <dt>{certifications_label}</dt><dd>{certifications}</dd>
    </dl>
    <div class="breakdown">
      <h4>{breakdown_label}</h4>
      <ul class="bars">
      {bars}
      </ul>
    </div>
    {constraints}
    <div class="entry-forms">
      <form method="post" action="{entry_url}" class="entry-form">{csrf_input}
        <input type="hidden" name="query" value="{query}">
        <div class="field">
          <label for="status-{sid}">{status_field_label}</label>
          <select id="status-{sid}" name="status">{status_options}</select>
        </div>
        <div class="field">
          <label for="notes-{sid}">{notes_label}</label>
          <textarea id="notes-{sid}" name="notes" rows="2">{notes}</textarea>
        </div>
        <button class="button button-small" type="submit">{save_label}\
<span class="visually-hidden"> — {name}</span></button>
      </form>
      <details class="contact">
        <summary>{contact_label}</summary>
        <form method="post" action="{entry_url}contact/">{csrf_input}
          <input type="hidden" name="query" value="{query}">
          <div class="field">
            <label for="message-{sid}">{message_label}</label>
            <textarea id="message-{sid}" name="message" rows="4" maxlength="5000" \
required></textarea>
          </div>
          <button class="button button-small" type="submit">{send_label}\
<span class="visually-hidden"> — {name}</span></button>
        </form>
      </details>
      {history}
    </div>
  </li>
"""

_BAR = (
    '<li class="bar-row"><span class="bar-label">{}</span> <span class="bar" aria-hidden="true">'
    '<span class="bar-fill" data-pct="{}"></span></span> <span class="bar-value">{}</span>{}</li>'
    "\n      "
)

_CONSTRAINTS = """<div class="constraints">
      <h4>{label}</h4>
      <ul>
      {items}
      </ul>
    </div>"""

_HISTORY = """<details class="history">
        <summary>{label}</summary>
        <ul>{items}</ul>
      </details>"""

_CHANGE = """
          <li><time datetime="{iso}">{when}</time> —
            {who}:
            {what}</li>
        """


def _labels() -> dict[str, SafeString]:
    """The entries' fixed texts in the active language, trusted as translations in templates
    are (not escaped)."""
    texts = {
        "excluded": gettext("Excluded"),
        "new": gettext("New"),
        "interested": gettext("Has expressed interest"),
        "not_interested": gettext("No expressed interest"),
        "size_label": gettext("Size"),
        "region_label": gettext("Head-office region"),
        "clearance_label": gettext("Clearance"),
        "certifications_label": gettext("Valid certifications"),
        "breakdown_label": gettext("Score breakdown"),
        "requirements_heading": gettext("Requirements"),
        "status_field_label": gettext("Status"),
        "notes_label": gettext("Private notes"),
        "save_label": gettext("Save"),
        "contact_label": gettext("Contact this supplier"),
        "message_label": gettext(
            "Message to the supplier's members (sent by email; your email address is given for "
            "replies)"
        ),
        "send_label": gettext("Send"),
        "history_heading": gettext("History"),
        "notes_edited": gettext("notes edited"),
        "former_member": gettext("a former member"),
        "met": gettext("Met:"),
        "not_met": gettext("Not met:"),
    }
    return {key: mark_safe(text) for key, text in texts.items()}  # noqa: S308


def _url_maker(name: str, *args):
    """reverse() once per page rather than once per entry: a function of the last argument."""
    marker = 987654321987
    prefix, suffix = reverse(name, args=[*args, marker]).split(str(marker))
    return lambda pk: f"{prefix}{pk}{suffix}"


def _or_dash(value) -> str:
    return value or "—"


def _bars(row: ShortlistRow) -> SafeString:
    return mark_safe(  # noqa: S308 - each part is format_html's
        "".join(
            format_html(
                _BAR,
                bar["label"],
                bar["percent"],
                bar["text"],
                format_html(' <span class="bar-explanation">{}</span>', bar["explanation"])
                if bar["explanation"]
                else "",
            )
            for bar in row.bars
        )
    )


def _constraints(row: ShortlistRow, labels: dict) -> SafeString | str:
    if not row.constraints:
        return ""
    items = "".join(
        format_html(
            '<li class="{}"><span class="constraint-status">{}</span> {}</li>',
            "constraint-ok" if passed else "constraint-failed",
            labels["met"] if passed else labels["not_met"],
            text,
        )
        for passed, text in row.constraints
    )
    return format_html(_CONSTRAINTS, label=labels["requirements_heading"], items=mark_safe(items))  # noqa: S308


def _status_options() -> dict[str, SafeString]:
    """The status <option>s with each status selected, built once per page."""
    statuses = ShortlistEntry.Status.choices
    return {
        current: mark_safe(  # noqa: S308 - each part is format_html's
            "".join(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    value,
                    " selected" if value == current else "",
                    label,
                )
                for value, label in statuses
            )
        )
        for current, _label in statuses
    }


def _displays(model, name: str) -> dict:
    """What get_<name>_display() says for each value (once per page: it hashes every choice's
    lazy label, a translation lookup each, on every call)."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def _history(row: ShortlistRow, labels: dict, status_labels: dict) -> SafeString | str:
    changes = row.changes
    if not changes:
        return ""
    items = []
    for change in changes:
        when = timezone.localtime(change.changed_at, PARIS)
        if change.kind == ShortlistEntryChange.Kind.STATUS:
            what = gettext("status %(old)s → %(new)s") % {
                "old": conditional_escape(status_labels.get(change.old_status, change.old_status)),
                "new": conditional_escape(status_labels.get(change.new_status, change.new_status)),
            }
        else:
            what = labels["notes_edited"]
        items.append(
            format_html(
                _CHANGE,
                iso=formats.date_format(when, "c"),
                when=formats.date_format(when, "SHORT_DATETIME_FORMAT"),
                who=(change.changed_by.email if change.changed_by else "")
                or labels["former_member"],
                what=mark_safe(what),  # noqa: S308 - a translation and escaped values
            )
        )
    return format_html(_HISTORY, label=labels["history_heading"], items=mark_safe("".join(items)))  # noqa: S308


@dataclass(frozen=True)
class _Page:
    """What every entry of one page shares, computed once."""

    labels: dict[str, SafeString]
    fixed_labels: dict[str, SafeString]  # the ones _ENTRY shows as they are
    status_options: dict[str, SafeString]
    status_labels: dict[str, str]
    sizes: dict[str, str]
    clearances: dict[int, str]
    supplier_url: Callable[[int], str]
    entry_url: Callable[[int], str]
    csrf_input: str
    query: str

    @classmethod
    def build(cls, *, tender_id: int, query: str, csrf_input: str) -> _Page:
        labels = _labels()
        return cls(
            labels=labels,
            fixed_labels={key: text for key, text in labels.items() if key.endswith("_label")},
            status_options=_status_options(),
            status_labels=_displays(ShortlistEntry, "status"),
            sizes=_displays(SupplierProfile, "size_category"),
            clearances=_displays(SupplierProfile, "clearance_level"),
            supplier_url=_url_maker("suppliers:detail"),
            entry_url=_url_maker("matching:entry_update", tender_id),
            csrf_input=csrf_input,
            query=query,
        )


def _entry(row: ShortlistRow, page: _Page) -> SafeString:
    m, p, sid, labels = row.match, row.profile, row.match.supplier_id, page.labels
    if m.rank:
        rank = gettext("No. %(rank)s") % {"rank": conditional_escape(formats.localize(m.rank))}
    else:
        rank = labels["excluded"]
    score = gettext("Score %(score)s/100") % {"score": conditional_escape(floatformat(m.score, 0))}
    certifications = ", ".join(conditional_escape(c) for c in row.certifications)
    return format_html(
        _ENTRY,
        excluded_class="" if m.eligible else " shortlist-excluded",
        sid=sid,
        rank=mark_safe(rank),  # noqa: S308 - a translation and an escaped value
        supplier_url=page.supplier_url(sid),
        name=row.name,
        new_badge=format_html('<span class="badge badge-new">{}</span>', labels["new"])
        if row.is_new
        else "",
        status=row.status,
        status_label=row.status_label,
        score=mark_safe(score),  # noqa: S308 - a translation and an escaped value
        interest=format_html("<strong>{}</strong>", labels["interested"])
        if row.interested
        else labels["not_interested"],
        size=_or_dash(p and page.sizes.get(p.size_category, p.size_category)),
        region=_or_dash(p and p.region and p.region.name),
        clearance=_or_dash(p and page.clearances.get(p.clearance_level, p.clearance_level)),
        certifications=_or_dash(mark_safe(certifications)),  # noqa: S308 - escaped above
        bars=_bars(row),
        constraints=_constraints(row, labels),
        entry_url=page.entry_url(sid),
        csrf_input=page.csrf_input,
        query=page.query,
        status_options=page.status_options[row.status],
        notes=row.notes,
        history=_history(row, labels, page.status_labels),
        **page.fixed_labels,
    )


def shortlist_entries_html(
    rows: list[ShortlistRow], *, tender_id: int, query: str, csrf_input: str
) -> SafeString:
    """The <li> of each row of the shortlist page, with its status, notes and contact forms."""
    page = _Page.build(tender_id=tender_id, query=query, csrf_input=csrf_input)
    return mark_safe("".join(_entry(row, page) for row in rows))  # noqa: S308 - format_html's

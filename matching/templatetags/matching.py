from django import template
from django.template.defaulttags import CsrfTokenNode

from matching.scoring import render
from matching.shortlist_html import shortlist_entries_html

register = template.Library()


@register.filter
def explain(item: dict) -> str:
    """A stored component or constraint, explained in the reader's language."""
    if "message" not in item:  # stored by an older engine version
        return item.get("explanation") or item.get("reason", "")
    return render(item["message"], item.get("params") or {}, item.get("plural", ""))


@register.simple_tag(takes_context=True)
def shortlist_entries(context, rows, tender_id: int, query: str = ""):
    """The entries of the shortlist page (matching/shortlist_html.py: 50 of them through the
    template language took most of the page's time)."""
    csrf_input = CsrfTokenNode().render(context)
    return shortlist_entries_html(rows, tender_id=tender_id, query=query, csrf_input=csrf_input)

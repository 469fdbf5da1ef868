from django import template

from matching.scoring import render

register = template.Library()


@register.filter
def explain(item: dict) -> str:
    """A stored component or constraint, explained in the reader's language."""
    if "message" not in item:  # stored by an older engine version
        return item.get("explanation") or item.get("reason", "")
    return render(item["message"], item.get("params") or {})

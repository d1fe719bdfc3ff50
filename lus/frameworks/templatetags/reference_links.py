from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def reference_url(context, option) -> str:
    """The option's own link, else the municipality's link for a document of that name (one
    query per request)."""
    if option.url:
        return option.url
    request = context.get("request")
    links = getattr(request, "_lus_reference_links", None)
    if links is None:
        from lus.frameworks.selectors import reference_links

        links = reference_links()
        if request is not None:
            request._lus_reference_links = links
    return links.get(option.label.strip().lower(), "")

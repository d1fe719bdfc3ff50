"""The repeated controls of a question's widget, rendered in Python: a 1-10 scale is ten
inputs with labels, and the template engine's per-value cost (a dozen lookups and tests each)
was the preparation page's largest single share of time. The markup is the widget template's
own; only the loop moved here."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


def _current(q) -> list[str]:
    """The answer's values as strings; none where nothing is answered (the studio's preview)."""
    return getattr(q, "current", None) or []


_SCALE_VALUE = (
    '<span class="lus-scale-value">'
    '<input class="btn-check" type="radio" name="q-{0}" id="q-{0}-{1}" value="{1}"{2}{3}>'
    '<label class="btn btn-outline-primary" for="q-{0}-{1}">{1}{4}</label>'
    "</span>\n"
)
_END_LABEL = '<span class="visually-hidden"> \N{EN DASH} {}</span>'


@register.simple_tag
def scale_values(q, can_edit) -> SafeString:
    """The scale's radio buttons: checked where the answer is, disabled where it cannot be
    changed; the ends' words read out (hidden) on the first and last value."""
    values = list(q.scale_values)
    current = _current(q)
    disabled = "" if can_edit else " disabled"
    last = len(values) - 1

    def end_label(i: int):
        if i == 0 and q.scale_min_label:
            return format_html(_END_LABEL, q.scale_min_label)
        if i == last and q.scale_max_label:
            return format_html(_END_LABEL, q.scale_max_label)
        return ""

    return format_html_join(
        "",
        _SCALE_VALUE,
        (
            (q.pk, v, " checked" if str(v) in current else "", disabled, end_label(i))
            for i, v in enumerate(values)
        ),
    )


_CHOICE = (
    '<div class="form-check">'
    '<input class="form-check-input" type="radio" name="q-{0}" id="q-{0}-{1}" value="{1}"{2}{3}{4}>'
    ' <label class="form-check-label" for="q-{0}-{1}">{5}</label>{6}'
    "</div>\n"
)
_DESCRIPTION = '<div class="form-text mt-0" id="q-{}-{}-desc">{}</div>'


@register.simple_tag
def choice_options(q, can_edit) -> SafeString:
    """A choice's radio buttons, each option's description tied to it."""
    current = _current(q)
    disabled = "" if can_edit else " disabled"
    return format_html_join(
        "",
        _CHOICE,
        (
            (
                q.pk,
                o.pk,
                " checked" if str(o.pk) in current else "",
                disabled,
                format_html(' aria-describedby="q-{}-{}-desc"', q.pk, o.pk)
                if o.description
                else "",
                o.label,
                format_html(_DESCRIPTION, q.pk, o.pk, o.description) if o.description else "",
            )
            for o in q.options.all()
        ),
    )


_KEYWORD = (
    '<span class="lus-keyword">'
    '<input class="btn-check" type="checkbox" name="q-{0}" id="q-{0}-{1}" value="{1}"{2}{3}>'
    '<label class="btn btn-sm btn-outline-secondary" for="q-{0}-{1}"{4}>{5}</label>'
    "</span>\n"
)


@register.simple_tag
def keyword_options(q, can_edit) -> SafeString:
    """The keywords' checkboxes; an option's description is its tooltip."""
    current = _current(q)
    disabled = "" if can_edit else " disabled"
    return format_html_join(
        "",
        _KEYWORD,
        (
            (
                q.pk,
                o.pk,
                " checked" if str(o.pk) in current else "",
                disabled,
                format_html(' title="{}"', o.description) if o.description else "",
                o.label,
            )
            for o in q.options.all()
        ),
    )

"""Form widgets that render in Python.

Django renders every ``<option>`` of a select through a template include; the HR overview's
filters (every unit and leader's leader of the municipality) made that a large part of the
page's time (``make bench``).
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class PlainSelect(forms.Select):
    """A single ``<select>`` with the same markup as Django's, built with ``format_html``."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        context = self.get_context(name, value, attrs)["widget"]
        options = []
        for _group, group_options, _index in context["optgroups"]:
            options.extend(group_options)
        return format_html(
            "<select{}>{}</select>",
            flatatt({"name": context["name"], **context["attrs"]}),
            format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], " selected" if o["selected"] else "", o["label"]) for o in options),
            ),
        )

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import InputKind


def _year_field():
    return forms.IntegerField(
        label=_("Year of the results"),
        min_value=2000,
        max_value=2100,
        initial=lambda: timezone.localdate().year,
        error_messages={"required": _("Write the year."), "invalid": _("Write a year.")},
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InputKind.choices)
    year = _year_field()
    title = forms.CharField(
        label=_("Title shown to the leader"),
        max_length=200,
        help_text=_("E.g. “Ledelsesevaluering 2026” or “Trivselsmåling 2026”."),
    )
    file = forms.FileField(
        label=_("CSV file from the survey tool"),
        error_messages={"required": _("Choose the CSV file."), "empty": _("The file is empty.")},
    )


class AttachForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InputKind.choices)
    year = _year_field()
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("Report (PDF, at most 10 MB)"),
        error_messages={"required": _("Choose a PDF file."), "empty": _("The file is empty.")},
    )

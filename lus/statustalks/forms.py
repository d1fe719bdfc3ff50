from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BookForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Choose a date."), "invalid": _("Write a valid date.")},
    )
    time = forms.TimeField(
        label=_("Time"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"required": _("Choose a time."), "invalid": _("Write a valid time.")},
    )
    duration = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=10, max_value=240, initial=30
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)

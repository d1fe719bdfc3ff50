from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lus.accounts.models import OrgUnit
from lus.core.widgets import PlainSelect

from .selectors import BUCKETS, round_conductors


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses ids the database cannot hold (a huge number would
    otherwise overflow in the query: a 500 instead of a field error)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = int(str(value))
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from exc
        if not 0 < number < 2**31:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(number)


class OverviewFilterForm(forms.Form):
    """GET filters of the status overview; an invalid value shows its error and is ignored."""

    unit = IdChoiceField(
        label=_("Organisational unit"), queryset=None, required=False, widget=PlainSelect
    )
    conductor = IdChoiceField(
        label=_("Leader's leader"), queryset=None, required=False, widget=PlainSelect
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=PlainSelect)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, lus_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.only("pk", "name").order_by("name")
        self.fields["unit"].empty_label = _("All units")
        self.fields["conductor"].queryset = round_conductors(lus_round).only(
            "pk", "name", "username"
        )
        self.fields["conductor"].empty_label = _("All leaders' leaders")
        self.fields["status"].choices = [("", _("All statuses"))] + [
            (key, label) for key, label, _s in BUCKETS
        ]
        for name in ("unit", "conductor", "status"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "unit": data.get("unit"),
            "conductor": data.get("conductor"),
            "bucket": data.get("status") or "",
            "overdue_only": bool(data.get("overdue")),
        }


class HandoverForm(forms.Form):
    """Hand one open conversation over to the leader's current leader's leader."""

    conversation = forms.ModelChoiceField(
        queryset=None,
        label=_("Conversation"),
        error_messages={
            "required": _("Choose the conversation to hand over."),
            "invalid_choice": _(
                "That conversation cannot be handed over (it may already have been handed "
                "over). Reload the page."
            ),
        },
    )
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=300, required=False, strip=True
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conversation"].queryset = candidates

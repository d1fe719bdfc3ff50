from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lus.accounts.models import OrgUnit, User

from .selectors import BUCKETS, unit_in_round, unit_path


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
    """GET filters of the status overview; an invalid value shows its error and is ignored.

    The unit and the leader's leader are chosen on the page (a unit's name opens it; a leader's
    leader's name filters by them) and carried as hidden fields: no list of every unit or
    leader's leader, which would grow with the municipality."""

    unit = IdChoiceField(
        label=_("Organisational unit"), queryset=None, required=False, widget=forms.HiddenInput
    )
    leaders_leader = IdChoiceField(
        label=_("Leader's leader"), queryset=None, required=False, widget=forms.HiddenInput
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    search = forms.CharField(
        label=_("Find a leader's leader"), max_length=100, required=False, strip=True
    )

    def __init__(self, *args, lus_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.lus_round = lus_round
        self.path: list[tuple[int, str]] = []
        self.fields["unit"].queryset = OrgUnit.objects.only("pk", "name", "municipality_id")
        self.fields["leaders_leader"].queryset = User.objects.only("pk", "name")
        self.fields["status"].choices = [("", _("All statuses"))] + [
            (key, label) for key, label, _s in BUCKETS
        ]
        self.fields["status"].widget.attrs["class"] = "form-select"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"
        self.fields["search"].widget.attrs.update(
            {"class": "form-control", "type": "search", "autocomplete": "off"}
        )
        status = self.fields["status"]
        chosen = str(self["status"].value() or "")
        status.options = [(str(v), label, str(v) == chosen) for v, label in status.choices]

    def clean_unit(self):
        unit = self.cleaned_data.get("unit")
        if unit is None:
            return None
        self.path = unit_path(unit)
        if not unit_in_round(self.lus_round, self.path):
            raise forms.ValidationError(_("That unit is not part of this round."))
        return unit

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "unit": data.get("unit"),
            "path": self.path if data.get("unit") else [],
            "leaders_leader": data.get("leaders_leader"),
            "bucket": data.get("status") or "",
            "overdue_only": bool(data.get("overdue")),
            "search": data.get("search") or "",
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

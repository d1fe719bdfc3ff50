from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lus.accounts.models import OrgUnit

from .selectors import BUCKETS, round_leaders_leaders


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

    unit = IdChoiceField(label=_("Organisational unit"), queryset=None, required=False)
    leaders_leader = IdChoiceField(label=_("Leader's leader"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, lus_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.only("pk", "name").order_by("name")
        self.fields["unit"].empty_label = _("All units")
        self.fields["leaders_leader"].queryset = round_leaders_leaders(lus_round).only(
            "pk", "name", "username"
        )
        self.fields["leaders_leader"].empty_label = _("All leaders' leaders")
        self.fields["status"].choices = [("", _("All statuses"))] + [
            (key, label) for key, label, _s in BUCKETS
        ]
        for name in ("unit", "leaders_leader", "status"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"

    #: Names of the units and leaders' leaders read for the options, by id (the overview's
    #: tables name their rows with them instead of reading the names again).
    names: dict[str, dict[int, str]]

    def _set_options(self) -> None:
        """Each select's options as (value, label, selected) for the page's template
        (``rounds/partials/select.html``): one template loop instead of Django's widget
        templates, one include per option, for every unit and leader's leader."""
        self.names = {}
        for name in ("unit", "leaders_leader", "status"):
            field = self.fields[name]
            chosen = str(self[name].value() or "")
            if name == "status":
                pairs = [(str(value), label) for value, label in field.choices]
            else:
                objects = list(field.queryset)
                self.names[name] = {obj.pk: obj.name for obj in objects}
                pairs = [("", field.empty_label)] + [
                    (str(obj.pk), field.label_from_instance(obj)) for obj in objects
                ]
            field.options = [(value, label, value == chosen) for value, label in pairs]

    def filters(self) -> dict:
        self._set_options()
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "unit": data.get("unit"),
            "leaders_leader": data.get("leaders_leader"),
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

"""Cleaning the preparation form. The form is generated from the framework, so it is parsed
by hand: every field is checked against the questions this party may answer, each error is
kept at its field, and every valid answer in the same POST is still saved."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lus.frameworks.models import FrameworkVersion, Question
from lus.frameworks.question_types import team_type_choices

from .extensions import EvaluationInput, evaluation_statuses
from .models import MAX_TEXT_LENGTH, Conversation, Role
from .services import AnswerInput, Booking

PREFIX = "q-"
EVAL_PREFIX = "eval-"


@dataclass
class PreparationData:
    answers: list[AnswerInput] = field(default_factory=list)
    evaluations: list[EvaluationInput] = field(default_factory=list)
    #: field name ("q-12", "eval-3", "__all__") -> Danish error messages
    errors: dict[str, list[str]] = field(default_factory=dict)
    #: what the user typed, per question id, to show it again (also when invalid)
    raw: dict[int, list[str]] = field(default_factory=dict)
    raw_evaluations: dict[int, dict[str, str]] = field(default_factory=dict)
    base_revision: int | None = None

    @property
    def general_errors(self) -> list[str]:
        return list(dict.fromkeys(self.errors.get("__all__", [])))

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def _int(value: str) -> int | None:
    try:
        return int(value.strip())
    except (ValueError, AttributeError):
        return None


def parse_preparation(post, questions: list[Question], item_ids: set[int]) -> PreparationData:
    data = PreparationData()
    by_id = {q.pk: q for q in questions if q.is_answerable}
    data.base_revision = _int(post.get("revision", ""))
    if data.base_revision is None:
        data.add_error("__all__", _("The form is incomplete. Reload the page and try again."))

    # Questions shown in the form: absent values mean "cleared" (unticked keywords).
    shown = set()
    for raw_id in post.getlist("fields"):
        qid = _int(raw_id)
        if qid is None or qid not in by_id:
            data.add_error("__all__", _("The form contains an unknown question."))
            continue
        shown.add(qid)
    posted = set()
    for name in post:
        if not name.startswith(PREFIX):
            continue
        qid = _int(name[len(PREFIX) :])
        if qid is None or qid not in by_id:
            data.add_error("__all__", _("The form contains an unknown question."))
            continue
        posted.add(qid)
    for qid in sorted(shown | posted):
        question = by_id[qid]
        values = [v for v in post.getlist(f"{PREFIX}{qid}")]
        data.raw[qid] = values
        answer, error = _clean_answer(question, values)
        if error:
            data.add_error(f"{PREFIX}{qid}", error)
        else:
            data.answers.append(answer)

    for name in post:
        if not name.startswith(EVAL_PREFIX):
            continue
        rest = name[len(EVAL_PREFIX) :]
        item_raw, _sep, part = rest.rpartition("-")
        item_id = _int(item_raw)
        if item_id is None or item_id not in item_ids or part not in ("text", "status"):
            data.add_error("__all__", _("The form contains an unknown development point."))
            continue
        data.raw_evaluations.setdefault(item_id, {})[part] = post.get(name, "")
    for item_id, parts in data.raw_evaluations.items():
        text = parts.get("text", "")
        status = parts.get("status", "")
        if len(text) > MAX_TEXT_LENGTH:
            data.add_error(f"{EVAL_PREFIX}{item_id}", _too_long(len(text)))
        elif "\x00" in text:
            data.add_error(
                f"{EVAL_PREFIX}{item_id}", _("The answer contains characters that cannot be saved.")
            )
        elif status and status not in {value for value, _label in evaluation_statuses()}:
            data.add_error(f"{EVAL_PREFIX}{item_id}", _("Choose a status from the list."))
        else:
            data.evaluations.append(EvaluationInput(item_id, text.replace("\r\n", "\n"), status))
    return data


def _too_long(length: int) -> str:
    return _(
        "The answer is %(length)s characters long; at most %(max)s characters are allowed."
    ) % {"length": f"{length:,}".replace(",", "."), "max": f"{MAX_TEXT_LENGTH:,}".replace(",", ".")}


def _clean_answer(question: Question, values: list[str]) -> tuple[AnswerInput | None, str | None]:
    """The question's type cleans the posted values (lus.frameworks.question_types)."""
    fields, error = question.question_type.clean_answer(question, values)
    if error:
        return None, error
    return AnswerInput(question, **fields), None


# --- the leader's leader: invitation and team customisation -----------------------------------
class InvitationForm(forms.Form):
    """Book the conversation: when, how long, where (or walk'n'talk), minutes, a message."""

    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(
        label=gettext_lazy("Time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duration (minutes)"), min_value=15, max_value=480
    )
    location = forms.CharField(
        label=gettext_lazy("Place"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("A meeting room, an office, or where to meet for a walk'n'talk."),
    )
    walk_and_talk = forms.BooleanField(label=gettext_lazy("Walk'n'talk"), required=False)
    minutes_by = forms.ChoiceField(
        label=gettext_lazy("Are minutes written, and by whom?"), required=False
    )
    message = forms.CharField(
        label=gettext_lazy("Message to the leader"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, conversation: Conversation, **kwargs):
        self.conversation = conversation
        version = conversation.version
        if not kwargs.get("data") and "initial" not in kwargs:
            kwargs["initial"] = self._initial(conversation)
        super().__init__(*args, **kwargs)
        if not version.walk_and_talk_allowed:
            del self.fields["walk_and_talk"]
        if version.minutes == FrameworkVersion.Minutes.NONE:
            del self.fields["minutes_by"]
        else:
            self.fields["minutes_by"].choices = [
                ("", gettext_lazy("No minutes")),
                (
                    Role.LEADER,
                    gettext_lazy("Written by the leader (%(name)s)")
                    % {"name": conversation.leader},
                ),
                (
                    Role.LEADERS_LEADER,
                    gettext_lazy("Written by the leader's leader (%(name)s)")
                    % {"name": conversation.leaders_leader},
                ),
            ]
            if version.minutes == FrameworkVersion.Minutes.OPTIONAL_WRITER_AGREED:
                self.fields["minutes_by"].help_text = gettext_lazy(
                    "Agree before the conversation whether minutes are written, and by whom."
                )

    @staticmethod
    def _initial(conversation: Conversation) -> dict:
        if conversation.scheduled_at:
            local = timezone.localtime(conversation.scheduled_at)
            return {
                "date": local.date(),
                "time": local.time().replace(second=0, microsecond=0),
                "duration_minutes": conversation.duration_minutes,
                "location": conversation.location,
                "walk_and_talk": conversation.walk_and_talk,
                "minutes_by": conversation.minutes_by,
                "message": conversation.invitation_message,
            }
        return {
            "duration_minutes": conversation.municipality.conversation_duration_minutes,
            "time": datetime.time(10, 0),
        }

    def clean(self):
        data = super().clean()
        day, at = data.get("date"), data.get("time")
        if day and at:
            try:
                when = timezone.make_aware(datetime.datetime.combine(day, at))
            except (OverflowError, ValueError):
                self.add_error("date", _("Choose a valid date."))
            else:
                if when <= timezone.now():
                    self.add_error("date", _("The date has passed. Choose a date in the future."))
                data["scheduled_at"] = when
        if not data.get("location", "").strip() and not data.get("walk_and_talk"):
            self.add_error("location", _("State a place, or choose walk'n'talk."))
        return data

    def booking(self) -> Booking:
        d = self.cleaned_data
        return Booking(
            scheduled_at=d["scheduled_at"],
            duration_minutes=d["duration_minutes"],
            location=d.get("location", ""),
            walk_and_talk=d.get("walk_and_talk", False),
            minutes_by=d.get("minutes_by", ""),
            message=d.get("message", "").replace("\r\n", "\n"),
        )


class CustomiseForm(forms.Form):
    """One change to the team's questions. Ids are resolved by the view against the version."""

    action = forms.ChoiceField(
        choices=[("remove", "remove"), ("restore", "restore"), ("reword", "reword"), ("add", "add")]
    )
    question = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    section = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    text = forms.CharField(required=False, max_length=2_000, strip=True)
    type = forms.ChoiceField(required=False, choices=team_type_choices, initial=Question.Type.TEXT)

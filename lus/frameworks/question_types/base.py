"""The definition every question type fills in (see the package docstring)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class QuestionType:
    key: str = ""
    label: Any = ""
    #: the form widget in the leader's preparation (gets ``q`` and ``can_edit``)
    template: str = ""
    #: choices/keywords/links are kept as QuestionOption rows
    has_options: bool = False
    #: the leader answers it (an information block is only read)
    answerable: bool = True
    #: fields of the question that only this type uses (the studio shows them)
    config_fields: tuple[str, ...] = ()
    #: its answers are points on the question's scale (``scale_value`` between
    #: ``scale_min`` and ``scale_max``), counted in the anonymous statistics
    in_statistics: bool = False
    #: the answer is short enough to show as it is (the conversation wheel); other answers
    #: are only counted there
    short_answer: bool = False
    #: the leader's answer last year is shown beside this year's (conversation view)
    compared_with_last_year: bool = False
    #: where both parties answer, each sees the other's answer only once both have answered
    #: (Albertslund's keywords; ``conversations.services.conversation_exchange_keywords``)
    exchanged_when_both_answered: bool = False
    #: a leader's leader may add a question of this type for the team (never mandatory)
    team_can_add: bool = False

    # --- configuration ----------------------------------------------------------------------
    def apply_defaults(self, question, *, defaults: dict) -> None:
        """Fill in what a new question of this type (or one changed to it) needs."""
        if not self.answerable:
            question.mandatory = False

    def clean(self, question) -> None:
        """The question's own configuration (raised as ValidationError at its fields)."""
        if not self.answerable and question.mandatory:
            raise ValidationError({"mandatory": _("An information block cannot be mandatory.")})

    def check_options(self, question, n: int, *, draft: bool = False) -> None:
        """The number of options ``n`` (``draft``: HR is still writing; only what is wrong
        whatever comes next is refused)."""
        if n and not self.has_options:
            raise ValidationError(
                {"options": _("Only choice, keywords and info questions have options.")}
            )

    def parse_json(self, check, q: dict, out: dict) -> None:
        """Type-specific keys of a question in the JSON format (docs/framework-format.md);
        ``check`` reports problems (``check.error(message)``) and reads typed values."""
        if not self.answerable and out["mandatory"]:
            check.error(_("An information block cannot be mandatory."))

    def to_json(self, question, out: dict) -> None:
        """Add the type-specific keys of the JSON format."""

    def config_summary(self, question) -> str:
        """The configuration in one line (the published version's structure in the admin)."""
        prefix = ""
        if question.pick:
            prefix = ngettext("pick %(n)s", "pick %(n)s", question.pick) % {"n": question.pick}
            prefix += ": "
        if not self.has_options:
            return prefix
        return prefix + ", ".join(o.label for o in question.options.all())

    # --- answers ----------------------------------------------------------------------------
    def clean_answer(self, question, values: list[str]) -> tuple[dict, str | None]:
        """The posted form values as answer fields (``scale_value``, ``text``, ``option_id``,
        ``keywords``), or a Danish error message."""
        return {}, None

    def answer_values(self, answer) -> list[str]:
        """A stored answer as the form values that show it."""
        if answer.text:
            return [answer.text]
        return []

    def display(self, question, answer) -> str:
        """A stored answer as text (conversation view, PDF)."""
        return answer.text

    def is_answered(self, question, answer) -> bool:
        """A stored, non-empty answer is complete (a mandatory question counts as done)."""
        return bool(answer.text.strip())

    def is_partly_answered(self, question, answer) -> bool:
        """A stored answer that is begun but not valid to share (e.g. too few keywords)."""
        return False

    def printed_options(self, question) -> list[str]:
        """The options printed beside the question on the blank form, to tick by hand."""
        return []

    def normalised(self, question, value: float) -> float:
        """A stored number (or a mean of them) as 0 to 100 for the anonymous statistics
        (``question`` has the scale bounds); only asked of types ``in_statistics``."""
        raise NotImplementedError


def single_value(values: list[str]) -> tuple[str, str | None]:
    values = [v for v in values if v is not None]
    if len(values) > 1:
        return "", _("Give only one answer.")
    return (values[0] if values else ""), None


def as_int(value: str) -> int | None:
    try:
        return int(value.strip())
    except (ValueError, AttributeError):
        return None

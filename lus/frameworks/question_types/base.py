"""The definition every question type fills in (see the package docstring)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


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

    def is_answered(self, answer) -> bool:
        return bool(answer.text.strip())

    def numeric_value(self, question, answer) -> float | None:
        """0 to 100 for the anonymous statistics, or None when the type has no number."""
        return None


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

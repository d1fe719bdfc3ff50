"""Free text."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import register
from .base import QuestionType, single_value

MAX_ANSWER_LENGTH = 10_000


def too_long(length: int) -> str:
    return _(
        "The answer is %(length)s characters long; at most %(max)s characters are allowed."
    ) % {
        "length": f"{length:,}".replace(",", "."),
        "max": f"{MAX_ANSWER_LENGTH:,}".replace(",", "."),
    }


@register
class Text(QuestionType):
    key = "text"
    team_can_add = True
    label = gettext_lazy("Free text")
    template = "question_types/text.html"

    def clean_answer(self, question, values):
        value, error = single_value(values)
        if error:
            return {}, error
        if "\x00" in value:
            return {}, _("The answer contains characters that cannot be saved.")
        if len(value) > MAX_ANSWER_LENGTH:
            return {}, too_long(len(value))
        return {"text": value.replace("\r\n", "\n")}, None

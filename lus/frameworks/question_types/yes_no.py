"""Yes or no (stored as 1 / 0, so the statistics can count the share of "yes")."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import register
from .base import QuestionType, single_value


@register
class YesNo(QuestionType):
    key = "yes_no"
    label = gettext_lazy("Yes / no")
    template = "question_types/yes_no.html"

    def clean_answer(self, question, values):
        value, error = single_value(values)
        if error or value.strip() == "":
            return {}, error
        if value not in ("1", "0"):
            return {}, _("Choose yes or no.")
        return {"scale_value": int(value)}, None

    def answer_values(self, answer):
        return [] if answer.scale_value is None else [str(answer.scale_value)]

    def display(self, question, answer):
        if answer.scale_value is None:
            return ""
        return _("Yes") if answer.scale_value else _("No")

    def is_answered(self, question, answer):
        return answer.scale_value is not None

    def normalised(self, question, value):
        return 100.0 * value

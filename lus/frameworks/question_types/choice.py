"""Single choice among options (each with an optional description)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import register
from .base import QuestionType, as_int, single_value


@register
class Choice(QuestionType):
    key = "choice"
    label = gettext_lazy("Single choice")
    template = "question_types/choice.html"
    has_options = True
    config_fields = ("options",)
    short_answer = True

    def check_options(self, question, n, *, draft=False):
        if not draft and n < 2:
            raise ValidationError(
                {"options": _("A single-choice question needs at least two options.")}
            )

    def parse_json(self, check, q, out):
        super().parse_json(check, q, out)
        if not out["options"]:
            check.error(_("A choice or keywords question needs “options”."))
        elif len(out["options"]) == 1:
            check.error(_("A single-choice question needs at least two options."))

    def clean_answer(self, question, values):
        value, error = single_value(values)
        if error or value.strip() == "":
            return {}, error
        oid = as_int(value)
        if oid is None or oid not in {o.pk for o in question.options.all()}:
            return {}, _("Choose one of the options.")
        return {"option_id": oid}, None

    def answer_values(self, answer):
        return [] if answer.option_id is None else [str(answer.option_id)]

    def display(self, question, answer):
        labels = {o.pk: o.label for o in question.options.all()}
        return labels.get(answer.option_id, "") if answer.option_id is not None else ""

    def is_answered(self, question, answer):
        return answer.option_id is not None

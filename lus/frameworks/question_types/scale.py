"""A scale: the leader picks a whole number from ``scale_min`` to ``scale_max``."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import register
from .base import QuestionType, as_int, single_value


@register
class Scale(QuestionType):
    in_statistics = True
    short_answer = True
    compared_with_last_year = True
    key = "scale"
    team_can_add = True
    label = gettext_lazy("Scale")
    template = "question_types/scale.html"
    config_fields = ("scale_min", "scale_max", "scale_min_label", "scale_max_label")

    def apply_defaults(self, question, *, defaults):
        super().apply_defaults(question, defaults=defaults)
        if question.scale_min is None and question.scale_max is None:
            for name in self.config_fields:
                setattr(question, name, defaults[name])

    def clean(self, question):
        super().clean(question)
        if question.scale_min is None or question.scale_max is None:
            raise ValidationError({"scale_max": _("A scale needs both a minimum and a maximum.")})
        if question.scale_min >= question.scale_max:
            raise ValidationError({"scale_max": _("The maximum must be greater than the minimum.")})

    def parse_json(self, check, q, out):
        super().parse_json(check, q, out)
        lo, hi = check.opt_int("min"), check.opt_int("max")
        if lo is None or hi is None:
            check.error(_("A scale needs both “min” and “max”."))
        elif lo >= hi:
            check.error(
                _("The scale's “min” (%(min)d) must be less than its “max” (%(max)d).")
                % {"min": lo, "max": hi}
            )
        out.update(
            scale_min=lo,
            scale_max=hi,
            scale_min_label=check.str("min_label", max_length=100),
            scale_max_label=check.str("max_label", max_length=100),
        )

    def to_json(self, question, out):
        out.update(
            min=question.scale_min,
            max=question.scale_max,
            min_label=question.scale_min_label,
            max_label=question.scale_max_label,
        )

    def config_summary(self, question):
        dash = "\N{EN DASH}"
        summary = f"{question.scale_min}{dash}{question.scale_max}"
        if question.scale_min_label or question.scale_max_label:
            summary += f" ({question.scale_min_label} {dash} {question.scale_max_label})"
        return summary

    def clean_answer(self, question, values):
        value, error = single_value(values)
        if error or value.strip() == "":
            return {}, error
        number = as_int(value)
        if number is None or not (question.scale_min <= number <= question.scale_max):
            return {}, _("Choose a value from %(min)s to %(max)s.") % {
                "min": question.scale_min,
                "max": question.scale_max,
            }
        return {"scale_value": number}, None

    def answer_values(self, answer):
        return [] if answer.scale_value is None else [str(answer.scale_value)]

    def display(self, question, answer):
        if answer.scale_value is None:
            return ""
        return f"{answer.scale_value} / {question.scale_max}"

    def is_answered(self, question, answer):
        return answer.scale_value is not None

    def normalised(self, question, value):
        return 100 * (value - question.scale_min) / (question.scale_max - question.scale_min)

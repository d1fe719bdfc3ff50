"""Keywords: the leader picks exactly ``pick`` of the options."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import register
from .base import QuestionType, as_int


@register
class Keywords(QuestionType):
    key = "keywords"
    label = gettext_lazy("Keywords (pick N)")
    template = "question_types/keywords.html"
    has_options = True
    config_fields = ("pick", "options")
    exchanged_when_both_answered = True

    def apply_defaults(self, question, *, defaults):
        super().apply_defaults(question, defaults=defaults)
        if not question.pick:
            question.pick = 1

    def clean(self, question):
        super().clean(question)
        if not question.pick:
            raise ValidationError({"pick": _("State how many keywords to pick.")})

    def check_options(self, question, n, *, draft=False):
        if not draft and question.pick and question.pick > n:
            raise ValidationError(
                {
                    "pick": _(
                        "The question asks to pick %(pick)d keywords, but there are only %(n)d. "
                        "Add keywords or lower the number to pick."
                    )
                    % {"pick": question.pick, "n": n}
                }
            )

    def parse_json(self, check, q, out):
        super().parse_json(check, q, out)
        options = out["options"]
        if not options:
            check.error(_("A choice or keywords question needs “options”."))
        pick = check.opt_int("pick")
        if pick is None or pick < 1:
            check.error(_("A keywords question needs “pick” (at least 1)."))
        elif pick > len(options):
            check.error(
                _("“pick” (%(pick)d) cannot be more than the number of keywords (%(n)d).")
                % {"pick": pick, "n": len(options)}
            )
        out["pick"] = pick

    def to_json(self, question, out):
        out["pick"] = question.pick

    def clean_answer(self, question, values):
        allowed = {o.pk for o in question.options.all()}
        picked = []
        for v in values:
            oid = as_int(v)
            if oid is None or oid not in allowed:
                return {}, _("Choose keywords from the list.")
            if oid not in picked:
                picked.append(oid)
        if len(picked) > question.pick:
            return {}, ngettext(
                "Choose exactly %(n)s keyword (you chose %(count)s).",
                "Choose exactly %(n)s keywords (you chose %(count)s).",
                question.pick,
            ) % {"n": question.pick, "count": len(picked)}
        return {"keywords": picked}, None

    def answer_values(self, answer):
        return [str(k) for k in answer.keywords]

    def display(self, question, answer):
        labels = {o.pk: o.label for o in question.options.all()}
        return ", ".join(labels.get(k, "?") for k in answer.keywords)

    def is_answered(self, question, answer):
        # Exactly the number asked for: fewer is begun, not done.
        return len(answer.keywords) == question.pick

    def is_partly_answered(self, question, answer):
        return bool(answer.keywords) and len(answer.keywords) != question.pick

    def printed_options(self, question):
        return [o.label for o in question.options.all()]

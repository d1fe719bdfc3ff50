"""An information block (text and links); nothing to answer."""

from django.utils.translation import gettext_lazy

from . import register
from .base import QuestionType


@register
class Info(QuestionType):
    key = "info"
    label = gettext_lazy("Information / references")
    template = "question_types/info.html"
    has_options = True
    answerable = False
    config_fields = ("options",)

"""One home per question type.

Each module defines one ``QuestionType`` (see ``base.py``): how a question of that type is
configured and validated, its defaults, how an answer is parsed, cleaned and shown, and the
template of its form widget. The model, the JSON import, publishing, the admin, the studio,
the preparation form, the conversation view, the PDF and the anonymous statistics all ask the
registry instead of testing the type themselves. Adding a type = one module here (listed in
``MODULES``), one widget template in ``templates/question_types/`` and its Danish strings.
"""

from __future__ import annotations

from importlib import import_module

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .base import QuestionType

#: The registered types, in the order HR sees them.
MODULES = ("scale", "text", "choice", "keywords", "info", "yes_no")

REGISTRY: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    REGISTRY[cls.key] = cls()
    return cls


def question_type(key: str) -> QuestionType:
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValidationError(
            {"type": _("Unknown question type “%(value)s”.") % {"value": key}}
        ) from None


def statistics_types() -> list[str]:
    """The types whose answers the anonymous statistics count (scale values)."""
    return [t.key for t in REGISTRY.values() if t.in_statistics]


def types_compared_with_last_year() -> list[str]:
    """The types whose answer last year is shown beside this year's (a scale's point)."""
    return [t.key for t in REGISTRY.values() if t.compared_with_last_year]


def team_type_choices() -> list[tuple[str, str]]:
    """The types a leader's leader may add for the team, in the order HR sees them."""
    return [(t.key, t.label) for t in REGISTRY.values() if t.team_can_add]


def type_choices() -> list[tuple[str, str]]:
    """The model field's choices (a callable, so a new type needs no migration)."""
    return [(t.key, t.label) for t in REGISTRY.values()]


for _name in MODULES:
    import_module(f"{__name__}.{_name}")

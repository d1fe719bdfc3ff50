"""Services behind HR's framework studio: one field saved at a time (conflict-safe), adding,
duplicating, removing, ordering and copying sections and questions of a draft version.

Every write locks the row it changes and checks the version is still a draft; every
ValidationError carries a Danish message at the field it is about.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.frameworks.models import FrameworkVersion, Question, QuestionOption, Section
from lus.frameworks.question_types import question_type
from lus.frameworks.selectors import question_defaults

#: What the studio may change, per kind of object.
SECTION_FIELDS = ("title", "intro", "kind", "valid_from_year", "valid_to_year")
QUESTION_FIELDS = (
    "text",
    "help_text",
    "group",
    "type",
    "mandatory",
    "answered_by",
    "scale_min",
    "scale_max",
    "scale_min_label",
    "scale_max_label",
    "pick",
    "options",
)
#: Fields that may be empty while HR is still writing (publishing checks them).
REQUIRED_LATER = ("text", "title")


@dataclass
class FieldSave:
    """The outcome of one field save: ``saved``, ``unchanged`` (the same value was already
    stored) or ``conflict`` (someone else changed the field meanwhile; nothing written)."""

    status: str
    revision: int
    value: Any
    theirs: Any = None
    #: the object's fields after the save (a type change can fill in defaults)
    state: dict = field(default_factory=dict)


def _draft(version: FrameworkVersion) -> FrameworkVersion:
    version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise ValidationError(
            _("A published framework version cannot be changed. Create a new draft.")
        )
    return version


def options_text(question: Question) -> str:
    """A question's options as HR edits them: one per line, "label | description | link"."""
    lines = []
    for o in question.options.all():
        parts = [o.label, o.description, o.url]
        while parts and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def _parse_options(text: str) -> list[dict]:
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        label, description, url = ([p.strip() for p in line.split(" | ", 2)] + ["", ""])[:3]
        if len(label) > 200:
            raise ValidationError({"options": _("An option may be at most 200 characters.")})
        out.append({"label": label, "description": description, "url": url})
    labels = [o["label"] for o in out]
    if len(set(labels)) != len(labels):
        raise ValidationError({"options": _("The options must be different from each other.")})
    return out


def question_state(question: Question) -> dict:
    state = {name: getattr(question, name) for name in QUESTION_FIELDS if name != "options"}
    state["options"] = options_text(question)
    return state


def section_state(section: Section) -> dict:
    return {name: getattr(section, name) for name in SECTION_FIELDS}


def _coerce(model, name: str, value: Any) -> Any:
    """A JSON value as the model field's Python value ('' is None for numbers)."""
    if value is not None and not isinstance(value, str | int | bool):
        raise ValidationError({name: _("Enter a text or a number.")})
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError({name: _("The text contains characters that cannot be saved.")})
    if name == "options":
        return str(value or "").replace("\r\n", "\n")
    model_field = model._meta.get_field(name)
    if model_field.get_internal_type() == "BooleanField":
        if not isinstance(value, bool):
            raise ValidationError({name: _("Choose yes or no.")})
        return value
    if model_field.null and value in ("", None):
        return None
    if isinstance(value, str):
        value = value.replace("\r\n", "\n")
    try:
        return model_field.to_python(value)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from exc


def _same(a: Any, b: Any) -> bool:
    return a == b or (a in (None, "") and b in (None, ""))


@transaction.atomic
def studio_field_save(
    *,
    version: FrameworkVersion,
    kind: str,
    pk: int,
    name: str,
    value: Any,
    base: Any,
    revision: int,
) -> FieldSave:
    """Save one field of a section or question of a draft.

    ``base`` is the value the editor started from and ``revision`` the object's revision it
    knew. A save based on an older revision still goes through when this field was not changed
    by anyone else meanwhile (other fields of the same question do not conflict); otherwise it
    is a conflict and nothing is written."""
    _draft(version)
    if kind == "section" and name in SECTION_FIELDS:
        obj = Section.objects.select_for_update().get(pk=pk, version=version)
        state = section_state
    elif kind == "question" and name in QUESTION_FIELDS:
        obj = Question.objects.select_for_update().get(
            pk=pk, section__version=version, customisation__isnull=True
        )
        state = question_state
    else:
        raise ValidationError(_("This field cannot be edited here."))
    new = _coerce(type(obj), name, value)
    current = state(obj)[name]
    if _same(current, new):
        return FieldSave("unchanged", obj.revision, current, state=state(obj))
    if revision != obj.revision and not _same(current, _coerce(type(obj), name, base)):
        return FieldSave("conflict", obj.revision, new, theirs=current, state=state(obj))
    if name == "options":
        _replace_options(obj, _parse_options(new))
    else:
        setattr(obj, name, new)
        if kind == "question" and name == "type":
            question_type(new).apply_defaults(obj, defaults=question_defaults(version))
        if kind == "section" and name == "kind":
            _section_kind_defaults(obj)
    exclude = [f for f in REQUIRED_LATER if f != name]
    obj.full_clean(exclude=exclude)
    if kind == "question":
        question_type(obj.type).check_options(obj, len(obj.options.all()), draft=True)
    obj.revision += 1
    obj.save()
    return FieldSave("saved", obj.revision, state(obj)[name], state=state(obj))


def _replace_options(question: Question, options: list[dict]) -> None:
    if options and not question_type(question.type).has_options:
        raise ValidationError(
            {"options": _("Only choice, keywords and info questions have options.")}
        )
    for o in options:
        if o["url"]:
            from django.core.validators import URLValidator

            try:
                URLValidator(schemes=["http", "https"])(o["url"])
            except ValidationError as exc:
                raise ValidationError(
                    {"options": _("“%(url)s” is not a valid web address.") % {"url": o["url"]}}
                ) from exc
    question.options.all().delete()
    QuestionOption.objects.bulk_create(
        QuestionOption(
            municipality_id=question.municipality_id, question=question, order=i + 1, **o
        )
        for i, o in enumerate(options)
    )
    if hasattr(question, "_prefetched_objects_cache"):
        question._prefetched_objects_cache.pop("options", None)


def _next_theme_years(version: FrameworkVersion) -> tuple[int, int]:
    last = Section.objects.filter(version=version, kind=Section.Kind.ORGANISATION_THEME).aggregate(
        n=Max("valid_to_year")
    )["n"]
    start = last + 1 if last else timezone.localdate().year
    return start, start + 1


def _section_kind_defaults(section: Section) -> None:
    if section.kind == Section.Kind.ORGANISATION_THEME:
        if section.valid_from_year is None and section.valid_to_year is None:
            section.valid_from_year, section.valid_to_year = _next_theme_years(section.version)
    else:
        section.valid_from_year = section.valid_to_year = None


def _renumber(objects) -> None:
    for i, obj in enumerate(objects):
        if obj.order != i + 1:
            obj.order = i + 1
            obj.save(update_fields=["order"])


@transaction.atomic
def studio_section_add(*, version: FrameworkVersion, kind: str = Section.Kind.THEME) -> Section:
    """A new section: an organisation theme after the last one (with the next years), any
    other section before the closing "other" and plan sections."""
    version = _draft(version)
    if kind not in Section.Kind.values:
        raise ValidationError(_("Unknown kind of section."))
    sections = list(Section.objects.filter(version=version).order_by("order", "pk"))
    same = [i for i, s in enumerate(sections) if s.kind == kind]
    closing = [
        i for i, s in enumerate(sections) if s.kind in (Section.Kind.OTHER, Section.Kind.PLAN)
    ]
    if same:
        at = same[-1] + 1
    elif closing and kind not in (Section.Kind.OTHER, Section.Kind.PLAN):
        at = closing[0]
    else:
        at = len(sections)
    section = Section(municipality_id=version.municipality_id, version=version, kind=kind)
    if kind == Section.Kind.ORGANISATION_THEME:
        lo, hi = _next_theme_years(version)
        section.valid_from_year, section.valid_to_year = lo, hi
        section.title = _("Organisation theme %(from)d to %(to)d") % {"from": lo, "to": hi}
    section.save()
    sections.insert(at, section)
    _renumber(sections)
    return section


@transaction.atomic
def studio_question_add(
    *, version: FrameworkVersion, section: Section, type: str = Question.Type.SCALE
) -> Question:
    """A new question at the end of the section, with the type's defaults (a scale gets the
    municipality's usual bounds and labels)."""
    version = _draft(version)
    if section.version_id != version.pk:
        raise ValidationError(_("The section is not part of this framework version."))
    last = section.questions.filter(customisation__isnull=True).aggregate(n=Max("order"))["n"]
    question = Question(
        municipality_id=version.municipality_id,
        section=section,
        order=(last or 0) + 1,
        type=type,
        text="",
    )
    question_type(type).apply_defaults(question, defaults=question_defaults(version))
    question.full_clean(exclude=["text"])
    question.save()
    return question


@transaction.atomic
def studio_question_duplicate(*, version: FrameworkVersion, question: Question) -> Question:
    """A copy right after the question (a new question: its own key)."""
    version = _draft(version)
    return _copy_question(question, question.section, after=question)


def _copy_question(question: Question, section: Section, *, after: Question | None) -> Question:
    options = list(question.options.all())
    siblings = list(section.questions.filter(customisation__isnull=True).order_by("order", "pk"))
    copy = Question(
        municipality_id=section.municipality_id,
        section=section,
        key=uuid.uuid4(),
        **{name: getattr(question, name) for name in QUESTION_FIELDS if name not in ("options",)},
    )
    copy.save()
    QuestionOption.objects.bulk_create(
        QuestionOption(
            municipality_id=section.municipality_id,
            question=copy,
            order=o.order,
            label=o.label,
            description=o.description,
            url=o.url,
        )
        for o in options
    )
    at = siblings.index(after) + 1 if after in siblings else len(siblings)
    siblings.insert(at, copy)
    _renumber(siblings)
    return copy


@transaction.atomic
def studio_question_copy(
    *, version: FrameworkVersion, question: Question, section: Section
) -> Question:
    """Copy a question of another version of the same framework (the question bank) to the end
    of a section of this draft. It keeps its key, so answers stay comparable across years."""
    version = _draft(version)
    if section.version_id != version.pk:
        raise ValidationError(_("The section is not part of this framework version."))
    source_version = question.section.version
    if source_version.framework_id != version.framework_id or source_version.pk == version.pk:
        raise ValidationError(_("Choose a question from another version of this framework."))
    copy = _copy_question(question, section, after=None)
    if (
        not Question.objects.filter(section__version=version, key=question.key)
        .exclude(pk=copy.pk)
        .exists()
    ):
        copy.key = question.key
        copy.save(update_fields=["key"])
    return copy


@transaction.atomic
def studio_delete(*, version: FrameworkVersion, kind: str, pk: int) -> None:
    _draft(version)
    if kind == "question":
        Question.objects.get(pk=pk, section__version=version, customisation__isnull=True).delete()
    elif kind == "section":
        section = Section.objects.get(pk=pk, version=version)
        section.delete()  # refuses a section that holds mandatory questions
    else:
        raise ValidationError(_("Unknown kind of object."))


@transaction.atomic
def studio_reorder(
    *, version: FrameworkVersion, kind: str, ids: list[int], section_id: int | None = None
) -> None:
    """Put sections (or a section's questions) in the order given. A question listed under
    another section moves there (drag and drop between sections)."""
    _draft(version)
    if kind == "section":
        sections = {s.pk: s for s in Section.objects.select_for_update().filter(version=version)}
        if set(ids) != set(sections) or len(ids) != len(sections):
            raise ValidationError(_("The page is out of date. Reload it and try again."))
        _renumber([sections[i] for i in ids])
        return
    section = Section.objects.select_for_update().get(pk=section_id, version=version)
    questions = {
        q.pk: q
        for q in Question.objects.select_for_update().filter(
            pk__in=ids, section__version=version, customisation__isnull=True
        )
    }
    if len(questions) != len(ids):
        raise ValidationError(_("The page is out of date. Reload it and try again."))
    for q in questions.values():
        if q.section_id != section.pk:
            q.section = section
            q.revision += 1
            q.save(update_fields=["section", "revision"])
    own = set(section.questions.filter(customisation__isnull=True).values_list("pk", flat=True))
    if own != set(ids):
        raise ValidationError(_("The page is out of date. Reload it and try again."))
    _renumber([questions[i] for i in ids])

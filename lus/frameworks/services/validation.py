"""Validation of a framework document (the JSON format, docs/framework-format.md): every
problem is reported, in Danish and with where it is, in one ``ValidationError``."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Field
from django.utils.translation import gettext as _

from lus.frameworks.models import (
    FrameworkVersion,
    PlanField,
    Question,
    Section,
)
from lus.tenants.models import Municipality

FORMAT = "lus-framework/1"
DEFAULT_FRAMEWORK_NAME = "Spørgeramme til LUS"

PROCESS_BOOL = ("both_prepare", "rewording_allowed", "walk_and_talk_allowed")
MUNICIPALITY_SETTINGS = {
    # JSON key -> Municipality field (these settings belong to the municipality itself).
    "duration_minutes": "conversation_duration_minutes",
    "senior_conversation_age": "senior_conversation_age",
}


class _Errors:
    """Collects problems with where they are, so one import reports all of them at once."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.messages.append(f"{where}: {message}" if where else message)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _str(errors: _Errors, where: str, obj: dict, name: str, *, required=False, max_length=None):
    value = obj.get(name, "" if not required else None)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        errors.add(where, _("“%(field)s” must be a non-empty text.") % {"field": name})
        return ""
    if max_length and len(value) > max_length:
        errors.add(
            where,
            _("“%(field)s” may be at most %(max)d characters.")
            % {"field": name, "max": max_length},
        )
    return value


def _bool(errors: _Errors, where: str, obj: dict, name: str, default=False) -> bool:
    value = obj.get(name, default)
    if not isinstance(value, bool):
        errors.add(where, _("“%(field)s” must be true or false.") % {"field": name})
        return default
    return value


def _opt_int(errors: _Errors, where: str, obj: dict, name: str):
    value = obj.get(name)
    if value is not None and not _is_int(value):
        errors.add(where, _("“%(field)s” must be a whole number.") % {"field": name})
        return None
    return value


def _choice(errors: _Errors, where: str, obj: dict, name: str, choices, default):
    value = obj.get(name, default)
    if value not in choices:
        errors.add(
            where,
            _("Unknown value “%(value)s” for “%(field)s” (allowed: %(allowed)s).")
            % {"value": value, "field": name, "allowed": ", ".join(choices)},
        )
        return default
    return value


def _str_list(errors: _Errors, where: str, obj: dict, name: str) -> list[str] | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.add(where, _("“%(field)s” must be a list of texts.") % {"field": name})
        return None
    return value


def _key(errors: _Errors, where: str, obj: dict) -> uuid.UUID | None:
    value = obj.get("key")
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        errors.add(where, _("“key” is not a valid UUID."))
        return None


class _QuestionCheck:
    """What a question type's ``parse_json`` uses: typed reads that report at the question."""

    def __init__(self, errors: _Errors, where: str, q: dict) -> None:
        self.errors, self.where, self.q = errors, where, q

    def error(self, message: str) -> None:
        self.errors.add(self.where, message)

    def opt_int(self, name: str):
        return _opt_int(self.errors, self.where, self.q, name)

    def str(self, name: str, *, max_length=None) -> str:
        return _str(self.errors, self.where, self.q, name, max_length=max_length)


def _validate_question(errors: _Errors, where: str, q: Any) -> dict | None:
    from lus.frameworks.question_types import REGISTRY

    if not isinstance(q, dict):
        errors.add(where, _("A question must be a JSON object."))
        return None
    types = list(REGISTRY)
    qtype = q.get("type")
    if qtype not in types:
        errors.add(
            where,
            _("Unknown question type “%(value)s” (allowed: %(allowed)s).")
            % {"value": qtype, "allowed": ", ".join(types)},
        )
        return None
    definition = REGISTRY[qtype]
    out = {
        "key": _key(errors, where, q),
        "type": qtype,
        "text": _str(errors, where, q, "text", required=True),
        "help_text": _str(errors, where, q, "help"),
        "group": _str(errors, where, q, "group", max_length=200),
        "mandatory": _bool(errors, where, q, "mandatory"),
        "answered_by": _choice(
            errors, where, q, "answered_by", Question.AnsweredBy.values, "leader"
        ),
        "scale_min": None,
        "scale_max": None,
        "scale_min_label": "",
        "scale_max_label": "",
        "pick": None,
        "options": [],
    }
    options = _str_list(errors, where, q, "options") or []
    descriptions = _str_list(errors, where, q, "descriptions")
    links = _str_list(errors, where, q, "links")
    for i, label in enumerate(options):
        if not label.strip() or len(label) > 200:
            errors.add(where, _("Option %(n)d must be a text of 1-200 characters.") % {"n": i + 1})
    if len(set(options)) != len(options):
        errors.add(where, _("The options must be different from each other."))
    for name, parallel in (("descriptions", descriptions), ("links", links)):
        if parallel is not None and len(parallel) != len(options):
            errors.add(
                where,
                _("“%(field)s” must have exactly one entry per option (%(n)d).")
                % {"field": name, "n": len(options)},
            )
    validate_url = URLValidator(schemes=["http", "https"])
    for i, url in enumerate(links or []):
        if url:
            try:
                validate_url(url)
            except ValidationError:
                errors.add(where, _("Link %(n)d is not a valid web address.") % {"n": i + 1})
    if not definition.has_options and options:
        errors.add(where, _("Only choice, keywords and info questions have “options”."))
    descriptions = descriptions if descriptions and len(descriptions) == len(options) else None
    links = links if links and len(links) == len(options) else None
    out["options"] = [
        {
            "label": label,
            "description": descriptions[i] if descriptions else "",
            "url": links[i] if links else "",
        }
        for i, label in enumerate(options)
    ]
    definition.parse_json(_QuestionCheck(errors, where, q), q, out)
    return out


def _validate_section(errors: _Errors, where: str, s: Any) -> dict | None:
    if not isinstance(s, dict):
        errors.add(where, _("A section must be a JSON object."))
        return None
    out = {
        "title": _str(errors, where, s, "title", required=True, max_length=200),
        "kind": _choice(errors, where, s, "kind", Section.Kind.values, "theme"),
        "intro": _str(errors, where, s, "intro"),
        "valid_from_year": _opt_int(errors, where, s, "valid_from_year"),
        "valid_to_year": _opt_int(errors, where, s, "valid_to_year"),
        "questions": [],
    }
    lo, hi = out["valid_from_year"], out["valid_to_year"]
    if lo is not None and hi is not None and lo > hi:
        errors.add(where, _("“valid_from_year” must not be after “valid_to_year”."))
    if out["kind"] != "organisation_theme" and (lo is not None or hi is not None):
        errors.add(where, _("Only an organisation theme has valid years."))
    questions = s.get("questions", [])
    if not isinstance(questions, list):
        errors.add(where, _("“questions” must be a list."))
        return out
    for j, q in enumerate(questions):
        qwhere = _("%(where)s, question %(n)d") % {"where": where, "n": j + 1}
        question = _validate_question(errors, qwhere, q)
        if question:
            out["questions"].append(question)
    return out


def _validate_plan(errors: _Errors, plan: Any) -> dict:
    where = _("Plan")
    fields: list[dict[str, Any]] = []
    out: dict[str, Any] = {"title": "", "kind": "items", "continues": False, "fields": fields}
    if not isinstance(plan, dict):
        errors.add(where, _("“plan” must be a JSON object with “fields”."))
        return out
    out["title"] = _str(errors, where, plan, "title", max_length=200)
    out["kind"] = _choice(errors, where, plan, "kind", FrameworkVersion.PlanKind.values, "items")
    out["continues"] = _bool(errors, where, plan, "continues")
    labels = _str_list(errors, where, plan, "fields")
    if labels is None:
        errors.add(where, _("“fields” must be a list of texts."))
        return out
    details = plan.get("details")
    if details is not None and (not isinstance(details, list) or len(details) != len(labels)):
        errors.add(where, _("“details” must have exactly one entry per field."))
        details = None
    for i, label in enumerate(labels):
        fwhere = _("Plan field %(n)d") % {"n": i + 1}
        if not label.strip() or len(label) > 200:
            errors.add(fwhere, _("The label must be a text of 1-200 characters."))
        detail = details[i] if details else {}
        if not isinstance(detail, dict):
            errors.add(fwhere, _("The details must be a JSON object."))
            detail = {}
        out["fields"].append(
            {
                "label": label,
                "help_text": _str(errors, fwhere, detail, "help", max_length=300),
                "per": _choice(errors, fwhere, detail, "per", PlanField.Per.values, "item"),
                "kind": _choice(errors, fwhere, detail, "kind", PlanField.Kind.values, "longtext"),
                "is_follow_up_date": _bool(errors, fwhere, detail, "follow_up"),
            }
        )
    return out


def framework_validate(data: Any) -> dict:
    """Check a framework document; return it normalised, or raise ValidationError (Danish)."""
    errors = _Errors()
    if not isinstance(data, dict):
        raise ValidationError(_("The file must contain one JSON object (a framework)."))
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        errors.add(
            "",
            _("Unknown format “%(value)s”; expected “%(expected)s”.")
            % {
                "value": fmt,
                "expected": FORMAT,
            },
        )
    out: dict[str, Any] = {"municipality": None}
    mun = data.get("municipality")
    if not isinstance(mun, dict) or not isinstance(mun.get("slug"), str):
        errors.add("", _("“municipality” must be an object with “slug” and “name”."))
    else:
        out["municipality"] = Municipality.objects.filter(slug=mun["slug"]).first()
        if out["municipality"] is None:
            errors.add("", _("The municipality “%(slug)s” does not exist.") % {"slug": mun["slug"]})
    framework = data.get("framework", {})
    if not isinstance(framework, dict):
        errors.add("", _("“framework” must be a JSON object."))
        framework = {}
    out["name"] = _str(errors, "", framework, "name", max_length=200) or DEFAULT_FRAMEWORK_NAME
    out["preparation_guidance"] = _str(errors, "", data, "preparation_guidance")
    process = data.get("process", {})
    if not isinstance(process, dict):
        errors.add("", _("“process” must be a JSON object."))
        process = {}
    where = _("Process")
    out["process"] = {name: _bool(errors, where, process, name) for name in PROCESS_BOOL}
    out["process"]["walk_and_talk_allowed"] = _bool(
        errors, where, process, "walk_and_talk_allowed", default=True
    )
    out["process"]["minutes"] = _choice(
        errors, where, process, "minutes", FrameworkVersion.Minutes.values, "none"
    )
    cycle = _opt_int(errors, where, process, "evaluation_cycle_years")
    if cycle is not None and cycle < 1:
        errors.add(where, _("“evaluation_cycle_years” must be at least 1."))
    out["process"]["evaluation_cycle_years"] = cycle
    out["municipality_settings"] = {}
    for name, field in MUNICIPALITY_SETTINGS.items():
        if name in process:
            value = _opt_int(errors, where, process, name)
            model_field = Municipality._meta.get_field(field)
            validators = model_field.validators if isinstance(model_field, Field) else []
            try:
                for validator in validators if value is not None else []:
                    validator(value)
                if value is None and name == "duration_minutes":
                    raise ValidationError(_("A duration is required."))
            except ValidationError as exc:
                errors.add(where, f"“{name}”: " + " ".join(exc.messages))
            out["municipality_settings"][field] = value
    sections = data.get("sections")
    out["sections"] = []
    if not isinstance(sections, list) or not sections:
        errors.add("", _("“sections” must be a non-empty list."))
    else:
        for i, s in enumerate(sections):
            swhere = _("Section %(n)d") % {"n": i + 1}
            section = _validate_section(errors, swhere, s)
            if section:
                out["sections"].append(section)
        keys = [q["key"] for s in out["sections"] for q in s["questions"] if q["key"]]
        if len(keys) != len(set(keys)):
            errors.add("", _("Two questions have the same “key”."))
    out["plan"] = _validate_plan(errors, data.get("plan", {"fields": []}))
    if errors.messages:
        raise ValidationError(errors.messages)
    return out

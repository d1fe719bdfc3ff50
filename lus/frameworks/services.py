"""Side effects on question frameworks: JSON import/export, versioning and team customisation.

The JSON format is documented in docs/framework-format.md. ``framework_import`` validates the
whole document before it writes anything; every problem is reported (in Danish, with where it
is) in one ``ValidationError``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.frameworks.models import (
    Framework,
    FrameworkVersion,
    PlanField,
    Question,
    QuestionOption,
    QuestionRewording,
    Section,
    TeamCustomisation,
)
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope

FORMAT = "lus-framework/1"
DEFAULT_FRAMEWORK_NAME = "Spørgeramme til LUS"

PROCESS_BOOL = ("both_prepare", "rewording_allowed", "walk_and_talk_allowed")
MUNICIPALITY_SETTINGS = {
    # JSON key -> Municipality field (these settings belong to the municipality itself).
    "duration_minutes": "conversation_duration_minutes",
    "senior_conversation_age": "senior_conversation_age",
}


# --------------------------------------------------------------------------- validation
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


def _validate_question(errors: _Errors, where: str, q: Any) -> dict | None:
    if not isinstance(q, dict):
        errors.add(where, _("A question must be a JSON object."))
        return None
    types = Question.Type.values
    qtype = q.get("type")
    if qtype not in types:
        errors.add(
            where,
            _("Unknown question type “%(value)s” (allowed: %(allowed)s).")
            % {"value": qtype, "allowed": ", ".join(types)},
        )
        return None
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
    if qtype == "info" and out["mandatory"]:
        errors.add(where, _("An information block cannot be mandatory."))
    if qtype == "scale":
        lo, hi = _opt_int(errors, where, q, "min"), _opt_int(errors, where, q, "max")
        if lo is None or hi is None:
            errors.add(where, _("A scale needs both “min” and “max”."))
        elif lo >= hi:
            errors.add(
                where,
                _("The scale's “min” (%(min)d) must be less than its “max” (%(max)d).")
                % {"min": lo, "max": hi},
            )
        out.update(
            scale_min=lo,
            scale_max=hi,
            scale_min_label=_str(errors, where, q, "min_label", max_length=100),
            scale_max_label=_str(errors, where, q, "max_label", max_length=100),
        )
    options = _str_list(errors, where, q, "options") or []
    descriptions = _str_list(errors, where, q, "descriptions")
    links = _str_list(errors, where, q, "links")
    if qtype in ("choice", "keywords") and not options:
        errors.add(where, _("A choice or keywords question needs “options”."))
    if qtype == "choice" and len(options) == 1:
        errors.add(where, _("A single-choice question needs at least two options."))
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
    if qtype == "keywords":
        pick = _opt_int(errors, where, q, "pick")
        if pick is None or pick < 1:
            errors.add(where, _("A keywords question needs “pick” (at least 1)."))
        elif pick > len(options):
            errors.add(
                where,
                _("“pick” (%(pick)d) cannot be more than the number of keywords (%(n)d).")
                % {"pick": pick, "n": len(options)},
            )
        out["pick"] = pick
    if qtype in ("scale", "text") and options:
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
    out = {"title": "", "kind": "items", "continues": False, "fields": []}
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
            validators = Municipality._meta.get_field(field).validators
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


# --------------------------------------------------------------------------- import/export
def _write_content(version: FrameworkVersion, doc: dict) -> None:
    m = version.municipality
    for i, s in enumerate(doc["sections"]):
        section = Section(
            municipality=m,
            version=version,
            order=i,
            **{k: v for k, v in s.items() if k != "questions"},
        )
        section.full_clean()
        section.save()
        for j, q in enumerate(s["questions"]):
            fields = {k: v for k, v in q.items() if k not in ("options", "key")}
            question = Question(municipality=m, section=section, order=j, **fields)
            if q["key"]:
                question.key = q["key"]
            question.full_clean()
            question.save()
            QuestionOption.objects.bulk_create(
                QuestionOption(municipality=m, question=question, order=k, **o)
                for k, o in enumerate(q["options"])
            )
    PlanField.objects.bulk_create(
        PlanField(municipality=m, version=version, order=i, **f)
        for i, f in enumerate(doc["plan"]["fields"])
    )


def framework_import(
    *, data: Any, publish: bool, by=None, municipality: Municipality | None = None
) -> FrameworkVersion:
    """Create a new version of the municipality's framework from a JSON document.

    Validates everything first: on any problem a ValidationError (Danish, listing each problem
    and where it is) is raised and nothing is written. With ``municipality`` (HR importing in
    the admin) the file must name exactly that municipality.
    """
    from lus.tenants.scoping import unscoped

    if municipality is not None:
        named = data.get("municipality") if isinstance(data, dict) else None
        slug = named.get("slug") if isinstance(named, dict) else None
        if slug != municipality.slug:
            # Checked before any lookup, so HR learns nothing about other municipalities.
            raise ValidationError(
                _("The file is for another municipality; you can only import into %(name)s.")
                % {"name": municipality.name}
            )
    with unscoped("framework import: look up the municipality named in the file"):
        doc = framework_validate(data)
    municipality = doc["municipality"]
    with tenant_scope(municipality), transaction.atomic():
        framework, _created = Framework.objects.get_or_create(
            municipality=municipality, name=doc["name"]
        )
        if framework.versions.filter(status=FrameworkVersion.Status.DRAFT).exists():
            raise ValidationError(
                _("“%(name)s” already has a draft. Publish or delete it before importing.")
                % {"name": framework.name}
            )
        number = (framework.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = FrameworkVersion(
            municipality=municipality,
            framework=framework,
            number=number,
            preparation_guidance=doc["preparation_guidance"],
            plan_kind=doc["plan"]["kind"],
            plan_title=doc["plan"]["title"],
            plan_continues=doc["plan"]["continues"],
            **doc["process"],
        )
        version.full_clean()
        version.save()
        _write_content(version, doc)
        if publish:
            version = framework_publish(version=version, by=by)
            if doc["municipality_settings"]:
                for field, value in doc["municipality_settings"].items():
                    setattr(municipality, field, value)
                municipality.save(update_fields=list(doc["municipality_settings"]))
    return version


def _question_json(q: Question, options: list[QuestionOption] | None = None) -> dict:
    out: dict[str, Any] = {"text": q.text, "type": q.type}
    if q.key:
        out = {"key": str(q.key), **out}
    out["mandatory"] = q.mandatory
    out["help"] = q.help_text
    if q.group:
        out["group"] = q.group
    out["answered_by"] = q.answered_by
    if q.type == Question.Type.SCALE:
        out.update(min=q.scale_min, max=q.scale_max)
        out.update(min_label=q.scale_min_label, max_label=q.scale_max_label)
    options = list(q.options.all()) if options is None else options
    if options or q.type in (Question.Type.CHOICE, Question.Type.KEYWORDS):
        out["options"] = [o.label for o in options]
        if any(o.description for o in options):
            out["descriptions"] = [o.description for o in options]
        if any(o.url for o in options):
            out["links"] = [o.url for o in options]
    if q.type == Question.Type.KEYWORDS:
        out["pick"] = q.pick
    return out


def framework_export(*, version: FrameworkVersion) -> dict:
    """The JSON document of one version (see docs/framework-format.md)."""
    from lus.frameworks.selectors import version_structure

    structure = version_structure(version)
    m = version.municipality
    process: dict[str, Any] = {
        "both_prepare": version.both_prepare,
        "rewording_allowed": version.rewording_allowed,
        "walk_and_talk_allowed": version.walk_and_talk_allowed,
        "minutes": version.minutes,
        "evaluation_cycle_years": version.evaluation_cycle_years,
        "duration_minutes": m.conversation_duration_minutes,
        "senior_conversation_age": m.senior_conversation_age,
    }
    sections = []
    for s in structure["sections"]:
        section: dict[str, Any] = {"title": s.title, "kind": s.kind, "intro": s.intro}
        if s.kind == Section.Kind.ORGANISATION_THEME:
            section.update(valid_from_year=s.valid_from_year, valid_to_year=s.valid_to_year)
        section["questions"] = [_question_json(q) for q in s.questions.all()]
        sections.append(section)
    fields = structure["plan_fields"]
    return {
        "format": FORMAT,
        "municipality": {"slug": m.slug, "name": m.name},
        "framework": {"name": version.framework.name, "version": version.number},
        "process": process,
        "preparation_guidance": version.preparation_guidance,
        "sections": sections,
        "plan": {
            "title": version.plan_title,
            "kind": version.plan_kind,
            "continues": version.plan_continues,
            "fields": [f.label for f in fields],
            "details": [
                {
                    "per": f.per,
                    "kind": f.kind,
                    "help": f.help_text,
                    "follow_up": f.is_follow_up_date,
                }
                for f in fields
            ],
        },
    }


# --------------------------------------------------------------------------- versioning
def _publishable(version: FrameworkVersion) -> None:
    sections = list(version.sections.prefetch_related("questions__options"))
    errors = []
    if not sections:
        errors.append(_("A framework needs at least one section before it can be published."))
    if not any(q.is_answerable for s in sections for q in s.questions.all()) and not any(
        s.kind == Section.Kind.PLAN for s in sections
    ):
        errors.append(_("A framework needs at least one question before it can be published."))
    for s in sections:
        for q in s.questions.all():
            try:
                q.full_clean()
            except ValidationError as exc:
                errors.append(f"{s.title}: {q}: {' '.join(exc.messages)}")
            n = len(q.options.all())
            if q.type == Question.Type.KEYWORDS and q.pick and q.pick > n:
                errors.append(
                    _("%(question)s: pick (%(pick)d) is more than the %(n)d keywords.")
                    % {"question": q, "pick": q.pick, "n": n}
                )
            if q.type == Question.Type.CHOICE and n < 2:
                errors.append(
                    _("%(question)s: a single-choice question needs at least two options.")
                    % {"question": q}
                )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def framework_publish(*, version: FrameworkVersion, by=None) -> FrameworkVersion:
    """Make a draft the framework's current, immutable version."""
    version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise ValidationError(_("This version is already published."))
    _publishable(version)
    version.status = FrameworkVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = by
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def framework_version_create_draft(*, version: FrameworkVersion, by=None) -> FrameworkVersion:
    """A new draft that deep-copies ``version`` (question and plan-field keys are kept, so
    answers stay comparable across versions). The copied version itself is untouched."""
    framework = version.framework
    if framework.versions.filter(status=FrameworkVersion.Status.DRAFT).exists():
        raise ValidationError(_("The framework already has a draft."))
    number = (framework.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    copy_fields = [
        f.name
        for f in FrameworkVersion._meta.concrete_fields
        if f.name not in ("id", "number", "status", "published_at", "published_by", "based_on")
    ]
    draft = FrameworkVersion(**{f: getattr(version, f) for f in copy_fields})
    draft.number = number
    draft.based_on = version
    draft.save()
    m = version.municipality
    for s in version.sections.prefetch_related("questions__options"):
        new_section = Section.objects.create(
            municipality=m,
            version=draft,
            order=s.order,
            title=s.title,
            intro=s.intro,
            kind=s.kind,
            valid_from_year=s.valid_from_year,
            valid_to_year=s.valid_to_year,
        )
        for q in s.questions.all():
            if q.customisation_id:
                continue  # teams' own questions belong to their customisation, not the copy
            options = list(q.options.all())
            q.pk = None
            q._state.adding = True
            q.section = new_section
            q.save()
            QuestionOption.objects.bulk_create(
                QuestionOption(
                    municipality=m,
                    question=q,
                    order=o.order,
                    label=o.label,
                    description=o.description,
                    url=o.url,
                )
                for o in options
            )
    PlanField.objects.bulk_create(
        PlanField(
            municipality=m,
            version=draft,
            key=f.key,
            order=f.order,
            label=f.label,
            help_text=f.help_text,
            per=f.per,
            kind=f.kind,
            is_follow_up_date=f.is_follow_up_date,
        )
        for f in version.plan_fields.all()
    )
    return draft


def framework_current_version(*, municipality: Municipality) -> FrameworkVersion | None:
    """The municipality's newest published version (of its first framework by name)."""
    return (
        FrameworkVersion.objects.filter(
            municipality=municipality, status=FrameworkVersion.Status.PUBLISHED
        )
        .select_related("framework", "municipality")
        .order_by("framework__name", "-number")
        .first()
    )


# --------------------------------------------------------------------------- customisation
def _customisation_question(customisation: TeamCustomisation, question: Question) -> None:
    if question.section.version_id != customisation.version_id:
        raise ValidationError(_("The question is not part of this framework version."))


@transaction.atomic
def customisation_get_or_create(*, version: FrameworkVersion, owner) -> TeamCustomisation:
    if not version.is_published:
        raise ValidationError(_("Only a published framework can be tailored for a team."))
    customisation, _created = TeamCustomisation.objects.get_or_create(
        version=version, owner=owner, defaults={"municipality": version.municipality}
    )
    return customisation


@transaction.atomic
def customisation_remove_question(
    *, customisation: TeamCustomisation, question: Question
) -> TeamCustomisation:
    """Leave an optional question out for the team. Mandatory questions can never be removed."""
    _customisation_question(customisation, question)
    if question.mandatory:
        raise ValidationError(
            _("“%(question)s” is mandatory and cannot be removed from the framework.")
            % {"question": question.text}
        )
    if question.customisation_id is not None:
        # The team's own question: removing it simply deletes it.
        if question.customisation_id != customisation.pk:
            raise ValidationError(_("The question belongs to another team."))
        question.delete()
        return customisation
    customisation.removed_questions.add(question)
    customisation.save(update_fields=["updated_at"])
    return customisation


@transaction.atomic
def customisation_restore_question(
    *, customisation: TeamCustomisation, question: Question
) -> TeamCustomisation:
    customisation.removed_questions.remove(question)
    customisation.save(update_fields=["updated_at"])
    return customisation


@transaction.atomic
def customisation_add_question(
    *,
    customisation: TeamCustomisation,
    section: Section,
    text: str,
    type: str = Question.Type.TEXT,
    help_text: str = "",
    scale_min: int | None = None,
    scale_max: int | None = None,
    scale_min_label: str = "",
    scale_max_label: str = "",
) -> Question:
    """Add the team's own question at the end of a section (never mandatory)."""
    if section.version_id != customisation.version_id:
        raise ValidationError(_("The section is not part of this framework version."))
    if type not in (Question.Type.TEXT, Question.Type.SCALE):
        raise ValidationError({"type": _("A team can add free-text and scale questions.")})
    last = section.questions.aggregate(n=Max("order"))["n"]
    question = Question(
        municipality=customisation.municipality,
        section=section,
        customisation=customisation,
        order=(last or 0) + 1,
        type=type,
        text=text,
        help_text=help_text,
        scale_min=scale_min,
        scale_max=scale_max,
        scale_min_label=scale_min_label,
        scale_max_label=scale_max_label,
        mandatory=False,
    )
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def customisation_reword_question(
    *, customisation: TeamCustomisation, question: Question, text: str
) -> QuestionRewording:
    """Word a framework question to fit the team, where the municipality allows it."""
    _customisation_question(customisation, question)
    if not customisation.version.rewording_allowed:
        raise ValidationError(
            _("Your municipality's framework does not allow rewording the questions.")
        )
    if question.customisation_id is not None:
        raise ValidationError(_("Edit the team's own question directly instead."))
    if not text or not text.strip():
        raise ValidationError({"text": _("The reworded question cannot be empty.")})
    rewording, _created = QuestionRewording.objects.update_or_create(
        customisation=customisation,
        question=question,
        defaults={"text": text.strip(), "municipality": customisation.municipality},
    )
    rewording.full_clean()
    return rewording


# --------------------------------------------------------------------------- fixtures
FIXTURES_DIR = "fixtures"


def _without_keys(sections: list[dict]) -> list[dict]:
    return [
        {**s, "questions": [{k: v for k, v in q.items() if k != "key"} for q in s["questions"]]}
        for s in sections
    ]


def framework_load_fixture(*, slug: str) -> FrameworkVersion:
    """Publish ``fixtures/<slug>.json`` as the municipality's framework, unless the current
    published version already has exactly this content (so loading twice adds nothing)."""
    import json
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.BASE_DIR) / FIXTURES_DIR / f"{slug}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    municipality = Municipality.objects.get(slug=slug)
    with tenant_scope(municipality):
        current = framework_current_version(municipality=municipality)
        if current is not None:
            exported = framework_export(version=current)
            wanted = framework_export_normalised(data)
            if (
                exported["framework"]["name"] == wanted["framework"]["name"]
                and all(
                    exported[k] == wanted[k] for k in ("process", "preparation_guidance", "plan")
                )
                and _without_keys(exported["sections"]) == _without_keys(wanted["sections"])
            ):
                return current
    return framework_import(data=data, publish=True)


def framework_export_normalised(data: dict) -> dict:
    """A fixture/import document in the exact shape ``framework_export`` produces (for
    comparing content): validated, then written out the same way, without touching the DB."""
    doc = framework_validate(data)
    m = doc["municipality"]
    settings_now = {
        "duration_minutes": m.conversation_duration_minutes,
        "senior_conversation_age": m.senior_conversation_age,
    }
    for json_name, field in MUNICIPALITY_SETTINGS.items():
        if field in doc["municipality_settings"]:
            settings_now[json_name] = doc["municipality_settings"][field]
    sections = []
    for s in doc["sections"]:
        section: dict[str, Any] = {"title": s["title"], "kind": s["kind"], "intro": s["intro"]}
        if s["kind"] == Section.Kind.ORGANISATION_THEME:
            section.update(valid_from_year=s["valid_from_year"], valid_to_year=s["valid_to_year"])
        questions = []
        for q in s["questions"]:
            question = Question(
                **{k: v for k, v in q.items() if k not in ("options", "key")},
            )
            question.key = q["key"]
            options = [QuestionOption(**o) for o in q["options"]]
            questions.append(_question_json(question, options))
        section["questions"] = questions
        sections.append(section)
    plan = doc["plan"]
    return {
        "framework": {"name": doc["name"]},
        "process": {**doc["process"], **settings_now},
        "preparation_guidance": doc["preparation_guidance"],
        "sections": sections,
        "plan": {
            "title": plan["title"],
            "kind": plan["kind"],
            "continues": plan["continues"],
            "fields": [f["label"] for f in plan["fields"]],
            "details": [
                {
                    "per": f["per"],
                    "kind": f["kind"],
                    "help": f["help_text"],
                    "follow_up": f["is_follow_up_date"],
                }
                for f in plan["fields"]
            ],
        },
    }

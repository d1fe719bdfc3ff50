"""The JSON format of a framework (docs/framework-format.md): import (validated as a whole
before anything is written), export, and the shipped fixtures (``fixtures/<slug>.json``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from lus.frameworks.models import (
    Framework,
    FrameworkVersion,
    PlanField,
    Question,
    QuestionOption,
    Section,
)
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope

from .validation import FORMAT, MUNICIPALITY_SETTINGS, framework_validate
from .versioning import framework_current_version, framework_publish


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
    definition = q.question_type
    definition.to_json(q, out)
    options = list(q.options.all()) if options is None else options
    if options or (definition.has_options and definition.answerable):
        out["options"] = [o.label for o in options]
        if any(o.description for o in options):
            out["descriptions"] = [o.description for o in options]
        if any(o.url for o in options):
            out["links"] = [o.url for o in options]
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


# The shipped fixtures.
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

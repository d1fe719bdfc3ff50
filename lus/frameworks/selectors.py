"""Reads of question frameworks."""

from __future__ import annotations

from collections import Counter

from django.core.cache import caches
from django.db.models import Prefetch

from lus.frameworks.models import (
    FrameworkVersion,
    PlanField,
    Question,
    QuestionOption,
    Section,
    TeamCustomisation,
)

CACHE_TIMEOUT = 60 * 60 * 24
SCALE_CONFIG = ("scale_min", "scale_max", "scale_min_label", "scale_max_label")


def structure_cache_key(version: FrameworkVersion) -> str:
    # The publication time as well as the pk: a pk can be reused after a rollback (tests, a
    # restored database), a publication time together with it cannot.
    stamp = version.published_at.timestamp() if version.published_at else ""
    return f"frameworks:version_structure:v1:{version.pk}:{stamp}"


def _load(version: FrameworkVersion) -> dict:
    framework_questions = Question.objects.filter(customisation__isnull=True).prefetch_related(
        Prefetch("options", queryset=QuestionOption.objects.order_by("order", "pk"))
    )
    sections = list(
        Section.objects.filter(version=version)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("questions", queryset=framework_questions.order_by("order", "pk"))
        )
    )
    plan_fields = list(PlanField.objects.filter(version=version).order_by("order", "pk"))
    return {"version": version, "sections": sections, "plan_fields": plan_fields}


def version_structure(version: FrameworkVersion) -> dict:
    """The full structure of one version, loaded with a constant number of queries (4: sections,
    questions, options, plan fields).

    Returns ``{"version": FrameworkVersion, "sections": [Section, ...], "plan_fields":
    [PlanField, ...]}``. Sections are in order; ``section.questions.all()`` is prefetched (the
    framework's own questions in order, never teams' added ones) and so is
    ``question.options.all()`` (choices with description, keywords, or info links, in order).
    Iterating them issues no further queries.

    A published version never changes, so its structure is cached (per process, keyed by
    the version's pk and publication time); drafts are always read fresh. The cached objects
    are shared: treat them as read-only.
    """
    if not version.is_published:
        return _load(version)
    # Immutable data: the per-process "local" cache, no round trip to the shared cache.
    cache = caches["local"]
    key = structure_cache_key(version)
    structure = cache.get(key)
    if structure is None:
        structure = _load(version)
        cache.set(key, structure, CACHE_TIMEOUT)
    else:
        structure = {**structure, "version": version}
    return structure


def question_defaults(version: FrameworkVersion) -> dict:
    """What a new question of ``version`` starts from (``QuestionType.apply_defaults``): the
    municipality's usual scale, the most common bounds and end labels among its scale
    questions (this version first, then any; HR's questions, not teams'), else 0 to 5 without
    labels."""
    framework_scales = Question.objects.filter(type=Question.Type.SCALE, customisation__isnull=True)
    rows = list(
        framework_scales.filter(section__version=version).values_list(*SCALE_CONFIG)
    ) or list(
        framework_scales.filter(municipality_id=version.municipality_id).values_list(*SCALE_CONFIG)[
            :200
        ]
    )
    if rows:
        lo, hi, lo_label, hi_label = Counter(rows).most_common(1)[0][0]
    else:
        lo, hi, lo_label, hi_label = 0, 5, "", ""
    return {
        "scale_min": lo,
        "scale_max": hi,
        "scale_min_label": lo_label,
        "scale_max_label": hi_label,
    }


def effective_questions(
    *, version: FrameworkVersion, customisation: TeamCustomisation | None, year: int
) -> list[tuple[Section, list[Question]]]:
    """The sections and questions a leader actually gets in ``year``.

    Applies organisation-theme validity (a theme outside its years is left out) and the team
    customisation, if any: removed optional questions are left out, the team's own questions
    follow the framework's questions of their section, and reworded questions carry the
    team's wording in ``question.text`` (the framework wording stays in
    ``question.original_text``). Returns ``[(section, [question, ...]), ...]``; a section is
    kept even when it has no questions (e.g. the joint plan section). Question objects are
    copies, so changing ``text`` does not affect the cached structure.
    """
    import copy

    structure = version_structure(version)
    removed: set[int] = set()
    added: dict[int, list[Question]] = {}
    reworded: dict[int, str] = {}
    if customisation is not None:
        removed = set(customisation.removed_questions.values_list("pk", flat=True))
        for q in customisation.added_questions.prefetch_related("options").order_by("order", "pk"):
            added.setdefault(q.section_id, []).append(q)
        reworded = dict(customisation.rewordings.values_list("question_id", "text"))
    result = []
    for section in structure["sections"]:
        if section.kind == Section.Kind.ORGANISATION_THEME and not section.is_valid_in(year):
            continue
        questions = []
        for q in section.questions.all():
            if q.pk in removed and not q.mandatory:
                continue
            q = copy.copy(q)
            q.original_text = q.text
            if q.pk in reworded and version.rewording_allowed:
                q.text = reworded[q.pk]
            questions.append(q)
        for q in added.get(section.pk, []):
            q.original_text = q.text
            questions.append(q)
        result.append((section, questions))
    return result


def reference_links() -> dict[str, str]:
    """The municipality's document links by lower-case document name (in the active scope)."""
    from .models import ReferenceLink

    return {
        label.strip().lower(): url
        for label, url in ReferenceLink.objects.values_list("label", "url")
    }

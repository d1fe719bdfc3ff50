"""Versions of a framework: publishing a draft, a new draft from a published version, the
current version of a municipality."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.frameworks.models import (
    FrameworkVersion,
    PlanField,
    QuestionOption,
    Section,
)
from lus.tenants.models import Municipality


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
            try:
                q.question_type.check_options(q, len(q.options.all()))
            except ValidationError as exc:
                errors.append(f"{q}: {' '.join(exc.messages)}")
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

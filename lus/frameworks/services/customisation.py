"""A leader's leader's customisation of the framework for their team: questions removed,
restored, added and reworded (where the version allows it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from lus.frameworks.models import (
    FrameworkVersion,
    Question,
    QuestionRewording,
    Section,
    TeamCustomisation,
)
from lus.frameworks.question_types import question_type, team_type_choices
from lus.frameworks.selectors import question_defaults


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
) -> Question:
    """Add the team's own question at the end of a section (never mandatory), with its type's
    defaults (a scale gets the municipality's usual bounds and labels, so answers look alike)."""
    if section.version_id != customisation.version_id:
        raise ValidationError(_("The section is not part of this framework version."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the question.")})
    kind = question_type(type)
    if not kind.team_can_add:
        raise ValidationError(
            {
                "type": _("A team can add questions of these types: %(types)s.")
                % {"types": ", ".join(str(label) for _key, label in team_type_choices())}
            }
        )
    last = section.questions.aggregate(n=Max("order"))["n"]
    question = Question(
        municipality=customisation.municipality,
        section=section,
        customisation=customisation,
        order=(last or 0) + 1,
        type=type,
        text=text,
        help_text=help_text,
        mandatory=False,
    )
    kind.apply_defaults(question, defaults=question_defaults(customisation.version))
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

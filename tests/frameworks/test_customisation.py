"""Team customisation by the leader's leader: remove optional, add own, reword if allowed."""

import pytest
from django.core.exceptions import ValidationError

from lus.frameworks.models import Question, QuestionRewording
from lus.frameworks.selectors import effective_questions, version_structure
from lus.frameworks.services import (
    customisation_add_question,
    customisation_get_or_create,
    customisation_remove_question,
    customisation_reword_question,
)
from lus.tenants.scoping import tenant_scope
from tests.factories import LeaderFactory
from tests.frameworks.factories import load_neutral

pytestmark = pytest.mark.django_db


def setup(slug="testby", **process):
    version = load_neutral(slug, name=f"{slug} Kommune", **process)
    boss = LeaderFactory(municipality=version.municipality).manager
    return version, boss


def texts(result):
    return [q.text for _s, qs in result for q in qs]


def test_remove_optional_question_and_refuse_mandatory():
    version, boss = setup()
    with tenant_scope(version.municipality):
        c = customisation_get_or_create(version=version, owner=boss)
        qs = [q for s in version_structure(version)["sections"] for q in s.questions.all()]
        optional = next(q for q in qs if not q.mandatory)
        mandatory = next(q for q in qs if q.mandatory)
        customisation_remove_question(customisation=c, question=optional)
        with pytest.raises(ValidationError) as exc:
            customisation_remove_question(customisation=c, question=mandatory)
        assert "obligatorisk spørgsmål og må ikke fjernes" in exc.value.messages[0]
        assert list(c.removed_questions.all()) == [optional]
        result = texts(effective_questions(version=version, customisation=c, year=2025))
        assert optional.text not in result and mandatory.text in result
        assert len(result) == 7
        # The published version itself is unchanged.
        assert Question.objects.filter(section__version=version).count() == 8


def test_add_own_question_to_a_section():
    version, boss = setup()
    with tenant_scope(version.municipality):
        c = customisation_get_or_create(version=version, owner=boss)
        section = version.sections.get(title="Samarbejde")
        q = customisation_add_question(
            customisation=c, section=section, text="Hvordan bruger du vores fælles møder?"
        )
        assert not q.mandatory and q.customisation == c
        result = effective_questions(version=version, customisation=c, year=2025)
        samarbejde = next(qs for s, qs in result if s.title == "Samarbejde")
        assert samarbejde[-1].text == "Hvordan bruger du vores fælles møder?"
        # Framework structure (and another team) does not see it.
        assert len(texts(effective_questions(version=version, customisation=None, year=2025))) == 8
        with pytest.raises(ValidationError):
            customisation_add_question(customisation=c, section=section, text="  ", type="scale")
        # The team's own question can be removed again.
        customisation_remove_question(customisation=c, question=q)
        assert not c.added_questions.exists()


def test_reword_only_where_allowed():
    version, boss = setup()
    with tenant_scope(version.municipality):
        c = customisation_get_or_create(version=version, owner=boss)
        q = version.sections.get(title="Opgaver").questions.first()
        customisation_reword_question(
            customisation=c, question=q, text="Hvordan trives du i dagtilbuddet?"
        )
        result = effective_questions(version=version, customisation=c, year=2026)
        tasks = next(qs for s, qs in result if s.title == "Opgaver")
        assert tasks[0].text == "Hvordan trives du i dagtilbuddet?"
        assert tasks[0].original_text == q.text
        # The cached structure keeps the framework wording.
        assert version_structure(version)["sections"][0].questions.all()[0].text == q.text
        assert QuestionRewording.objects.count() == 1

    version2, boss2 = setup("strict", rewording_allowed=False)
    with tenant_scope(version2.municipality):
        c2 = customisation_get_or_create(version=version2, owner=boss2)
        q2 = version2.sections.first().questions.first()
        with pytest.raises(ValidationError, match="tillader ikke"):
            customisation_reword_question(customisation=c2, question=q2, text="Noget andet")


def test_question_of_another_version_refused():
    version, boss = setup()
    other = load_neutral("other", name="Other Kommune")
    with tenant_scope(version.municipality):
        c = customisation_get_or_create(version=version, owner=boss)
    from lus.tenants.scoping import unscoped

    with unscoped("test"):
        foreign_q = other.sections.get(title="Opgaver").questions.first()
        with pytest.raises(ValidationError):
            customisation_remove_question(customisation=c, question=foreign_q)


def test_a_team_scale_follows_the_municipality_s_usual_scale():
    from collections import Counter

    version, boss = setup()
    with tenant_scope(version.municipality):
        c = customisation_get_or_create(version=version, owner=boss)
        section = version.sections.get(title="Samarbejde")
        usual = Counter(
            Question.objects.filter(
                section__version=version, type="scale", customisation__isnull=True
            ).values_list("scale_min", "scale_max", "scale_min_label", "scale_max_label")
        ).most_common(1)[0][0]
        # A team's odd scale does not change what the next team's scale starts from.
        odd = customisation_add_question(
            customisation=c, section=section, text="Første", type="scale"
        )
        odd.scale_min, odd.scale_max = 1, 3
        odd.save()
        q = customisation_add_question(customisation=c, section=section, text="Anden", type="scale")
    assert (q.scale_min, q.scale_max, q.scale_min_label, q.scale_max_label) == usual


def test_a_team_adds_only_the_types_it_may():
    version, boss = setup()
    with tenant_scope(version.municipality):
        c = customisation_get_or_create(version=version, owner=boss)
        section = version.sections.get(title="Samarbejde")
        with pytest.raises(ValidationError) as refused:
            customisation_add_question(
                customisation=c, section=section, text="Vælg én", type="choice"
            )
    assert list(refused.value.message_dict) == ["type"]
    assert refused.value.message_dict["type"] == [
        "Et team kan tilføje spørgsmål af disse typer: Skala, Fritekst."
    ]

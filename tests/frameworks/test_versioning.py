"""Publishing, immutability of published versions, new drafts, and the structure selector."""

import pytest
from django.core.exceptions import ValidationError

from lus.frameworks.models import Framework, FrameworkVersion, PlanField, Question, Section
from lus.frameworks.selectors import version_structure
from lus.frameworks.services import (
    framework_export,
    framework_publish,
    framework_version_create_draft,
)
from lus.tenants.scoping import tenant_scope, unscoped
from tests.factories import HRFactory
from tests.frameworks.factories import load_neutral

pytestmark = pytest.mark.django_db


def test_published_content_refuses_changes():
    version = load_neutral()
    with tenant_scope(version.municipality):
        section = version.sections.first()
        question = section.questions.first()
        option_q = Question.objects.filter(section__version=version).first()
        plan_field = PlanField.objects.filter(version=version).first()
        for obj in (section, question, plan_field):
            with pytest.raises(ValidationError, match="publiceret version"):
                obj.save()
            with pytest.raises(ValidationError, match="publiceret version"):
                obj.delete()
        question.text = "Ændret"
        with pytest.raises(ValidationError):
            question.save()
        assert Question.objects.get(pk=option_q.pk).text == option_q.text


def test_published_version_cannot_be_deleted():
    version = load_neutral()
    with tenant_scope(version.municipality), pytest.raises(ValidationError):
        version.delete()
    with unscoped("test"):
        assert FrameworkVersion.objects.filter(pk=version.pk).exists()


def test_publish_needs_a_section():
    version = load_neutral()
    with tenant_scope(version.municipality):
        Framework.objects.create(municipality=version.municipality, name="Tom")
        empty = FrameworkVersion.objects.create(
            municipality=version.municipality, framework=Framework.objects.get(name="Tom"), number=1
        )
        with pytest.raises(ValidationError, match="mindst ét afsnit"):
            framework_publish(version=empty)
        empty.refresh_from_db()
        assert empty.status == FrameworkVersion.Status.DRAFT


def test_new_draft_deep_copies_and_keeps_keys_while_the_published_version_stays():
    version = load_neutral()
    hr = HRFactory(municipality=version.municipality)
    with tenant_scope(version.municipality):
        before = framework_export(version=version)
        draft = framework_version_create_draft(version=version, by=hr)
        assert draft.status == FrameworkVersion.Status.DRAFT
        assert draft.number == 2 and draft.based_on == version
        assert framework_export(version=draft)["sections"] == before["sections"]
        # Editing the draft never changes the published version.
        q = Question.objects.filter(section__version=draft, type="choice").get()
        q.text = "Hvilken ledelsesstil passer dig?"
        q.save()
        opt = q.options.first()
        opt.label = "Coachende ledelse"
        opt.save()
        Section.objects.get(version=draft, kind=Section.Kind.OTHER).delete()
        assert framework_export(version=version) == before
        with pytest.raises(ValidationError, match="allerede en kladde"):
            framework_version_create_draft(version=version, by=hr)
        published = framework_publish(version=draft, by=hr)
        assert published.is_published and published.published_by == hr
        keys_v1 = set(
            Question.objects.filter(section__version=version).values_list("key", flat=True)
        )
        keys_v2 = set(Question.objects.filter(section__version=draft).values_list("key", flat=True))
        assert keys_v2 < keys_v1
        assert len(Section.objects.filter(version=version)) == 5


def test_version_structure_constant_queries_and_cached(django_assert_num_queries):
    version = load_neutral()
    with tenant_scope(version.municipality):
        with django_assert_num_queries(4):
            structure = version_structure(version)
            n = sum(len(s.questions.all()) for s in structure["sections"])
            n_options = sum(
                len(q.options.all()) for s in structure["sections"] for q in s.questions.all()
            )
        assert n == 8 and n_options == 7
        with django_assert_num_queries(0):
            again = version_structure(version)
            assert sum(len(s.questions.all()) for s in again["sections"]) == 8


def test_draft_structure_is_read_fresh():
    version = load_neutral(publish=False)
    with tenant_scope(version.municipality):
        assert len(version_structure(version)["sections"]) == 5
        version.sections.last().delete()
        assert len(version_structure(version)["sections"]) == 4

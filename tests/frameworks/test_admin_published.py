"""The admin page of a published framework version: one readable page with the whole
structure instead of a form with every field disabled; the structure HTML is cached per
version and language; creating a draft and exporting work from it."""

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import translation

from lus.frameworks.admin import published_structure_html
from lus.frameworks.models import FrameworkVersion, PlanField, Question
from lus.tenants.scoping import tenant_scope
from tests.factories import HRFactory
from tests.frameworks.factories import load_neutral

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_version(client):
    version = load_neutral(both_prepare=False)
    hr = HRFactory(municipality=version.municipality)
    client.force_login(hr)
    caches["local"].clear()
    return version


def _url(version):
    return reverse("admin:frameworks_frameworkversion_change", args=[version.pk])


def test_published_page_shows_every_question_and_plan_field(client, published_version):
    response = client.get(_url(published_version))
    assert response.status_code == 200
    content = response.content.decode()
    assert "er publiceret og kan ikke ændres" in content
    assert 'name="_save"' not in content
    assert "<textarea" not in content
    with tenant_scope(published_version.municipality):
        questions = Question.objects.filter(section__version=published_version, customisation=None)
        fields = PlanField.objects.filter(version=published_version)
        for q in questions:
            assert reverse("admin:frameworks_question_change", args=[q.pk]) in content
        for f in fields:
            assert f.label in content
    assert "Forhåndsvis som leder" in content
    assert "opret en ny kladde" in content
    assert "<dt>Begge parter forbereder sig</dt><dd>nej</dd>" in content


def test_published_page_is_cheap_after_the_first_request(
    client, published_version, django_assert_max_num_queries
):
    client.get(_url(published_version))
    # Session, user, the version (twice: get_object and the permission check's parent),
    # the framework; no sections, questions or plan fields (cached).
    with django_assert_max_num_queries(7):
        response = client.get(_url(published_version))
    assert response.status_code == 200


def test_structure_html_is_cached_per_language(published_version):
    with tenant_scope(published_version.municipality):
        with translation.override("da"):
            da = published_structure_html(published_version)
        with translation.override("en"):
            en = published_structure_html(published_version)
    assert "Obligatorisk" in da
    assert "Mandatory" in en


def test_create_draft_from_the_published_page(client, published_version):
    response = client.post(
        reverse("admin:frameworks_frameworkversion_changelist"),
        {"action": "create_draft", "_selected_action": published_version.pk, "index": 0},
    )
    assert response.status_code == 302
    with tenant_scope(published_version.municipality):
        draft = FrameworkVersion.objects.get(
            framework=published_version.framework, status=FrameworkVersion.Status.DRAFT
        )
    assert response["Location"] == _url(draft)
    # The draft is the ordinary editable form.
    assert 'name="_save"' in client.get(_url(draft)).content.decode()


def test_export_from_the_published_page(client, published_version):
    response = client.post(
        reverse("admin:frameworks_frameworkversion_changelist"),
        {"action": "export_json", "_selected_action": published_version.pk, "index": 0},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


def test_another_municipality_gets_no_published_page(client, published_version):
    other = load_neutral("other", name="Other Kommune")
    response = client.get(_url(other))
    assert response.status_code in (302, 404)
    assert other.framework.name not in response.content.decode()

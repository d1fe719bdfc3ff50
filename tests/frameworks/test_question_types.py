"""One home per question type: every layer asks the registry. The yes/no type (one module,
one template) works end to end: JSON import, the studio, the leader's form, cleaning,
the conversation view and the PDF's text."""

import pytest
from django.urls import reverse

from lus.conversations.models import Answer
from lus.frameworks.models import Question
from lus.frameworks.question_types import REGISTRY, question_type, type_choices
from lus.frameworks.services import framework_import
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_conversation
from tests.frameworks.factories import neutral_data

pytestmark = pytest.mark.django_db


def test_every_type_has_one_definition_with_a_template():
    from django.template.loader import get_template

    assert [k for k, _label in type_choices()] == list(REGISTRY)
    for definition in REGISTRY.values():
        get_template(definition.template)
    assert Question._meta.get_field("type").choices == type_choices()


def test_unknown_type_is_a_danish_validation_error():
    with pytest.raises(Exception, match="Ukendt spørgsmålstype"):
        question_type("ten_points")


def _yes_no_version(haderslev):
    data = neutral_data(haderslev.slug, name=haderslev.name)
    data["sections"][0]["questions"].insert(
        0, {"text": "Har du haft en god sommer?", "type": "yes_no", "mandatory": True}
    )
    return framework_import(data=data, publish=True)


def test_yes_no_question_from_import_to_answer_and_display(client, haderslev, leader):
    version = _yes_no_version(haderslev)
    conv = make_conversation(leader, version=version, year=2026)
    with unscoped("test"):
        q = Question.objects.get(section__version=version, type="yes_no")
    client.force_login(leader)
    url = reverse("conversations:prepare", args=[conv.pk])
    body = client.get(url).content.decode()
    assert f'id="q-{q.pk}-1"' in body and ">Ja</label>" in body and ">Nej</label>" in body
    bad = client.post(url, {"revision": "0", "fields": [str(q.pk)], f"q-{q.pk}": "maybe"})
    assert bad.status_code in (200, 400, 422) and "Vælg ja eller nej." in bad.content.decode()
    from lus.conversations.models import Preparation

    with unscoped("test"):
        rev = Preparation.objects.get(conversation=conv, role="leader").revision
    assert (
        client.post(
            url, {"revision": str(rev), "fields": [str(q.pk)], f"q-{q.pk}": "1"}
        ).status_code
        == 302
    )
    with unscoped("test"):
        answer = Answer.objects.get(question=q)
    assert answer.scale_value == 1
    assert question_type("yes_no").display(q, answer) == "Ja"
    assert f'id="q-{q.pk}-1" value="1" checked' in client.get(url).content.decode()


def test_yes_no_in_the_json_format_round_trips(haderslev):
    from lus.frameworks.services import framework_export

    version = _yes_no_version(haderslev)
    with tenant_scope(version.municipality):
        exported = framework_export(version=version)
    first = exported["sections"][0]["questions"][0]
    assert first["type"] == "yes_no" and "min" not in first and "options" not in first


def test_yes_no_refuses_options_in_json(haderslev):
    data = neutral_data(haderslev.slug, name=haderslev.name)
    data["sections"][0]["questions"].insert(
        0, {"text": "Ja eller nej?", "type": "yes_no", "options": ["a", "b"]}
    )
    with pytest.raises(Exception, match=r"svarmuligheder|options"):
        framework_import(data=data, publish=True)


def test_the_statistics_count_the_types_the_registry_marks():
    """The anonymous statistics ask the registry which answers are points on a scale: a new
    scale-like type is counted by setting ``in_statistics``, a yes/no answer is not."""
    from lus.frameworks.question_types import REGISTRY, statistics_types

    assert statistics_types() == [k for k, t in REGISTRY.items() if t.in_statistics]
    assert "scale" in statistics_types() and "yes_no" not in statistics_types()

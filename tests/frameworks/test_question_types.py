"""One home per question type: every layer asks the registry. The yes/no type (one module,
one template) works end to end: JSON import, the studio, the leader's form, cleaning,
the conversation view, the PDF and the printable blank form."""

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


def _shared_yes_no_conversation(haderslev, leader):
    from tests.conversations.factories import share_preparation

    version = _yes_no_version(haderslev)
    conv = make_conversation(leader, version=version, year=2026)
    with tenant_scope(haderslev):
        share_preparation(conv)  # answers the yes/no question "yes"
    return conv


def test_yes_no_answer_shows_in_the_conversation_view(client, haderslev, leader):
    conv = _shared_yes_no_conversation(haderslev, leader)
    client.force_login(leader.manager)
    body = client.get(reverse("plans:conduct", args=[conv.pk])).content.decode()
    row = body.split("Har du haft en god sommer?", 1)[1].split("</tr>", 1)[0]
    assert ">Ja</td>" in row


def _pdf_text(content: bytes) -> str:
    """The PDF's text laid out as printed (a table row's cells on one line)."""
    import subprocess

    assert content.startswith(b"%PDF-")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_yes_no_answer_is_in_the_pdf(client, haderslev, leader):
    from lus.documents.models import DocumentSettings

    conv = _shared_yes_no_conversation(haderslev, leader)
    with tenant_scope(haderslev):
        # The municipality prints the shared preparations with the plan.
        DocumentSettings.objects.update_or_create(
            municipality=haderslev, defaults={"include_preparation": True}
        )
    client.force_login(leader)
    text = _pdf_text(client.get(reverse("documents:preview", args=[conv.pk])).content)
    row = next(line for line in text.splitlines() if "Har du haft en god sommer?" in line)
    assert row.split("Har du haft en god sommer?")[1].split() == ["Ja"]


def test_yes_no_question_is_on_the_printable_blank_form(client, haderslev, leader):
    version = _yes_no_version(haderslev)
    conv = make_conversation(leader, version=version, year=2026)
    client.force_login(leader)
    text = _pdf_text(client.get(reverse("documents:blank_form", args=[conv.pk])).content)
    assert "Har du haft en god sommer?" in " ".join(text.split())


def test_a_mandatory_yes_no_question_blocks_sharing_until_answered(client, haderslev, leader):
    """Completeness is the type's rule (``is_answered``): the preparation's overview and
    the share step both ask it."""
    from lus.conversations import selectors, services

    version = _yes_no_version(haderslev)
    conv = make_conversation(leader, version=version, year=2026)
    with tenant_scope(haderslev):
        q = Question.objects.get(section__version=version, type="yes_no")
        sections = selectors.preparation_structure(conv, "leader")
        empty = Answer(question=q)
        no = Answer(question=q, scale_value=0)
        assert services.missing_mandatory([q], {q.pk: empty}) == [q]
        assert services.missing_mandatory([q], {q.pk: no}) == []  # "no" is an answer
        first = selectors.preparation_progress(sections, {q.pk: no})[0]
        assert q not in first.mandatory_open


def test_each_type_answers_for_its_own_rules():
    """What other layers used to test by type name, each type now says itself."""
    from types import SimpleNamespace

    keywords, scale, yes_no = REGISTRY["keywords"], REGISTRY["scale"], REGISTRY["yes_no"]
    two = SimpleNamespace(pick=2)
    assert keywords.is_answered(two, SimpleNamespace(keywords=[1, 2]))
    assert not keywords.is_answered(two, SimpleNamespace(keywords=[1]))
    assert keywords.is_partly_answered(two, SimpleNamespace(keywords=[1]))
    assert not keywords.is_partly_answered(two, SimpleNamespace(keywords=[]))
    assert keywords.exchanged_when_both_answered and not scale.exchanged_when_both_answered
    assert [k for k, t in REGISTRY.items() if t.short_answer] == ["scale", "choice"]
    assert [k for k, t in REGISTRY.items() if t.compared_with_last_year] == ["scale"]
    one_to_five = SimpleNamespace(scale_min=1, scale_max=5)
    assert scale.normalised(one_to_five, 3) == 50
    assert yes_no.normalised(None, 1) == 100


def test_the_published_structure_summarises_each_type(haderslev):
    with tenant_scope(haderslev):
        scale = Question(
            type="scale", scale_min=1, scale_max=5, scale_min_label="Lav", scale_max_label="Høj"
        )
        assert scale.config_summary == "1\N{EN DASH}5 (Lav \N{EN DASH} Høj)"
        assert Question(type="yes_no").config_summary == ""


def test_hr_makes_a_yes_no_question_in_the_studio(client):
    import json

    from lus.frameworks.services import framework_version_create_draft
    from tests.factories import HRFactory
    from tests.frameworks.factories import load_fixture

    published = load_fixture("haderslev")
    hr = HRFactory(municipality=published.municipality)
    with tenant_scope(published.municipality):
        draft = framework_version_create_draft(version=published, by=hr)
        q = Question.objects.filter(section__version=draft, type="scale").first()
    client.force_login(hr)
    response = client.post(
        reverse("admin:frameworks_studio_api", args=[draft.pk]),
        json.dumps(
            {
                "op": "save",
                "kind": "question",
                "pk": q.pk,
                "field": "type",
                "value": "yes_no",
                "base": "scale",
                "revision": q.revision,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200
    # The yes/no question has no scale to configure.
    assert f'id="question-{q.pk}-scale_min"' not in response.json()["html"]
    q.refresh_from_db()
    assert q.type == "yes_no"
    studio = client.get(reverse("admin:frameworks_studio", args=[draft.pk])).content.decode()
    assert '<option value="yes_no" selected>Ja / nej</option>' in studio

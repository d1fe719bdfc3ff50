"""Bad input to the preparation form: a Danish error at the field, a 4xx, the valid answers
in the same POST kept, never a 500."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lus.conversations.models import Answer, Preparation
from lus.tenants.scoping import unscoped
from tests.conversations.factories import make_conversation, questions_of
from tests.factories import LeaderFactory


@pytest.fixture
def conv(leader):
    return make_conversation(leader)


def url(conv):
    return reverse("conversations:prepare", args=[conv.pk])


def rev(conv):
    with unscoped("test"):
        p = Preparation.objects.filter(conversation=conv, role="leader").first()
        return str(p.revision) if p else "0"


def saved(conv):
    with unscoped("test"):
        return {
            a.question.text: a
            for a in Answer.objects.filter(preparation__conversation=conv).select_related(
                "question"
            )
        }


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        ("Hvor godt trives du?", "6", "Vælg en værdi fra 1 til 5."),
        ("Hvor godt trives du?", "0", "Vælg en værdi fra 1 til 5."),
        ("Hvor godt trives du?", "tre", "Vælg en værdi fra 1 til 5."),
        ("Hvilken rolle fylder mest?", "999999", "Vælg en af mulighederne."),
        ("Hvad giver dig energi?", "x" * 10_001, "højst 10.000 tegn"),
        ("Hvad giver dig energi?", "a\x00b", "tegn, der ikke kan gemmes"),
    ],
)
def test_bad_value_gets_field_error_and_valid_answers_kept(client, conv, question, value, message):
    qs = questions_of(conv.version)
    client.force_login(conv.leader)
    other = (
        "Hvad giver dig energi?" if question != "Hvad giver dig energi?" else "Hvor godt trives du?"
    )
    other_value = "Beholdes" if other == "Hvad giver dig energi?" else "3"
    post = {
        "revision": "0",
        "fields": [str(qs[question].pk), str(qs[other].pk)],
        f"q-{qs[question].pk}": value,
        f"q-{qs[other].pk}": other_value,
    }
    response = client.post(url(conv), post)
    body = response.content.decode()
    assert response.status_code == 422
    assert message in body
    assert f'id="q-{qs[question].pk}-error"' in body  # at the field
    kept = saved(conv)
    assert question not in kept
    assert other in kept  # the valid answer in the same POST is saved
    if value and len(value) < 20_000 and "\x00" not in value and qs[question].type == "text":
        assert value in body  # what was typed is shown again


def test_too_many_keywords(client, conv):
    qs = questions_of(conv.version)
    kw = qs["Vælg 3 stikord"]
    client.force_login(conv.leader)
    post = {"revision": "0", f"q-{kw.pk}": [str(i) for i in kw.option_ids[:4]]}
    response = client.post(url(conv), post)
    assert response.status_code == 422
    assert "Vælg præcis 3 stikord (du valgte 4)." in response.content.decode()


def test_foreign_question_and_option_ids(client, conv, leader):
    other_conv = make_conversation(LeaderFactory(municipality=leader.municipality))
    foreign = questions_of(other_conv.version)
    qs = questions_of(conv.version)
    client.force_login(conv.leader)
    post = {
        "revision": "0",
        f"q-{foreign['Hvad giver dig energi?'].pk}": "Fremmed",
        f"q-{qs['Hvilken rolle fylder mest?'].pk}": str(
            foreign["Hvilken rolle fylder mest?"].option_ids[0]
        ),
        "q-abc": "x",
        "eval-999-text": "x",
        f"q-{qs['Hvad giver dig energi?'].pk}": "Gyldigt",
    }
    response = client.post(url(conv), post)
    body = response.content.decode()
    assert response.status_code == 422
    assert "Formularen indeholder et ukendt spørgsmål." in body
    assert "Formularen indeholder et ukendt udviklingspunkt." in body
    assert "Vælg en af mulighederne." in body
    assert saved(conv)["Hvad giver dig energi?"].text == "Gyldigt"
    with unscoped("test"):
        assert not Answer.objects.filter(preparation__conversation=other_conv).exists()


def test_missing_revision_is_400(client, conv):
    client.force_login(conv.leader)
    response = client.post(url(conv), {"q-1": "x"})
    assert response.status_code == 400
    assert "Genindlæs siden" in response.content.decode()


@pytest.mark.parametrize("pk", ["999999", "0"])
def test_tampered_conversation_id(client, conv, pk):
    client.force_login(conv.leader)
    assert client.post(f"/lus/{pk}/forberedelse/", {"revision": "0"}).status_code == 404
    assert client.get(f"/lus/{pk}/forberedelse/").status_code == 404


def test_form_post_survives_anything(client, conv):
    """>= 200 random POST bodies built from the form's real and made-up field names."""
    qs = questions_of(conv.version)
    client.force_login(conv.leader)
    valid_q = qs["Hvad giver dig energi?"]
    names = [f"q-{q.pk}" for q in qs.values()] + [
        "q-0",
        "q--1",
        "q-x",
        "eval-1-text",
        "eval-x-status",
        "fields",
        "revision",
        "q-99999999999999999999",
    ]
    values = st.one_of(
        st.text(max_size=50),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.sampled_from(["", "\x00", "1e309", "x" * 10_001, "🙂", " 3 ", "-0"]),
    )
    bodies = st.dictionaries(
        st.one_of(st.sampled_from(names), st.text(max_size=10)),
        st.lists(values, min_size=1, max_size=5),
        max_size=8,
    )
    counter = {"n": 0}

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(body=bodies, with_valid=st.booleans())
    def check(body, with_valid):
        counter["n"] += 1
        post = {k: v for k, v in body.items() if k not in ("csrfmiddlewaretoken",)}
        marker = f"Gyldigt svar {counter['n']}"
        if with_valid:
            post["revision"] = rev(conv)
            post[f"q-{valid_q.pk}"] = marker
            post.pop("fields", None)
        response = client.post(url(conv), post)
        assert response.status_code in (302, 400, 409, 422), response.status_code
        if response.status_code in (400, 422):
            assert "Nogle svar kunne ikke gemmes" in response.content.decode()
        if with_valid and response.status_code in (302, 422):
            assert saved(conv)["Hvad giver dig energi?"].text == marker

    check()
    assert counter["n"] >= 200

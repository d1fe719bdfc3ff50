import time

import pytest
from django.urls import reverse

from lus.conversations.models import Answer, Conversation, Preparation
from lus.conversations.services import conversation_hold
from lus.core.middleware import SessionTimeoutMiddleware
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_conversation, questions_of
from tests.factories import HRFactory, LeaderFactory, UserFactory


@pytest.fixture
def conv(leader):
    return make_conversation(leader)


@pytest.fixture
def qs(conv):
    return questions_of(conv.version)


def url(conv, name="prepare"):
    return reverse(f"conversations:{name}", args=[conv.pk])


def revision(conv, role="leader"):
    with unscoped("test"):
        p = Preparation.objects.filter(conversation=conv, role=role).first()
        return p.revision if p else 0


def answers(conv, role="leader"):
    with unscoped("test"):
        return {
            a.question.text: a
            for a in Answer.objects.filter(
                preparation__conversation=conv, preparation__role=role
            ).select_related("question")
        }


def full_post(conv, qs, **over):
    kw = qs["Vælg 3 stikord"].option_ids[:3]
    data = {
        "revision": str(revision(conv)),
        "fields": [str(qs[t].pk) for t in ("Hvor godt trives du?", "Hvad giver dig energi?")],
        f"q-{qs['Hvor godt trives du?'].pk}": "4",
        f"q-{qs['Hvad giver dig energi?'].pk}": "Gode kolleger",
        f"q-{qs['Hvilken rolle fylder mest?'].pk}": str(
            qs["Hvilken rolle fylder mest?"].option_ids[0]
        ),
        f"q-{qs['Vælg 3 stikord'].pk}": [str(k) for k in kw],
    }
    data.update(over)
    return data


def test_leader_sees_form_with_all_question_types(client, conv, qs):
    client.force_login(conv.leader)
    response = client.get(url(conv))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<h1") == 1
    assert "Hvor godt trives du?" in body and "i meget lav grad" in body
    assert 'type="radio"' in body and 'type="checkbox"' in body
    assert "Ledelsesgrundlaget" in body and "https://example.dk/" in body
    assert "<legend" in body and "Personligt" in body
    # not the leaders_leader's question, not an expired organisation theme
    assert "Hvad vil du som leders leder tale om?" not in body
    assert "Gammelt tema" not in body
    assert "Gem" in body


def test_draft_saves_without_mandatory_and_keeps_answers(client, conv, qs):
    client.force_login(conv.leader)
    q = qs["Hvad giver dig energi?"]
    response = client.post(
        url(conv), {"revision": "0", "fields": [str(q.pk)], f"q-{q.pk}": "Lidt tekst"}
    )
    assert response.status_code == 302
    assert answers(conv)["Hvad giver dig energi?"].text == "Lidt tekst"
    body = client.get(url(conv)).content.decode()
    assert "Lidt tekst" in body
    conv.refresh_from_db()
    assert conv.status == Conversation.Status.PREPARING


def test_full_save_then_share_and_leaders_leader_sees(client, conv, qs):
    client.force_login(conv.leader)
    assert client.post(url(conv), full_post(conv, qs)).status_code == 302
    kept = answers(conv)
    assert kept["Hvor godt trives du?"].scale_value == 4
    assert len(kept["Vælg 3 stikord"].keywords) == 3
    assert client.post(url(conv, "share")).status_code == 302
    conv.refresh_from_db()
    assert conv.status == Conversation.Status.SHARED
    client.force_login(conv.leaders_leader)
    body = client.get(url(conv, "detail")).content.decode()
    assert "Gode kolleger" in body and "Motivation" in body


def test_leaders_leader_sees_only_status_before_share(client, conv, qs):
    client.force_login(conv.leader)
    client.post(url(conv), full_post(conv, qs))
    client.force_login(conv.leaders_leader)
    response = client.get(url(conv, "detail"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Under forberedelse" in body or "Being prepared" in body
    assert "Gode kolleger" not in body
    # and the leaders_leader has no preparation form where only the leader prepares
    assert client.get(url(conv)).status_code == 403


def test_share_refused_lists_missing_with_links(client, conv, qs):
    client.force_login(conv.leader)
    response = client.post(url(conv, "share"))
    body = response.content.decode()
    assert response.status_code == 422
    assert f'href="#q-{qs["Hvor godt trives du?"].pk}"' in body
    assert f'href="#q-{qs["Hvad giver dig energi?"].pk}"' in body
    conv.refresh_from_db()
    assert conv.shared_at is None


def test_share_refused_with_wrong_keyword_count(client, conv, qs):
    client.force_login(conv.leader)
    kw = qs["Vælg 3 stikord"]
    post = full_post(conv, qs, **{f"q-{kw.pk}": [str(kw.option_ids[0])]})
    client.post(url(conv), post)
    assert client.post(url(conv, "share")).status_code == 422


def test_changes_after_sharing_are_marked(client, conv, qs):
    client.force_login(conv.leader)
    client.post(url(conv), full_post(conv, qs))
    client.post(url(conv, "share"))
    q = qs["Hvad giver dig energi?"]
    client.post(url(conv), full_post(conv, qs, **{f"q-{q.pk}": "Rettet"}))
    assert answers(conv)["Hvad giver dig energi?"].changed_after_share_at is not None
    assert answers(conv)["Hvor godt trives du?"].changed_after_share_at is None
    client.force_login(conv.leaders_leader)
    body = client.get(url(conv, "detail")).content.decode()
    assert "Rettet" in body and "Ændret efter deling" in body


def test_closed_after_held(client, conv, qs):
    client.force_login(conv.leader)
    client.post(url(conv), full_post(conv, qs))
    client.post(url(conv, "share"))
    with tenant_scope(conv.municipality):
        conversation_hold(conversation=Conversation.objects.get(pk=conv.pk))
    response = client.post(url(conv), full_post(conv, qs))
    assert response.status_code == 409
    assert "kan ikke længere ændres" in response.content.decode()


def test_two_tabs_conflict_shows_both_versions(client, conv, qs):
    client.force_login(conv.leader)
    q = qs["Hvad giver dig energi?"]
    tab_a = {"revision": "0", "fields": [str(q.pk)], f"q-{q.pk}": "Fra fane A"}
    tab_b = {"revision": "0", "fields": [str(q.pk)], f"q-{q.pk}": "Fra fane B"}
    assert client.post(url(conv), tab_a).status_code == 302
    response = client.post(url(conv), tab_b)
    body = response.content.decode()
    assert response.status_code == 409
    assert "Fra fane A" in body and "Fra fane B" in body
    assert "anden fane" in body
    assert answers(conv)["Hvad giver dig energi?"].text == "Fra fane A"
    # Saving again from the conflict page (it carries the new revision) keeps B deliberately.
    assert f'name="revision" value="{revision(conv)}"' in body
    tab_b["revision"] = str(revision(conv))
    assert client.post(url(conv), tab_b).status_code == 302
    assert answers(conv)["Hvad giver dig energi?"].text == "Fra fane B"


def test_autosave_returns_json_with_time_and_conflict(client, conv, qs):
    client.force_login(conv.leader)
    q = qs["Hvad giver dig energi?"]
    post = {"revision": "0", "fields": [str(q.pk)], f"q-{q.pk}": "Autogemt"}
    response = client.post(url(conv), post, headers={"X-LUS-Autosave": "1"})
    assert response.status_code == 200
    assert response.json()["revision"] == 1 and response.json()["saved_at"]
    response = client.post(url(conv), post, headers={"X-LUS-Autosave": "1"})
    assert response.status_code == 409 and response.json()["conflict"]


def test_expired_session_keeps_typed_text_through_login(client, conv, qs):
    q = qs["Hvad giver dig energi?"]
    post = {
        "revision": "0",
        "author": str(conv.leader.pk),
        "fields": [str(q.pk)],
        f"q-{q.pk}": "Skrevet før udløb",
    }
    # Logged in, then idle for longer than the idle timeout: the session has expired.
    client.force_login(conv.leader)
    session = client.session
    session[SessionTimeoutMiddleware.LOGIN_KEY] = int(time.time()) - 600
    session[SessionTimeoutMiddleware.SEEN_KEY] = int(time.time()) - 10 * 60 * 60
    session.save()
    response = client.post(url(conv), post)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    # autosave gets a 401 instead of a redirect
    assert client.post(url(conv), post, headers={"X-LUS-Autosave": "1"}).status_code == 401
    response = client.post(reverse("login"), {"username": conv.leader.username, "password": "pw"})
    assert response.status_code == 302
    body = client.get(url(conv)).content.decode()
    assert "Skrevet før udløb" in body
    assert "session var udløbet" in body
    # Shown once, not saved behind the user's back.
    assert "Skrevet før udløb" not in client.get(url(conv)).content.decode()


def test_restored_draft_not_shown_to_another_user(client, conv, qs):
    q = qs["Hvad giver dig energi?"]
    post = {"revision": "0", "author": str(conv.leader.pk), f"q-{q.pk}": "Hemmeligt"}
    client.post(url(conv), {**post, "fields": [str(q.pk)]})
    client.post(reverse("login"), {"username": conv.leaders_leader.username, "password": "pw"})
    response = client.get(url(conv))
    assert "Hemmeligt" not in response.content.decode()


@pytest.mark.parametrize("role", ["other_leader", "other_chef", "hr", "foreign"])
def test_outsiders_get_404(client, conv, role, randers):
    m = conv.municipality
    user = {
        "other_leader": lambda: LeaderFactory(municipality=m),
        "other_chef": lambda: UserFactory(municipality=m),
        "hr": lambda: HRFactory(municipality=m),
        "foreign": lambda: LeaderFactory(municipality=randers),
    }[role]()
    client.force_login(user)
    for name in ("prepare", "detail"):
        assert client.get(url(conv, name)).status_code == 404
    assert client.post(url(conv, "share")).status_code == 404
    assert client.post(url(conv), {"revision": "0"}).status_code == 404


def test_both_prepare_gives_leaders_leader_own_form(client, leader):
    conv = make_conversation(leader, both_prepare=True)
    client.force_login(conv.leaders_leader)
    body = client.get(url(conv)).content.decode()
    assert "Hvad vil du som leders leder tale om?" in body
    assert "Vælg 3 stikord" in body
    assert "Hvor godt trives du?" not in body
    q = questions_of(conv.version)["Hvad vil du som leders leder tale om?"]
    client.post(url(conv), {"revision": "0", "fields": [str(q.pk)], f"q-{q.pk}": "Min egen"})
    assert answers(conv, "leaders_leader")["Hvad vil du som leders leder tale om?"].text
    # the leader cannot see or post the leaders_leader's question
    client.force_login(conv.leader)
    response = client.post(url(conv), {"revision": "0", f"q-{q.pk}": "Snyd"})
    assert response.status_code == 400 or response.status_code == 422
    assert "ukendt spørgsmål" in response.content.decode()


def test_query_count_is_constant(client, leader, django_assert_max_num_queries):
    small = make_conversation(leader)
    big_leader = LeaderFactory(municipality=leader.municipality)
    big = make_conversation(big_leader, extra_questions=40)
    for c in (small, big):
        client.force_login(c.leader)
        client.get(url(c))  # create the preparation, warm the cache
        with django_assert_max_num_queries(12):
            response = client.get(url(c))
        assert response.status_code == 200
    assert "Ekstra spørgsmål 39" in response.content.decode()


def test_the_page_reads_no_municipality_of_its_own(client, leader):
    """The municipality comes with the session; the conversation shares it (the senior
    conversation's age is read through it) instead of reading it again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = make_conversation(leader)
    client.force_login(c.leader)
    client.get(url(c))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(c)).status_code == 200
    tables = [q["sql"].split(" FROM ", 1)[1].split()[0] for q in ctx if " FROM " in q["sql"]]
    assert '"tenants_municipality"' not in tables


def test_autosave_query_count_is_constant(client, leader):
    """The autosave POST (issue 9): at most 12 queries, the same with 40 more questions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = make_conversation(leader)
    big = make_conversation(LeaderFactory(municipality=leader.municipality), extra_questions=40)
    counts = []
    for c in (small, big):
        client.force_login(c.leader)
        client.get(url(c))  # warm the framework cache
        qs = [
            q
            for q in questions_of(c.version).values()
            if q.type == "text" and q.answered_by in ("leader", "both")
        ]
        post = {"fields": [str(q.pk) for q in qs], **{f"q-{q.pk}": "Første" for q in qs}}
        r = client.post(url(c), {**post, "revision": "0"}, headers={"X-LUS-Autosave": "1"})
        assert r.status_code == 200, r.content
        post.update({f"q-{q.pk}": "Ændret" for q in qs})
        with CaptureQueriesContext(connection) as ctx:
            r = client.post(
                url(c),
                {**post, "revision": str(r.json()["revision"])},
                headers={"X-LUS-Autosave": "1"},
            )
        assert r.status_code == 200, r.content
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] and counts[0] <= 12, counts

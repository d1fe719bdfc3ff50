"""Tailoring the team's questions before inviting (the leader's leader)."""

import pytest
from django.urls import reverse

from lus.conversations.models import Conversation
from lus.conversations.services import conversation_start_preparing
from lus.frameworks.models import Question, QuestionRewording, TeamCustomisation
from lus.tenants.scoping import tenant_scope, unscoped
from tests.conversations.factories import make_conversation, make_version, questions_of
from tests.factories import HRFactory

URL = reverse("conversations:customise")


@pytest.fixture
def qs(version):
    return questions_of(version)


def customisation_of(chef):
    with unscoped("test"):
        return TeamCustomisation.objects.filter(owner=chef).first()


def test_page_lists_questions_with_mandatory_ones_locked(client, chef, version, qs):
    client.force_login(chef)
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200 and body.count("<h1") == 1
    mandatory = qs["Hvor godt trives du?"]
    block = body.split(f'id="question-{mandatory.pk}"')[1].split("</li>")[0]
    assert "disabled" in block and "Obligatorisk" in block and "kan ikke fjernes" in block
    assert f'aria-describedby="locked-{mandatory.pk}"' in block
    optional = qs["Hvilken rolle fylder mest?"]
    block = body.split(f'id="question-{optional.pk}"')[1].split("</li>")[0]
    assert 'value="remove"' in block and "disabled" not in block
    # Rewording is not allowed in this framework.
    assert "Omformulér" not in body
    assert customisation_of(chef) is None  # looking writes nothing
    # A team adds its own free-text or scale question, nothing else; free text unless chosen.
    assert (
        '<option value="scale">Skala</option><option value="text" selected>Fritekst</option>'
        "</select>"
    ) in body


def test_remove_optional_question_pins_and_applies_to_new_and_uninvited(
    client, chef, leader, version, qs
):
    conv = make_conversation(leader, version=version, year=2026)
    client.force_login(chef)
    q = qs["Hvilken rolle fylder mest?"]
    response = client.post(URL, {"action": "remove", "question": q.pk})
    assert response.status_code == 302
    customisation = customisation_of(chef)
    with unscoped("test"):
        assert list(customisation.removed_questions.all()) == [q]
        conv.refresh_from_db()
    assert conv.customisation == customisation  # pinned
    client.force_login(leader)
    body = client.get(reverse("conversations:prepare", args=[conv.pk])).content.decode()
    assert "Hvilken rolle fylder mest?" not in body
    # and back again
    client.force_login(chef)
    client.post(URL, {"action": "restore", "question": q.pk})
    with unscoped("test"):
        assert not customisation.removed_questions.exists()


def test_mandatory_question_cannot_be_removed(client, chef, version, qs):
    client.force_login(chef)
    q = qs["Hvor godt trives du?"]
    response = client.post(URL, {"action": "remove", "question": q.pk})
    assert response.status_code == 422
    assert "obligatorisk" in response.content.decode()
    assert customisation_of(chef) is None  # refused change writes nothing


def test_add_own_question_shows_in_the_preparation(client, chef, leader, version, qs):
    conv = make_conversation(leader, version=version, year=2026)
    section = qs["Hvor godt trives du?"].section_id
    client.force_login(chef)
    response = client.post(
        URL, {"action": "add", "section": section, "text": "Hvad vil du lære?", "type": "text"}
    )
    assert response.status_code == 302
    body = client.get(URL).content.decode()
    assert "Hvad vil du lære?" in body and "Dit teams spørgsmål" in body
    client.force_login(leader)
    body = client.get(reverse("conversations:prepare", args=[conv.pk])).content.decode()
    assert "Hvad vil du lære?" in body
    # the team's own question can be removed again (deleted)
    with unscoped("test"):
        own = Question.objects.get(text="Hvad vil du lære?")
    client.force_login(chef)
    assert client.post(URL, {"action": "remove", "question": own.pk}).status_code == 302
    with unscoped("test"):
        assert not Question.objects.filter(pk=own.pk).exists()


def test_add_scale_question_and_empty_text_is_refused_at_the_field(client, chef, version, qs):
    section = qs["Hvor godt trives du?"].section_id
    client.force_login(chef)
    response = client.post(URL, {"action": "add", "section": section, "text": "", "type": "scale"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Skriv spørgsmålet" in body
    # The type chosen is kept with the error.
    assert f'id="type-{section}" name="type"><option value="scale" selected>' in body
    response = client.post(
        URL, {"action": "add", "section": section, "text": "Hvor tilfreds?", "type": "scale"}
    )
    assert response.status_code == 302
    with unscoped("test"):
        own = Question.objects.get(text="Hvor tilfreds?")
    assert own.type == "scale" and own.scale_min < own.scale_max and not own.mandatory


def test_reword_refused_where_not_allowed(client, chef, version, qs):
    client.force_login(chef)
    q = qs["Hvad giver dig energi?"]
    response = client.post(URL, {"action": "reword", "question": q.pk, "text": "Ny ordlyd"})
    assert response.status_code == 422
    assert "tillader ikke" in response.content.decode()
    with unscoped("test"):
        assert not QuestionRewording.objects.exists()


def test_reword_where_allowed_changes_what_the_leader_reads(client, haderslev, leader):
    version = make_version(haderslev, rewording_allowed=True)
    qs = questions_of(version)
    conv = make_conversation(leader, version=version, year=2026)
    chef = leader.manager
    client.force_login(chef)
    q = qs["Hvad giver dig energi?"]
    assert "Omformulér" in client.get(URL).content.decode()
    response = client.post(
        URL, {"action": "reword", "question": q.pk, "text": "Hvad giver dig energi i teamet?"}
    )
    assert response.status_code == 302
    client.force_login(leader)
    body = client.get(reverse("conversations:prepare", args=[conv.pk])).content.decode()
    assert "Hvad giver dig energi i teamet?" in body


def test_locked_while_a_leader_is_preparing(client, chef, leader, version, qs):
    client.force_login(chef)
    client.post(URL, {"action": "remove", "question": qs["Hvilken rolle fylder mest?"].pk})
    conv = make_conversation(leader, version=version, year=2026)
    with tenant_scope(leader.municipality):
        Conversation.objects.filter(pk=conv.pk).update(customisation=customisation_of(chef))
        conv.refresh_from_db()
        conversation_start_preparing(conversation=conv)
    body = client.get(URL).content.decode()
    assert 'id="customise-locked"' in body and leader.name in body
    response = client.post(
        URL, {"action": "restore", "question": qs["Hvilken rolle fylder mest?"].pk}
    )
    assert response.status_code == 422
    assert "er gået i gang med at forberede sig" in response.content.decode()


def test_unknown_or_foreign_question_is_400(client, chef, version, randers):
    foreign = questions_of(make_version(randers))["Hvilken rolle fylder mest?"]
    client.force_login(chef)
    for data in (
        {"action": "remove", "question": foreign.pk},
        {"action": "remove", "question": "abc"},
        {"action": "explode"},
        {"action": "add", "section": 999999, "text": "x"},
    ):
        assert client.post(URL, data).status_code == 400, data
    assert customisation_of(chef) is None


def test_only_leaders_leaders_customise(client, leader, hr, version):
    for person in (leader, hr):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"action": "add"}).status_code == 403


def test_hr_of_other_municipality_cannot(client, randers):
    client.force_login(HRFactory(municipality=randers))
    assert client.get(URL).status_code == 403


# --- tailoring follows the conversation's version, not only the newest ----------------------
def _publish_next(version):
    """HR publishes next year's version of the same framework (with a 2027-28 theme)."""
    from lus.frameworks.models import Section
    from lus.frameworks.services import framework_publish, framework_version_create_draft

    with tenant_scope(version.municipality):
        draft = framework_version_create_draft(version=version)
        Section.objects.create(
            municipality=version.municipality,
            version=draft,
            order=99,
            title="Organisationens tema",
            kind="organisation_theme",
            valid_from_year=2027,
            valid_to_year=2028,
        )
        return framework_publish(version=draft)


def test_after_next_years_version_is_published_this_years_conversations_can_still_be_tailored(
    client, chef, leader, version, qs
):
    conv = make_conversation(leader, version=version, year=2026)
    newer = _publish_next(version)
    client.force_login(chef)
    body = client.get(URL).content.decode()
    # Both versions are offered, each with the LUS years it is used for.
    assert f"?version={version.pk}" in body and f"?version={newer.pk}" in body
    assert "LUS 2026" in body
    page = client.get(URL, {"version": version.pk})
    assert page.status_code == 200
    q = qs["Hvilken rolle fylder mest?"]
    assert f'id="question-{q.pk}"' in page.content.decode()
    response = client.post(URL, {"action": "remove", "question": q.pk, "version": version.pk})
    assert response.status_code == 302 and f"version={version.pk}" in response["Location"]
    with unscoped("test"):
        customisation = TeamCustomisation.objects.get(owner=chef, version=version)
        assert list(customisation.removed_questions.all()) == [q]
        conv.refresh_from_db()
    assert conv.customisation == customisation


def test_tailoring_page_shows_the_years_of_organisation_themes(client, chef, leader, version):
    newer = _publish_next(version)
    client.force_login(chef)
    body = client.get(URL, {"version": newer.pk}).content.decode()
    assert "Organisationens tema (2027\N{EN DASH}2028)" in body


def test_tailoring_an_unknown_or_foreign_version_is_refused(client, chef, version):
    from tests.conversations.factories import make_version
    from tests.factories import MunicipalityFactory

    other = make_version(MunicipalityFactory(slug="randers", name="Randers Kommune"))
    client.force_login(chef)
    assert client.get(URL, {"version": other.pk}).status_code == 404
    assert client.get(URL, {"version": "abc"}).status_code == 404

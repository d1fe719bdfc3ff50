"""HR's framework studio: field autosave (conflict-safe), structure changes, ordering, the
preview, the review page with its diff, publishing, and who may do what."""

import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from lus.frameworks.diff import version_diff
from lus.frameworks.models import FrameworkVersion, Question, Section
from lus.frameworks.services import framework_version_create_draft
from lus.frameworks.studio import (
    studio_field_save,
    studio_question_add,
    studio_reorder,
    studio_section_add,
)
from lus.tenants.scoping import tenant_scope
from tests.factories import HRFactory, LeaderFactory
from tests.frameworks.factories import WORLD_THEME, load_neutral, load_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    """Testby with the test world's framework (published + a draft), Andeby with a small one;
    HR of Testby logged in."""
    h = load_world()
    r = load_neutral("andeby", name="Andeby Kommune")
    hr = HRFactory(municipality=h.municipality, username="hr-testby")
    with tenant_scope(h.municipality):
        draft = framework_version_create_draft(version=h, by=hr)
    client.force_login(hr)
    return {"h": h, "draft": draft, "r": r, "hr": hr}


def api(client, version, **payload):
    return client.post(
        reverse("admin:frameworks_studio_api", args=[version.pk]),
        json.dumps(payload),
        content_type="application/json",
    )


def first_question(version, **filters):
    with tenant_scope(version.municipality):
        return Question.objects.filter(section__version=version, **filters).first()


# --- services ---------------------------------------------------------------------------------
def test_field_save_bumps_revision_and_refuses_a_conflicting_change(world):
    draft = world["draft"]
    with tenant_scope(draft.municipality):
        q = Question.objects.filter(section__version=draft).first()
        original = q.text
        first = studio_field_save(
            version=draft,
            kind="question",
            pk=q.pk,
            name="text",
            value="Ny tekst",
            base=original,
            revision=0,
        )
        assert first.status == "saved" and first.revision == 1
        # A second editor still on revision 0 changes the same field: a conflict, nothing written.
        second = studio_field_save(
            version=draft,
            kind="question",
            pk=q.pk,
            name="text",
            value="Min tekst",
            base=original,
            revision=0,
        )
        assert second.status == "conflict" and second.theirs == "Ny tekst"
        q.refresh_from_db()
        assert q.text == "Ny tekst"
        # ... but another field of the same question on the old revision goes through.
        third = studio_field_save(
            version=draft,
            kind="question",
            pk=q.pk,
            name="help_text",
            value="Hjælp",
            base=q.help_text,
            revision=0,
        )
        assert third.status == "saved"
        # Saving the value that is already stored is no change.
        same = studio_field_save(
            version=draft,
            kind="question",
            pk=q.pk,
            name="text",
            value="Ny tekst",
            base="x",
            revision=0,
        )
        assert same.status == "unchanged"


def test_field_save_normalises_line_endings(world):
    draft = world["draft"]
    with tenant_scope(draft.municipality):
        q = Question.objects.filter(section__version=draft).first()
        studio_field_save(
            version=draft,
            kind="question",
            pk=q.pk,
            name="help_text",
            value="a\r\nb",
            base=q.help_text,
            revision=q.revision,
        )
        q.refresh_from_db()
        assert q.help_text == "a\nb"


def test_new_question_gets_the_municipalitys_usual_scale_and_next_order(world):
    draft = world["draft"]
    with tenant_scope(draft.municipality):
        section = Section.objects.get(version=draft, title="Trivsel")
        last = max(q.order for q in section.questions.all())
        q = studio_question_add(version=draft, section=section)
        assert (q.scale_min, q.scale_max) == (0, 5)
        assert (q.scale_min_label, q.scale_max_label) == ("i meget lav grad", "i meget høj grad")
        assert q.order == last + 1 and not q.mandatory and q.text == ""


def test_new_organisation_theme_follows_the_last_one(world):
    draft = world["draft"]
    with tenant_scope(draft.municipality):
        section = studio_section_add(version=draft, kind="organisation_theme")
        assert (section.valid_from_year, section.valid_to_year) == (2027, 2028)
        titles = list(Section.objects.filter(version=draft).values_list("kind", flat=True))
        # right after the 2025-26 theme, before "Andet" and the plan section
        assert titles[-3:] == ["organisation_theme", "other", "plan"]


def test_reorder_swaps_and_moves_between_sections(world):
    draft = world["draft"]
    with tenant_scope(draft.municipality):
        trivsel = Section.objects.get(version=draft, title="Trivsel")
        ids = list(trivsel.questions.values_list("pk", flat=True))
        ids[0], ids[1] = ids[1], ids[0]
        studio_reorder(version=draft, kind="question", ids=ids, section_id=trivsel.pk)
        assert list(trivsel.questions.order_by("order").values_list("pk", flat=True)) == ids
        andet = Section.objects.get(version=draft, title="Andet")
        moved = ids[0]
        new_ids = [*andet.questions.values_list("pk", flat=True), moved]
        studio_reorder(version=draft, kind="question", ids=new_ids, section_id=andet.pk)
        assert Question.objects.get(pk=moved).section_id == andet.pk


def test_published_version_cannot_be_edited_through_the_services(world):
    h = world["h"]
    with tenant_scope(h.municipality):
        q = Question.objects.filter(section__version=h).first()
        with pytest.raises(Exception, match="publiceret"):
            studio_field_save(
                version=h,
                kind="question",
                pk=q.pk,
                name="text",
                value="x",
                base=q.text,
                revision=0,
            )


def test_diff_reports_added_removed_reworded_moved_and_mandatory(world):
    h, draft = world["h"], world["draft"]
    with tenant_scope(draft.municipality):
        trivsel = Section.objects.get(version=draft, title="Trivsel")
        qs = list(trivsel.questions.order_by("order"))
        qs[0].text = "Omformuleret"
        qs[0].save()
        qs[2].mandatory = True
        qs[2].save()
        qs[3].delete()
        studio_reorder(
            version=draft,
            kind="question",
            ids=[qs[1].pk, qs[0].pk, *[q.pk for q in qs[2:] if q.pk != qs[3].pk]],
            section_id=trivsel.pk,
        )
        new = studio_question_add(version=draft, section=trivsel)
        new.text = "Helt nyt"
        new.save()
        diff = version_diff(old=h, new=draft)
    kinds = {(c.kind, c.text) for c in diff.questions}
    assert ("reworded", "Omformuleret") in kinds
    assert ("added", "Helt nyt") in kinds
    assert ("made_mandatory", qs[2].text) in kinds
    assert ("removed", qs[3].text) in kinds
    assert ("moved", qs[1].text) in kinds
    assert diff.count("added") == 1 and diff.count("removed") == 1


# --- views ------------------------------------------------------------------------------------
def test_studio_page_lists_every_section_and_question_editable(world, client):
    draft = world["draft"]
    response = client.get(reverse("admin:frameworks_studio", args=[draft.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    with tenant_scope(draft.municipality):
        questions = Question.objects.filter(section__version=draft).count()
        titles = list(Section.objects.filter(version=draft).values_list("title", flat=True))
    assert questions and content.count('class="studio-question"') == questions
    assert titles and all(escape(title) in content for title in titles)
    assert "Gennemse og udgiv" in content
    assert 'src="/static/vendor/sortablejs/Sortable.min.js"' in content


def test_studio_of_a_published_version_is_read_only_and_makes_a_draft(client):
    h = load_neutral()
    hr = HRFactory(municipality=h.municipality)
    client.force_login(hr)
    url = reverse("admin:frameworks_studio", args=[h.pk])
    content = client.get(url).content.decode()
    assert "disabled" in content and "Tilføj spørgsmål" not in content
    assert (
        api(client, h, op="save", kind="question", pk=1, field="text", value="x").status_code == 403
    )
    response = client.post(url)
    with tenant_scope(h.municipality):
        draft = FrameworkVersion.objects.get(status="draft")
    assert response.status_code == 302 and response["Location"].endswith(f"/{draft.pk}/studio/")
    # A second click finds the same draft.
    assert client.post(url)["Location"].endswith(f"/{draft.pk}/studio/")


def test_autosave_endpoint_saves_conflicts_and_reports_errors_in_danish(world, client):
    draft = world["draft"]
    q = first_question(draft, type="scale")
    ok = api(
        client,
        draft,
        op="save",
        kind="question",
        pk=q.pk,
        field="help_text",
        value="Tænk på det seneste år",
        base=q.help_text,
        revision=q.revision,
    )
    assert ok.status_code == 200 and ok.json()["status"] == "saved"
    conflict = api(
        client,
        draft,
        op="save",
        kind="question",
        pk=q.pk,
        field="help_text",
        value="Andet",
        base=q.help_text,
        revision=q.revision,
    )
    assert conflict.status_code == 409 and conflict.json()["theirs"] == "Tænk på det seneste år"
    bad = api(
        client,
        draft,
        op="save",
        kind="question",
        pk=q.pk,
        field="scale_max",
        value="0",
        base=5,
        revision=ok.json()["revision"],
    )
    assert bad.status_code == 422 and "større end minimum" in bad.json()["error"]
    assert (
        api(
            client,
            draft,
            op="save",
            kind="question",
            pk=q.pk,
            field="municipality",
            value=2,
            base=1,
            revision=0,
        ).status_code
        == 422
    )
    assert api(client, draft, op="nope").status_code == 400
    assert (
        client.post(
            reverse("admin:frameworks_studio_api", args=[draft.pk]),
            "{",
            content_type="application/json",
        ).status_code
        == 400
    )
    q.refresh_from_db()
    assert q.scale_max == 5


def test_type_change_returns_the_questions_new_fields(world, client):
    draft = world["draft"]
    q = first_question(draft, type="scale")
    response = api(
        client,
        draft,
        op="save",
        kind="question",
        pk=q.pk,
        field="type",
        value="keywords",
        base="scale",
        revision=q.revision,
    )
    assert response.status_code == 200
    assert "Stikord at vælge" in response.json()["html"]
    q.refresh_from_db()
    assert q.type == "keywords" and q.pick == 1


def test_structure_operations_return_the_editor(world, client):
    draft = world["draft"]
    with tenant_scope(draft.municipality):
        trivsel = Section.objects.get(version=draft, title="Trivsel")
        before = trivsel.questions.count()
    added = api(client, draft, op="add_question", section=trivsel.pk)
    assert added.status_code == 200
    body = added.json()
    assert body["focus"].startswith("question-") and "studio-question" in body["html"]
    new_pk = int(body["focus"].split("-")[1])
    dup = api(client, draft, op="duplicate", pk=new_pk)
    assert dup.status_code == 200
    assert api(client, draft, op="delete", kind="question", pk=new_pk).status_code == 200
    assert api(client, draft, op="add_section", kind="organisation_theme").status_code == 200
    with tenant_scope(draft.municipality):
        assert Section.objects.filter(version=draft, valid_from_year=2027).exists()
        assert trivsel.questions.count() == before + 1  # added and duplicated, one deleted
    # a section holding mandatory questions is not deleted (Danish message)
    refused = api(client, draft, op="delete", kind="section", pk=trivsel.pk)
    assert refused.status_code == 422 and "obligatorisk" in refused.json()["error"]


def test_copy_a_question_from_another_version_keeps_its_key(world, client):
    h, draft = world["h"], world["draft"]
    with tenant_scope(draft.municipality):
        source = Question.objects.filter(section__version=h).first()
        trivsel = Section.objects.get(version=draft, title="Trivsel")
        Question.objects.get(section__version=draft, key=source.key).delete()
    assert api(client, draft, op="copy", question=source.pk, section=trivsel.pk).status_code == 200
    with tenant_scope(draft.municipality):
        copy = Question.objects.get(section__version=draft, key=source.key)
    assert copy.section_id == trivsel.pk and copy.text == source.text


def test_foreign_versions_are_404_and_leaders_cannot_enter(world, client):
    r = world["r"]
    for name in (
        "admin:frameworks_studio",
        "admin:frameworks_review",
        "admin:frameworks_studio_preview",
    ):
        assert client.get(reverse(name, args=[r.pk])).status_code == 404
    assert api(client, r, op="add_section").status_code == 404
    leader = LeaderFactory(municipality=world["h"].municipality)
    client.force_login(leader)
    response = client.get(reverse("admin:frameworks_studio", args=[world["draft"].pk]))
    assert response.status_code == 302  # to the admin login


def test_preview_uses_the_leaders_form_for_the_chosen_year(world, client):
    draft = world["draft"]
    url = reverse("admin:frameworks_studio_preview", args=[draft.pk])
    response = client.get(url, {"year": 2025})
    content = response.content.decode()
    assert response.status_code == 200 and response["X-Frame-Options"] == "SAMEORIGIN"
    assert WORLD_THEME in content and 'class="btn-check"' in content
    assert WORLD_THEME not in client.get(url, {"year": 2027}).content.decode()


def test_review_shows_the_diff_and_who_gets_it_then_publishes(world, client):
    draft = world["draft"]
    with tenant_scope(draft.municipality):
        q = Question.objects.filter(section__version=draft, mandatory=False).first()
        q.mandatory = True
        q.save()
    url = reverse("admin:frameworks_review", args=[draft.pk])
    content = client.get(url).content.decode()
    assert "Gjort obligatorisk" in content and q.text in content
    assert "Hver LUS, der oprettes" in content
    response = client.post(url)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    # the diff stays readable afterwards
    after = client.get(url).content.decode()
    assert "Gjort obligatorisk" in after and "Udgiv version" not in after


def test_review_refuses_to_publish_an_unfinished_draft(world, client):
    draft = world["draft"]
    with tenant_scope(draft.municipality):
        section = Section.objects.get(version=draft, title="Trivsel")
        studio_question_add(version=draft, section=section)
    response = client.post(reverse("admin:frameworks_review", args=[draft.pk]))
    assert response.status_code == 422
    draft.refresh_from_db()
    assert not draft.is_published


@pytest.mark.parametrize("value", [["a"], {"a": 1}, "nul\x00byte"])
def test_autosave_refuses_values_it_cannot_store_with_a_422(world, client, value):
    draft = world["draft"]
    q = first_question(draft)
    response = api(
        client,
        draft,
        op="save",
        kind="question",
        pk=q.pk,
        field="text",
        value=value,
        base=q.text,
        revision=q.revision,
    )
    assert response.status_code == 422 and response.json()["error"]
    q.refresh_from_db()
    assert "\x00" not in q.text and q.text != str(value)

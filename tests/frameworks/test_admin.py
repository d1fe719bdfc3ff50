"""HR's framework admin: scoping for every admin model, read-only published versions, Danish
validation, actions, the JSON import page and the leader preview."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lus.frameworks.models import (
    Framework,
    FrameworkVersion,
    PlanField,
    Question,
    QuestionOption,
    Section,
    TeamCustomisation,
)
from lus.frameworks.services import (
    customisation_get_or_create,
    framework_import,
    framework_version_create_draft,
)
from lus.tenants.scoping import tenant_scope, unscoped
from tests.factories import HRFactory, LeaderFactory, MunicipalityFactory
from tests.frameworks.factories import WORLD_MANDATORY_2025, WORLD_THEME, load_world, neutral_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    """Testby with the test world's framework (published + a draft) and Andeby with a small
    one (published), HR of Testby logged in."""
    h = load_world()
    MunicipalityFactory(slug="andeby", name="Andeby Kommune")
    foreign = neutral_data("andeby", name="Andeby Kommune")
    foreign["sections"][0]["title"] = "Kun i Andeby"
    r = framework_import(data=foreign, publish=True)
    hr = HRFactory(municipality=h.municipality, username="hr-testby")
    with tenant_scope(h.municipality):
        draft = framework_version_create_draft(version=h, by=hr)
        boss = LeaderFactory(municipality=h.municipality).manager
        customisation_get_or_create(version=h, owner=boss)
    rboss = LeaderFactory(municipality=r.municipality).manager
    with tenant_scope(r.municipality):
        r_custom = customisation_get_or_create(version=r, owner=rboss)
    client.force_login(hr)
    return {"h": h, "draft": draft, "r": r, "hr": hr, "r_custom": r_custom}


def foreign_objects(world):
    r = world["r"]
    with unscoped("test: foreign objects"):
        section = Section.objects.filter(version=r).first()
        return {
            "framework": r.framework,
            "frameworkversion": r,
            "section": section,
            "question": Question.objects.filter(section__version=r).first(),
            "teamcustomisation": world["r_custom"],
        }


MODELS = ["framework", "frameworkversion", "section", "question", "teamcustomisation"]


@pytest.mark.parametrize("model", MODELS)
def test_hr_never_sees_another_municipality(world, client, model):
    obj = foreign_objects(world)[model]
    changelist = client.get(reverse(f"admin:frameworks_{model}_changelist"))
    assert changelist.status_code == 200
    assert "Andeby" not in changelist.content.decode()
    searched = client.get(reverse(f"admin:frameworks_{model}_changelist"), {"q": "Kun i Andeby"})
    assert "Kun i Andeby" not in searched.content.decode().split("searchbar")[-1]
    for view in ("change", "delete", "history"):
        response = client.get(reverse(f"admin:frameworks_{model}_{view}", args=[obj.pk]))
        assert response.status_code in (403, 404), (view, response.status_code)
        response = client.post(
            reverse(f"admin:frameworks_{model}_{view}", args=[obj.pk]), {"post": "yes"}
        )
        assert response.status_code in (403, 404), (view, response.status_code)
    with unscoped("test"):
        assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize(
    "model,field,remote",
    [
        ("section", "version", "frameworkversion"),
        ("question", "section", "section"),
        ("frameworkversion", "framework", "framework"),
    ],
)
def test_autocomplete_offers_only_own_objects(world, client, model, field, remote):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "frameworks", "model_name": model, "field_name": field, "term": ""},
    )
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    with unscoped("test"):
        rows = {
            "frameworkversion": FrameworkVersion,
            "section": Section,
            "framework": Framework,
        }[remote].objects.filter(pk__in=ids)
        assert rows and all(row.municipality.slug == "testby" for row in rows)
        if remote == "frameworkversion":  # only drafts can take new sections
            assert all(not row.is_published for row in rows)


def test_hr_edits_own_draft_question(world, client):
    with tenant_scope(world["h"].municipality):
        q = Question.objects.filter(section__version=world["draft"], type="scale").first()
    url = reverse("admin:frameworks_question_change", args=[q.pk])
    assert client.get(url).status_code == 200
    data = {
        "order": q.order,
        "group": q.group,
        "text": "Jeg sætter retningen",
        "help_text": "",
        "type": "scale",
        "mandatory": "on",
        "answered_by": "leader",
        "scale_min": 0,
        "scale_max": 5,
        "scale_min_label": "i meget lav grad",
        "scale_max_label": "i meget høj grad",
        "pick": "",
        "options-TOTAL_FORMS": 0,
        "options-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_scope(world["h"].municipality):
        q.refresh_from_db()
        assert q.text == "Jeg sætter retningen"
        # The published version still has the original wording.
        assert Question.objects.get(section__version=world["h"], key=q.key).text.endswith(
            "i min ledelse"
        )


def _question_post(q, **overrides):
    data = {
        "order": q.order,
        "group": "",
        "text": q.text,
        "help_text": "",
        "type": q.type,
        "answered_by": "leader",
        "scale_min": "",
        "scale_max": "",
        "scale_min_label": "",
        "scale_max_label": "",
        "pick": "",
        "options-TOTAL_FORMS": 0,
        "options-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def test_scale_min_not_below_max_is_refused_in_danish(world, client):
    with tenant_scope(world["h"].municipality):
        q = Question.objects.filter(section__version=world["draft"], type="scale").first()
    url = reverse("admin:frameworks_question_change", args=[q.pk])
    response = client.post(url, _question_post(q, scale_min=5, scale_max=5))
    assert response.status_code == 200
    assert "Maksimum skal være større end minimum." in response.content.decode()
    with tenant_scope(world["h"].municipality):
        q.refresh_from_db()
        assert (q.scale_min, q.scale_max) == (0, 5)


def test_keywords_pick_more_than_options_is_refused_in_danish(world, client):
    with tenant_scope(world["h"].municipality):
        q = Question.objects.filter(section__version=world["draft"], type="text").first()
    url = reverse("admin:frameworks_question_change", args=[q.pk])
    data = _question_post(
        q,
        type="keywords",
        pick=3,
        **{
            "options-TOTAL_FORMS": 2,
            "options-0-order": 0,
            "options-0-label": "Mod",
            "options-1-order": 1,
            "options-1-label": "Nærvær",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "beder om at vælge 3 stikord, men der er kun 2" in response.content.decode()
    with tenant_scope(world["h"].municipality):
        q.refresh_from_db()
        assert q.type == "text" and not q.options.exists()


def test_deleting_section_with_mandatory_questions_is_refused(world, client):
    with tenant_scope(world["h"].municipality):
        section = Section.objects.get(version=world["draft"], title="Samarbejde")
    url = reverse("admin:frameworks_section_delete", args=[section.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert "indeholder obligatoriske spørgsmål (3) og kan ikke slettes" in response.content.decode()
    with tenant_scope(world["h"].municipality):
        assert Section.objects.filter(pk=section.pk).exists()
        # A section without mandatory questions can go.
        andet = Section.objects.get(version=world["draft"], title="Andet")
    response = client.post(
        reverse("admin:frameworks_section_delete", args=[andet.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    with tenant_scope(world["h"].municipality):
        assert not Section.objects.filter(pk=andet.pk).exists()


def test_deleting_section_inline_with_mandatory_questions_is_refused(world, client):
    draft = world["draft"]
    url = reverse("admin:frameworks_frameworkversion_change", args=[draft.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "framework"}
    with tenant_scope(draft.municipality):
        sections = list(Section.objects.filter(version=draft).order_by("order", "pk"))
        fields = list(PlanField.objects.filter(version=draft).order_by("order", "pk"))
    for i, s in enumerate(sections):
        data.update(
            {
                f"sections-{i}-id": s.pk,
                f"sections-{i}-version": draft.pk,
                f"sections-{i}-order": s.order,
                f"sections-{i}-title": s.title,
                f"sections-{i}-kind": s.kind,
                f"sections-{i}-valid_from_year": s.valid_from_year or "",
                f"sections-{i}-valid_to_year": s.valid_to_year or "",
            }
        )
    data["sections-0-DELETE"] = "on"  # Opgaver: 3 mandatory questions
    for i, f in enumerate(fields):
        data.update(
            {
                f"plan_fields-{i}-id": f.pk,
                f"plan_fields-{i}-version": draft.pk,
                f"plan_fields-{i}-order": f.order,
                f"plan_fields-{i}-label": f.label,
                f"plan_fields-{i}-help_text": f.help_text,
                f"plan_fields-{i}-per": f.per,
                f"plan_fields-{i}-kind": f.kind,
            }
        )
    data.update(
        {
            "sections-TOTAL_FORMS": len(sections),
            "sections-INITIAL_FORMS": len(sections),
            "plan_fields-TOTAL_FORMS": len(fields),
            "plan_fields-INITIAL_FORMS": len(fields),
            "minutes": "none",
            "plan_kind": "items",
        }
    )
    for flag in ("both_prepare", "rewording_allowed", "plan_continues"):
        data.pop(flag, None)
    data["walk_and_talk_allowed"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "“Opgaver” indeholder obligatoriske spørgsmål (3)" in response.content.decode()
    assert "kan ikke slettes" in response.content.decode()
    with tenant_scope(draft.municipality):
        assert Section.objects.filter(pk=sections[0].pk).exists()


def test_published_version_is_read_only_in_admin(world, client):
    h = world["h"]
    response = client.get(reverse("admin:frameworks_frameworkversion_change", args=[h.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "er publiceret og kan ikke ændres" in content
    assert 'name="_save"' not in content
    with tenant_scope(h.municipality):
        q = Question.objects.filter(section__version=h).first()
    url = reverse("admin:frameworks_question_change", args=[q.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, _question_post(q, text="Ændret")).status_code == 403
    assert client.get(reverse("admin:frameworks_question_delete", args=[q.pk])).status_code == 403
    with tenant_scope(h.municipality):
        q.refresh_from_db()
        assert q.text != "Ændret"


def test_actions_publish_new_draft_and_export(world, client):
    url = reverse("admin:frameworks_frameworkversion_changelist")
    draft = world["draft"]
    response = client.post(url, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert "er publiceret" in response.content.decode()
    with tenant_scope(draft.municipality):
        draft.refresh_from_db()
        assert draft.is_published and draft.published_by == world["hr"]
    response = client.post(url, {"action": "create_draft", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    with tenant_scope(draft.municipality):
        new = FrameworkVersion.objects.get(framework=draft.framework, status="draft")
        assert new.number == 3 and new.based_on == draft
    response = client.post(url, {"action": "export_json", "_selected_action": [draft.pk]})
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["municipality"]["slug"] == "testby"
    with tenant_scope(draft.municipality):
        questions = Question.objects.filter(section__version=draft).count()
    assert questions and sum(len(s["questions"]) for s in data["sections"]) == questions
    # Another municipality's version cannot be acted on (it is not in the queryset).
    response = client.post(
        url, {"action": "create_draft", "_selected_action": [world["r"].pk]}, follow=True
    )
    with unscoped("test"):
        assert FrameworkVersion.objects.filter(framework=world["r"].framework).count() == 1


def test_import_page_valid_invalid_and_foreign(world, client):
    url = reverse("admin:frameworks_framework_import")
    assert client.get(url).status_code == 200
    with unscoped("test"):
        before = Question.objects.count()
    # Not JSON.
    bad = SimpleUploadedFile("x.json", b"{nope", content_type="application/json")
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "Filen er ikke gyldig JSON" in response.content.decode()
    # Scale min >= max: all problems listed, nothing written.
    own = world["h"].municipality
    data = neutral_data(own.slug, name=own.name)
    data["framework"]["name"] = "Ny ramme"
    data["sections"][0]["questions"][0]["min"] = 9
    upload = SimpleUploadedFile("h.json", json.dumps(data).encode(), "application/json")
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert "Afsnit 1, spørgsmål 1: Skalaens “min” (9)" in response.content.decode()
    # Another municipality's file.
    other = world["r"].municipality
    foreign = neutral_data(other.slug, name=other.name)
    upload = SimpleUploadedFile("r.json", json.dumps(foreign).encode(), "application/json")
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert "du kan kun importere til Testby Kommune" in response.content.decode()
    with unscoped("test"):
        assert Question.objects.count() == before
    # A valid file becomes a draft of a new framework.
    data["sections"][0]["questions"][0]["min"] = 1
    upload = SimpleUploadedFile("h.json", json.dumps(data).encode(), "application/json")
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    with tenant_scope(world["h"].municipality):
        version = FrameworkVersion.objects.get(framework__name="Ny ramme")
        assert not version.is_published


def test_customisation_admin_is_read_only(world, client):
    with tenant_scope(world["h"].municipality):
        own = TeamCustomisation.objects.get()
    url = reverse("admin:frameworks_teamcustomisation_change", args=[own.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 403
    assert client.get(reverse("admin:frameworks_teamcustomisation_add")).status_code == 403


def test_preview_renders_framework_as_leader_sees_it(world, client, django_assert_max_num_queries):
    url = reverse("frameworks:preview", args=[world["h"].pk])
    client.get(url)  # warm the structure cache like a second visitor would
    with django_assert_max_num_queries(12):
        response = client.get(url, {"year": 2025})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<h1") == 1
    assert "Jeg sætter en klar retning i min ledelse" in content
    assert WORLD_THEME in content and "i meget høj grad" in content
    assert content.count("obligatorisk</span>") == WORLD_MANDATORY_2025
    assert "Gennemgå sidste års aftaler" in content
    response = client.get(url, {"year": 2027})  # the theme of 2025-26 is over
    assert WORLD_THEME not in response.content.decode()


def test_preview_query_count_is_constant_cold(world, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert (
            client.get(reverse("frameworks:preview", args=[world["draft"].pk])).status_code == 200
        )


def test_preview_of_other_municipality_is_404_and_leaders_get_404(world, client):
    assert client.get(reverse("frameworks:preview", args=[world["r"].pk])).status_code == 404
    leader = LeaderFactory(municipality=world["h"].municipality)
    client.force_login(leader)
    assert client.get(reverse("frameworks:preview", args=[world["h"].pk])).status_code == 404


def test_preview_shows_choices_keywords_and_links(client):
    data = neutral_data()
    data["sections"][0]["questions"].append(
        {
            "type": "info",
            "text": "Læs mere om LUS.",
            "options": ["Intranettet: LUS"],
            "links": ["https://intra.example.dk/lus/"],
        }
    )
    MunicipalityFactory(slug="testby", name="Testby Kommune")
    version = framework_import(data=data, publish=True)
    client.force_login(HRFactory(municipality=version.municipality, username="hr-testby"))
    content = client.get(reverse("frameworks:preview", args=[version.pk])).content.decode()
    assert "Delegerende" in content and "Samarbejde" in content  # a choice and its theme
    assert "Vælg præcis 2 stikord." in content and "Tillid" in content  # keywords
    assert 'href="https://intra.example.dk/lus/"' in content


def test_option_of_published_question_is_frozen(world):
    with tenant_scope(world["r"].municipality):
        option = QuestionOption.objects.filter(question__section__version=world["r"]).first()
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            option.save()


def test_question_list_says_which_version_each_question_belongs_to(world, client):
    url = reverse("admin:frameworks_question_changelist")
    body = client.get(url).content.decode()
    assert 'class="sortable column-version' in body and ">Version</a>" in body
    assert f'<td class="field-version">{world["draft"]}</td>' in body
    published = client.get(url, {"section__version__status": "published"}).content.decode()
    assert f'<td class="field-version">{world["h"]}</td>' in published
    assert f'<td class="field-version">{world["draft"]}</td>' not in published

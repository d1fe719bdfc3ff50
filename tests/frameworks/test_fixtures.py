"""The five shipped municipal fixtures (fixtures/<slug>.json), tested on their own: they hold
the content of docs/municipalities.md and survive an export/import round trip. Other tests
use the neutral test framework (tests/frameworks/factories.neutral_data)."""

import json

import pytest

from lus.frameworks.models import FrameworkVersion, PlanField, Question, Section
from lus.frameworks.selectors import effective_questions, version_structure
from lus.frameworks.services import framework_export, framework_import
from lus.tenants.scoping import tenant_scope
from tests.frameworks.factories import load_fixture

pytestmark = pytest.mark.django_db

SLUGS = ["haderslev", "randers", "norddjurs", "albertslund", "hoeje-taastrup"]


def questions(version):
    return [q for s in version_structure(version)["sections"] for q in s.questions.all()]


def test_haderslev_28_questions_12_mandatory_scale_0_5():
    version = load_fixture("haderslev")
    with tenant_scope(version.municipality):
        qs = questions(version)
        assert len(qs) == 28
        assert sum(q.mandatory for q in qs) == 12
        scales = [q for q in qs if q.type == Question.Type.SCALE]
        assert len(scales) == 26
        assert {(q.scale_min, q.scale_max) for q in scales} == {(0, 5)}
        assert {q.scale_min_label for q in scales} == {"i meget lav grad"}
        assert {q.scale_max_label for q in scales} == {"i meget høj grad"}
        assert len([q for q in qs if q.type == Question.Type.TEXT]) == 2
        sections = version_structure(version)["sections"]
        assert [s.title for s in sections][:3] == ["Opgaveløsning", "Samarbejde", "Trivsel"]
        assert [s.kind for s in sections] == [
            "theme",
            "theme",
            "theme",
            "organisation_theme",
            "other",
            "plan",
        ]
        theme = sections[3]
        assert "Vores værdier" in theme.title
        assert (theme.valid_from_year, theme.valid_to_year) == (2025, 2026)
        assert sections[4].title == "Andet"
        assert sections[5].title == "Mål og fremtid"
        groups = [q.group for q in sections[0].questions.all()]
        assert (
            groups
            == ["Organisatorisk fokus"] * 3 + ["Opgaveløsning"] * 4 + ["Ledelse som faglighed"] * 3
        )
        per_section = [sum(q.mandatory for q in s.questions.all()) for s in sections]
        assert per_section == [3, 3, 2, 4, 0, 0]
        phase = next(q for q in qs if "livsfase" in q.text)
        for word in ("ung på arbejde", "familieforøgelse", "familieliv", "karrierespurt", "senior"):
            assert word in phase.help_text
        assert "Gennemgå tidligere LUS-aftaler" in version.preparation_guidance


def test_haderslev_organisation_theme_only_in_its_years():
    version = load_fixture("haderslev")
    with tenant_scope(version.municipality):
        titles_2025 = [
            s.title for s, _ in effective_questions(version=version, customisation=None, year=2025)
        ]
        titles_2027 = [
            s.title for s, _ in effective_questions(version=version, customisation=None, year=2027)
        ]
    assert any("Vores værdier" in t for t in titles_2025)
    assert not any("Vores værdier" in t for t in titles_2027)


def test_randers_three_topics_with_free_text_reflection_and_broen_link():
    version = load_fixture("randers")
    with tenant_scope(version.municipality):
        sections = version_structure(version)["sections"]
        themes = [s for s in sections if s.kind == Section.Kind.THEME]
        assert [s.title for s in themes] == ["Mig som leder", "Faglighed", "Relationer"]
        for s in themes:
            assert any(q.type == Question.Type.TEXT for q in s.questions.all())
        info = [q for s in sections for q in s.questions.all() if q.type == Question.Type.INFO]
        assert len(info) == 1
        assert info[0].options.all()[0].url.startswith("https://broen.randers.dk/")
        assert version.plan_kind == FrameworkVersion.PlanKind.ACTIONS
        fields = version_structure(version)["plan_fields"]
        assert any(f.kind == PlanField.Kind.HORIZON for f in fields)
        assert "Lav klare aftaler" in version.preparation_guidance


def test_norddjurs_wheel():
    version = load_fixture("norddjurs")
    m = version.municipality
    m.refresh_from_db()
    assert m.senior_conversation_age == 55
    with tenant_scope(m):
        sections = version_structure(version)["sections"]
        assert [s.title for s in sections] == [
            "Relationer og samarbejde",
            "Organisation og ledelse",
            "Kompetencer og trivsel",
            "Fremtid og udvikling",
        ]
        qs = questions(version)
        scale = [q for q in qs if q.type == Question.Type.SCALE]
        assert [(q.scale_min, q.scale_max) for q in scale] == [(1, 10)]
        choice = [q for q in qs if q.type == Question.Type.CHOICE]
        assert len(choice) == 1
        options = list(choice[0].options.all())
        assert [o.label for o in options] == [
            "Støttende ledelse",
            "Trænende ledelse",
            "Delegerende ledelse",
            "Instruerende ledelse",
        ]
        assert all(o.description for o in options)
        info = [q for q in qs if q.type == Question.Type.INFO]
        assert info[0].text == "Fælles fundament"
        assert len(info[0].options.all()) == 8
        assert version.both_prepare
        assert {q.answered_by for q in qs} == {Question.AnsweredBy.BOTH}
        fields = version_structure(version)["plan_fields"]
        assert [f.label for f in fields] == [
            "Hvad er vigtigt at fastholde?",
            "Hvad er vigtigst at arbejde videre med?",
            "Hvornår og hvordan følger vi op?",
        ]
        assert version.plan_kind == FrameworkVersion.PlanKind.PROMPTS


def test_albertslund_nine_questions_33_keywords_pick_3():
    version = load_fixture("albertslund")
    m = version.municipality
    m.refresh_from_db()
    assert m.conversation_duration_minutes == 90
    with tenant_scope(m):
        qs = questions(version)
        text = [q for q in qs if q.type == Question.Type.TEXT]
        assert len(text) == 9
        themes = [s for s in version_structure(version)["sections"] if s.kind == "theme"]
        assert [s.title for s in themes] == ["Adfærd", "Struktur", "Opgaver"]
        assert [len(s.questions.all()) for s in themes] == [3, 3, 3]
        keywords = [q for q in qs if q.type == Question.Type.KEYWORDS]
        assert len(keywords) == 1 and keywords[0].pick == 3
        labels = [o.label for o in keywords[0].options.all()]
        assert len(labels) == 33 and labels[0] == "Motivation" and labels[-1] == "Nærvær"
        assert "Økonomi" in labels and "Planlægning" in labels
        assert keywords[0].answered_by == Question.AnsweredBy.BOTH
        assert version.rewording_allowed and version.walk_and_talk_allowed and version.both_prepare
        assert version.plan_kind == FrameworkVersion.PlanKind.SECTION_AGREEMENTS
        agreements = [f for f in version_structure(version)["plan_fields"] if f.label == "Aftaler"]
        assert agreements[0].per == PlanField.Per.SECTION
        assert agreements[0].help_text.startswith("Hvad aftaler I?")
        # Structured per perspective: what, when, who, responsible, follow-up date.
        per_section = [
            (f.label, f.kind, f.is_follow_up_date)
            for f in version_structure(version)["plan_fields"]
            if f.per == PlanField.Per.SECTION
        ]
        assert [label for label, _, _ in per_section] == [
            "Noter",
            "Aftaler",
            "Hvornår",
            "Hvem",
            "Ansvarlig",
            "Opfølgningsdato",
        ]
        assert per_section[-1][1:] == ("date", True)


def test_hoeje_taastrup_six_plan_fields_items_with_activities():
    version = load_fixture("hoeje-taastrup")
    with tenant_scope(version.municipality):
        fields = version_structure(version)["plan_fields"]
        assert [f.label for f in fields] == [
            "Hvad skal udvikles?",
            "Hvad er målet med udviklingen?",
            "Aktiviteter, der skal igangsættes for at opnå målet",
            "Tidsfrist for de enkelte aktiviteter",
            "Hvem der er ansvarlig for de enkelte aktiviteter",
            "Dato for hvornår der følges op på kompetenceudviklingsplanen",
        ]
        assert [f.per for f in fields] == [
            "item",
            "item",
            "activity",
            "activity",
            "activity",
            "plan",
        ]
        assert fields[-1].is_follow_up_date
        assert version.plan_kind == FrameworkVersion.PlanKind.ITEMS
        assert version.plan_continues
        assert version.evaluation_cycle_years == 3
        assert version.minutes == FrameworkVersion.Minutes.OPTIONAL_WRITER_AGREED


@pytest.mark.parametrize(
    "slug", ["haderslev", "randers", "norddjurs", "albertslund", "hoeje-taastrup"]
)
def test_fixture_texts_have_danish_letters_restored(slug):
    from tests.frameworks.factories import fixture_data

    raw = str(fixture_data(slug))
    for ocr in ("arlige", "hjaelpe", "Spergeramme", "@ge", "ae ", "oe "):
        assert ocr not in raw


def test_demo_loads_each_framework_once(settings):
    from lus.orchestration.demo import demo_load
    from lus.tenants.scoping import unscoped

    demo_load()
    demo_load()
    with unscoped("test: count"):
        versions = list(FrameworkVersion.objects.select_related("municipality"))
        assert len(versions) == 5
        assert all(v.is_published and v.number == 1 for v in versions)
        assert (
            Question.objects.filter(section__version__municipality__slug="haderslev").count() == 28
        )


@pytest.mark.parametrize("slug", SLUGS)
def test_each_fixture_survives_export_and_import(slug):
    version = load_fixture(slug)
    with tenant_scope(version.municipality):
        first = framework_export(version=version)
    again = framework_import(data=json.loads(json.dumps(first)), publish=True)
    with tenant_scope(version.municipality):
        second = framework_export(version=again)
    assert again.number == version.number + 1
    assert second["sections"] == first["sections"]
    assert second["plan"] == first["plan"]
    assert second["process"] == first["process"]


@pytest.mark.parametrize("slug", SLUGS)
def test_each_fixture_carries_a_conversation_and_its_plan(client, slug):
    """Each shipped framework works end to end (the other tests use the test world): both
    preparations shared, the meeting and the plan pages shown, every plan field saved."""
    from django.urls import reverse

    from lus.plans import services
    from tests.conversations.factories import share_preparation
    from tests.plans.factories import fields_of, shipped_conversation

    c = shipped_conversation(slug, status="invited")
    with tenant_scope(c.municipality):
        share_preparation(c)
        if c.version.both_prepare:
            share_preparation(c, "leaders_leader")
    client.force_login(c.leaders_leader)
    for page in ("plans:conduct", "plans:plan"):
        assert client.get(reverse(page, args=[c.pk])).status_code == 200, page
    with tenant_scope(c.municipality):
        plan = services.plan_get_or_create(conversation=c)
        cells = [(f"p{f.pk}", f) for f in fields_of(c, "plan")]
        if fields_of(c, "item"):
            item = services.plan_item_create(plan=plan, user=c.leader)
            cells += [(f"i{item.pk}-f{f.pk}", f) for f in fields_of(c, "item")]
        theme = c.version.sections.filter(kind="theme").order_by("order").first()
        cells += [(f"s{theme.pk}-f{f.pk}", f) for f in fields_of(c, "section")]
        assert cells
        values = {"date": "2027-03-01", "horizon": "short", "responsible": "leader"}
        for key, field in cells:
            outcome = services.cell_save(
                plan=plan,
                user=c.leader,
                key=key,
                base_revision=0,
                value=values.get(field.kind, "Aftalt"),
            )
            assert outcome.saved, (key, field.kind)

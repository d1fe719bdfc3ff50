"""Factories for conversations: a small published framework with every question type, and
conversations pinned to it."""

from __future__ import annotations

from django.utils import timezone

from lus.conversations.services import conversation_create
from lus.frameworks.models import (
    Framework,
    FrameworkVersion,
    Question,
    QuestionOption,
    Section,
)
from lus.tenants.scoping import tenant_scope, unscoped

T = Question.Type


def make_version(municipality, *, extra_questions: int = 0, both_prepare=False, **process):
    """A published version: section "Trivsel" (scale 1-5 mandatory, text mandatory, choice),
    section "Stikord" (keywords pick 3), an info block, and a question for the leader's leader.
    ``extra_questions`` adds that many more scale questions (for query-count tests)."""
    with unscoped("test factory"):
        n = Framework.objects.filter(municipality=municipality).count()
        framework = Framework.objects.create(municipality=municipality, name=f"Ramme {n}")
        version = FrameworkVersion.objects.create(
            municipality=municipality,
            framework=framework,
            number=1,
            both_prepare=both_prepare,
            preparation_guidance="Læs din plan fra sidste år.\n\nTænk over dine mål.",
            **process,
        )
        m = municipality

        def section(order, title, **kw):
            return Section.objects.create(
                municipality=m, version=version, order=order, title=title, **kw
            )

        def question(sec, order, type_, text, **kw):
            return Question.objects.create(
                municipality=m, section=sec, order=order, type=type_, text=text, **kw
            )

        def options(q, labels):
            for i, label in enumerate(labels):
                QuestionOption.objects.create(
                    municipality=m, question=q, order=i, label=label, description=f"Om {label}"
                )

        s1 = section(1, "Trivsel", intro="Om din hverdag.")
        question(
            s1,
            1,
            T.SCALE,
            "Hvor godt trives du?",
            mandatory=True,
            scale_min=1,
            scale_max=5,
            scale_min_label="i meget lav grad",
            scale_max_label="i meget høj grad",
            help_text="Tænk på det seneste år.",
            group="Personligt",
        )
        question(s1, 2, T.TEXT, "Hvad giver dig energi?", mandatory=True, group="Personligt")
        choice = question(s1, 3, T.CHOICE, "Hvilken rolle fylder mest?")
        options(choice, ["Driftsleder", "Udviklingsleder"])
        for i in range(extra_questions):
            q = question(s1, 10 + i, T.SCALE, f"Ekstra spørgsmål {i}", scale_min=1, scale_max=10)
            if i % 3 == 0:
                options(q, ["a"])  # options on some questions must not add queries
        s2 = section(2, "Stikord")
        kw = question(s2, 1, T.KEYWORDS, "Vælg 3 stikord", pick=3, answered_by="both")
        options(kw, ["Motivation", "Relationer", "Mod", "Ansvar", "Feedback"])
        info = question(s2, 2, T.INFO, "Læs mere")
        QuestionOption.objects.create(
            municipality=m, question=info, label="Ledelsesgrundlaget", url="https://example.dk/"
        )
        question(
            s2, 3, T.TEXT, "Hvad vil du som leders leder tale om?", answered_by="leaders_leader"
        )
        section(3, "Gammelt tema", kind=Section.Kind.ORGANISATION_THEME, valid_to_year=2020)
        FrameworkVersion.objects.filter(pk=version.pk).update(
            status=FrameworkVersion.Status.PUBLISHED, published_at=timezone.now()
        )
        version.refresh_from_db()
    return version


def make_conversation(leader, *, version=None, year=2026, **kw):
    version = version or make_version(leader.municipality, **kw)
    with tenant_scope(leader.municipality):
        return conversation_create(
            leader=leader, leaders_leader=leader.manager, year=year, version=version
        )


def questions_of(version) -> dict[str, Question]:
    with unscoped("test"):
        questions = {q.text: q for q in Question.objects.filter(section__version=version)}
        for q in questions.values():
            q.option_ids = list(q.options.values_list("pk", flat=True))
        return questions


def share_preparation(conversation, role: str = "leader", *, variant: int = 0) -> None:
    """Answer every question of the role's preparation through the services and share it:
    scales at their middle (``variant`` steps below it), the ``variant``-th option, the first
    keywords, a sentence of text; last year's plan points evaluated. Call inside the scope."""
    from lus.conversations import selectors as conversation_selectors
    from lus.conversations import services as conversation_services

    preparation = conversation_services.preparation_for(conversation=conversation, role=role)
    if preparation.is_shared:
        return
    sections = conversation_selectors.preparation_structure(conversation, role)
    questions = [q for s in sections for q in s.questions if q.is_answerable]
    inputs = []
    for q in questions:
        a = conversation_services.AnswerInput(q)
        options = [o.pk for o in q.options.all()]
        if q.type == Question.Type.SCALE:
            a.scale_value = max(q.scale_min, (q.scale_min + q.scale_max + 1) // 2 - variant)
        elif q.type == Question.Type.CHOICE and options:
            a.option_id = options[variant % len(options)]
        elif q.type == Question.Type.KEYWORDS:
            a.keywords = options[variant : variant + q.pick] or options[: q.pick]
        elif q.type == "yes_no":
            a.scale_value = 1 - variant % 2
        else:
            a.text = f"Svar fra {role}."
        inputs.append(a)
    evaluations = []
    previous = conversation_selectors.previous_plan(conversation) if role == "leader" else None
    if previous:
        evaluations = [
            conversation_services.EvaluationInput(item.pk, "Det gik godt.", "done")
            for item in previous[1]
        ]
    existing = conversation_selectors.answers_of(preparation)
    conversation_services.preparation_save(
        preparation=preparation,
        base_revision=preparation.revision,
        answers=inputs,
        existing=existing,
        evaluations=evaluations,
    )
    conversation_services.preparation_share(
        preparation=preparation, questions=questions, answers=existing
    )

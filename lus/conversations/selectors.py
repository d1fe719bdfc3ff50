"""Reads for conversations: the questions a party answers, their answers, earlier plans."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from lus.frameworks.models import Question, Section
from lus.frameworks.selectors import effective_questions

from . import extensions
from .extensions import PreviousPlan
from .models import Answer, Conversation, Preparation, Role

#: Which questions each role answers.
ANSWERED_BY: dict[str, list[Question.AnsweredBy]] = {
    Role.LEADER: [Question.AnsweredBy.LEADER, Question.AnsweredBy.BOTH],
    Role.LEADERS_LEADER: [Question.AnsweredBy.LEADERS_LEADER, Question.AnsweredBy.BOTH],
}


@dataclass
class Group:
    title: str
    questions: list[Question] = field(default_factory=list)


@dataclass
class SectionView:
    section: Section
    groups: list[Group]
    next_section: Section | None = None

    @property
    def questions(self) -> list[Question]:
        return [q for g in self.groups for q in g.questions]

    @property
    def has_answerable(self) -> bool:
        """Whether there is anything to answer (not only text to read)."""
        return any(q.is_answerable for q in self.questions)


def conversations_for_user(user):
    return Conversation.objects.select_related(
        "version", "leader", "leaders_leader", "customisation"
    ).filter(Q(leader=user) | Q(leaders_leader=user))


def preparation_structure(
    conversation: Conversation, role: str, effective: list | None = None
) -> list[SectionView]:
    """The pinned version's sections for the conversation's year with the questions the role
    answers (info blocks for everyone), the team customisation applied. The framework
    structure is cached by ``frameworks.selectors``; a constant number of queries (none when
    ``effective``, the conversation's ``effective_questions``, is given)."""
    roles = set(ANSWERED_BY[role])
    result = []
    if effective is None:
        effective = conversation_questions(conversation)
    for section, questions in effective:
        if section.kind == Section.Kind.PLAN:
            continue
        groups: list[Group] = []
        for q in questions:
            if q.is_answerable and q.answered_by not in roles:
                continue
            if not groups or groups[-1].title != q.group:
                groups.append(Group(q.group))
            groups[-1].questions.append(q)
        # A section of reading only (Randers' theory on "Broen") is shown where the
        # framework places it, like any section with questions.
        if groups:
            result.append(SectionView(section, groups))
    return result


def conversation_questions(conversation: Conversation) -> list:
    """``effective_questions`` for the conversation (pinned version, customisation, year)."""
    return effective_questions(
        version=conversation.version,
        customisation=conversation.customisation,
        year=conversation.year,
    )


def answers_of(preparation: Preparation | None) -> dict[int, Answer]:
    if preparation is None or preparation.pk is None:
        return {}
    return {a.question_id: a for a in Answer.objects.filter(preparation=preparation)}


def previous_plan(conversation: Conversation) -> PreviousPlan | None:
    """The plan to evaluate in this conversation: the leader's continuing plan, or the plan of
    their most recent earlier LUS, with this conversation's evaluations (provided by plans
    through ``extensions``)."""
    return extensions.previous_plan(conversation)


def my_lus(user, year: int) -> dict:
    """The leader's start page: this year's LUS and the earlier ones (with their plans)."""
    mine = list(
        Conversation.objects.filter(leader=user)
        .select_related("version", "leaders_leader", "plan")
        .order_by("-year")
    )
    current = next((c for c in mine if c.year == year), None)
    return {
        "current": current,
        "earlier": [c for c in mine if c.year < year],
    }


def conducted_this_year(user, year: int) -> dict[int, Conversation]:
    """Leader id -> this year's conversation, for the leader's leader's list of reports."""
    return {
        c.leader_id: c
        for c in Conversation.objects.filter(leaders_leader=user, year=year).only(
            "pk", "leader_id", "status", "scheduled_at", "year", "leaders_leader_id"
        )
    }


# --- the leader's leader: "Mine ledere" --------------------------------------------------------
@dataclass
class ReportRow:
    """One direct report on the leader's leader's overview."""

    person: object
    conversation: Conversation | None = None
    # last year's plan (or the continuing plan), if any: a plans.Plan, which this app cannot import
    last_plan: Any = None
    overdue_follow_ups: int = 0
    age: int | None = None
    senior_hint: bool = False

    @property
    def last_plan_agreed(self) -> bool:
        return bool(self.last_plan and self.last_plan.agreed_at)


def my_reports(user, today) -> list[ReportRow]:
    """The leader's leader's direct reports with this year's LUS, last year's plan, overdue
    follow-ups and the senior-conversation hint. A constant number of queries (4) whatever the
    number of reports (the plan columns come from plans, through ``extensions``)."""
    year = today.year
    reports = list(
        user.reports.filter(is_active=True)
        .select_related("org_unit", "municipality")
        .order_by("name", "pk")
    )
    if not reports:
        return []
    ids = [p.pk for p in reports]
    conversations = {
        c.leader_id: c
        for c in Conversation.objects.filter(leader_id__in=ids, year=year).select_related(
            "leaders_leader"
        )
    }
    # Last year's plan; for a continuing plan (Høje-Taastrup) the newest earlier one.
    plans = extensions.last_plans(ids, year)
    overdue = extensions.overdue_follow_ups(ids, today)
    rows = []
    for person in reports:
        age = person.age_on(today)
        senior_from = person.municipality.senior_conversation_age if person.municipality else None
        rows.append(
            ReportRow(
                person=person,
                conversation=conversations.get(person.pk),
                last_plan=plans.get(person.pk),
                overdue_follow_ups=overdue.get(person.pk, 0),
                age=age,
                senior_hint=bool(senior_from and age is not None and age >= senior_from),
            )
        )
    return rows


def team_questions(version, customisation) -> list[tuple[Section, list[Question]]]:
    """Every question of the version (removed ones too) for the customisation page, each with
    ``removed``, ``reworded`` (the team's wording or "") and ``is_own`` set; the team's own
    questions follow their section's. Plan sections (filled in together) are left out."""
    import copy

    from lus.frameworks.selectors import version_structure

    removed: set[int] = set()
    reworded: dict[int, str] = {}
    added: dict[int, list[Question]] = {}
    if customisation is not None:
        removed = set(customisation.removed_questions.values_list("pk", flat=True))
        reworded = dict(customisation.rewordings.values_list("question_id", "text"))
        for q in customisation.added_questions.order_by("order", "pk"):
            added.setdefault(q.section_id, []).append(q)
    result = []
    for section in version_structure(version)["sections"]:
        if section.kind == Section.Kind.PLAN:
            continue
        questions = []
        for q in section.questions.all():
            q = copy.copy(q)
            q.removed = q.pk in removed and not q.mandatory
            q.reworded = reworded.get(q.pk, "") if version.rewording_allowed else ""
            q.is_own = False
            questions.append(q)
        for q in added.get(section.pk, []):
            # display-only attributes, not fields (the stubs cannot know them)
            q.removed, q.reworded, q.is_own = False, "", True  # type: ignore[attr-defined]
            questions.append(q)
        result.append((section, questions))
    return result


@dataclass
class SectionProgress:
    section: Section
    answered: int
    total: int
    mandatory_open: list[Question]

    @property
    def complete(self) -> bool:
        return self.answered == self.total and not self.mandatory_open

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100


def _is_answered(question: Question, answer: Answer | None) -> bool:
    if answer is None or answer.is_empty:
        return False
    return question.question_type.is_answered(question, answer)


def preparation_progress(
    sections: list[SectionView], answers: dict[int, Answer]
) -> list[SectionProgress]:
    """Per section: how many questions are answered and which mandatory ones are still open
    (the preparation's overview; no queries: the answers are already loaded)."""
    progress = []
    for s in sections:
        answerable = [q for q in s.questions if q.is_answerable]
        answered = [q for q in answerable if _is_answered(q, answers.get(q.pk))]
        open_mandatory = [q for q in answerable if q.mandatory and q not in answered]
        progress.append(SectionProgress(s.section, len(answered), len(answerable), open_mandatory))
    return progress

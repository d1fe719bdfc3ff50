"""Reads for conversations: the questions a party answers, their answers, earlier plans."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from lus.frameworks.models import Question, Section
from lus.frameworks.selectors import effective_questions

from .models import Answer, Conversation, Preparation, Role

#: Which questions each role answers.
ANSWERED_BY = {
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

    @property
    def questions(self) -> list[Question]:
        return [q for g in self.groups for q in g.questions]


def conversations_for_user(user):
    return Conversation.objects.select_related(
        "version", "leader", "conductor", "customisation"
    ).filter(Q(leader=user) | Q(conductor=user))


def preparation_structure(conversation: Conversation, role: str) -> list[SectionView]:
    """The pinned version's sections for the conversation's year with the questions the role
    answers (info blocks for everyone), the team customisation applied. The framework
    structure is cached by ``frameworks.selectors``; a constant number of queries."""
    roles = set(ANSWERED_BY[role])
    result = []
    for section, questions in effective_questions(
        version=conversation.version,
        customisation=conversation.customisation,
        year=conversation.year,
    ):
        if section.kind == Section.Kind.PLAN:
            continue
        groups: list[Group] = []
        for q in questions:
            if q.type != Question.Type.INFO and q.answered_by not in roles:
                continue
            if not groups or groups[-1].title != q.group:
                groups.append(Group(q.group))
            groups[-1].questions.append(q)
        if any(q.is_answerable for g in groups for q in g.questions):
            result.append(SectionView(section, groups))
    return result


def answers_of(preparation: Preparation | None) -> dict[int, Answer]:
    if preparation is None or preparation.pk is None:
        return {}
    return {a.question_id: a for a in Answer.objects.filter(preparation=preparation)}


def previous_plan(conversation: Conversation):
    """The plan to evaluate in this conversation: the leader's continuing plan, or the plan of
    their most recent earlier LUS. Returns (plan, items, evaluations by item id) or None."""
    from lus.plans.models import Plan, PlanActivity, PlanItem, PlanItemEvaluation

    plans = Plan.objects.filter(
        leader_id=conversation.leader_id, conversation__year__lt=conversation.year
    ).select_related("conversation", "version")
    if conversation.version.plan_continues:
        plans = plans.filter(continues=True)
    plan = plans.order_by("-conversation__year").first()
    if plan is None:
        return None
    items = list(
        PlanItem.objects.filter(plan=plan)
        .exclude(year__gte=conversation.year)
        .prefetch_related(Prefetch("activities", queryset=PlanActivity.objects.order_by("order")))
    )
    evaluations = {
        e.item_id: e
        for e in PlanItemEvaluation.objects.filter(conversation=conversation, item__plan=plan)
    }
    return plan, items, evaluations


def my_lus(user, year: int) -> dict:
    """The leader's start page: this year's LUS and the earlier ones (with their plans)."""
    mine = list(
        Conversation.objects.filter(leader=user)
        .select_related("version", "conductor", "plan")
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
        for c in Conversation.objects.filter(conductor=user, year=year).only(
            "pk", "leader_id", "status", "scheduled_at", "year", "conductor_id"
        )
    }

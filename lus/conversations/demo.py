"""Demo conversations (called by ``lus.core.demo.demo_load`` after the frameworks are loaded).

Per municipality, this year:
- ``<slug>-leder``: booked and invited, not yet prepared (try the preparation), with LAST
  year's agreed development plan to evaluate (Høje-Taastrup: the continuing plan);
- ``<slug>-leder2``: ready to be conducted — last year's LUS held with answers and an agreed
  plan; this year booked (invited), the preparation shared with last year's plan evaluated,
  and the leader's leader's own preparation where both prepare (Norddjurs, Albertslund);
- ``<slug>-leder3`` (aged 55+): created, not yet invited (Norddjurs shows the senior hint);
- ``<slug>-chef``: created, with the director as the leader's leader.
Idempotent: existing conversations are left as they are.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from lus.accounts.models import User
from lus.frameworks.models import FrameworkVersion, Question
from lus.plans.models import FollowUp
from lus.plans.services import plan_create, plan_item_add
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope

from . import selectors, services
from .models import Conversation, Role

LAST_YEAR_ITEMS = [
    ("Styrke min sparring med mine teamledere", ["Faste 1:1-samtaler hver måned"]),
    ("Lære mere om økonomistyring", ["Kursus i budgetopfølgning", "Sparring med controller"]),
]


def _version(municipality: Municipality) -> FrameworkVersion | None:
    return (
        FrameworkVersion.objects.filter(status=FrameworkVersion.Status.PUBLISHED)
        .order_by("-published_at", "-number")
        .first()
    )


def _conversation(leader: User, year: int, version) -> Conversation:
    existing = Conversation.objects.filter(leader=leader, year=year).first()
    if existing is not None:
        return existing
    return services.conversation_create(
        leader=leader, conductor=leader.manager, year=year, version=version
    )


def _demo_answers(conversation: Conversation, role: str = Role.LEADER, *, variant: int = 0) -> None:
    """Fill every question of the role's preparation (and evaluate last year's plan) and
    share it. ``variant`` gives last year other values than this year."""
    preparation = services.preparation_for(conversation=conversation, role=role)
    if preparation.is_shared:
        return
    sections = selectors.preparation_structure(conversation, role)
    questions = [q for s in sections for q in s.questions if q.is_answerable]
    inputs = []
    for q in questions:
        a = services.AnswerInput(q)
        options = [o.pk for o in q.options.all()]
        if q.type == Question.Type.SCALE:
            a.scale_value = max(q.scale_min, (q.scale_min + q.scale_max + 1) // 2 - variant)
        elif q.type == Question.Type.CHOICE and options:
            a.option_id = options[variant % len(options)]
        elif q.type == Question.Type.KEYWORDS:
            a.keywords = options[variant : variant + q.pick] or options[: q.pick]
        elif role == Role.LEADER:
            a.text = "Det går godt; jeg vil gerne tale om prioritering og sparring."
        else:
            a.text = "Jeg oplever en engageret leder; lad os tale om næste skridt i teamet."
        inputs.append(a)
    evaluations = []
    previous = selectors.previous_plan(conversation) if role == Role.LEADER else None
    if previous:
        for i, item in enumerate(previous[1]):
            evaluations.append(
                services.EvaluationInput(
                    item.pk,
                    "Vi er godt i gang; jeg har brug for mere tid til det."
                    if i
                    else "Det lykkedes.",
                    "in_progress" if i else "done",
                )
            )
    existing = selectors.answers_of(preparation)
    services.preparation_save(
        preparation=preparation,
        base_revision=preparation.revision,
        answers=inputs,
        existing=existing,
        evaluations=evaluations,
    )
    services.preparation_share(preparation=preparation, questions=questions, answers=existing)


def _book(conversation: Conversation, *, days_ahead: int, hour: int) -> None:
    """Book the conversation (no e-mail in the demo) unless it is booked already."""
    if conversation.ics_uid or not conversation.is_open_for_preparation:
        return
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    version = conversation.version
    municipality = conversation.leader.municipality
    minutes_by = "" if version.minutes == "none" else Role.LEADERS_LEADER
    services.conversation_book(
        conversation=conversation,
        booking=services.Booking(
            scheduled_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))),
            duration_minutes=municipality.conversation_duration_minutes,
            location="Mødelokale 2, Rådhuset",
            minutes_by=minutes_by,
            message="Jeg glæder mig til vores samtale. Husk at dele din forberedelse.",
        ),
    )


def _last_year_agreed(leader: User, year: int, version, *, with_answers: bool) -> None:
    """Last year's LUS, held, with an agreed development plan (and, if asked, the leader's
    shared answers, so this year's answers can be compared with them)."""
    last = _conversation(leader, year - 1, version)
    if last.status == Conversation.Status.FILED or hasattr(last, "plan"):
        return
    held_on = timezone.make_aware(datetime.datetime(year - 1, 11, 20, 10, 0))
    if last.status == Conversation.Status.CREATED:
        services.conversation_invite(conversation=last)
        Conversation.objects.filter(pk=last.pk).update(scheduled_at=held_on)
    if with_answers:
        _demo_answers(last, variant=1)
    if last.is_before(Conversation.Status.HELD):
        services.conversation_hold(conversation=last)
    if last.status == Conversation.Status.HELD:
        services.conversation_agree_plan(conversation=last)
    plan = plan_create(conversation=last)
    for title, activities in LAST_YEAR_ITEMS:
        plan_item_add(plan=plan, title=title, year=year - 1, activities=activities)
    plan.approved_by_leader_at = plan.approved_by_conductor_at = held_on
    plan.agreed_at = held_on
    plan.save()
    if with_answers:
        # A follow-up date that has passed, so "Mine ledere" shows an overdue follow-up.
        FollowUp.objects.create(
            municipality=plan.municipality,
            plan=plan,
            date=timezone.localdate() - datetime.timedelta(days=21),
            title=f"Opfølgning: {LAST_YEAR_ITEMS[1][0]}",
        )


def demo_load_conversations(municipalities: list[Municipality]) -> None:
    year = timezone.localdate().year
    for municipality in municipalities:
        with tenant_scope(municipality):
            version = _version(municipality)
            if version is None:
                continue
            people = {
                u.username.removeprefix(f"{municipality.slug}-"): u
                for u in User.objects.filter(username__startswith=f"{municipality.slug}-")
            }
            # The leader who tries the preparation: invited, last year's plan to evaluate.
            leader = people["leder"]
            _last_year_agreed(leader, year, version, with_answers=False)
            current = _conversation(leader, year, version)
            _book(current, days_ahead=14, hour=10)
            # The LUS ready to be conducted: booked, prepared and shared by the leader (and by
            # the leader's leader where both prepare).
            ready_leader = people["leder2"]
            _last_year_agreed(ready_leader, year, version, with_answers=True)
            ready = _conversation(ready_leader, year, version)
            _book(ready, days_ahead=2, hour=13)
            if ready.is_before(Conversation.Status.HELD):
                _demo_answers(ready)
                if version.both_prepare:
                    _demo_answers(ready, Role.LEADERS_LEADER)
            _conversation(people["leder3"], year, version)
            if people["chef"].manager_id:
                _conversation(people["chef"], year, version)

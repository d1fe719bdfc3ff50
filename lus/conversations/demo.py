"""Demo conversations (called by ``lus.core.demo.demo_load`` after the frameworks are loaded).

Per municipality, this year:
- ``<slug>-leder``: invited, not yet prepared (try the preparation), with LAST year's agreed
  development plan to evaluate (Høje-Taastrup: the continuing plan);
- ``<slug>-leder2``: preparation shared (ready to be conducted);
- ``<slug>-leder3``: created;
- ``<slug>-chef``: created, with the director as the leader's leader.
Idempotent: existing conversations are left as they are.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from lus.accounts.models import User
from lus.frameworks.models import FrameworkVersion, Question
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


def _demo_answers(conversation: Conversation) -> None:
    """Fill every question of the leader's preparation and share it."""
    preparation = services.preparation_for(conversation=conversation, role=Role.LEADER)
    sections = selectors.preparation_structure(conversation, Role.LEADER)
    questions = [q for s in sections for q in s.questions if q.is_answerable]
    inputs = []
    for q in questions:
        a = services.AnswerInput(q)
        options = [o.pk for o in q.options.all()]
        if q.type == Question.Type.SCALE:
            a.scale_value = (q.scale_min + q.scale_max + 1) // 2
        elif q.type == Question.Type.CHOICE and options:
            a.option_id = options[0]
        elif q.type == Question.Type.KEYWORDS:
            a.keywords = options[: q.pick]
        else:
            a.text = "Det går godt; jeg vil gerne tale om prioritering og sparring."
        inputs.append(a)
    existing = selectors.answers_of(preparation)
    services.preparation_save(
        preparation=preparation,
        base_revision=preparation.revision,
        answers=inputs,
        existing=existing,
    )
    services.preparation_share(preparation=preparation, questions=questions, answers=existing)


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
            # Last year's LUS with an agreed plan, for the leader who tries the preparation.
            leader = people["leder"]
            last = _conversation(leader, year - 1, version)
            if last.status != Conversation.Status.FILED and not hasattr(last, "plan"):
                services.conversation_invite(conversation=last)
                services.conversation_hold(conversation=last)
                services.conversation_agree_plan(conversation=last)
                plan = plan_create(conversation=last)
                for title, activities in LAST_YEAR_ITEMS:
                    plan_item_add(plan=plan, title=title, year=year - 1, activities=activities)
                agreed = timezone.make_aware(datetime.datetime(year - 1, 11, 20, 10, 0))
                plan.approved_by_leader_at = plan.approved_by_conductor_at = agreed
                plan.agreed_at = agreed
                plan.save()
            current = _conversation(leader, year, version)
            if current.status == Conversation.Status.CREATED:
                services.conversation_invite(conversation=current)
            ready = _conversation(people["leder2"], year, version)
            if ready.is_before(Conversation.Status.SHARED):
                _demo_answers(ready)
            _conversation(people["leder3"], year, version)
            if people["chef"].manager_id:
                _conversation(people["chef"], year, version)

"""Demo conversations (called by ``lus.orchestration.demo.demo_load`` after the frameworks are
loaded; ``lus.orchestration.demo.plans`` then adds the development plans of the earlier years
and their evaluations).

Per municipality, this year:
- ``<slug>-leder``: booked and invited, not yet prepared (try the preparation); last year's
  LUS held (plans agrees its plan, to evaluate now);
- ``<slug>-leder2``: ready to be conducted — three earlier years held with answers; this year
  booked (invited), the preparation shared, and the leader's leader's own preparation where
  both prepare (Norddjurs, Albertslund);
- ``<slug>-leder3`` (aged 55+): created, not yet invited (Norddjurs shows the senior hint);
- ``<slug>-chef``: created, with the director as the leader's leader.
Idempotent: existing conversations are left as they are.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from lus.accounts.models import User
from lus.conversations import selectors, services
from lus.conversations.models import Conversation, Role
from lus.frameworks.models import FrameworkVersion, Question
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope


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
        leader=leader, leaders_leader=leader.manager, year=year, version=version
    )


def _demo_answers(conversation: Conversation, role: str = Role.LEADER, *, variant: int = 0) -> None:
    """Fill every question of the role's preparation and share it. ``variant`` gives last
    year other values than this year."""
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
    existing = selectors.answers_of(preparation)
    services.preparation_save(
        preparation=preparation,
        base_revision=preparation.revision,
        answers=inputs,
        existing=existing,
    )
    services.preparation_share(preparation=preparation, questions=questions, answers=existing)


def _book(conversation: Conversation, *, days_ahead: int, hour: int) -> None:
    """Book the conversation (no e-mail in the demo) unless it is booked already."""
    if conversation.ics_uid or not conversation.is_open_for_preparation:
        return
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    version = conversation.version
    municipality = conversation.leader.municipality
    minutes_by = "" if version.minutes == FrameworkVersion.Minutes.NONE else Role.LEADERS_LEADER
    services.conversation_book(
        conversation=conversation,
        booking=services.Booking(
            scheduled_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))),
            duration_minutes=municipality.conversation_duration_minutes,
            location="Mødelokale 2, Rådhuset",
            minutes_by=minutes_by,
            message="Jeg glæder mig til vores samtale. Husk at dele din forberedelse.",
        ),
        user=conversation.leaders_leader,
    )


def _earlier_held(
    leader: User, year: int, version, *, with_answers: bool, variant: int = 1
) -> None:
    """The LUS of ``year``, held (and, if asked, with the leader's shared answers, so later
    answers can be compared with them). ``lus.orchestration.demo.plans`` agrees its plan."""
    earlier = _conversation(leader, year, version)
    if not earlier.is_before(Conversation.Status.HELD):
        return
    held_on = timezone.make_aware(datetime.datetime(year, 11, 20, 10, 0))
    if earlier.status == Conversation.Status.CREATED:
        services.conversation_invite(conversation=earlier)
        Conversation.objects.filter(pk=earlier.pk).update(scheduled_at=held_on)
    if with_answers:
        _demo_answers(earlier, variant=variant)
    services.conversation_hold(conversation=earlier)


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
            # The leader who tries the preparation: invited, last year's LUS held.
            leader = people["leder"]
            _earlier_held(leader, year - 1, version, with_answers=False)
            current = _conversation(leader, year, version)
            _book(current, days_ahead=14, hour=10)
            # The LUS ready to be conducted: booked, prepared and shared by the leader (and by
            # the leader's leader where both prepare).
            ready_leader = people["leder2"]
            # Three earlier years, so "Min udvikling" has a history to show.
            for back, variant in ((3, 2), (2, 2), (1, 1)):
                _earlier_held(
                    ready_leader, year - back, version, with_answers=True, variant=variant
                )
            ready = _conversation(ready_leader, year, version)
            _book(ready, days_ahead=2, hour=13)
            if ready.is_before(Conversation.Status.HELD):
                _demo_answers(ready)
                if version.both_prepare:
                    _demo_answers(ready, Role.LEADERS_LEADER)
            _conversation(people["leder3"], year, version)
            if people["chef"].manager_id:
                _conversation(people["chef"], year, version)

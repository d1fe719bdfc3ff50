"""Demo rounds (called by ``lus.orchestration.demo.demo_load`` after the demo conversations).

Per municipality: this year's LUS round (deadline 15 December, or four weeks ahead when that
has passed), started — so HR has a status overview to watch. Where the framework has scale
questions (Haderslev, Norddjurs), two extra units of six leaders each have shared their
preparations last year and this year, so the anonymous statistics have groups of at least five
to show (last year's round, past its deadline, publishes them). Idempotent: people are
updated, existing rounds and conversations are left alone.
"""

from __future__ import annotations

import datetime
import hashlib

from django.utils import timezone

from lus.accounts.models import OrgUnit, User
from lus.conversations import selectors as conversation_selectors
from lus.conversations import services as conversation_services
from lus.conversations.models import Conversation, Role
from lus.frameworks.models import Question
from lus.rounds.models import LusRound
from lus.rounds.services import newest_published_version, round_start
from lus.rounds.statistics import round_members_freeze
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope

from .conversations import _conversation  # get or create, as the other demo LUS

S = Conversation.Status

#: Unit -> (leader's leader, [leaders]) for the statistics demo.
STATISTICS_UNITS = {
    "Ældre og Sundhed": (
        ("Bodil Krogh", "Ældrechef"),
        ["Lise Mark", "Jonas Frost", "Emma Dyhr", "Karl Vinther", "Sofie Holt", "Niels Bundgaard"],
    ),
    "Teknik og Drift": (
        ("Frank Hald", "Driftschef"),
        ["Ida Brix", "Morten Lind", "Hanne Juul", "Erik Storm", "Tove Rask", "Ali Demir"],
    ),
}
DEMO_TEXT = "Demo-svar: det går godt, og jeg vil gerne tale om prioritering."


def _deadline(today: datetime.date) -> datetime.date:
    deadline = datetime.date(today.year, 12, 15)
    return deadline if deadline >= today else today + datetime.timedelta(days=28)


def demo_load_rounds(municipalities: list[Municipality]) -> None:
    today = timezone.localdate()
    for municipality in municipalities:
        with tenant_scope(municipality):
            version = newest_published_version()
            if version is None:
                continue
            if _has_leader_scale_questions(version):
                _statistics_people(municipality, today, version)
                _last_years_round(municipality, today)
            lus_round = LusRound.objects.filter(year=today.year).first()
            if lus_round is None:
                lus_round = LusRound.objects.create(
                    municipality=municipality, year=today.year, deadline=_deadline(today)
                )
            round_start(lus_round=lus_round)


def _last_years_round(municipality: Municipality, today: datetime.date) -> None:
    """Last year's round of the statistics units, long past its deadline: its anonymous
    statistics are published (this year's are shown after this year's deadline)."""
    year = today.year - 1
    lus_round, created = LusRound.objects.get_or_create(
        year=year,
        defaults={
            "municipality": municipality,
            "deadline": datetime.date(year, 12, 15),
            "started_at": timezone.make_aware(datetime.datetime(year, 9, 1, 9, 0)),
        },
    )
    if created:
        lus_round.org_units.add(*OrgUnit.objects.filter(name__in=list(STATISTICS_UNITS)))
    round_members_freeze(lus_round=lus_round)


def _has_leader_scale_questions(version) -> bool:
    return Question.objects.filter(
        section__version=version,
        type=Question.Type.SCALE,
        customisation__isnull=True,
        answered_by__in=[Question.AnsweredBy.LEADER, Question.AnsweredBy.BOTH],
    ).exists()


def _statistics_people(municipality: Municipality, today: datetime.date, version) -> None:
    director = User.objects.filter(username=f"{municipality.slug}-direktoer").first()
    for u, (unit_name, ((chef_name, chef_title), leaders)) in enumerate(STATISTICS_UNITS.items()):
        unit, _ = OrgUnit.objects.get_or_create(municipality=municipality, name=unit_name)
        chef = _person(municipality, f"{municipality.slug}-chef{u + 2}", chef_name, chef_title)
        chef.org_unit, chef.manager = unit, director
        chef.save(update_fields=["org_unit", "manager"])
        for i, name in enumerate(leaders):
            leader = _person(municipality, f"{municipality.slug}-stat{u + 1}{i + 1}", name, "Leder")
            leader.org_unit, leader.manager = unit, chef
            leader.save(update_fields=["org_unit", "manager"])
            # Last year: held with a shared preparation. This year: shared, except the last.
            last = _conversation(leader, today.year - 1, version)
            if last.is_before(S.SHARED):
                _answer_and_share(last)
            if last.status == S.SHARED:
                conversation_services.conversation_hold(conversation=last)
            current = _conversation(leader, today.year, version)
            if i < len(leaders) - 1 and current.is_before(S.SHARED):
                if current.status == S.CREATED:
                    conversation_services.conversation_invite(conversation=current)
                _answer_and_share(current)


def _person(municipality, username: str, name: str, title: str) -> User:
    person, created = User.objects.update_or_create(
        username=username,
        defaults={
            "municipality": municipality,
            "name": name,
            "email": f"{username}@demo.lus.invalid",
            "job_title": title,
            "is_active": True,
        },
    )
    if created:  # statistics extras: no demo login
        person.set_unusable_password()
        person.save(update_fields=["password"])
    return person


def _value(q: Question, conversation: Conversation) -> int:
    """A stable pseudo-random scale value, a little higher this year than last year."""
    key = f"{conversation.leader.username}/{q.key}/{conversation.year}"
    digest = hashlib.sha256(key.encode()).digest()
    bonus = 1 if conversation.year >= timezone.localdate().year else 0
    value = q.scale_min + (q.scale_max - q.scale_min) // 2 + digest[0] % 3 - 1 + bonus
    return max(q.scale_min, min(q.scale_max, value))


def _answer_and_share(conversation: Conversation) -> None:
    preparation = conversation_services.preparation_for(conversation=conversation, role=Role.LEADER)
    sections = conversation_selectors.preparation_structure(conversation, Role.LEADER)
    questions = [q for s in sections for q in s.questions if q.is_answerable]
    inputs = []
    for q in questions:
        a = conversation_services.AnswerInput(q)
        options = [o.pk for o in q.options.all()]
        if q.type == Question.Type.SCALE:
            a.scale_value = _value(q, conversation)
        elif q.type == Question.Type.CHOICE and options:
            a.option_id = options[0]
        elif q.type == Question.Type.KEYWORDS:
            a.keywords = options[: q.pick]
        else:
            a.text = DEMO_TEXT
        inputs.append(a)
    existing = conversation_selectors.answers_of(preparation)
    conversation_services.preparation_save(
        preparation=preparation,
        base_revision=preparation.revision,
        answers=inputs,
        existing=existing,
    )
    conversation_services.preparation_share(
        preparation=preparation, questions=questions, answers=existing
    )

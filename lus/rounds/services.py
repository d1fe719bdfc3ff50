"""Side effects of LUS rounds: starting a round (idempotent) and sending reminders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.accounts.models import OrgUnit, User
from lus.conversations.models import Conversation
from lus.conversations.services import conversation_create
from lus.frameworks.models import FrameworkVersion, TeamCustomisation

from .models import LusRound
from .selectors import round_people
from .statistics import round_members_freeze


@dataclass
class RoundStartResult:
    round: LusRound
    created: list[Conversation] = field(default_factory=list)
    existing: list[Conversation] = field(default_factory=list)
    #: In the round's units but nobody to hold their LUS: no (active) leader's leader.
    without_manager: list[User] = field(default_factory=list)
    #: Already had a LUS this year, held by someone other than their current leader's leader.
    other_leaders_leader: list[Conversation] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "LUS round %(year)s: %(created)d conversations created, %(existing)d already "
            "existed, %(without)d people without a leader's leader."
        ) % {
            "year": self.round.year,
            "created": len(self.created),
            "existing": len(self.existing),
            "without": len(self.without_manager),
        }


def newest_published_version() -> FrameworkVersion | None:
    return (
        FrameworkVersion.objects.filter(status=FrameworkVersion.Status.PUBLISHED)
        .order_by("-published_at", "-number", "-pk")
        .first()
    )


@transaction.atomic
def round_create(
    *,
    municipality,
    year: int,
    deadline,
    org_units: Sequence[OrgUnit] = (),
    version: FrameworkVersion | None = None,
    invite_reminder_days: int | None = None,
) -> LusRound:
    """The municipality's round for the year; an existing one gets the new deadline (and
    additional units) instead of a duplicate."""
    lus_round = LusRound.objects.filter(year=year).first()
    if lus_round is None:
        lus_round = LusRound(municipality=municipality, year=year)
    lus_round.deadline = deadline
    if version is not None:
        lus_round.version = version
    if invite_reminder_days is not None:
        lus_round.invite_reminder_days = invite_reminder_days
    lus_round.full_clean()
    lus_round.save()
    if org_units:
        if any(u.municipality_id != municipality.pk for u in org_units):
            raise ValidationError({"org_units": _("The unit belongs to another municipality.")})
        lus_round.org_units.add(*org_units)
    return lus_round


@transaction.atomic
def round_start(
    *, lus_round: LusRound, actor: User | None = None, leader_ids=None
) -> RoundStartResult:
    """Create one conversation per leader in the round's units, held by their current leader's
    leader and pinned to the round's published framework version (the organisation theme
    follows the conversation's year). Idempotent: leaders who already have this year's LUS are
    left as they are, so running it again only adds leaders added later. People without an
    active leader's leader are reported, not silently skipped. ``leader_ids`` limits it to
    chosen people (who must be in the round's units)."""
    version = lus_round.version or newest_published_version()
    if version is None or not version.is_published:
        raise ValidationError(
            {"version": _("The municipality has no published question framework to use.")}
        )
    if lus_round.version_id is None:
        lus_round.version = version
    result = RoundStartResult(round=lus_round)
    people_qs = round_people(lus_round).select_related("manager")
    if leader_ids is not None:  # HR's "create LUS" for chosen people of the round
        people_qs = people_qs.filter(pk__in=list(leader_ids))
    people = list(people_qs)
    existing = {
        c.leader_id: c
        for c in Conversation.objects.filter(
            year=lus_round.year, leader_id__in=[p.pk for p in people]
        ).only("pk", "leader_id", "leaders_leader_id", "status", "year")
    }
    customisations = {
        c.owner_id: c for c in TeamCustomisation.objects.filter(version=version).only("pk", "owner")
    }
    for person in people:
        conversation = existing.get(person.pk)
        if conversation is not None:
            result.existing.append(conversation)
            if person.manager_id and conversation.leaders_leader_id != person.manager_id:
                result.other_leaders_leader.append(conversation)
            continue
        manager = person.manager
        if manager is None or not manager.is_active:
            result.without_manager.append(person)
            continue
        result.created.append(
            conversation_create(
                leader=person,
                leaders_leader=manager,
                year=lus_round.year,
                version=version,
                customisation=customisations.get(manager.pk),
            )
        )
    # The anonymous statistics group each leader by their unit as of now (``RoundMember``).
    round_members_freeze(
        lus_round=lus_round,
        leader_ids=[c.leader_id for c in (*result.created, *result.existing)],
    )
    lus_round.started_at = lus_round.started_at or timezone.now()
    if actor is not None and lus_round.started_by_id is None:
        lus_round.started_by = actor
    lus_round.save(update_fields=["version", "started_at", "started_by"])
    return result

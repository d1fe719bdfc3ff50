"""Who sees a preparation input: the leader, and — like the preparation itself — the leader's
leader holding one of the leader's conversations of the input's years, once the leader has shared
that preparation. HR imports but never reads; everyone else gets 404."""

from __future__ import annotations

import rules

from lus.accounts.rules import is_hr

from .models import YEARS_SHOWN


@rules.predicate
def is_input_leader(user, item) -> bool:
    return bool(user.is_authenticated and item is not None and item.leader_id == user.pk)


@rules.predicate
def is_input_leaders_leader(user, item) -> bool:
    if not (user.is_authenticated and item is not None):
        return False
    from lus.conversations.models import Conversation

    return Conversation.objects.filter(
        leader_id=item.leader_id,
        leaders_leader_id=user.pk,
        shared_at__isnull=False,
        year__gte=item.year,
        year__lt=item.year + YEARS_SHOWN,
    ).exists()


@rules.predicate
def is_upload(user, item) -> bool:
    return bool(item is not None and item.source == "upload")


rules.add_perm("inputs.view_input", is_input_leader | is_input_leaders_leader)
rules.add_perm("inputs.delete_input", is_input_leader & is_upload)
rules.add_perm("inputs.import_inputs", is_hr)

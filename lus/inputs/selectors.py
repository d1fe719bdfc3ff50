"""Reads for preparation inputs. Never used by an HR page."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import YEARS_SHOWN, InputImport, InputScore, PreparationInput


def _with_scores(qs: QuerySet) -> QuerySet:
    return qs.defer("pdf").prefetch_related(
        Prefetch("scores", queryset=InputScore.objects.order_by("order", "pk"))
    )


def inputs_of_leader(leader) -> QuerySet[PreparationInput]:
    return _with_scores(PreparationInput.objects.filter(leader=leader))


def inputs_for_conversation(conversation) -> list[PreparationInput]:
    """The inputs a conversation is prepared from: the leader's results of its year and the
    two years before (a three-yearly leadership evaluation stays in view until the next)."""
    return list(
        _with_scores(
            PreparationInput.objects.filter(
                leader_id=conversation.leader_id,
                year__lte=conversation.year,
                year__gt=conversation.year - YEARS_SHOWN,
            )
        )
    )


def imports_for_hr() -> QuerySet[InputImport]:
    """HR's list of its imports: counts and dates only."""
    return InputImport.objects.only(
        "kind", "year", "title", "imported_by_name", "imported_at", "leaders", "scores"
    )[:50]

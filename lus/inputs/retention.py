"""Retention: a person's preparation inputs go with their other LUS content (the handler is
listed in ``lus.orchestration.retention.HANDLERS``)."""

from __future__ import annotations

from typing import Any

from .models import PreparationInput


def delete_preparation_inputs(person: Any, *, apply: bool) -> int:
    qs = PreparationInput.objects.filter(leader=person)
    count = qs.count()
    if apply and count:
        qs.delete()
    return count

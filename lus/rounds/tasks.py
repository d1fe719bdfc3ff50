"""The rounds app's background tasks (run by the task worker)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_reminders_now_task(
    *, round_id: int, conversation_ids: list[int], actor_id: int, key: str
) -> dict:
    """HR's "remind now" for chosen conversations of a round (``lus.rounds.reminders``)."""
    from .reminders import reminders_now_run  # the reminders module enqueues this task

    return dict(
        reminders_now_run(
            round_id=round_id, conversation_ids=conversation_ids, actor_id=actor_id, key=key
        )
    )

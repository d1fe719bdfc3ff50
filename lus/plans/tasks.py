"""The plans app's background tasks (run by the periodic scheduler,
``lus.orchestration.schedule``)."""

from __future__ import annotations

from django_tasks import task


@task()
def plan_events_prune_task() -> int:
    """Delete the co-editing event log older than two days (the streams only need the last
    minutes; a browser that was away longer reloads the whole plan). Returns the rows deleted."""
    from lus.tenants.scoping import unscoped

    from .services import plan_events_prune

    with unscoped("plan events prune: every municipality"):
        return plan_events_prune()

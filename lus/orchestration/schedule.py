"""A small periodic scheduler on PostgreSQL: no cron lines, safe with several app servers.

Every app server may run ``manage.py run_scheduler`` (next to the task worker ``manage.py
db_worker``). Once a minute each scheduler looks at the jobs below; a job is due once a day
from its hour (local time). Enqueueing goes through a ``ScheduledRun`` row, unique per job and
day: the first scheduler to insert it enqueues the task, every other one gets an
IntegrityError and skips — so a day's job is enqueued exactly once, however many servers run.
The jobs themselves are idempotent too (a reminder is recorded before it is sent).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from lus.core.models import ScheduledRun
from lus.plans.tasks import plan_events_prune_task

from .tasks import (
    apply_retention_task,
    rebuild_status_counts_task,
    send_reminders_task,
    sso_refresh_metadata_task,
)

logger = logging.getLogger("lus.schedule")


@dataclass(frozen=True)
class Job:
    name: str
    task: object
    hour: int  # local time from which the day's run is due


JOBS = [
    Job("apply_retention", apply_retention_task, 2),
    Job("sso_refresh_metadata", sso_refresh_metadata_task, 3),
    Job("plan_events_prune", plan_events_prune_task, 4),
    Job("rebuild_status_counts", rebuild_status_counts_task, 4),
    Job("send_reminders", send_reminders_task, 7),
]


def schedule_due_jobs(*, now: datetime.datetime | None = None, jobs=JOBS) -> list[str]:
    """Enqueue every job due now that no scheduler has enqueued for this period yet. Returns
    the names enqueued by this call."""
    now = timezone.localtime(now or timezone.now())
    period = now.date().isoformat()
    enqueued = []
    for job in jobs:
        if now.hour < job.hour:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, period=period)
                result = job.task.enqueue()
                run.task_id = str(getattr(result, "id", ""))[:64]
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler (another app server) got there first
        logger.info("Enqueued %s for %s", job.name, period)
        enqueued.append(job.name)
    return enqueued

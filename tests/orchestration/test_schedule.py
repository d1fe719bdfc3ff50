"""The periodic scheduler: a due job is enqueued once per day, however many schedulers (app
servers) look; nothing before its hour; the tasks run the existing jobs."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from lus.core.models import ScheduledRun
from lus.orchestration import schedule

pytestmark = pytest.mark.django_db


def _at(hour: int, day: int = 7) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 12, day, hour, 5))


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    jobs = [
        schedule.Job(
            job.name, mock.Mock(enqueue=lambda name=job.name: calls.append(name)), job.hour
        )
        for job in schedule.JOBS
    ]
    monkeypatch.setattr(schedule, "JOBS", jobs)
    return calls


def test_each_job_once_a_day_from_its_hour(enqueued):
    assert schedule.schedule_due_jobs(now=_at(1), jobs=schedule.JOBS) == []
    assert schedule.schedule_due_jobs(now=_at(2), jobs=schedule.JOBS) == ["apply_retention"]
    assert set(schedule.schedule_due_jobs(now=_at(8), jobs=schedule.JOBS)) == {
        "sso_refresh_metadata",
        "plan_events_prune",
        "rebuild_status_counts",
        "send_reminders",
    }
    # A second scheduler (another app server) the same day enqueues nothing.
    assert schedule.schedule_due_jobs(now=_at(9), jobs=schedule.JOBS) == []
    assert sorted(enqueued) == [
        "apply_retention",
        "plan_events_prune",
        "rebuild_status_counts",
        "send_reminders",
        "sso_refresh_metadata",
    ]
    # The next day everything is due again.
    assert len(schedule.schedule_due_jobs(now=_at(8, day=8), jobs=schedule.JOBS)) == 5
    assert ScheduledRun.objects.count() == 10


def test_the_reminder_task_sends_the_days_reminders():
    from lus.orchestration.tasks import send_reminders_task

    with mock.patch("lus.rounds.reminders.send_reminders", return_value={"x": 1}) as sent:
        result = send_reminders_task.enqueue()
    assert sent.called and result.return_value == {"x": 1}


def test_the_plan_events_prune_task_deletes_old_events_of_every_municipality():
    """The co-editing event log is pruned daily (a job of the scheduler)."""
    from lus.plans.models import PlanEvent
    from lus.plans.tasks import plan_events_prune_task
    from lus.tenants.scoping import tenant_scope, unscoped
    from tests.plans.factories import held_conversation

    job = next(j for j in schedule.JOBS if j.name == "plan_events_prune")
    assert job.task is plan_events_prune_task
    plans = []
    for layout in ("items", "actions"):  # two municipalities
        c = held_conversation(layout)
        with tenant_scope(c.municipality):
            from lus.plans.services import plan_event_add, plan_get_or_create

            plan = plan_get_or_create(conversation=c)
            for _ in range(2):
                plan_event_add(plan=plan, kind=PlanEvent.Kind.PANEL)
            plans.append(plan)
    with unscoped("test"):
        recent = PlanEvent.objects.filter(plan_id=plans[0].pk).first()
        PlanEvent.objects.filter(plan_id__in=[p.pk for p in plans]).exclude(pk=recent.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=3)
        )
    result = plan_events_prune_task.enqueue()
    assert result.return_value == 3
    with unscoped("test"):
        assert list(PlanEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_run_scheduler_once_runs_the_real_tasks(capsys):
    call_command("run_scheduler", "--once")
    assert ScheduledRun.objects.exists() or timezone.localtime().hour < 2


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_enqueue_each_job_once(enqueued):
    """Two app servers look at the same second: PostgreSQL's unique row decides, not luck."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("several app servers share PostgreSQL")
    barrier = threading.Barrier(4)
    results = []

    def scheduler():
        try:
            barrier.wait()
            results.extend(schedule.schedule_due_jobs(now=_at(8), jobs=schedule.JOBS))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (
        sorted(results)
        == sorted(enqueued)
        == [
            "apply_retention",
            "plan_events_prune",
            "rebuild_status_counts",
            "send_reminders",
            "sso_refresh_metadata",
        ]
    )

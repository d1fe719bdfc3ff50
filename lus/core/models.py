"""Bookkeeping of the periodic scheduler (``lus.orchestration.schedule``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One row per periodic job and period (e.g. "send_reminders", "2026-12-07"). The unique
    constraint is what makes several app servers safe: whichever scheduler inserts the row
    first enqueues the job; the others get an IntegrityError and leave it."""

    job = models.CharField(_("job"), max_length=60)
    period = models.CharField(_("period"), max_length=30)
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="scheduled_run_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"

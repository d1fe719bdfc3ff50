"""Background tasks (Django's tasks framework, backport ``django-tasks``; the database backend
``django-tasks-db`` in production, so a task survives a restart and any app server's worker
may run it). ``lus.orchestration.schedule`` enqueues the periodic ones."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django_tasks import task


@task()
def send_reminders_task() -> dict:
    """The day's reminder mails (idempotent: a reminder is never sent twice)."""
    from lus.rounds.reminders import send_reminders

    return dict(send_reminders())


@task()
def apply_retention_task() -> str:
    """Delete content past the municipality's retention period (as ``apply_retention --apply``)."""
    out = StringIO()
    call_command("apply_retention", "--apply", stdout=out)
    return out.getvalue()[-2000:]


@task()
def sso_refresh_metadata_task() -> str:
    """Fetch every SAML identity provider's metadata again; one failing provider is reported
    in the result and does not stop the others."""
    out = StringIO()
    try:
        call_command("sso_refresh_metadata", stdout=out, stderr=out)
    except SystemExit:
        out.write("\nSome providers failed.")
    return out.getvalue()[-2000:]


@task()
def rebuild_status_counts_task() -> int:
    """Count HR's status overview again from the conversations (heals changes made outside the
    services, e.g. in the admin, and deletions by the retention job an hour earlier)."""
    from lus.rounds.counts import status_counts_rebuild_all

    return status_counts_rebuild_all()

"""Background work of people accounts (Django's tasks framework; the periodic jobs are in
``lus.orchestration.tasks``)."""

from __future__ import annotations

from django_tasks import task


@task()
def people_import_check_task(*, job_id: int) -> None:
    """The check (dry run) of a long people file, with progress HR's page polls."""
    from lus.accounts.services import people_import_job_run

    people_import_job_run(job_id=job_id)


@task()
def people_import_apply_task(*, job_id: int) -> None:
    """Writing a long, checked people file, with progress HR's page polls."""
    from lus.accounts.services import people_import_job_apply_run

    people_import_job_apply_run(job_id=job_id)

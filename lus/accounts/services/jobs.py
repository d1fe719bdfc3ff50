"""Long people files, checked and applied by a task worker while HR's page polls the
progress: the stored job, its check, the claim to apply it and the apply."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lus.accounts.models import User
from lus.tenants.models import Municipality
from lus.tenants.scoping import tenant_scope, unscoped

from .importing import people_import
from .results import PeopleImportError
from .summary import (
    people_import_errors_summary,
    people_import_rows_estimate,
    people_import_summary,
)

#: How long an unapplied check (with the file's text) is kept.
JOB_KEPT = datetime.timedelta(days=1)


def people_import_job_create(
    *,
    municipality: Municipality,
    actor: User,
    text: str,
    deactivate_missing: bool,
    language: str = "da",
):
    """Store a long file's check and hand it to a task worker. The actor's earlier checks
    and the municipality's checks older than ``JOB_KEPT`` go: a file's people data waits for
    one apply, not for ever."""
    from django.db.models import Q

    from lus.accounts.models import PeopleImportJob
    from lus.accounts.tasks import people_import_check_task

    with tenant_scope(municipality):
        PeopleImportJob.objects.filter(
            Q(created_by=actor) | Q(created_at__lt=timezone.now() - JOB_KEPT)
        ).delete()
        job = PeopleImportJob(
            municipality=municipality,
            created_by=actor,
            text=text,
            deactivate_missing=deactivate_missing,
            language=language,
            rows_total=people_import_rows_estimate(text),
        )
        job.full_clean()
        job.save()
    # After the commit, so a worker on another server finds the row.
    transaction.on_commit(lambda: people_import_check_task.enqueue(job_id=job.pk))
    return job


def people_import_job_run(*, job_id: int) -> None:
    """Run a stored check (in a task worker), writing its progress and bounded result."""
    from django.utils import translation

    from lus.accounts.models import PeopleImportJob

    with unscoped("people import check: the task worker loads its job"):
        job = (
            PeopleImportJob.objects.select_related("municipality", "created_by")
            .filter(pk=job_id)
            .first()
        )
    if job is None or job.status not in (
        PeopleImportJob.Status.QUEUED,
        PeopleImportJob.Status.RUNNING,
    ):
        return  # replaced by a newer check, or already done
    jobs = PeopleImportJob._base_manager.filter(pk=job.pk)
    jobs.update(status=PeopleImportJob.Status.RUNNING)

    def progress(rows: int) -> None:
        jobs.update(rows_checked=min(rows, job.rows_total))

    with translation.override(job.language), tenant_scope(job.municipality):
        try:
            result = people_import(
                municipality=job.municipality,
                data=job.text,
                dry_run=True,
                deactivate_missing=job.deactivate_missing,
                actor=job.created_by,
                progress=progress,
            )
        except PeopleImportError as exc:
            jobs.update(
                status=PeopleImportJob.Status.FAILED,
                rows_checked=job.rows_total,
                result=people_import_errors_summary(errors=exc.errors),
            )
        except Exception:
            jobs.update(
                status=PeopleImportJob.Status.FAILED,
                result={
                    "errors": [[0, "-", _("The check failed. Upload the file again.")]],
                    "error_count": 1,
                },
            )
            raise
        else:
            jobs.update(
                status=PeopleImportJob.Status.DONE,
                rows_checked=job.rows_total,
                result=people_import_summary(result=result),
            )


def people_import_job_apply(*, job, actor: User, language: str = "da") -> bool:
    """Hand a checked long file to a task worker to write (the page shows the progress).
    False when the check is not waiting to be applied (not done, failed, or already being
    applied: a second click on "Apply" writes nothing twice)."""
    from lus.accounts.models import PeopleImportJob
    from lus.accounts.tasks import people_import_apply_task

    claimed = PeopleImportJob._base_manager.filter(
        pk=job.pk, municipality_id=job.municipality_id, status=PeopleImportJob.Status.DONE
    ).update(
        status=PeopleImportJob.Status.APPLYING, applied_by=actor, language=language, rows_applied=0
    )
    if not claimed:
        return False
    transaction.on_commit(lambda: people_import_apply_task.enqueue(job_id=job.pk))
    return True


class _ProgressWriter:
    """Progress of an apply, written where the polling page sees it while the import's own
    transaction is still open: on PostgreSQL through a second connection (autocommit, a short
    lock timeout; progress is best effort and never stops the import). SQLite has one writer
    at a time, so there the page sees the progress when the import is done."""

    def __init__(self, job_pk: int):
        from django.db import DEFAULT_DB_ALIAS, connections

        from lus.accounts.models import PeopleImportJob

        self.job_pk = job_pk
        self.table = PeopleImportJob._meta.db_table
        main = connections[DEFAULT_DB_ALIAS]
        self.side = None
        if main.vendor == "postgresql":
            self.side = main.__class__(dict(main.settings_dict), alias=DEFAULT_DB_ALIAS)

    def __call__(self, rows: int) -> None:
        from django.db import DatabaseError

        if self.side is None:
            return
        try:
            with self.side.cursor() as cursor:
                cursor.execute("SET lock_timeout = '1s'")
                cursor.execute(
                    f"UPDATE {self.table} SET rows_applied = %s WHERE id = %s",  # noqa: S608
                    [rows, self.job_pk],
                )
        except DatabaseError:
            pass

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def people_import_job_apply_run(*, job_id: int) -> None:
    """Apply a checked file (in a task worker): the file is checked again against the
    municipality as it is now (and the separation of duties for whoever pressed "Apply"),
    then written in batches in one transaction, all or nothing. The file's text goes once
    it is applied; the counts stay for the page."""
    from django.utils import translation

    from lus.accounts.models import PeopleImportJob

    with unscoped("people import apply: the task worker loads its job"):
        job = (
            PeopleImportJob.objects.select_related("municipality", "applied_by")
            .filter(pk=job_id)
            .first()
        )
    if job is None or job.status != PeopleImportJob.Status.APPLYING:
        return  # replaced by a newer check, or already applied
    jobs = PeopleImportJob._base_manager.filter(pk=job.pk)
    progress = _ProgressWriter(job.pk)
    with translation.override(job.language), tenant_scope(job.municipality):
        try:
            result = people_import(
                municipality=job.municipality,
                data=job.text,
                deactivate_missing=job.deactivate_missing,
                actor=job.applied_by,
                write_progress=progress,
            )
        except PeopleImportError as exc:
            # The municipality changed since the check: the file no longer fits.
            jobs.update(
                status=PeopleImportJob.Status.FAILED,
                result=people_import_errors_summary(errors=exc.errors),
            )
        except Exception:
            jobs.update(
                status=PeopleImportJob.Status.FAILED,
                result={
                    "errors": [[0, "-", _("The import failed; nothing was written. Try again.")]],
                    "error_count": 1,
                },
            )
            raise
        else:
            jobs.update(
                status=PeopleImportJob.Status.APPLIED,
                text="",
                rows_applied=job.rows_total,
                result={
                    "applied": {
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                        "deactivated": result.deactivated,
                    }
                },
            )
        finally:
            progress.close()

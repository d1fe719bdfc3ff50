"""Side effects on people: the import of people and their hierarchy from CSV, by step:

- :mod:`.parse`: the file's text and one row per person, with the errors a row shows alone;
- :mod:`.check`: the rows against the municipality as it is (duplicates, unknown leaders,
  usernames, separation of duties, cycles, leavers) and the diff the import would make;
- :mod:`.apply`: writing a checked file in batches, in one transaction, audited;
- :mod:`.importing`: ``people_import``, the three in one call (or a dry run);
- :mod:`.summary`: a checked file's bounded summary for the page;
- :mod:`.jobs`: long files checked and applied by a task worker;
- :mod:`.results`: what an import answers (row errors, diff, counts).

Import from ``lus.accounts.services``: every public name is here. A test that replaces a
setting of a step (``WRITE_BATCH``) patches it in the step's module.
"""

from .apply import WRITE_BATCH, WRITTEN_FIELDS
from .check import USERNAME_MAX, USERNAME_UNAVAILABLE_IMPORT
from .importing import people_import
from .jobs import (
    JOB_KEPT,
    _ProgressWriter,
    people_import_job_apply,
    people_import_job_apply_run,
    people_import_job_create,
    people_import_job_run,
)
from .parse import (
    CSV_COLUMNS,
    EMAIL_MAX,
    FALSE_VALUES,
    MAX_ROWS,
    PROGRESS_EVERY,
    REQUIRED_COLUMNS,
    TRUE_VALUES,
    csv_decode,
)
from .results import ImportResult, PeopleDiff, PeopleImportError, RowError
from .summary import (
    SUMMARY_SHOWN,
    people_import_errors_summary,
    people_import_rows_estimate,
    people_import_summary,
)

__all__ = [
    "CSV_COLUMNS",
    "EMAIL_MAX",
    "FALSE_VALUES",
    "JOB_KEPT",
    "MAX_ROWS",
    "PROGRESS_EVERY",
    "REQUIRED_COLUMNS",
    "SUMMARY_SHOWN",
    "TRUE_VALUES",
    "USERNAME_MAX",
    "USERNAME_UNAVAILABLE_IMPORT",
    "WRITE_BATCH",
    "WRITTEN_FIELDS",
    "ImportResult",
    "PeopleDiff",
    "PeopleImportError",
    "RowError",
    "_ProgressWriter",
    "csv_decode",
    "people_import",
    "people_import_errors_summary",
    "people_import_job_apply",
    "people_import_job_apply_run",
    "people_import_job_create",
    "people_import_job_run",
    "people_import_rows_estimate",
    "people_import_summary",
]

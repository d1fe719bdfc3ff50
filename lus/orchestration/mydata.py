""" "Download my data": everything LUS holds about a person, as JSON (+ the PDFs).

Each app that holds data about a person provides it in its own ``mydata.py``: a section
function takes the person and returns JSON-serialisable data (lists/dicts of str/int/bool/None;
dates as ISO strings); an attachment function yields ``(name, bytes)`` for the ZIP. A new kind
of data gets its function listed in :data:`SECTIONS` or :data:`ATTACHMENTS` here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from lus.accounts import mydata as accounts_mydata
from lus.audit import mydata as audit_mydata
from lus.conversations import mydata as conversations_mydata
from lus.documents import mydata as documents_mydata
from lus.inputs import mydata as inputs_mydata
from lus.plans import mydata as plans_mydata
from lus.sharing import mydata as sharing_mydata
from lus.statustalks import mydata as statustalks_mydata

#: The sections of ``data.json``, in order (name -> ``func(person)``).
SECTIONS: dict[str, Callable[[Any], Any]] = {
    "person": accounts_mydata.person_data,
    "access_log": audit_mydata.access_log,
    "conversations": conversations_mydata.conversations,
    "plans": plans_mydata.plans,
    "filed_records": documents_mydata.filed_records,
    "preparation_inputs": inputs_mydata.preparation_inputs,
    "status_talks": statustalks_mydata.status_talks,
    "shared_points": sharing_mydata.shared_points,
}

#: Files for the ZIP, per folder: ``func(person)`` yields ``(name, bytes)``.
ATTACHMENTS: dict[str, Callable[[Any], Iterable[tuple[str, bytes]]]] = {
    "pdf": documents_mydata.filed_pdfs,
    "forberedelsesdata": inputs_mydata.preparation_input_pdfs,
}


def my_data(person: Any) -> dict[str, Any]:
    return {
        "generated_at": timezone.now().isoformat(),
        "format": "lus-my-data/1",
        **{name: func(person) for name, func in SECTIONS.items()},
    }

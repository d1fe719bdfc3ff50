"""Readiness checks for the load balancer (``/readyz``): can this node serve a request now?

Each check answers quickly and says only *what* failed, never why (an exception message may
name hosts or paths); the reason goes to the log.
"""

from __future__ import annotations

import logging
import os
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection

logger = logging.getLogger("lus.health")


def database_ready() -> bool:
    """A round trip to the default database (connecting if needed, within its connect timeout)."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("readiness: the database is not reachable", exc_info=True)
        return False
    return True


def archive_ready() -> bool:
    """Filing a LUS writes to the archive storage: write and delete a tiny probe file."""
    try:
        storage = storages["archive"]
        name = storage.save(f"readyz/{os.getpid()}-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        storage.delete(name)
    except Exception:
        logger.warning("readiness: the archive storage is not writable", exc_info=True)
        return False
    return True


CHECKS = {"database": database_ready, "archive": archive_ready}


def readiness() -> dict[str, bool]:
    return {name: check() for name, check in CHECKS.items()}

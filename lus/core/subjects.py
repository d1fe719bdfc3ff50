"""Whose data an object is: used by the permission rules and the audit log alike."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model


def subject_of(obj: Any) -> Any:
    """The person an object is about (e.g. the leader whose LUS it is), or None: the object
    itself when it is a person, else its ``subject``, ``leader``, ``person`` or ``user``."""
    if obj is None:
        return None
    if isinstance(obj, get_user_model()):
        return obj
    for attr in ("subject", "leader", "person", "user"):
        value = getattr(obj, attr, None)
        if value is not None:
            return value
    return None

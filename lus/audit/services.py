from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import HttpRequest

from lus.audit.models import AuditEvent


def role_of(actor, subject) -> str:
    """The actor's role towards the subject, as shown in the log."""
    if actor is None:
        return "system"
    if subject is not None and actor.pk == subject.pk:
        return "self"
    if subject is not None and subject.manager_id == actor.pk:
        return "leaders_leader"
    if getattr(actor, "is_superuser", False):
        return "platform_admin"
    if getattr(actor, "is_hr", False):
        return "hr"
    return "other"


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind the documented TLS proxy the client address is the first forwarded one.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR")
    return ip or None


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    subject: Any = None,
    detail: str = "",
    category: str = AuditEvent.Category.ACCESS,
    request: HttpRequest | None = None,
    municipality: Any = None,
) -> AuditEvent:
    """Append one audit row. ``target`` is the object acted on (its municipality is the row's
    municipality); ``subject`` is the person whose data it is (the leader whose LUS it is),
    defaulting to ``lus.accounts.rules.subject_of(target)``."""
    from lus.accounts.rules import subject_of

    if subject is None:
        subject = subject_of(target)
    municipality_id = (
        getattr(municipality, "pk", municipality)
        or getattr(target, "municipality_id", None)
        or getattr(subject, "municipality_id", None)
        or getattr(actor, "municipality_id", None)
    )
    if target is not None and target.__class__.__name__ == "Municipality":
        municipality_id = target.pk
    event = AuditEvent(
        municipality_id=municipality_id,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_full_name() if actor is not None else "system")[:200],
        role=role_of(actor, subject),
        action=action[:60],
        category=category,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        subject=subject,
        subject_name=(subject.get_full_name() if subject is not None else "")[:200],
        detail=detail,
        ip=_client_ip(request),
    )
    # The foreign keys set here come from objects the caller already holds (and the database
    # enforces them): skip full_clean's existence query per key; the rest is still validated.
    set_keys = [
        f.name
        for f in AuditEvent._meta.concrete_fields
        if f.is_relation and getattr(event, f.attname)
    ]
    event.full_clean(exclude=set_keys)
    event.save()
    return event

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lus.audit.models import AuditEvent
from lus.core.subjects import subject_of

#: Shown in "Hvem har set min LUS" and the admin; ``*_hr``: the person also holds HR rights.
ROLE_LABELS = {
    "self": _("the person themself"),
    "leaders_leader": _("leader's leader"),
    "leaders_leader_hr": _("leader's leader (also has HR rights)"),
    "hr": _("HR"),
    "platform_admin": _("platform administrator"),
    "system": _("the system"),
    "other": _("other"),
}


#: What happened, in words, for "Hvem har set min LUS" (unknown codes are shown as they are).
ACTION_LABELS = {
    "view_conversation": _("Opened the conversation view"),
    "view_preparation": _("Read your shared preparation"),
    "view_plan": _("Opened the development plan"),
    "view_history": _("Looked at your development over the years"),
    "change_plan": _("Changed the development plan"),
    "change_notes": _("Changed the conversation notes"),
    "change_minutes": _("Changed the minutes"),
    "approve_plan": _("Approved the development plan"),
    "agree_plan": _("The plan was agreed"),
    "reopen_plan": _("Reopened the plan"),
    "hold_conversation": _("Marked the conversation as held"),
    "invite_conversation": _("Invited to the conversation"),
    "rebook_conversation": _("Moved the conversation"),
    "download_lus_preview": _("Downloaded the LUS as PDF (preview)"),
    "download_filed_lus": _("Downloaded the filed LUS"),
    "file_lus": _("Filed the LUS"),
    "retry_filing": _("Sent the filed LUS again"),
    "export_follow_up": _("Exported a follow-up"),
    "propose_handover": _("Proposed to hand your LUS over"),
    "accept_handover": _("Accepted the hand-over"),
    "decline_handover": _("Declined the hand-over"),
    "hand_over_conversation": _("Handed your LUS over"),
    "change_leader": _("Changed your leader's leader"),
    "send_password_link": _("Sent you a link to set a password"),
    "admin_add": _("Created you in LUS"),
    "admin_change": _("Changed your details"),
    "retention_delete": _("Deleted under the retention rule"),
    "sso_create_person": _("Created you at your first login"),
    "sso_bind_subject": _("Recorded your account at your municipality's login"),
    "share_plan_item": _("Shared a development point with a colleague"),
    "revoke_plan_item_share": _("Stopped sharing a development point"),
    "view_shared_points": _("Read the development points you share"),
}


def _leaders_leader_id_of(target: Any) -> int | bool | None:
    """The id of the leader's leader holding the conversation a target belongs to, or False
    when the target belongs to no conversation. Duck-typed: audit is the bottom layer."""
    if target is None:
        return False
    if hasattr(target, "leaders_leader_id"):  # a conversation, a filed record
        return target.leaders_leader_id
    conversation = getattr(target, "conversation", None)
    if conversation is None and getattr(target, "plan", None) is not None:  # a follow-up
        conversation = getattr(target.plan, "conversation", None)
    if conversation is not None and hasattr(conversation, "leaders_leader_id"):
        return conversation.leaders_leader_id
    return False


def role_of(actor: Any, subject: Any, target: Any = None) -> str:
    """The actor's TRUE role towards the subject, as shown in the log.

    "leaders_leader" comes from the relation that gives access: being the leaders_leader of the
    conversation the target belongs to. The ``manager`` field alone never makes anyone a
    leader's leader in the log when they act with HR or platform rights (HR can edit that
    field, so it would disguise HR). A leaders_leader who also has HR rights is logged as
    "leaders_leader_hr"."""
    if actor is None:
        return "system"
    if subject is not None and actor.pk == subject.pk:
        return "self"
    is_hr = bool(getattr(actor, "is_hr", False))
    leaders_leader_id = _leaders_leader_id_of(target)
    if leaders_leader_id is not False and leaders_leader_id == actor.pk:
        return "leaders_leader_hr" if is_hr else "leaders_leader"
    if getattr(actor, "is_superuser", False):
        return "platform_admin"
    if is_hr:
        return "hr"
    if (
        leaders_leader_id is False
        and subject is not None
        and getattr(subject, "manager_id", None) == actor.pk
    ):
        return "leaders_leader"
    return "other"


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address. ``X-Forwarded-For`` is written by the client as much as by the
    proxies, so only the entries appended by our own proxies count: with
    ``LUS_TRUSTED_PROXY_COUNT`` = N, the N-th entry from the right is the address the outermost
    trusted proxy saw. With 0 (the default) the header is ignored."""
    if request is None:
        return None
    trusted = settings.LUS_TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR") or None
    if trusted <= 0:
        return remote
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [e for e in entries if e]
    if len(entries) < trusted:
        return remote
    return entries[-trusted]


def audit_event(
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
    """One audit row, not saved yet (``audit_record`` saves one, ``audit_record_many`` many)."""
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
    if municipality_id is None:  # full_clean's own answer, before the row is built
        null = AuditEvent._meta.get_field("municipality").error_messages["null"]
        raise ValidationError({"municipality": null})
    return AuditEvent(
        municipality_id=municipality_id,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_full_name() if actor is not None else "system")[:200],
        role=role_of(actor, subject, target),
        action=action[:60],
        category=category,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        subject=subject,
        subject_name=(subject.get_full_name() if subject is not None else "")[:200],
        detail=detail,
        ip=client_ip(request),
    )


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
    defaulting to :func:`lus.core.subjects.subject_of` of the target."""
    event = audit_event(
        actor=actor,
        action=action,
        target=target,
        subject=subject,
        detail=detail,
        category=category,
        request=request,
        municipality=municipality,
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


def audit_record_many(events: list[AuditEvent], *, batch_size: int = 1000) -> None:
    """Append many rows built by ``audit_event`` in a few INSERTs (a bulk change, e.g. a
    people import's changed leaders). Their fields are built and bounded by ``audit_event``."""
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)


#: A repeated read of the same content by the same person (a page polled every second, a
#: reload) is one row per this window: the log stays readable, and a read is never unrecorded.
READ_THROTTLE = timedelta(minutes=10)


def audit_read(
    *,
    actor: Any,
    action: str,
    target: Any,
    subject: Any = None,
    detail: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent | None:
    """Record a read of conversation content, at most once per reader, action and object in
    ``READ_THROTTLE``. Returns the new row, or ``None`` when a recent one already covers it."""
    recent = AuditEvent.objects.filter(
        actor_id=getattr(actor, "pk", None),
        action=action[:60],
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        created_at__gte=timezone.now() - READ_THROTTLE,
    )
    if recent.exists():
        return None
    return audit_record(
        actor=actor, action=action, target=target, subject=subject, detail=detail, request=request
    )

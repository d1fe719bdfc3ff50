"""Telling a person when someone else changes what decides who may see their LUS: their
leader's leader, or the e-mail address their password links go to. The data subject is the
one who notices a wrong change (notification as a control); the mails never hold content."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from lus.accounts.models import User

logger = logging.getLogger(__name__)


def _send(template: str, context: dict, to: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}.txt", context)
    try:
        send_mail(subject, body, None, [to])
    except OSError:  # the change is made and audited; a mail server hiccup must not undo it
        logger.warning("notification %s to person %s could not be sent", template, context["pk"])


def _log_link() -> str:
    return settings.LUS_BASE_URL.rstrip("/") + reverse("audit:my_log")


def person_notify_leader_change(
    *, person: User, old_manager: User | None, new_manager: User | None, actor: User | None
) -> None:
    """After the transaction: tell ``person`` their leader's leader was changed by ``actor``."""
    if not person.email or (actor is not None and actor.pk == person.pk):
        return
    context = {
        "pk": person.pk,
        "person": person,
        "old": old_manager,
        "new": new_manager,
        "actor": actor,
        "link": _log_link(),
    }
    transaction.on_commit(lambda: _send("leader_changed", context, person.email))


def person_notify_email_change(*, person: User, old_email: str, actor: User | None) -> None:
    """After the transaction: tell the OLD address that someone else changed it (a link to
    set a password goes to the new address from now on, so the person must know)."""
    if not old_email or old_email.lower() == (person.email or "").lower():
        return
    if actor is not None and actor.pk == person.pk:
        return
    context = {
        "pk": person.pk,
        "person": person,
        "new_email": person.email,
        "actor": actor,
        "link": _log_link(),
    }
    transaction.on_commit(lambda: _send("email_changed", context, old_email))

"""E-mails about a conversation that hold no content (only that something can be seen)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Conversation

logger = logging.getLogger(__name__)


def notify_keywords_exchanged(*, conversation: Conversation) -> None:
    """Tell both parties that they can now see each other's keywords (never which)."""
    link = settings.LUS_BASE_URL.rstrip("/") + reverse(
        "conversations:prepare", args=[conversation.pk]
    )
    pairs = [
        (conversation.leader, conversation.leaders_leader),
        (conversation.leaders_leader, conversation.leader),
    ]
    for recipient, other in pairs:
        if not recipient.email:
            continue
        context = {
            "recipient": recipient,
            "other": other,
            "conversation": conversation,
            "link": link,
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string(
                "conversations/email/keywords_exchanged_subject.txt", context
            ).strip()
            body = render_to_string("conversations/email/keywords_exchanged.txt", context)
        try:
            send_mail(subject, body, None, [recipient.email])
        except OSError:  # the keywords are visible in LUS either way
            logger.warning("keywords mail for conversation %s could not be sent", conversation.pk)

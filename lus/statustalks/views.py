"""Status talks: book 1-2 from the agreed plan, write a short status per development point,
and the calendar file. Only the leader and the leaders_leader (everyone else 404)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lus.audit.services import audit_read
from lus.conversations import selectors as conversation_selectors
from lus.core.access import object_for_user

from . import selectors, services
from .forms import BookForm
from .models import MAX_STATUS_TEXT, MAX_TALKS, StatusNote, StatusTalk


def _audit_other_party(request, conversation, what: str) -> None:
    if request.user.pk != conversation.leader_id:
        audit_read(
            actor=request.user,
            action="view_status_talks",
            target=conversation,
            detail=what,
            request=request,
        )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = object_for_user(
        request,
        conversation_selectors.conversations_for_user(request.user),
        perm="statustalks.view_status_talks",
        pk=pk,
    )
    can_book = request.user.has_perm("statustalks.book_status_talk", conversation)
    form = BookForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_book:
            return HttpResponse(
                _("Status talks are booked once the plan is agreed."),
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        if form.is_valid():
            when = timezone.make_aware(
                datetime.datetime.combine(form.cleaned_data["date"], form.cleaned_data["time"])
            )
            try:
                talk = services.status_talk_book(
                    conversation=conversation,
                    actor=request.user,
                    scheduled_at=when,
                    duration=form.cleaned_data["duration"],
                    location=form.cleaned_data["location"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("Status talk %(n)s is booked. Add it to your calendar.") % {"n": talk.number},
                )
                return redirect("statustalks:index", pk=conversation.pk)
        status = 400
    talks = selectors.talks_of(conversation)
    _audit_other_party(request, conversation, _("Status talks"))
    return render(
        request,
        "statustalks/index.html",
        {
            "conversation": conversation,
            "talks": talks,
            "form": form,
            "can_book": can_book and len(talks) < MAX_TALKS,
        },
        status=status,
    )


def _talk(request, pk: int, perm: str) -> StatusTalk:
    return object_for_user(
        request,
        StatusTalk.objects.select_related("conversation__leader", "conversation__leaders_leader"),
        perm=perm,
        view_perm="statustalks.view_status_talk",
        pk=pk,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def talk(request: HttpRequest, pk: int) -> HttpResponse:
    status_talk = _talk(request, pk, "statustalks.change_status_talk")
    conversation = status_talk.conversation
    items = selectors.plan_items_of(conversation)
    notes = selectors.notes_by_item(status_talk)
    errors: dict[int, str] = {}
    status = 200
    choices = {value for value, _label in StatusNote.Status.choices} | {""}
    if request.method == "POST":
        values = {}
        for item in items:
            chosen = request.POST.get(f"status-{item.pk}", "")
            text = request.POST.get(f"text-{item.pk}", "").replace("\x00", "")
            if chosen not in choices:
                errors[item.pk] = _("Choose a status from the list.")
            elif len(text) > MAX_STATUS_TEXT:
                errors[item.pk] = _("At most %(n)s characters.") % {"n": MAX_STATUS_TEXT}
            else:
                values[item.pk] = (chosen, text)
        # The valid points are saved; a point with an error keeps what was typed.
        services.status_notes_save(talk=status_talk, actor=request.user, values=values)
        if not errors:
            messages.success(request, _("The status has been saved."))
            return redirect("statustalks:talk", pk=status_talk.pk)
        notes = selectors.notes_by_item(status_talk)
        status = 422
    for item in items:
        note = notes.get(item.pk)
        item.note_status = (
            request.POST.get(f"status-{item.pk}", note.status if note else "")
            if errors
            else (note.status if note else "")
        )
        item.note_text = (
            request.POST.get(f"text-{item.pk}", note.text if note else "")
            if errors
            else (note.text if note else "")
        )
        item.error = errors.get(item.pk)
    _audit_other_party(request, conversation, _("Status of the development points"))
    return render(
        request,
        "statustalks/talk.html",
        {
            "talk": status_talk,
            "conversation": conversation,
            "items": items,
            "statuses": StatusNote.Status.choices,
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_GET
def ics(request: HttpRequest, pk: int) -> HttpResponse:
    status_talk = _talk(request, pk, "statustalks.view_status_talk")
    link = request.build_absolute_uri(reverse("statustalks:talk", args=[status_talk.pk]))
    response = HttpResponse(
        services.status_talk_ics(talk=status_talk, link=link),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="statussamtale-{status_talk.pk}.ics"'
    return response


@login_required
@never_cache
@require_GET
def agreements(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreements per perspective as a list that reads well on a phone (the walk'n'talk)."""
    conversation = object_for_user(
        request,
        conversation_selectors.conversations_for_user(request.user),
        perm="statustalks.view_status_talks",
        pk=pk,
    )
    _audit_other_party(request, conversation, _("Agreements"))
    return render(
        request,
        "statustalks/agreements.html",
        {"conversation": conversation, "sections": selectors.agreements_of(conversation)},
    )

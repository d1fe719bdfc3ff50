"""HR's to-do list for a round: who has no LUS, is not invited, has not prepared or is overdue
(per unit), with bulk actions — create LUS, remind now after a preview of the mail — and the
history of reminders. Names, status and dates only: never what anyone wrote."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lus.core.access import object_for_user

from . import selectors
from .models import LusRound
from .reminders import reminder_history, reminders_now, reminders_now_enqueue, reminders_now_key
from .services import round_start

HISTORY_PAGE = 50


def _ids(request: HttpRequest, name: str) -> list[int]:
    """The chosen ids of a bulk action; anything that is not an id is ignored."""
    ids = []
    for value in request.POST.getlist(name):
        if value.isdigit() and 0 < int(value) < 2**31:
            ids.append(int(value))
    return ids


def _round(request: HttpRequest, pk: int, perm: str = "rounds.view_round") -> LusRound:
    return object_for_user(request, LusRound, perm=perm, pk=pk)


@login_required
@require_GET
@never_cache
def todo(request: HttpRequest, pk: int) -> HttpResponse:
    lus_round = _round(request, pk)
    today = timezone.localdate()
    units = selectors.round_todo(lus_round, today=today)
    history = Paginator(reminder_history(lus_round), HISTORY_PAGE).get_page(request.GET.get("side"))
    return render(
        request,
        "rounds/todo.html",
        {
            "round": lus_round,
            "units": units,
            "totals": {
                key: sum(u.lists[key].count for u in units) for key, _l in selectors.TODO_KINDS
            },
            "kinds": selectors.TODO_KINDS,
            "history": history,
            "limit": selectors.TODO_LIMIT,
            "deadline_passed": today > lus_round.deadline,
        },
    )


@login_required
@require_POST
def create_selected(request: HttpRequest, pk: int) -> HttpResponse:
    lus_round = _round(request, pk, "rounds.manage_round")
    leader_ids = _ids(request, "leader")
    if not leader_ids:
        messages.error(request, _("Choose the people to create a LUS for."))
        return redirect("rounds:todo", pk=pk)
    try:
        result = round_start(lus_round=lus_round, actor=request.user, leader_ids=leader_ids)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d LUS created.") % {"n": len(result.created)})
        if result.without_manager:
            messages.warning(
                request,
                _("No LUS for people without a leader's leader: %(names)s.")
                % {"names": ", ".join(p.name for p in result.without_manager)},
            )
    return redirect("rounds:todo", pk=pk)


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    """First the preview (every mail exactly as it will be sent), then "send" sends them."""
    lus_round = _round(request, pk, "rounds.manage_round")
    ids = _ids(request, "conversation")
    mails = reminders_now(lus_round=lus_round, conversation_ids=ids)
    if not mails:
        messages.error(
            request,
            _("Choose leaders who are not invited or have not prepared yet (and have an e-mail)."),
        )
        return redirect("rounds:todo", pk=pk)
    if "send" not in request.POST:
        return render(
            request,
            "rounds/remind_preview.html",
            {"round": lus_round, "mails": mails, "ids": ids, "key": reminders_now_key()},
        )
    # Sent by a task worker: the page answers at once, the history shows each mail when sent.
    reminders_now_enqueue(
        lus_round=lus_round, conversation_ids=ids, actor=request.user, key=request.POST.get("key")
    )
    messages.success(
        request,
        ngettext(
            "The reminder is being sent. It appears in the history below when it has been sent.",
            "%(n)d reminders are being sent. They appear in the history below when they have "
            "been sent.",
            len(mails),
        )
        % {"n": len(mails)},
    )
    return redirect("rounds:todo", pk=pk)

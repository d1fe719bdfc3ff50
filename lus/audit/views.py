from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lus.audit.selectors import audit_events_about
from lus.audit.services import ACTION_LABELS, ROLE_LABELS


@login_required
@require_GET
def my_log(request: HttpRequest) -> HttpResponse:
    """ "Who has seen my LUS": every access to the leader's data by someone else."""
    page = Paginator(audit_events_about(request.user), 50).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.action_label = ACTION_LABELS.get(event.action, event.action)
        event.role_label = ROLE_LABELS.get(event.role, event.role)
    return render(request, "audit/my_log.html", {"page": page})

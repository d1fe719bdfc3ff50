from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lus.audit.selectors import audit_events_about


@login_required
@require_GET
def my_log(request: HttpRequest) -> HttpResponse:
    """ "Who has seen my LUS": every access to the leader's data by someone else."""
    page = Paginator(audit_events_about(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "audit/my_log.html", {"page": page})

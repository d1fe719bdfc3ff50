"""The floor endpoint of the benchmark: a trivial authenticated view through the full
middleware stack (sessions, authentication, tenant scope, CSP, axes ...). Only routed when
``settings.LUS_BENCH_FLOOR`` is true (``make bench`` sets it); never in production."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_required
@require_GET
@never_cache
def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")

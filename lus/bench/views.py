"""The floor endpoint of the benchmark: a trivial authenticated view through the full
middleware stack (sessions, authentication, tenant scope, CSP, axes ...), and two references
that split a page's cost into its parts: the floor plus ten small ORM queries, and the floor
plus the full page layout with no content. Only routed by the bench's own settings
(``lus.bench.settings``); the bench is not an app of the production settings."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lus.accounts.models import User


@login_required
@require_GET
@never_cache
def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


@login_required
@require_GET
@never_cache
def floor_queries(request: HttpRequest) -> HttpResponse:
    """What ten queries cost (a key page may make up to twelve): each a primary-key read."""
    names = [
        User.objects.filter(pk=request.user.pk).values_list("name", flat=True).first()
        for _ in range(10)
    ]
    return HttpResponse(f"ok {len(names)}", content_type="text/plain")


@login_required
@require_GET
@never_cache
def floor_layout(request: HttpRequest) -> HttpResponse:
    """What the page layout costs: base.html (navigation, language menu) with no content."""
    return render(request, "bench/empty_page.html")


def bare(request: HttpRequest) -> HttpResponse:
    """A Django view with nothing around it: ``lus.bench.wsgi`` serves it through a handler
    without middleware (the floor's reference); the test client sees it with the full stack."""
    return HttpResponse("ok", content_type="text/plain")


def raw(request: HttpRequest) -> HttpResponse:
    """Stands in for ``lus.bench.wsgi.raw_application`` (served without Django) where the
    bench measures queries with the test client."""
    return HttpResponse("ok", content_type="text/plain")

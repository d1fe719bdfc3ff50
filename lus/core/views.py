from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for the load balancer; touches no tenant data."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
@require_GET
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    from lus.conversations.selectors import conducted_this_year, my_lus

    user = request.user
    year = timezone.localdate().year
    reports = list(user.reports.filter(is_active=True).select_related("org_unit"))
    if reports:
        conducted = conducted_this_year(user, year)
        for person in reports:
            person.this_year_lus = conducted.get(person.pk)
    ctx = {"reports": reports, "year": year}
    if user.municipality_id:
        ctx.update(my_lus(user, year))
    return render(request, "core/home.html", ctx)

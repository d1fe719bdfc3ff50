from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches neither the database nor tenant data, so a
    database outage does not make the orchestrator restart every healthy process."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: this node can serve now (database reachable, archive writable); otherwise
    503 so the load balancer sends traffic elsewhere. Touches no tenant data."""
    from lus.core.health import readiness

    results = readiness()
    body = "".join(f"{name}: {'ok' if ok else 'unavailable'}\n" for name, ok in results.items())
    status = 200 if all(results.values()) else 503
    return HttpResponse(body, content_type="text/plain; charset=utf-8", status=status)

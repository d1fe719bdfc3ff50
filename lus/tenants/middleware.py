from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from lus.tenants.scoping import tenant_scope, unscoped


class TenantScopeMiddleware:
    """Activates the logged-in user's municipality as the scope for the whole request.

    Anonymous requests get no scope at all, so any tenant-owned query in them raises.
    Platform admins (superusers) work across municipalities through the logged escape hatch.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            # Resolved now anyway: the object itself from here on, not the lazy wrapper that
            # proxies each of the page's many attribute reads.
            user = request.user = getattr(user, "_wrapped", user)
        request.municipality = None
        if user.is_authenticated and user.is_superuser:
            with unscoped("platform admin request", user=user):
                request.municipality = user.municipality
                return self.get_response(request)
        if user.is_authenticated and user.municipality_id:
            with tenant_scope(user.municipality_id):
                request.municipality = user.municipality
                return self.get_response(request)
        return self.get_response(request)

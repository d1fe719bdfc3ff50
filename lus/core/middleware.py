"""Security middleware of LUS (see docs/security.md)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreForAuthenticatedMiddleware:
    """Every page a logged-in person sees may hold personal or confidential conversation
    content: no browser or proxy may keep a copy (``Cache-Control: no-store``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


def start_session_clock(sender, request, user, **kwargs) -> None:
    """At login (the session is being saved anyway): start both timeout clocks."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SessionTimeoutMiddleware.LOGIN_KEY] = now
        request.session[SessionTimeoutMiddleware.SEEN_KEY] = now


class SessionTimeoutMiddleware:
    """Logs out after ``SESSION_IDLE_TIMEOUT`` seconds without a request (idle timeout) and
    ``SESSION_COOKIE_AGE`` seconds after login, however active (absolute timeout).

    Django alone gives only one of the two: a session that is saved is extended. The times
    are kept in the session itself; the last-seen time is written at most once a minute.
    """

    LOGIN_KEY = "_lus_login_at"
    SEEN_KEY = "_lus_seen_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.setdefault(self.LOGIN_KEY, now)
            seen_at = session.get(self.SEEN_KEY, now)
            idle = settings.SESSION_IDLE_TIMEOUT
            if now - seen_at > idle or now - login_at > settings.SESSION_COOKIE_AGE:
                logout(request)  # flushes the session server-side
                if request.method == "POST":
                    # Let the view see the POST as anonymous: login_required sends the user
                    # to log in, and a form that keeps drafts (the preparation) can keep the
                    # typed text through the login instead of losing it here.
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            if now - seen_at >= 60:
                session[self.SEEN_KEY] = now
        return self.get_response(request)

"""Security middleware of LUS (see docs/security.md)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.signals import setting_changed
from django.dispatch import receiver
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
            # Views marked never_cache already say so; patching the header again costs more
            # than the rest of a trivial page's middleware together.
            cache_control = response.get("Cache-Control", "")
            if "no-store" not in cache_control or "private" not in cache_control:
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


class CSPMiddleware(_CSPMiddleware):
    """django-csp's middleware with the policy string built once per process.

    django-csp builds the header from the settings on every response (a deep copy of its
    policy parts and a walk over every directive, twice with the report-only policy). LUS
    uses no nonces, so for the common response — no per-view ``_csp_*`` override — the header
    is the same every time; only responses that carry an override (the framework studio's
    preview frame) or a nonce take django-csp's own path.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, attr, None) is not None for attr in _CSP_OVERRIDES
        ):
            return super().process_response(request, response)
        if response.status_code in (404, 500) and settings.DEBUG:
            return response
        (policy, excluded), (policy_ro, excluded_ro) = _default_policies()
        path = request.path_info
        if (
            policy
            and not getattr(response, "_csp_exempt", False)
            and HEADER not in response
            and not path.startswith(excluded)
        ):
            response[HEADER] = policy
        if (
            policy_ro
            and not getattr(response, "_csp_exempt_ro", False)
            and HEADER_REPORT_ONLY not in response
            and not path.startswith(excluded_ro)
        ):
            response[HEADER_REPORT_ONLY] = policy_ro
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


_CSP_OVERRIDES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


@functools.cache
def _default_policies() -> tuple[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]]]:
    """(header, excluded URL prefixes) of the policy and of the report-only policy, from the
    settings, built once."""

    def excluded(name: str) -> tuple[str, ...]:
        return tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())

    return (
        (build_policy(), excluded("CONTENT_SECURITY_POLICY")),
        (build_policy(report_only=True), excluded("CONTENT_SECURITY_POLICY_REPORT_ONLY")),
    )


@receiver(setting_changed)
def _forget_policies(*, setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _default_policies.cache_clear()

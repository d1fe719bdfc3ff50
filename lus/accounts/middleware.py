"""Authentication with the user that was read together with the session (one query)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoMiddleware
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from lus.accounts.backends import TenantAwareModelBackend

#: Backends whose ``get_user`` is a plain read of the user row by id (what the session load
#: already did); any other backend is asked itself.
_ROW_BACKENDS = {"lus.accounts.backends.TenantAwareModelBackend"}


def get_user(request: HttpRequest):
    """Django's ``auth.get_user``, with the user row taken from the session load when it is
    the session's user; the session hash is verified the same way."""
    session = request.session
    try:
        user_id = session[SESSION_KEY]  # loads the session (and its user) on first access
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    user = getattr(session, "loaded_user", None)
    if (
        user is None
        or str(user.pk) != str(user_id)
        or backend_path not in _ROW_BACKENDS
        or backend_path not in settings.AUTHENTICATION_BACKENDS
    ):
        return auth.get_user(request)
    if not TenantAwareModelBackend().user_can_authenticate(user):
        return AnonymousUser()
    session_hash = session.get(HASH_SESSION_KEY)
    if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
        return user
    # Not verified with the current secret: Django's own path handles fallback keys (and
    # rotates the session) or logs out.
    return auth.get_user(request)


class AuthenticationMiddleware(DjangoMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)  # request.auser, and the checks Django makes
        request.user = SimpleLazyObject(lambda: get_user(request))

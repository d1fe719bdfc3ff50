from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from lus.sso.selectors import password_login_allowed
from lus.tenants.scoping import unscoped


class PasswordPolicyBackend:
    """A gate before the password backend: people of a municipality that logs in through its
    own identity provider (and has turned passwords off) cannot log in with a password, even
    one set earlier. Refuses with PermissionDenied (the login form's usual error); never
    authenticates anyone itself. Platform admins are not affected. Deliberately no get_user():
    it never holds a session (Django's test client logs in with the first backend that has one)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not isinstance(username, str) or password is None:
            return None
        with unscoped("authentication: the municipality of a username"):
            found = (
                get_user_model()
                ._default_manager.filter(username=username[:150])
                .values_list("municipality_id", "is_superuser")
                .first()
            )
        if found is None or found[1]:
            return None
        if not password_login_allowed(found[0]):
            raise PermissionDenied
        return None

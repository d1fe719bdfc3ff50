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
            person = (
                get_user_model()
                ._default_manager.select_related("municipality")
                .filter(username=username[:150])
                .first()
            )
        if person is None or person.is_superuser:
            return None
        if not password_login_allowed(person.municipality_id):
            # Only someone who knows the password learns where to log in instead (the login
            # form then says so rather than "wrong password").
            if request is not None and person.check_password(password):
                request.lus_sso_only_municipality = person.municipality
            raise PermissionDenied
        return None

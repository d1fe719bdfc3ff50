from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from lus.tenants.scoping import unscoped


class TenantAwareModelBackend(ModelBackend):
    """ModelBackend whose user lookups run before a municipality is known.

    Loading the session's user is what *decides* the request's municipality, so it is one of
    the few audited unscoped reads. Everything after it is scoped by the middleware.
    """

    def get_user(self, user_id):
        user_model = get_user_model()
        with unscoped("authentication: load session user"):
            try:
                user = user_model._default_manager.select_related("municipality").get(pk=user_id)
            except user_model.DoesNotExist:
                return None
        return user if self.user_can_authenticate(user) else None


def axes_username(request, credentials=None) -> str | None:
    """The username django-axes records for a login attempt, cut to its column's length.

    Django's login form does not enforce the username's length before authenticating, so a
    hostile 10 MB username would otherwise reach axes' varchar(255) and fail on PostgreSQL.
    """
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get("username") if source else None
    return username[:255] if isinstance(username, str) else username

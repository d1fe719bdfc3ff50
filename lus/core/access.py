"""The one access helper for views (in the spirit of healthchecks' ``_get_check_for_user``).

Permissions themselves are ``rules`` predicates registered per app in ``<app>/rules.py``
(e.g. ``conversations.view_conversation``) and checked through ``user.has_perm`` — by views,
templates (``{% load rules %}{% has_perm … %}``) and the admin alike.

- An object of another municipality is not in the scoped queryset at all: 404.
- An object the user may not even see (``view_perm``): 404, so its existence does not leak.
- An object the user may see but not act on (``perm``): 403.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

M = TypeVar("M", bound=models.Model)


def object_for_user(
    request: HttpRequest,
    queryset: models.QuerySet[M] | type[M],
    *,
    perm: str,
    view_perm: str | None = None,
    **lookup: Any,
) -> M:
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    try:
        obj = qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    user = request.user
    _share_municipality(obj, user)
    if view_perm and not user.has_perm(view_perm, obj):
        raise Http404
    if not user.has_perm(perm, obj):
        if view_perm:
            raise PermissionDenied
        raise Http404
    return obj


def _share_municipality(obj: models.Model, user: Any) -> None:
    """Give a tenant object the user's municipality, loaded with the session already: an
    object found in the user's scope is of the same municipality, and a page that reads a
    municipality setting through the object (the senior conversation's age, say) would
    otherwise query it again."""
    descriptor = getattr(type(obj), "municipality", None)
    state = getattr(user, "_state", None)
    municipality = state.fields_cache.get("municipality") if state is not None else None
    if municipality is None or not hasattr(descriptor, "field"):
        return
    field = descriptor.field
    if getattr(obj, field.attname, None) == municipality.pk and not field.is_cached(obj):
        field.set_cached_value(obj, municipality)

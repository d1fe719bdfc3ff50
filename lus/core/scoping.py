"""The one central tenant-scoping mechanism (built on django-scopes).

Every tenant-owned model uses :func:`tenant_manager` (a django-scopes ``ScopedManager`` on the
``municipality`` dimension). A query on such a model raises ``ScopeError`` unless a scope is
active. Requests get their scope from :class:`lus.tenants.middleware.TenantScopeMiddleware`;
everything else (management commands, the authentication backend) either activates a
municipality with :func:`tenant_scope` or uses the explicit, logged escape hatch :func:`unscoped`.

``django_scopes.scopes_disabled`` must not be imported anywhere else (a test enforces it).

The mechanism sits at the bottom of the ladder (the audit log is scoped too); the domain apps
import it as ``lus.tenants.scoping``, beside the ``Municipality`` it scopes by.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models
from django_scopes import ScopedManager, scope, scopes_disabled
from django_scopes import get_scope as _get_scope

logger = logging.getLogger("lus.scoping")

DIMENSION = "municipality"


def tenant_manager(
    manager_class: type[models.Manager] = models.Manager, path: str = "municipality"
) -> Any:
    """The default manager of every tenant-owned model: ``manager_class``, made scoped.
    (django-scopes builds the manager's class at run time, so the type checker sees ``Any``.)"""
    return ScopedManager(_manager_class=manager_class, **{DIMENSION: path})


@contextmanager
def tenant_scope(municipality: Any) -> Iterator[None]:
    """Restrict every tenant-owned query in the block to one municipality."""
    if municipality is None:
        # django-scopes treats a None value as "no filter"; never allow that by accident.
        raise ValueError("tenant_scope() needs a municipality, not None")
    with scope(**{DIMENSION: municipality}):
        yield


@contextmanager
def unscoped(reason: str, *, user: object | None = None) -> Iterator[None]:
    """The audited escape hatch: tenant-owned queries in the block see every municipality.

    Each use is logged with its reason so that cross-tenant access can be reviewed.
    """
    if not reason:
        raise ValueError("unscoped() needs a reason")
    logger.debug("unscoped access: %s (user=%s)", reason, getattr(user, "pk", None))
    with scopes_disabled():
        yield


def current_municipality_id() -> int | None:
    value = _get_scope().get(DIMENSION)
    if value is None:
        return None
    return getattr(value, "pk", value)

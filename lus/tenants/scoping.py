"""The tenant scope of the domain apps: a municipality (``lus.tenants.models.Municipality``)
is the scope of every tenant-owned query. The mechanism itself is :mod:`lus.core.scoping`."""

from lus.core.scoping import (
    DIMENSION,
    current_municipality_id,
    tenant_manager,
    tenant_scope,
    unscoped,
)

__all__ = ["DIMENSION", "current_municipality_id", "tenant_manager", "tenant_scope", "unscoped"]

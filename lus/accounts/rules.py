"""Shared ``rules`` predicates: the building blocks every app composes in its own
``lus/<app>/rules.py``. Object-level permission logic lives here and in those modules only —
views, templates and the admin ask ``user.has_perm("app.perm", obj)``.

Predicates take ``(user, obj)``; ``obj`` may be a person (``User``) or any object that
belongs to one. :func:`subject_of` finds "whose" an object is: the object itself when it is a
person, otherwise its ``subject``/``leader``/``person``/``user`` attribute (first that exists).
"""

from __future__ import annotations

import rules

from lus.core.subjects import subject_of


def municipality_id_of(obj):
    if obj is None:
        return None
    from lus.tenants.models import Municipality

    if isinstance(obj, Municipality):
        return obj.pk
    return getattr(obj, "municipality_id", None)


@rules.predicate
def is_authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_platform_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


@rules.predicate
def is_hr(user) -> bool:
    """HR staff of a municipality (not platform admins, who have no municipality role)."""
    return bool(user and user.is_authenticated and user.is_active and user.is_hr)


@rules.predicate
def is_leaders_leader(user) -> bool:
    return bool(user and user.is_authenticated and user.is_leaders_leader)


@rules.predicate
def same_municipality(user, obj) -> bool:
    mid = municipality_id_of(obj)
    return bool(user and user.is_authenticated and mid and mid == user.municipality_id)


@rules.predicate
def is_self(user, obj) -> bool:
    """The user is the person the object is about (the leader themself)."""
    subject = subject_of(obj)
    return bool(user and user.is_authenticated and subject is not None and subject.pk == user.pk)


@rules.predicate
def is_leader_of(user, obj) -> bool:
    """The user is the direct leader (leader's leader) of the object's subject."""
    subject = subject_of(obj)
    return bool(
        user
        and user.is_authenticated
        and subject is not None
        and subject.manager_id is not None
        and subject.manager_id == user.pk
    )


#: The person or their current leader (``lus.conversations.rules.is_conversation_party`` asks
#: about a conversation's two parties instead).
is_subject_or_their_leader = is_self | is_leader_of
#: HR of the object's municipality.
is_own_hr = is_hr & same_municipality

rules.add_perm("accounts.view_own_data", is_authenticated)
rules.add_perm("accounts.view_person", is_subject_or_their_leader | is_own_hr)

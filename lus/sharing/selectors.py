"""Reads for sharing development points. Every read is scoped to the active municipality."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import formats
from django.utils.translation import gettext as _

from lus.accounts.models import User
from lus.frameworks.models import PlanField
from lus.plans.models import PlanItem, PlanValue

from .models import ItemShare, SharingPolicy


def policy_of(municipality_id) -> SharingPolicy | None:
    """The municipality's policy when sharing is enabled, else None."""
    if municipality_id is None:
        return None
    return SharingPolicy.objects.filter(municipality_id=municipality_id, enabled=True).first()


def colleagues_for(leader: User):
    """The leader colleagues one may share with: active people of the same municipality, not
    oneself, not HR and not platform administrators."""
    return (
        User.objects.filter(municipality_id=leader.municipality_id, is_active=True)
        .exclude(pk=leader.pk)
        .exclude(is_hr=True)
        .exclude(is_superuser=True)
        .order_by("name", "pk")
    )


#: Up to this many colleagues the page offers them as a list; beyond it, a search by name (a
#: list of a large municipality's leaders is neither readable nor light to send per point).
PICK_LIMIT = 40
#: How many matches a search shows; more asks for more of the name.
SEARCH_LIMIT = 20


def colleague_search(leader: User, query: str, *, exclude: set[int]) -> list[User]:
    """Colleagues whose name or job title contains ``query``, by name; one more than
    ``SEARCH_LIMIT`` when there are more (so the page can say so)."""
    return list(
        colleagues_for(leader)
        .filter(Q(name__icontains=query) | Q(job_title__icontains=query))
        .exclude(pk__in=exclude)
        .only("pk", "name", "job_title")[: SEARCH_LIMIT + 1]
    )


def _agreed_items():
    # An item is shown only while its plan is agreed: a reopened plan (being edited) shows
    # nothing until both have agreed again.
    return PlanItem.objects.filter(plan__agreed_at__isnull=False)


def shareable_items(leader: User) -> list[PlanItem]:
    """The points of the leader's agreed plans, newest plan first, each with ``shares``."""
    items = list(
        _agreed_items()
        .filter(plan__leader=leader)
        .select_related("plan__conversation")
        .order_by("-plan__conversation__year", "order", "pk")
    )
    shares = defaultdict(list)
    for share in (
        ItemShare.objects.filter(item__in=items, shared_by=leader)
        .select_related("colleague")
        .order_by("colleague__name")
    ):
        shares[share.item_id].append(share)
    for item in items:
        item.shares = shares.get(item.pk, [])
    return items


def _display(kind: str, raw: str) -> str:
    raw = (raw or "").strip()
    if kind == PlanField.Kind.DATE and raw:
        try:
            return formats.date_format(datetime.date.fromisoformat(raw), "DATE_FORMAT")
        except ValueError:
            return raw
    if kind == PlanField.Kind.HORIZON:
        return {"short": _("Short term"), "long": _("Long term")}.get(raw, raw)
    return raw


def shared_fields_of(items: list[PlanItem], labels: list[str]) -> dict[int, list[tuple[str, str]]]:
    """``{item id: [(label, text), ...]}``: only the fields the policy names, per point."""
    if not items or not labels:
        return {}
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    order = {label: i for i, label in enumerate(labels)}
    values = (
        PlanValue.objects.filter(
            item__in=items, activity__isnull=True, field__label__in=labels, field__per="item"
        )
        .select_related("field")
        .order_by("item_id", "field__order")
    )
    for value in values:
        text = _display(value.field.kind, value.value)
        if text and value.item_id is not None:
            out[value.item_id].append((value.field.label, text))
    for rows in out.values():
        rows.sort(key=lambda row: order.get(row[0], 0))
    return dict(out)


@dataclass
class SharedByLeader:
    leader: User
    items: list = field(default_factory=list)  # [(item, [(label, text)], shared_at)]


def shared_with(colleague: User) -> list[SharedByLeader]:
    """What leader colleagues share with this person: per leader, the points and only the
    policy's fields. Empty where the municipality has not enabled sharing."""
    policy = policy_of(colleague.municipality_id)
    if policy is None:
        return []
    shares = list(
        ItemShare.objects.filter(colleague=colleague, item__plan__agreed_at__isnull=False)
        .filter(item__plan__leader_id=F("shared_by_id"))
        .select_related("item", "shared_by")
        .order_by("shared_by__name", "item__order", "item__pk")
    )
    fields = shared_fields_of([s.item for s in shares], policy.field_labels)
    groups: dict[int, SharedByLeader] = {}
    for share in shares:
        group = groups.setdefault(share.shared_by_id, SharedByLeader(share.shared_by))
        group.items.append((share.item, fields.get(share.item_id, []), share.created_at))
    return list(groups.values())

from __future__ import annotations

from django import template

from .. import selectors
from ..models import ItemShare

register = template.Library()


@register.inclusion_tag("sharing/partials/home_links.html", takes_context=True)
def sharing_links(context):
    """Links on the start page where the municipality has enabled sharing: share one's own
    points, and (when a colleague shares something) what is shared with one."""
    user = context["request"].user
    policy = selectors.policy_of(getattr(user, "municipality_id", None))
    if policy is None or (user.is_hr and not user.manager_id):
        return {"show": False}
    received = ItemShare.objects.filter(
        colleague=user, item__plan__agreed_at__isnull=False
    ).exists()
    return {"show": True, "received": received}

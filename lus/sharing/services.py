"""Writes for sharing development points (keyword-only, validated, atomic, audited)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lus.accounts.models import User
from lus.audit.models import AuditEvent
from lus.audit.services import audit_record
from lus.plans.models import Plan, PlanItem

from .models import ItemShare, SharingPolicy
from .selectors import colleagues_for, policy_of


def _require_policy(municipality_id) -> SharingPolicy:
    policy = policy_of(municipality_id)
    if policy is None:
        raise ValidationError(_("Your municipality has not enabled sharing with colleagues."))
    return policy


@transaction.atomic
def item_share(*, item: PlanItem, colleague: User, actor: User) -> ItemShare:
    """The leader shares one point of an agreed plan with one named leader colleague."""
    plan = Plan.objects.select_related("conversation").get(pk=item.plan_id)  # as stored now
    if plan.leader_id != actor.pk:
        raise PermissionDenied
    _require_policy(plan.municipality_id)
    if plan.agreed_at is None:
        raise ValidationError(_("Only points of an agreed plan can be shared."))
    if not colleagues_for(actor).filter(pk=colleague.pk).exists():
        raise ValidationError(_("Choose a leader colleague from your municipality."))
    share = ItemShare(
        municipality_id=plan.municipality_id, item=item, colleague=colleague, shared_by=actor
    )
    share.full_clean(exclude=["item", "colleague", "shared_by"], validate_unique=False)
    try:
        with transaction.atomic():
            share.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("The point is already shared with %(name)s.") % {"name": colleague.name}
        ) from exc
    audit_record(
        actor=actor,
        action="share_plan_item",
        target=plan.conversation,
        subject=actor,
        detail=_("Shared the development point “%(point)s” with %(name)s")
        % {"point": item.title, "name": colleague.name},
        category=AuditEvent.Category.CHANGE,
    )
    return share


@transaction.atomic
def item_share_revoke(*, share: ItemShare, actor: User) -> None:
    """The leader stops sharing: the colleague loses access at once."""
    if share.shared_by_id != actor.pk:
        raise PermissionDenied
    item, colleague = share.item, share.colleague
    share.delete()
    audit_record(
        actor=actor,
        action="revoke_plan_item_share",
        target=item.plan.conversation,
        subject=actor,
        detail=_("Stopped sharing the development point “%(point)s” with %(name)s")
        % {"point": item.title, "name": colleague.name},
        category=AuditEvent.Category.CHANGE,
    )


@transaction.atomic
def sharing_policy_set(
    *, municipality, enabled: bool, shared_fields: str = "", intro: str = ""
) -> SharingPolicy:
    """Create or change the municipality's policy (demo data and tests; HR uses the admin)."""
    policy = SharingPolicy.objects.filter(municipality=municipality).first() or SharingPolicy(
        municipality=municipality
    )
    policy.enabled, policy.shared_fields, policy.intro = enabled, shared_fields, intro
    policy.full_clean(validate_unique=False)
    policy.save()
    return policy

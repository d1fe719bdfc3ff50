"""The leader's page to share agreed development points with named colleagues (and revoke),
and the colleague's read-only page. Where the municipality has not enabled sharing, both pages
do not exist (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lus.audit.services import audit_read
from lus.core.access import object_for_user

from . import selectors, services
from .models import ItemShare


def _policy_or_404(request):
    policy = selectors.policy_of(getattr(request.user, "municipality_id", None))
    if policy is None:
        raise Http404
    return policy


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    policy = _policy_or_404(request)
    items = selectors.shareable_items(request.user)
    colleagues = selectors.colleagues_for(request.user)
    listed = list(colleagues.only("pk", "name", "job_title")[: selectors.PICK_LIMIT + 1])
    searching = len(listed) > selectors.PICK_LIMIT
    data = request.POST if request.method == "POST" else request.GET
    searched_item, query = _int(data.get("item")), data.get("q", "").strip()[:100]
    errors: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        item = {i.pk: i for i in items}.get(searched_item)
        if item is None:
            raise Http404
        chosen = _int(request.POST.get("colleague"))
        colleague = colleagues.filter(pk=chosen).first() if chosen else None
        if colleague is None:
            errors[item.pk] = _("Choose a leader colleague from your municipality.")
        else:
            try:
                services.item_share(item=item, colleague=colleague, actor=request.user)
            except ValidationError as exc:
                errors[item.pk] = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("“%(point)s” is now shared with %(name)s.")
                    % {"point": item.title, "name": colleague.name},
                )
                return redirect("sharing:mine")
        status = 400
        items = selectors.shareable_items(request.user)
    elif searching and not query and searched_item in {i.pk for i in items}:
        errors[searched_item] = _("Write part of your colleague's name.")
        status = 400
    fields = selectors.shared_fields_of(items, policy.field_labels)
    for item in items:
        item.shared_fields = fields.get(item.pk, [])
        item.error = errors.get(item.pk)
        shared_ids = {s.colleague_id for s in item.shares}
        if not searching:
            item.choices = [c for c in listed if c.pk not in shared_ids]
        elif item.pk == searched_item and query:
            found = selectors.colleague_search(request.user, query, exclude=shared_ids)
            item.query = query
            item.matches = found[: selectors.SEARCH_LIMIT]
            item.more = len(found) > selectors.SEARCH_LIMIT
    return render(
        request,
        "sharing/mine.html",
        {
            "policy": policy,
            "items": items,
            "searching": searching,
            "search_limit": selectors.SEARCH_LIMIT,
        },
        status=status,
    )


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _policy_or_404(request)
    share = object_for_user(
        request,
        ItemShare.objects.select_related("item__plan__conversation", "colleague"),
        perm="sharing.revoke_share",
        pk=pk,
    )
    title, name = share.item.title, share.colleague.name
    services.item_share_revoke(share=share, actor=request.user)
    messages.success(
        request,
        _("“%(point)s” is no longer shared with %(name)s.") % {"point": title, "name": name},
    )
    return redirect("sharing:mine")


@login_required
@never_cache
@require_GET
def shared_with_me(request: HttpRequest) -> HttpResponse:
    _policy_or_404(request)
    groups = selectors.shared_with(request.user)
    for group in groups:
        for item, _fields, _at in group.items:
            audit_read(
                actor=request.user,
                action="view_shared_points",
                target=item,
                subject=group.leader,
                request=request,
            )
    return render(request, "sharing/shared_with_me.html", {"groups": groups})

"""axe (WCAG 2.1 AA, serious/critical) and the strict CSP on the conversation view, the plan
(editable and locked) and the follow-ups list — with the machinery of test_accessibility."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import CSP_LISTENER, _check

pytestmark = pytest.mark.browser


def _setup():
    from lus.conversations.models import Conversation
    from lus.plans import services
    from lus.tenants.scoping import tenant_scope, unscoped

    with unscoped("test: demo conversations"):
        convs = {
            slug: Conversation.objects.select_related("municipality", "leader")
            .filter(leader__username=f"{slug}-leder2")
            .order_by("-year")
            .first()
            for slug in ("haderslev", "hoeje-taastrup", "albertslund")
        }
    for c in convs.values():
        with tenant_scope(c.municipality):
            plan = services.plan_get_or_create(conversation=c)
            item = services.plan_item_create(plan=plan, user=c.leader, title="Sparring")
            if c.version.plan_continues:
                services.plan_activity_create(plan=plan, user=c.leader, item_id=item.pk)
    return convs


def test_axe_and_csp_on_plan_pages(demo_data, login, page, live_server):
    convs = _setup()
    page.add_init_script(CSP_LISTENER)
    failures = []
    for slug, c in convs.items():
        page.context.clear_cookies()
        login(f"{slug}-chef")
        for path in (f"/lus/{c.pk}/samtale/", f"/lus/{c.pk}/plan/", "/lus/opfoelgning/"):
            _result, bad, csp = _check(page, live_server, path)
            for v in bad:
                nodes = ", ".join(n["target"][0] for n in v["nodes"][:3])
                failures.append(f"{path}: {v['id']} ({v['impact']}) at {nodes}")
            failures += [f"{path}: CSP violation: {t}" for t in csp]
    assert not failures, "\n".join(failures)

"""Gate 6 for the admin: every admin page HR can reach — the list, the add form and a change
form of every model, the framework studio and its review page — has no axe violation of impact
serious or critical and no CSP violation. Pages HR may not open (403) are skipped; which ones
is printed."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.browser.test_accessibility import CSP_LISTENER, _check

pytestmark = pytest.mark.browser


def _admin_paths(page, live_server) -> list[tuple[str, str]]:
    paths = []
    for model in admin.site._registry:
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        try:
            changelist = reverse(f"{name}_changelist")
        except NoReverseMatch:
            continue
        paths.append((f"{opts.verbose_name_plural} (list)", changelist))
        paths.append((f"{opts.verbose_name} (add)", reverse(f"{name}_add")))
        response = page.goto(f"{live_server.url}{changelist}")
        if response.status < 400:
            link = page.locator("#result_list tbody th a, #result_list tbody td a").first
            if link.count():
                paths.append((f"{opts.verbose_name} (change)", link.get_attribute("href")))
    return paths


def test_axe_and_csp_on_every_admin_page_hr_reaches(demo_data, login, page, live_server):
    from lus.frameworks.models import FrameworkVersion
    from lus.frameworks.services import framework_version_create_draft
    from lus.tenants.scoping import tenant_scope, unscoped

    with unscoped("test: the demo's Haderslev framework"):
        published = FrameworkVersion.objects.select_related("municipality").get(
            municipality__slug="haderslev", status="published"
        )
    with tenant_scope(published.municipality):
        draft = framework_version_create_draft(version=published)
    page.add_init_script(CSP_LISTENER)
    login("haderslev-hr")
    pages = [
        *_admin_paths(page, live_server),
        ("studio, draft", reverse("admin:frameworks_studio", args=[draft.pk])),
        ("studio, published", reverse("admin:frameworks_studio", args=[published.pk])),
        ("review, draft", reverse("admin:frameworks_review", args=[draft.pk])),
        ("changes, published", reverse("admin:frameworks_review", args=[published.pk])),
        ("studio preview", reverse("admin:frameworks_studio_preview", args=[draft.pk])),
    ]
    failures, skipped, checked = [], [], []
    for what, path in pages:
        response = page.goto(f"{live_server.url}{path}")
        if response.status == 403:
            skipped.append(what)
            continue
        _result, bad, csp_errors = _check(page, live_server, path)
        checked.append(f"{what}: {len(bad)} serious/critical")
        for violation in bad:
            nodes = ", ".join(n["target"][0] for n in violation["nodes"][:3])
            failures.append(f"{what} {path}: {violation['id']} ({violation['impact']}) at {nodes}")
        failures += [f"{what} {path}: CSP violation: {text}" for text in csp_errors]
    print("\nadmin pages checked:\n  " + "\n  ".join(checked))
    print("skipped (403 for HR): " + ", ".join(skipped))
    assert len(checked) > 30
    assert not failures, "\n".join(failures)

"""Gate 6 for the admin: every admin page HR can reach — the list, the add form and a change
form of every model, the framework studio and its review page — has no axe violation of impact
serious or critical and no CSP violation, as Haderslev's HR; the pages whose markup differs
per municipality also as the other four municipalities' HR. Pages HR may not open (403) are
skipped; which ones is printed."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.browser.test_accessibility import CSP_LISTENER, _check

pytestmark = pytest.mark.browser


def _name(model) -> str:
    return f"admin:{model._meta.app_label}_{model._meta.model_name}"


def _change_path(page, live_server, changelist: str) -> str | None:
    """The first object's change form in the list, if HR may open the list at all."""
    response = page.goto(f"{live_server.url}{changelist}")
    if response.status < 400:
        link = page.locator("#result_list tbody th a, #result_list tbody td a").first
        if link.count():
            return link.get_attribute("href")
    return None


def _admin_paths(page, live_server) -> list[tuple[str, str]]:
    paths = []
    for model in admin.site._registry:
        opts = model._meta
        try:
            changelist = reverse(f"{_name(model)}_changelist")
        except NoReverseMatch:
            continue
        paths.append((f"{opts.verbose_name_plural} (list)", changelist))
        paths.append((f"{opts.verbose_name} (add)", reverse(f"{_name(model)}_add")))
        change = _change_path(page, live_server, changelist)
        if change:
            paths.append((f"{opts.verbose_name} (change)", change))
    return paths


#: Admin pages whose content is the municipality's own configuration, so their markup differs
#: from one municipality to the next (the forms' choices, the framework's question types and
#: settings); the rest share one template and are checked in Haderslev. The add forms of rounds
#: and units are where the first fault showed in every municipality.
PER_MUNICIPALITY_ADD = ["rounds.LusRound", "accounts.OrgUnit"]
PER_MUNICIPALITY_CHANGE = [
    "frameworks.FrameworkVersion",
    "frameworks.Section",
    "frameworks.Question",
    "tenants.Municipality",
    "documents.DocumentSettings",
    "sharing.SharingPolicy",
    "sso.IdentityProvider",
]


def _per_municipality_paths(page, live_server) -> list[tuple[str, str]]:
    from django.apps import apps

    paths = []
    for label in PER_MUNICIPALITY_ADD:
        model = apps.get_model(label)
        paths.append((f"{model._meta.verbose_name} (add)", reverse(f"{_name(model)}_add")))
    for label in PER_MUNICIPALITY_CHANGE:
        model = apps.get_model(label)
        change = _change_path(page, live_server, reverse(f"{_name(model)}_changelist"))
        if change:
            paths.append((f"{model._meta.verbose_name} (change)", change))
    return paths


def _framework_paths(slug: str) -> list[tuple[str, str]]:
    """The studio, the review page and the preview of the municipality's framework (a new
    draft of the published version, and the published version itself)."""
    from lus.frameworks.models import FrameworkVersion
    from lus.frameworks.services import framework_version_create_draft
    from lus.tenants.scoping import tenant_scope, unscoped

    with unscoped("test: the demo's framework"):
        published = FrameworkVersion.objects.select_related("municipality").get(
            municipality__slug=slug, status="published"
        )
    with tenant_scope(published.municipality):
        draft = framework_version_create_draft(version=published)
    return [
        ("studio, draft", reverse("admin:frameworks_studio", args=[draft.pk])),
        ("studio, published", reverse("admin:frameworks_studio", args=[published.pk])),
        ("review, draft", reverse("admin:frameworks_review", args=[draft.pk])),
        ("changes, published", reverse("admin:frameworks_review", args=[published.pk])),
        ("studio preview", reverse("admin:frameworks_studio_preview", args=[draft.pk])),
    ]


def _check_pages(page, live_server, pages, *, who: str):
    failures, skipped, checked = [], [], []
    for what, path in pages:
        response = page.goto(f"{live_server.url}{path}")
        if response.status == 403:
            skipped.append(f"{who}: {what}")
            continue
        _result, bad, csp_errors = _check(page, live_server, path)
        checked.append(f"{who}: {what}: {len(bad)} serious/critical")
        for violation in bad:
            nodes = ", ".join(n["target"][0] for n in violation["nodes"][:3])
            failures.append(
                f"{who}: {what} {path}: {violation['id']} ({violation['impact']}) at {nodes}"
            )
        failures += [f"{who}: {what} {path}: CSP violation: {text}" for text in csp_errors]
    return failures, skipped, checked


def test_axe_and_csp_on_every_admin_page_hr_reaches(demo_data, login, page, live_server):
    page.add_init_script(CSP_LISTENER)
    framework = _framework_paths("haderslev")
    login("haderslev-hr")
    pages = [*_admin_paths(page, live_server), *framework]
    failures, skipped, checked = _check_pages(page, live_server, pages, who="haderslev")
    print("\nadmin pages checked:\n  " + "\n  ".join(checked))
    print("skipped (403 for HR): " + ", ".join(skipped))
    assert len(checked) > 30
    assert not failures, "\n".join(failures)


def test_axe_and_csp_on_the_admin_pages_that_differ_per_municipality(
    demo_data, login, page, live_server
):
    """The other municipalities' HR: every page whose markup is the municipality's own (all
    five checking every page would triple the gate's time for pages that share a template)."""
    from lus.orchestration.demo import MUNICIPALITIES

    page.add_init_script(CSP_LISTENER)
    failures, checked = [], []
    others = [m.slug for m in MUNICIPALITIES if m.slug != "haderslev"]
    assert len(others) == 4
    for slug in others:
        framework = _framework_paths(slug)
        page.context.clear_cookies()
        login(f"{slug}-hr")
        pages = [*_per_municipality_paths(page, live_server), *framework]
        bad, _skipped, ok = _check_pages(page, live_server, pages, who=slug)
        failures += bad
        checked += ok
    print("\nadmin pages checked:\n  " + "\n  ".join(checked))
    assert len(checked) >= 4 * 12
    assert not failures, "\n".join(failures)

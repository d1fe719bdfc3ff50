import re

from django.urls import reverse

from lus.plans import services
from lus.plans.models import PlanItemEvaluation
from lus.tenants.scoping import tenant_scope, unscoped
from tests.plans.factories import held_conversation


def test_autosave_updates_evaluations_of_last_years_plan(client, db, settings):
    """Evaluations typed after a first (empty) autosave are updated, not refused (batched
    save)."""
    settings.DEBUG = True
    last = held_conversation("items", year=2025)
    with tenant_scope(last.municipality):
        plan = services.plan_get_or_create(conversation=last)
        for title in ("Sparring med økonomi", "Lederuddannelse"):
            services.plan_item_create(plan=plan, user=last.leader, title=title)
    c = held_conversation("items", year=2026, status="invited", leader=last.leader)
    u = c.leader
    client.force_login(u)
    url = reverse("conversations:prepare", args=[c.pk])
    html = client.get(url, secure=True).content.decode()
    evals = re.findall(r'name="(eval-[^"]+)"', html)
    rev = re.search(r'name="revision" value="(\d+)"', html).group(1)
    # A free-text question of the form (ids differ between databases and runs).
    question = re.search(r'<textarea[^>]*\bname="(q-\d+)"', html).group(1)
    data = {"revision": rev, question: "Første udkast"}
    for e in evals:
        data[e] = ""
    resp = client.post(url, data, secure=True, headers={"X-LUS-Autosave": "1"})
    assert resp.status_code == 200, resp.content
    data["revision"] = str(resp.json()["revision"])
    for e in evals:
        data[e] = "done" if e.endswith("status") else "ok"
    data[question] = "Andet udkast"
    resp = client.post(url, data, secure=True, headers={"X-LUS-Autosave": "1"})
    assert resp.status_code == 200, resp.content
    assert evals
    with unscoped("test"):
        saved = list(PlanItemEvaluation.objects.filter(conversation=c))
    assert len(saved) == len(evals) // 2
    assert all((e.text, e.status, e.revision) == ("ok", "done", 1) for e in saved)

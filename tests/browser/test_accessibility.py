"""Gate 6: axe-core on every page of the main flows, per role (WCAG 2.1 AA): no violation of
impact serious or critical. The same pass asserts that the strict Content-Security-Policy
breaks nothing (no CSP violation reported by Chromium), the admin included.

Add your pages to PAGES: (demo username or None for anonymous, path, description).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe" / "axe.min.js"
assert AXE.exists()
IMPACTS = {"serious", "critical"}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def conversation_page(username, url_name="conversations:prepare", newest=True):
    """The path of a page of the demo person's newest (or oldest) LUS (None without one)."""

    def resolve():
        from django.urls import reverse

        from lus.conversations.models import Conversation
        from lus.tenants.scoping import unscoped

        with unscoped("test: find the demo conversation"):
            qs = Conversation.objects.filter(leader__username=username)
            conv = qs.order_by("-year" if newest else "year").first()
        return reverse(url_name, args=[conv.pk]) if conv else None

    return resolve


def preparation(username):
    return conversation_page(username)


def round_status(slug):
    """The path of the municipality's newest LUS round's status page (None without one)."""

    def resolve():
        from django.urls import reverse

        from lus.rounds.models import LusRound
        from lus.tenants.scoping import unscoped

        with unscoped("test: find the demo round"):
            r = LusRound.objects.filter(municipality__slug=slug).order_by("-year").first()
        return reverse("rounds:overview", args=[r.pk]) if r else None

    return resolve


def published_version(slug):
    """The admin page of the municipality's published framework version."""

    def resolve():
        from django.urls import reverse

        from lus.frameworks.models import FrameworkVersion
        from lus.tenants.scoping import unscoped

        with unscoped("test: find the demo framework"):
            v = FrameworkVersion.objects.filter(
                municipality__slug=slug, status=FrameworkVersion.Status.PUBLISHED
            ).first()
        return reverse("admin:frameworks_frameworkversion_change", args=[v.pk]) if v else None

    return resolve


def development_of(username):
    """A leader's development over the years, as their leader's leader sees it."""

    def resolve():
        from django.urls import reverse

        from lus.accounts.models import User
        from lus.tenants.scoping import unscoped

        with unscoped("test: find the demo person"):
            person = User.objects.get(username=username)
        return reverse("history:leader", args=[person.pk])

    return resolve


def municipality_change(slug):
    """HR's page for its municipality's process settings, colour and logo."""

    def resolve():
        from django.urls import reverse

        from lus.tenants.models import Municipality

        return reverse(
            "admin:tenants_municipality_change", args=[Municipality.objects.get(slug=slug).pk]
        )

    return resolve


def person_change(username):
    """The admin page of a demo person (HR edits people; no password field)."""

    def resolve():
        from django.urls import reverse

        from lus.accounts.models import User
        from lus.tenants.scoping import unscoped

        with unscoped("test: find the demo person"):
            person = User.objects.get(username=username)
        return reverse("admin:accounts_user_change", args=[person.pk])

    return resolve


def handover_answer(username, to_username):
    """A proposal (made here) to hand the demo leader's LUS over: the leader's answer page."""

    def resolve():
        from django.urls import reverse

        from lus.accounts.models import User
        from lus.conversations.models import Conversation
        from lus.rounds.models import LeadersLeaderHandover
        from lus.tenants.scoping import unscoped

        with unscoped("test: a hand-over proposal in the demo"):
            conv = Conversation.objects.filter(leader__username=username).order_by("-year")[0]
            proposal, _ = LeadersLeaderHandover.objects.get_or_create(
                conversation=conv,
                status="pending",
                defaults={
                    "municipality_id": conv.municipality_id,
                    "from_leaders_leader_id": conv.leaders_leader_id,
                    "to_leaders_leader": User.objects.get(username=to_username),
                    "handed_over_by": User.objects.get(username=f"{conv.municipality.slug}-hr"),
                    "reason": "Ny organisering",
                },
            )
        return reverse("handover:answer", args=[proposal.pk])

    return resolve


def status_talk(username):
    """A status talk (booked here) on the demo leader's oldest, agreed LUS: its status page."""

    def resolve():
        import datetime

        from django.urls import reverse
        from django.utils import timezone

        from lus.conversations.models import Conversation
        from lus.statustalks.models import StatusTalk
        from lus.tenants.scoping import unscoped

        with unscoped("test: a status talk in the demo"):
            conv = Conversation.objects.filter(leader__username=username).order_by("year")[0]
            talk, _ = StatusTalk.objects.get_or_create(
                conversation=conv,
                number=1,
                defaults={
                    "municipality_id": conv.municipality_id,
                    "scheduled_at": timezone.now() + datetime.timedelta(days=14),
                    "location": "Mødelokale 2",
                    "ics_uid": "lus-status-axe@lus",
                },
            )
        return reverse("statustalks:talk", args=[talk.pk])

    return resolve


#: (who, path, what). who is a demo username ("<slug>-leder|chef|hr") or None; path may be a
#: callable returning the path (or None to skip when the demo has no such object).
PAGES = [
    (None, "/login/", "login"),
    ("haderslev-leder", "/", "home (leader)"),
    ("haderslev-leder", "/me/log/", "who has seen my LUS (leader)"),
    ("haderslev-leder", "/me/data/", "my data (leader)"),
    ("haderslev-leder", preparation("haderslev-leder"), "preparation form (leader)"),
    (
        "haderslev-leder",
        conversation_page("haderslev-leder", "conversations:summary"),
        "check your answers (leader)",
    ),
    ("haderslev-leder2", "/lus/udvikling/", "my development over the years (leader)"),
    (
        "haderslev-chef",
        development_of("haderslev-leder2"),
        "a leader's development over the years (leader's leader)",
    ),
    (
        "norddjurs-chef",
        conversation_page("norddjurs-leder2", "plans:conduct"),
        "conversation view with differences, Norddjurs (leader's leader)",
    ),
    ("haderslev-chef", "/", "home (leader's leader)"),
    ("haderslev-hr", "/", "home (HR)"),
    ("haderslev-hr", "/admin/", "admin index (HR)"),
    ("haderslev-hr", "/admin/accounts/user/", "people list (HR)"),
    ("haderslev-hr", "/admin/accounts/user/add/", "add person (HR)"),
    ("haderslev-hr", "/admin/tenants/municipality/", "municipality list (HR)"),
    (
        "haderslev-hr",
        municipality_change("haderslev"),
        "municipality settings, colour and logo (HR)",
    ),
    ("haderslev-hr", "/admin/audit/auditevent/", "configuration log (HR)"),
    ("haderslev-hr", published_version("haderslev"), "published framework version (HR)"),
    ("haderslev-hr", "/hr/runder/", "LUS rounds (HR)"),
    ("haderslev-hr", round_status("haderslev"), "round status (HR)"),
    ("haderslev-hr", "/hr/statistik/", "anonymous statistics (HR)"),
    ("haderslev-hr", "/hr/overdragelse/", "hand over conversations (HR)"),
    ("haderslev-chef", "/lus/mine-ledere/", "my leaders (leader's leader)"),
    ("haderslev-chef", "/lus/mine-ledere/spoergsmaal/", "customise questions (leader's leader)"),
    (
        "haderslev-chef",
        conversation_page("haderslev-leder2", "conversations:invite"),
        "invitation (leader's leader)",
    ),
    (
        "albertslund-chef",
        conversation_page("albertslund-leder2", "plans:conduct"),
        "conversation view, Albertslund (leader's leader)",
    ),
    (
        "norddjurs-leder2",
        conversation_page("norddjurs-leder2", "plans:plan"),
        "development plan, Norddjurs (leader)",
    ),
    (
        "haderslev-chef",
        conversation_page("haderslev-leder", "documents:document", newest=False),
        "PDF and filing (leader's leader)",
    ),
    ("haderslev-leder", "/lus/opfoelgning/", "follow-ups (leader)"),
    ("haderslev-hr", person_change("haderslev-leder2"), "person (HR)"),
    (
        "haderslev-leder2",
        handover_answer("haderslev-leder2", "haderslev-direktoer"),
        "hand-over answer (leader)",
    ),
    (None, "/adgangskode/MQ/ugyldigt-link/", "password link, no longer valid"),
    (
        "norddjurs-chef",
        conversation_page("norddjurs-leder2", "plans:conduct"),
        "conversation wheel (SVG, text alternative, data table) as start picker, Norddjurs",
    ),
    (
        "haderslev-leder2",
        conversation_page("haderslev-leder2", "statustalks:index", newest=False),
        "status talks: book from the agreed plan (leader)",
    ),
    ("haderslev-leder2", status_talk("haderslev-leder2"), "status talk: status per point (leader)"),
    (
        "albertslund-leder2",
        conversation_page("albertslund-leder2", "statustalks:agreements", newest=False),
        "agreements per perspective, Albertslund (leader)",
    ),
    ("randers-leder", "/lus/oevebaner/deling/", "share øvebaner with colleagues, Randers (leader)"),
    ("randers-leder2", "/lus/oevebaner/delt-med-mig/", "øvebaner shared with me, Randers"),
    ("randers-hr", "/admin/sharing/sharingpolicy/", "sharing with colleagues policy (HR)"),
]

RESULTS: dict[str, str] = {}
#: Pages whose screenshot is kept in docs/screenshots/ (looked at in reviews).
SCREENSHOTS = {
    "who has seen my LUS (leader)": "hvem-har-set-min-lus.png",
    "my data (leader)": "mine-data.png",
    "configuration log (HR)": "hr-konfigurationslog.png",
}


#: Records CSP violations with where they come from (init scripts are not subject to CSP).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
    + ` sample=${e.sample}`);
});
"""


def _check(page, live_server, path):
    response = page.goto(f"{live_server.url}{path}")
    assert response.status < 400, f"{path}: HTTP {response.status}"
    page.wait_for_load_state("load")
    csp_errors = page.evaluate("() => window.__cspViolations || []")
    # Loaded from our own origin (the vendored file), so the strict CSP allows it.
    page.add_script_tag(url=f"{live_server.url}/static/vendor/axe/axe.min.js")
    result = page.evaluate("async (opts) => await axe.run(document, opts)", AXE_OPTIONS)
    bad = [v for v in result["violations"] if v.get("impact") in IMPACTS]
    return result, bad, csp_errors


def test_axe_and_csp_on_main_pages(demo_data, login, page, live_server):
    page.add_init_script(CSP_LISTENER)
    failures = []
    current = "anonymous"
    for who, path, what in PAGES:
        if callable(path):
            path = path()
            if path is None:
                RESULTS[what] = "skipped: no such object in the demo"
                continue
        if who != current:
            page.context.clear_cookies()
            if who is not None:
                login(who)
            current = who
        result, bad, csp_errors = _check(page, live_server, path)
        if what in SCREENSHOTS:
            shots = AXE.parents[3] / "docs" / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / SCREENSHOTS[what]), full_page=True)
        minor = len(result["violations"]) - len(bad)
        RESULTS[what] = (
            f"{len(bad)} serious/critical, {minor} minor, {len(result['passes'])} passed"
        )
        for violation in bad:
            nodes = ", ".join(n["target"][0] for n in violation["nodes"][:3])
            failures.append(f"{what} {path}: {violation['id']} ({violation['impact']}) at {nodes}")
        failures += [f"{what} {path}: CSP violation: {text}" for text in csp_errors]
    print("\naxe results:\n" + "\n".join(f"  {k}: {v}" for k, v in RESULTS.items()))
    assert not failures, "\n".join(failures)

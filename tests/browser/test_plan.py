"""The leader's leader conducts the LUS and both co-edit the development plan at the same time
from two browsers (two Playwright contexts = two people): each sees the other's change without
reloading, edits of one field in different places merge with no dialog, an edit of the same
words is resolved inline by the second typist only, both approve, and the plan is locked.
Haderslev (items), Norddjurs (fixed prompts), Albertslund (per-section agreements).

The invitation and the leader's shared preparation come from ``manage.py demo``
(``<slug>-leder2`` has shared the preparation; ``<slug>-chef`` holds the LUS)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SOON = 8_000  # ms: "within a few seconds" (the polling fallback runs every 3 s)
# ms: through the event stream (typing pause 0.4 s + save + stream). On SQLite the test server
# cannot stream (one shared in-memory connection) and the page polls every 3 s instead.
LIVE = 1_000 if "postgresql" in os.environ.get("DATABASE_URL", "") else SOON


def _conversation_pk(slug: str) -> int:
    from lus.conversations.models import Conversation
    from lus.tenants.scoping import unscoped

    with unscoped("test: find the demo conversation"):
        return (
            Conversation.objects.filter(leader__username=f"{slug}-leder2")
            .order_by("-year")
            .first()
            .pk
        )


def _name(username: str) -> str:
    from lus.accounts.models import User
    from lus.tenants.scoping import unscoped

    with unscoped("test: a demo person's name"):
        return User.objects.get(username=username).name


def _person(browser, live_server, username: str):
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("demo")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def _write(locator, text: str) -> None:
    """Type into a field and leave it (a focused field counts as being edited: the other
    person's changes are not put into it, so the test leaves the field like a user would)."""
    locator.fill(text)
    locator.press("Tab")
    locator.page.locator("h1").click()


def _conduct(chef, live_server, pk, *, note: str):
    chef.goto(f"{live_server.url}/lus/{pk}/samtale/")
    expect(chef.locator("h1")).to_contain_text("Samtale: LUS")
    first = chef.locator("[data-cell^='n'], [data-cell^='s']").first
    first.fill(note)
    first.press("Tab")
    expect(chef.locator(".lus-cell-status").first).to_contain_text("Gemt", timeout=SOON)
    chef.get_by_role("button", name="Marker samtalen som afholdt").click()
    expect(chef.get_by_role("status").first).to_contain_text("markeret som afholdt")


def _approve_both(chef, leader, live_server, pk, slug):
    leader.get_by_role("button", name="Godkend planen").click()
    expect(leader.locator("#approval-list")).to_contain_text("Godkendt af")
    # The leader's leader sees the leader's approval without reloading.
    expect(chef.locator("#approval-list")).to_contain_text("Godkendt af", timeout=SOON)
    chef.get_by_role("button", name="Godkend planen").click()
    expect(chef.get_by_role("status").first).to_contain_text("Planen er aftalt og låst")
    # The leader's page reloads itself into the read-only plan.
    expect(leader.locator("#locked-notice")).to_be_visible(timeout=SOON)
    for page in (chef, leader):
        expect(page.locator("textarea[data-cell], input[data-cell]")).to_have_count(0)
        expect(page.locator("#status")).to_have_text("Plan aftalt")
    # The server refuses edits too (not just the page).
    status = chef.evaluate(
        """async (url) => {
            const body = new FormData();
            body.append("key", "p1"); body.append("revision", "0"); body.append("value", "x");
            const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
            const r = await fetch(url, {method: "POST", body, headers: {"X-CSRFToken": csrf}});
            return [r.status, (await r.json()).error];
        }""",
        f"{live_server.url}/lus/{pk}/plan/gem/",
    )
    assert status[0] == 409 and "låst" in status[1]


def test_haderslev_two_browsers_coedit_with_conflict(demo_data, browser, live_server):
    pk = _conversation_pk("haderslev")
    chef_name = _name("haderslev-chef")  # before the browsers use the test server's connection
    chef = _person(browser, live_server, "haderslev-chef")
    leader = _person(browser, live_server, "haderslev-leder2")
    _conduct(chef, live_server, pk, note="Godt samarbejde med TRIO")
    expect(chef.locator(".lus-answer-leader").first).not_to_be_empty()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chef.screenshot(path=str(SCREENSHOTS / "conversation-view-haderslev.png"), full_page=True)

    plan_url = f"{live_server.url}/lus/{pk}/plan/"
    chef.goto(plan_url)
    leader.goto(plan_url)
    # A new development point appears in the other browser without reloading.
    chef.get_by_role("button", name="Tilføj udviklingspunkt").click()
    title = "[data-cell$='-title']"
    expect(chef.locator(title)).to_have_count(1)
    expect(leader.locator(title)).to_have_count(1, timeout=SOON)
    # Different fields at the same time: both kept.
    _write(chef.locator(title), "Strategisk sparring")
    _write(leader.locator("[data-cell^='i'][data-cell*='-f']").nth(1), "Mentorforløb og kursus")
    expect(leader.locator(title)).to_have_value("Strategisk sparring", timeout=SOON)
    expect(chef.locator("[data-cell^='i'][data-cell*='-f']").nth(1)).to_have_value(
        "Mentorforløb og kursus", timeout=SOON
    )

    # The same field at the same time, in different places: merged, no one is asked.
    goal_chef = chef.locator("[data-cell^='i'][data-cell*='-f']").first
    goal_leader = leader.locator("[data-cell^='i'][data-cell*='-f']").first
    _write(goal_chef, "Mål: tydelig retning")
    expect(goal_leader).to_have_value("Mål: tydelig retning", timeout=SOON)
    goal_chef.click()
    goal_leader.click()
    goal_chef.press("End")
    goal_leader.press("Home")
    goal_chef.press_sequentially(" og mere tid")
    goal_leader.press_sequentially("Vores ")
    both = "Vores Mål: tydelig retning og mere tid"
    expect(goal_chef).to_have_value(both, timeout=LIVE)
    expect(goal_leader).to_have_value(both, timeout=LIVE)
    expect(chef.locator(".lus-resolve")).to_have_count(0)
    expect(leader.locator(".lus-resolve")).to_have_count(0)

    # The same words at the same time: the leader is offline while typing (the text is kept,
    # visibly); the chef's save comes first; the leader — the second saver — chooses inline.
    leader.context.set_offline(True)
    goal_leader.fill("Vores Mål: fælles retning og mere tid")
    expect(leader.locator("main")).to_contain_text("Ikke gemt endnu", timeout=SOON)
    with chef.expect_response(lambda r: "/plan/gem/" in r.url and r.ok, timeout=SOON):
        goal_chef.fill("Vores Mål: klar retning og mere tid")
    leader.context.set_offline(False)
    resolve = leader.locator(".lus-resolve")
    expect(resolve).to_be_visible(timeout=SOON)
    expect(resolve).to_contain_text("»klar«")
    expect(resolve).to_contain_text("»fælles«")
    # Named like the other side's message names the other person (not "den anden").
    expect(resolve).to_contain_text(f"Du og {chef_name} har ændret de samme ord")
    expect(resolve).to_contain_text(f"Hos {chef_name}: »klar«")
    expect(leader.locator(".lus-cell-status", has_text="den anden")).to_have_count(0)
    expect(goal_leader).to_have_value("Vores Mål: fælles retning og mere tid")
    leader.screenshot(path=str(SCREENSHOTS / "plan-coedit-conflict.png"), full_page=True)
    expect(chef.locator(".lus-resolve")).to_have_count(0)
    resolve.get_by_role("button", name="Behold min").click()
    expect(resolve).to_have_count(0)
    expect(goal_chef).to_have_value("Vores Mål: fælles retning og mere tid", timeout=SOON)
    expect(chef.locator(".lus-resolve")).to_have_count(0)
    leader.locator("h1").click()
    chef.locator("h1").click()

    # The leader approves; the chef, still on the page, then edits the same field: the edit is
    # saved and merged, and the approval is withdrawn visibly in both browsers.
    leader.get_by_role("button", name="Godkend planen").click()
    expect(leader.locator("#approval-list")).to_contain_text("Godkendt af")
    expect(chef.locator("#approval-list")).to_contain_text("Godkendt af", timeout=SOON)
    goal_chef.click()
    goal_chef.press("End")
    goal_chef.press_sequentially(" (rettet)")
    goal_chef.press("Tab")
    edited = "Vores Mål: fælles retning og mere tid (rettet)"
    expect(leader.locator("[data-cell^='i'][data-cell*='-f']").first).to_have_value(
        edited, timeout=SOON
    )
    for page in (chef, leader):
        expect(page.locator("#approval-list")).not_to_contain_text("Godkendt af", timeout=SOON)
    expect(chef.locator("#coedit-notice")).to_contain_text("trukket tilbage")
    chef.locator("h1").click()

    # Follow-up date, then both approve -> locked.
    follow = chef.locator("input[type=date][data-cell^='p']")
    _write(follow, "2027-03-15")
    expect(leader.locator("input[type=date][data-cell^='p']")).to_have_value(
        "2027-03-15", timeout=SOON
    )
    _approve_both(chef, leader, live_server, pk, "haderslev")
    expect(chef.locator("main")).to_contain_text("15. marts 2027")
    chef.screenshot(path=str(SCREENSHOTS / "plan-locked.png"), full_page=True)
    leader.goto(f"{live_server.url}/lus/opfoelgning/")
    # The new follow-up is listed with its calendar link (beside last year's from the demo).
    new_follow_up = leader.locator("main li", has_text="15. marts 2027")
    expect(new_follow_up.get_by_role("link", name="Tilføj til kalender (.ics)")).to_be_visible()


def test_norddjurs_prompts_start_dimension_and_lock(demo_data, browser, live_server):
    pk = _conversation_pk("norddjurs")
    chef = _person(browser, live_server, "norddjurs-chef")
    leader = _person(browser, live_server, "norddjurs-leder2")
    chef.goto(f"{live_server.url}/lus/{pk}/samtale/")
    # The conversation wheel is the start picker (one button per dimension).
    chef.locator("#wheel").get_by_role("button", name="Kompetencer og trivsel").click()
    expect(chef.locator("section[data-section] h2").first).to_have_text("Kompetencer og trivsel")
    _conduct(chef, live_server, pk, note="Trivsel 8, god energi")
    plan_url = f"{live_server.url}/lus/{pk}/plan/"
    chef.goto(plan_url)
    leader.goto(plan_url)
    keep = "Hvad er vigtigt at fastholde?"
    work = "Hvad er vigtigst at arbejde videre med?"
    _write(chef.get_by_label(keep), "Tilliden i teamet")
    _write(leader.get_by_label(work), "Delegering")
    expect(leader.get_by_label(keep)).to_have_value("Tilliden i teamet", timeout=SOON)
    expect(chef.get_by_label(work)).to_have_value("Delegering", timeout=SOON)
    _approve_both(chef, leader, live_server, pk, "norddjurs")
    expect(leader.locator("main")).to_contain_text("Tilliden i teamet")


def test_albertslund_section_agreements_and_lock(demo_data, browser, live_server):
    pk = _conversation_pk("albertslund")
    chef = _person(browser, live_server, "albertslund-chef")
    leader = _person(browser, live_server, "albertslund-leder2")
    _conduct(chef, live_server, pk, note="Noter om stikord")
    conduct_url = f"{live_server.url}/lus/{pk}/samtale/"
    chef.goto(conduct_url)
    leader.goto(conduct_url)
    # Per-section agreements in the conversation view, co-edited.
    section = chef.locator("section[data-section]", has_text="Adfærd")
    agreement = "[data-cell^='s'][data-cell*='-f']"
    chef_agreement = section.locator(agreement).nth(1)
    _write(chef_agreement, "Hvad: trivselsmåling. Hvem: lederen. Opfølgning: juni")
    leader_section = leader.locator("section[data-section]", has_text="Adfærd")
    expect(leader_section.locator(agreement).nth(1)).to_have_value(
        re.compile("trivselsmåling"), timeout=SOON
    )
    chef.screenshot(path=str(SCREENSHOTS / "conversation-view-albertslund.png"), full_page=True)
    plan_url = f"{live_server.url}/lus/{pk}/plan/"
    chef.goto(plan_url)
    leader.goto(plan_url)
    expect(leader.locator("fieldset", has_text="Adfærd").locator(agreement).nth(1)).to_have_value(
        re.compile("trivselsmåling")
    )
    _approve_both(chef, leader, live_server, pk, "albertslund")
    expect(leader.locator("main")).to_contain_text("trivselsmåling")


def test_text_typed_before_the_script_ran_is_saved(demo_data, browser, live_server):
    """On a slow connection the leader's leader can type before the page's script has arrived;
    that text raised no events, yet it is saved once the script runs."""
    pk = _conversation_pk("haderslev")
    chef = _person(browser, live_server, "haderslev-chef")
    held = []

    def hold(route):
        held.append(route)

    chef.route("**/js/plan.js*", hold)
    chef.goto(f"{live_server.url}/lus/{pk}/samtale/", wait_until="commit")
    first = chef.locator("textarea[data-cell]").first
    first.fill("Skrevet før scriptet kom")
    assert held, "the script was not requested"
    held[0].continue_()
    expect(chef.locator(".lus-cell-status").first).to_contain_text("Gemt", timeout=SOON)
    chef.unroute("**/js/plan.js*")
    chef.reload()
    expect(chef.locator("textarea[data-cell]").first).to_have_value("Skrevet før scriptet kom")

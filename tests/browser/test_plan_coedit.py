"""Live co-editing in every municipality's plan layout, two browsers (two Playwright contexts =
the leader and the leader's leader) on the same field at once:

- both type in different places of the same text → both texts in both browsers, no dialog;
- both change the same words (the leader offline for a moment: the text stays, with a visible
  message) → only the second saver is asked, inline under the field; the other never is;
- "Behold min" → the chosen text reaches the other browser; nothing else is lost.

Within 1 s through the event stream when the test server runs on PostgreSQL (DATABASE_URL);
on SQLite the test server cannot stream and the page polls (every 3 s) instead."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_plan import LIVE, SCREENSHOTS, SOON, _conversation_pk, _person

pytestmark = pytest.mark.browser


def _shared_field(chef, leader, live_server, pk):
    plan_url = f"{live_server.url}/lus/{pk}/plan/"
    chef.goto(plan_url)
    leader.goto(plan_url)
    text = "textarea[data-cell]"
    if chef.locator(text).count() == 0:
        chef.get_by_role("button", name="Tilføj udviklingspunkt").click()
        expect(chef.locator(text).first).to_be_visible(timeout=SOON)
        expect(leader.locator(text).first).to_be_visible(timeout=SOON)
    key = chef.locator(text).first.get_attribute("data-cell")
    return (
        chef.locator(f"[data-cell='{key}']"),
        leader.locator(f"[data-cell='{key}']"),
    )


@pytest.mark.parametrize(
    "slug", ["haderslev", "randers", "norddjurs", "albertslund", "hoeje-taastrup"]
)
def test_same_field_merges_and_only_the_second_saver_chooses(slug, demo_data, browser, live_server):
    pk = _conversation_pk(slug)
    chef = _person(browser, live_server, f"{slug}-chef")
    leader = _person(browser, live_server, f"{slug}-leder2")
    mine, theirs = _shared_field(chef, leader, live_server, pk)

    mine.fill("Mål: tydelig retning")
    mine.press("Tab")
    expect(theirs).to_have_value("Mål: tydelig retning", timeout=SOON)

    # Different places, at the same time.
    mine.click()
    theirs.click()
    mine.press("End")
    theirs.press("Home")
    mine.press_sequentially(" og mere tid")
    theirs.press_sequentially("Vores ")
    both = "Vores Mål: tydelig retning og mere tid"
    expect(mine).to_have_value(both, timeout=LIVE)
    expect(theirs).to_have_value(both, timeout=LIVE)
    expect(chef.locator(".lus-resolve")).to_have_count(0)
    expect(leader.locator(".lus-resolve")).to_have_count(0)
    if LIVE < SOON:  # presence travels by the stream only
        expect(leader.get_by_text("skriver …").first).to_be_attached()

    # The same words: the chef saves first; the leader (offline while typing) is second.
    leader.context.set_offline(True)
    theirs.fill("Vores Mål: fælles retning og mere tid")
    expect(leader.locator("#coedit-notice")).to_contain_text("Ikke gemt endnu", timeout=SOON)
    with chef.expect_response(lambda r: "/plan/gem/" in r.url and r.ok, timeout=SOON):
        mine.fill("Vores Mål: klar retning og mere tid")
    leader.context.set_offline(False)
    resolve = leader.locator(".lus-resolve")
    expect(resolve).to_be_visible(timeout=SOON)
    expect(resolve).to_contain_text("»klar«")
    expect(resolve).to_contain_text("»fælles«")
    expect(theirs).to_have_value("Vores Mål: fælles retning og mere tid")
    expect(chef.locator(".lus-resolve")).to_have_count(0)
    if slug == "randers":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        leader.screenshot(path=str(SCREENSHOTS / "plan-coedit-inline-choice.png"), full_page=True)
    resolve.get_by_role("button", name="Behold min").click()
    expect(resolve).to_have_count(0)
    expect(mine).to_have_value("Vores Mål: fælles retning og mere tid", timeout=SOON)
    expect(theirs).to_have_value("Vores Mål: fælles retning og mere tid")
    expect(chef.locator(".lus-resolve")).to_have_count(0)
    # Nothing left unsent: leaving the page does not warn.
    assert leader.evaluate("() => document.querySelectorAll('.lus-resolve').length") == 0

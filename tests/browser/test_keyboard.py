"""Keyboard only (WCAG 2.1.1): a leader logs in, opens the preparation, answers every question
they can, saves and shares it without touching the mouse."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MAX_TABS = 600

# What has focus, described in one round trip.
FOCUSED = """() => {
  const el = document.activeElement;
  const group = el.closest('fieldset[data-pick]');
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', id: el.id || '', name: el.name || '',
    text: (el.innerText || el.value || '').trim().slice(0, 80),
    checked: !!el.checked, value: el.value || '',
    groupChecked: el.type === 'radio'
      ? !!document.querySelector(`input[name="${el.name}"]:checked`) : false,
    pick: group ? parseInt(group.dataset.pick, 10) : 0,
    picked: group ? group.querySelectorAll('input:checked').length : 0,
    visibleFocus: getComputedStyle(el).outlineStyle !== 'none'
      || getComputedStyle(el).boxShadow !== 'none',
  };
}"""


def tab_until(page, wanted, act=None):
    """Press Tab until ``wanted(focused)``; ``act(focused)`` may answer what passes by."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
        if act:
            act(focused)
    raise AssertionError("never reached the wanted element with Tab")


def answer(page):
    def act(f):
        unanswered_scale = f["type"] == "radio" and not f["groupChecked"]
        keyword_left = f["type"] == "checkbox" and f["pick"] and f["picked"] < f["pick"]
        if unanswered_scale or keyword_left:
            page.keyboard.press("Space")
        elif f["tag"] == "textarea" and not f["value"] and f["name"].startswith("q-"):
            page.keyboard.type("Skrevet med tastaturet")

    return act


@pytest.mark.parametrize("slug", ["haderslev", "albertslund"])
def test_preparation_can_be_completed_with_the_keyboard_only(demo_data, live_server, page, slug):
    page.goto(f"{live_server.url}/login/")
    tab_until(page, lambda f: f["name"] == "username")
    page.keyboard.type(f"{slug}-leder")
    page.keyboard.press("Tab")
    page.keyboard.type("demo")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2, name="Min LUS 2026")).to_be_visible()

    tab_until(page, lambda f: f["text"] == "Gå til din forberedelse")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Forberedelse til LUS 2026")

    # Walk the whole form once, answering on the way, and save with Enter on "Gem".
    save = tab_until(page, lambda f: f["tag"] == "button" and f["text"] == "Gem", answer(page))
    assert save["visibleFocus"], "the focused button has no visible focus indicator"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Din forberedelse er gemt.")

    tab_until(page, lambda f: f["id"] == "share-button", answer(page))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Din forberedelse er delt med")

"""The leader prepares in a real browser (all five municipalities): scales, text,
choice and keywords, autosave, reload, share — then the leader's leader reads the answers."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _open_preparation(login, page, slug):
    login(f"{slug}-leder")
    expect(page.get_by_role("heading", level=2, name="Min LUS 2026")).to_be_visible()
    page.get_by_role("link", name="Gå til din forberedelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forberedelse til LUS 2026")
    return page.url


def _click(label):
    """Click a label and see that it took effect. Centred first: near the viewport's bottom
    edge the sticky save bar (whose status text changes while autosaving) can move under the
    pointer between Playwright's hit test and the click, so the click would land on the bar."""
    label.evaluate("el => el.scrollIntoView({block: 'center'})")
    label.click()
    control = label.page.locator(f"#{label.get_attribute('for')}")
    expect(control).to_be_checked()


def _fill(page, slug):
    """Answer every question type present; returns what a reload must show."""
    form = page.locator("#prep-form")
    scales = form.locator(".lus-scale")
    for i in range(scales.count()):
        labels = scales.nth(i).locator("label")
        _click(labels.nth(labels.count() - 2))
    texts = form.locator("textarea[name^='q-']")
    for i in range(texts.count()):
        texts.nth(i).fill(f"Svar {i} fra {slug} - æøå")
    choices = form.locator(".form-check-input[type=radio]")
    if choices.count():
        _click(form.locator(f"label[for='{choices.first.get_attribute('id')}']"))
    keywords = form.locator("fieldset[data-pick]")
    for i in range(keywords.count()):
        fs = keywords.nth(i)
        for j in range(int(fs.get_attribute("data-pick"))):
            _click(fs.locator("label").nth(j))
        expect(fs.locator(".lus-keyword-count")).to_contain_text("Valgt: 3 af 3.")
    evals = form.locator("textarea[name^='eval-']")
    for i in range(evals.count()):
        evals.nth(i).fill("Det er gået godt")
        form.locator("select[name^='eval-']").nth(i).select_option("done")
    return {
        "scales": scales.count(),
        "texts": texts.count(),
        "choices": 1 if choices.count() else 0,
        "keywords": 3 * keywords.count(),
    }


@pytest.mark.parametrize(
    "slug", ["haderslev", "randers", "norddjurs", "albertslund", "hoeje-taastrup"]
)
def test_leader_prepares_and_leaders_leader_reads(demo_data, login, page, slug):
    url = _open_preparation(login, page, slug)
    expected = _fill(page, slug)
    assert expected["texts"] > 0
    # Autosave while typing: the status shows the time without pressing "Gem".
    expect(page.locator("#save-status")).to_have_text(
        re.compile(r"Gemt kl\. \d\d:\d\d"), timeout=10_000
    )
    page.reload()
    form = page.locator("#prep-form")
    expect(form.locator(".lus-scale input:checked")).to_have_count(expected["scales"])
    expect(form.locator(".lus-keywords input:checked")).to_have_count(expected["keywords"])
    expect(form.locator(".form-check-input:checked")).to_have_count(expected["choices"])
    expect(form.locator("textarea[name^='q-']").first).to_have_value(f"Svar 0 fra {slug} - æøå")
    # The explicit button works too.
    form.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("status").first).to_contain_text("Din forberedelse er gemt.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"preparation-{slug}.png"), full_page=True)

    page.get_by_role("button", name="Del forberedelsen").click()
    expect(page.get_by_role("status").first).to_contain_text("Din forberedelse er delt med")
    detail = url.replace("forberedelse/", "")

    page.context.clear_cookies()
    login(f"{slug}-chef")
    page.goto(detail)
    expect(page.get_by_role("heading", level=1)).to_contain_text("LUS 2026 med")
    expect(page.locator("#status")).to_have_text("Forberedelse delt")
    expect(page.locator("main")).to_contain_text(f"Svar 0 fra {slug} - æøå")
    if slug == "albertslund":
        # Both prepare: the leader's leader has their own form with their keywords.
        page.get_by_role("link", name="Åbn din egen forberedelse").click()
        expect(page.locator("fieldset[data-pick]")).to_have_count(1)


def test_narrow_screen_and_keyboard(demo_data, login, page):
    page.set_viewport_size({"width": 375, "height": 800})
    _open_preparation(login, page, "haderslev")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"horizontal scrolling at 375px ({width}px)"
    # Keyboard only: a scale answered with the arrow keys, saved with Enter on "Gem".
    first_radio = page.locator(".lus-scale input").first
    first_radio.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(".lus-scale").first.locator("input:checked")).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "preparation-haderslev-375.png"), full_page=False)
    page.get_by_role("button", name="Gem").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Din forberedelse er gemt.")


def test_two_tabs_do_not_overwrite_each_other(demo_data, login, page):
    url = _open_preparation(login, page, "norddjurs")
    other = page.context.new_page()
    other.goto(url)
    page.locator("textarea[name^='q-']").first.fill("Skrevet i fane A")
    expect(page.locator("#save-status")).to_contain_text("Gemt kl.", timeout=10_000)
    other.locator("textarea[name^='q-']").first.fill("Skrevet i fane B")
    banner = other.locator("#autosave-banner")
    expect(banner).to_contain_text("gemt i en anden fane", timeout=10_000)
    # Tab B saves deliberately: both versions are shown, nothing was overwritten.
    banner.get_by_role("button").click()
    expect(other.locator("#conflict")).to_be_visible()
    expect(other.locator("main")).to_contain_text("Skrevet i fane A")
    expect(other.locator("textarea[name^='q-']").first).to_have_value("Skrevet i fane B")


def test_expired_session_keeps_text(demo_data, login, page):
    url = _open_preparation(login, page, "albertslund")
    page.locator("textarea[name^='q-']").first.fill("Ikke tabt")
    # The session is gone (expired server-side); the CSRF cookie stays, as in real life.
    cookies = [c for c in page.context.cookies() if c["name"] != "sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies(cookies)
    page.locator("#prep-form").get_by_role("button", name="Gem").click()
    expect(page.get_by_label("Brugernavn")).to_be_visible()
    page.get_by_label("Brugernavn").fill("albertslund-leder")
    page.get_by_label("Adgangskode").fill("demo")
    page.get_by_role("button", name="Log ind").click()
    assert page.url.split("?")[0] == url.split("?")[0]
    expect(page.locator("textarea[name^='q-']").first).to_have_value("Ikke tabt")
    expect(page.locator("main")).to_contain_text("Din session var udløbet")


def test_answers_given_before_the_script_ran_are_saved(demo_data, login, page):
    """On a slow connection the leader can answer before the page's script has arrived; those
    answers raised no events, yet they are saved and counted once it runs."""
    url = _open_preparation(login, page, "norddjurs")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.wait_for_timeout(1_500)  # longer than the autosave's pause
    assert posts == [], "an untouched form was saved"
    held = []

    def hold(route):
        held.append(route)

    page.route("**/js/preparation.js*", hold)
    page.goto(url, wait_until="commit")
    text = page.locator("textarea[name^='q-']").first
    text.fill("Skrevet før scriptet kom")
    expect(page.locator("#save-status")).to_have_text("")
    assert held, "the script was not requested"
    held[0].continue_()
    expect(page.locator("#save-status")).to_have_text(
        re.compile(r"Gemt kl\. \d\d:\d\d"), timeout=10_000
    )
    expect(page.locator("#progress-total")).to_contain_text("1 af")
    page.unroute("**/js/preparation.js*")
    page.reload()
    expect(page.locator("textarea[name^='q-']").first).to_have_value("Skrevet før scriptet kom")

"""What a leader notices in the five municipalities: the preparation's overview (completion per
section, the mandatory questions still open, live as they answer, sticky beside the form on a
wide screen and folded on a phone), the summary step before sharing, and their development over
the years. Writes the screenshots docs/screenshots/preparation-overview-<slug>(-375).png,
summary-<slug>.png and history-<slug>.png."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
COUNT = re.compile(r"^(\d+) af (\d+)$")
#: The frameworks with answers on a scale (the others' history has no chart to draw).
WITH_SCALES = {"haderslev", "norddjurs"}
#: The frameworks with mandatory questions.
WITH_MANDATORY = {"haderslev", "randers"}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _axe(page) -> None:
    """No serious or critical WCAG 2.1 AA violation, in the municipality's own colours."""
    page.add_script_tag(url="/static/vendor/axe/axe.min.js")
    result = page.evaluate("async (opts) => await axe.run(document, opts)", AXE_OPTIONS)
    bad = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]
    assert not bad, bad


def _count(locator) -> tuple[int, int]:
    match = COUNT.match(locator.inner_text().strip())
    assert match, locator.inner_text()
    return int(match[1]), int(match[2])


def _answer(question) -> None:
    """Answer one question the way a leader would: write, or click an option."""
    text = question.locator("textarea")
    if text.count():
        text.first.fill("Mere tid til strategi og sparring")
        return
    labels = question.locator("label")
    for i in range(int(question.get_attribute("data-pick") or 1)):
        label = labels.nth(i)
        label.evaluate("el => el.scrollIntoView({block: 'center'})")
        label.click()


def _prepare(page, slug: str) -> str:
    """Returns the overview's total after answering one question ("n af m")."""
    form = page.locator("#prep-form")
    toc = page.locator("#progress")
    # Wide screen: the overview is open beside the form, one line per section.
    expect(toc).to_have_js_property("open", True)
    items = toc.locator("[data-toc-section]")
    assert items.count() == form.locator(".lus-prep-section").count() >= 1
    for i in range(items.count()):
        count = items.nth(i).locator("[data-toc-count]")
        if count.count():
            answered, total = _count(count)
            assert total >= 1 and answered <= total
        else:  # only text to read (Randers' introduction to the material)
            expect(items.nth(i)).to_contain_text("til læsning")

    mandatory = form.locator(".lus-question[data-mandatory]")
    if slug in WITH_MANDATORY:
        assert mandatory.count() >= 1
        question = mandatory.first
    else:
        assert mandatory.count() == 0
        question = form.locator(".lus-prep-section .lus-question").first
    section = question.locator("xpath=ancestor::section[@data-section]")
    item = toc.locator(f"[data-toc-section='{section.get_attribute('data-section')}']")
    open_line = item.locator("[data-toc-open]")
    before, total = _count(item.locator("[data-toc-count]"))
    if slug in WITH_MANDATORY:
        expect(open_line).to_be_visible()
        open_before = int(open_line.inner_text().split()[0])
        assert re.search(r"obligatoriske? spørgsmål mangler", open_line.inner_text())
    else:
        expect(open_line).to_be_hidden()

    # Answering updates the overview in place: no reload (the marker would be gone).
    page.evaluate("window.__sameDocument = true")
    _answer(question)
    expect(item.locator("[data-toc-count]")).to_have_text(f"{before + 1} af {total}")
    if slug in WITH_MANDATORY:
        if open_before == 1:
            expect(open_line).to_be_hidden()
        else:
            expect(open_line).to_contain_text(f"{open_before - 1} obligatorisk")
    total_line = page.locator("#progress-total")
    expect(total_line).to_contain_text("spørgsmål besvaret")
    assert page.evaluate("window.__sameDocument === true")
    expect(page.locator("#save-status")).to_contain_text("Gemt kl.", timeout=10_000)

    # Sticky: further down the form, the overview is still in view at the top.
    assert page.locator(".lus-toc-wrap").evaluate("el => getComputedStyle(el).position") == (
        "sticky"
    )
    last = form.locator(".lus-prep-section").last
    last.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.evaluate("window.scrollBy(0, 200)")
    box = toc.bounding_box()
    assert box is not None and 0 <= box["y"] < 100, box
    question.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(SCREENSHOTS / f"preparation-overview-{slug}.png"))
    _axe(page)
    return total_line.inner_text().removesuffix(" spørgsmål besvaret").strip()


def _phone(page, slug: str) -> None:
    page.set_viewport_size(PHONE)
    # A fresh visit (a reload would restore the scroll position after we scroll).
    page.goto(page.url.split("#")[0])
    toc = page.locator("#progress")
    # Folded above the form on a phone, and it opens with a tap.
    expect(toc).to_have_js_property("open", False)
    assert page.locator(".lus-toc-wrap").evaluate("el => getComputedStyle(el).position") == (
        "static"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The municipality's mark and the menu button share one line in the header.
    brand = page.locator(".navbar-brand").bounding_box()
    toggler = page.locator(".navbar-toggler").bounding_box()
    assert brand and toggler and abs(brand["y"] - toggler["y"]) < 24, (brand, toggler)
    toc.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.evaluate("window.scrollBy(0, -16)")
    box = toc.bounding_box()
    assert box is not None and 0 <= box["y"] < 100, box
    page.screenshot(path=str(SCREENSHOTS / f"preparation-overview-{slug}-375.png"))
    toc.locator("summary").click()
    expect(toc).to_have_js_property("open", True)
    expect(toc.locator("[data-toc-section]").first).to_be_visible()
    page.set_viewport_size(WIDE)


def _summary(page, slug: str, progress: str) -> None:
    page.locator("#progress").get_by_role("link", name="Se alle svar samlet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Se dine svar igennem")
    main = page.locator("main")
    # The same count as the overview, and the answer just given, at a glance.
    expect(main.locator(".lead")).to_contain_text(f"{progress} spørgsmål er besvaret.")
    answers = main.locator(".lus-summary dd").all_inner_texts()
    assert any(a and not a.startswith("Ikke besvaret") for a in answers), answers
    if slug in WITH_MANDATORY:
        missing = page.locator("#missing-summary")
        expect(missing).to_contain_text("Før du kan dele, skal du besvare disse spørgsmål:")
        expect(main.locator(".lus-missing").first).to_have_text(
            "Ikke besvaret endnu (obligatorisk)"
        )
    else:
        expect(main.locator(".lus-summary dd", has_text="Ikke besvaret").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"summary-{slug}.png"), full_page=True)


def _history(page, live_server, login, slug: str) -> None:
    page.context.clear_cookies()
    login(f"{slug}-leder2")
    page.goto(f"{live_server.url}/lus/udvikling/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Min udvikling over årene")
    main = page.locator("main")
    if slug in WITH_SCALES:
        charts = main.locator("svg.lus-chart[role=img]")
        assert charts.count() >= 1
        # Each chart says in words what it shows, year by year.
        expect(charts.first.locator("title")).to_contain_text(re.compile(r"\d{4}: \d+,\d"))
        assert main.locator("details table").count() == charts.count()
    else:
        expect(main).to_contain_text("Der er ingen svar på en skala at tegne")
    points = main.locator(".lus-thread > li")
    assert points.count() >= 1
    point = main.locator(".lus-thread > li", has_text="Styrke min sparring med mine teamledere")
    expect(point).to_have_count(1)
    if slug == "hoeje-taastrup":
        # One continuing plan: the point carried on from one year's plan to the next is one
        # thread, with how it went at each LUS in order.
        expect(point).to_contain_text("fortløbende plan")
        steps = point.locator(".lus-steps > li")
        expect(steps).to_have_count(2)
        first_year = re.compile(r"I planen for \d{4}\s*Ved LUS \d{4}: I gang")
        expect(steps.first).to_contain_text(first_year)
        expect(steps.last).to_contain_text(re.compile(r"Ved LUS \d{4}: Nået"))
    page.screenshot(path=str(SCREENSHOTS / f"history-{slug}.png"), full_page=True)
    _axe(page)


@pytest.fixture
def demo_of(transactional_db, settings, slug):
    """The demo of the one municipality the test looks at (all five would take five times as
    long to load, for every test)."""
    from lus.orchestration.demo import demo_load

    settings.DEBUG = True
    demo_load(only={slug})


@pytest.mark.parametrize(
    "slug", ["haderslev", "randers", "norddjurs", "albertslund", "hoeje-taastrup"]
)
def test_what_a_leader_notices(demo_of, login, page, live_server, slug):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Scrolling jumps (no smooth scrolling), so positions can be measured straight away.
    page.emulate_media(reduced_motion="reduce")
    page.set_viewport_size(WIDE)
    login(f"{slug}-leder")
    page.get_by_role("link", name="Gå til din forberedelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forberedelse til LUS 2026")
    progress = _prepare(page, slug)
    _phone(page, slug)
    _summary(page, slug, progress)
    _history(page, live_server, login, slug)

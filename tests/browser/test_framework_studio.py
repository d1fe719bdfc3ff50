"""HR's task in the framework studio, in a real browser, counting what a person does.

Haderslev: a new 2027-28 organisation theme with three scale questions (two mandatory, with
help texts), one optional free-text question in "Trivsel", two questions swapped, published
after reviewing the diff. Before the studio this took 80 interactions and 31 page loads; the
budget is 20 and 4. Then a leader with a 2027 LUS sees exactly that.

Counted: every click, fill, choice and key press (``Steps``), and every page load of the
main window (the preview frame reloading beside the editor is not a page HR waits for). The
start is the admin's list of framework versions, already open.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

THEME_TITLE = "Organisationens tema 2027\N{EN DASH}2028: Sammen om velfærd"
THEME_QUESTIONS = [
    ("Jeg sætter retning for mit team i arbejdet med velfærd", "Tænk på det seneste år.", True),
    ("Jeg inddrager borgerne i udviklingen af vores tilbud", "Giv gerne et eksempel.", True),
    ("Jeg samarbejder på tværs om velfærdsopgaven", "", False),
]
FREE_TEXT = "Hvad giver dig energi i dit arbejde lige nu?"


class Steps:
    """A person's interactions, counted."""

    def __init__(self, page):
        self.page = page
        self.count = 0
        self.loads = 0
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.loads += 1

    def click(self, locator):
        self.count += 1
        locator.click()

    def fill(self, locator, text):
        self.count += 1
        locator.fill(text)

    def select(self, locator, label):
        self.count += 1
        locator.select_option(label=label)

    def check(self, locator):
        self.count += 1
        locator.check()


def _saved(page):
    expect(page.locator("#studio-status")).to_contain_text("Gemt kl.")


def test_hr_builds_a_theme_in_the_studio_and_the_leader_sees_it(
    demo_data, login, page, live_server
):
    from lus.accounts.models import User
    from lus.frameworks.models import FrameworkVersion
    from lus.tenants.scoping import tenant_scope, unscoped

    with unscoped("test: the demo's Haderslev framework"):
        version = FrameworkVersion.objects.get(municipality__slug="haderslev", status="published")
        trivsel_first = [
            q.text for q in version.sections.get(title="Trivsel").questions.order_by("order")[:2]
        ]
    login("haderslev-hr")
    page.goto(f"{live_server.url}{reverse('admin:frameworks_frameworkversion_changelist')}")
    steps = Steps(page)

    # Open the version in the studio and start a new draft of it.
    steps.click(page.get_by_role("link", name=re.compile("Åbn i studiet")))
    steps.click(page.get_by_role("button", name="Redigér en ny kladde af denne version"))
    expect(page.locator(".studio-status-badge")).to_have_text("Kladde")

    # The organisation theme: the years follow the last theme (2025-26) by themselves.
    steps.click(page.get_by_role("button", name="Tilføj organisationstema"))
    theme = page.locator(".studio-section", has=page.locator("h2", has_text="2027"))
    expect(theme.get_by_label("Fra år")).to_have_value("2027")
    expect(theme.get_by_label("Til år")).to_have_value("2028")
    steps.fill(theme.get_by_label("Titel", exact=True), THEME_TITLE)
    for n, (text, help_text, mandatory) in enumerate(THEME_QUESTIONS, start=1):
        steps.click(theme.get_by_role("button", name=re.compile("Tilføj spørgsmål")))
        expect(theme.locator(".studio-question")).to_have_count(n)
        question = theme.locator(".studio-question").last
        # A new question is a scale 0-5 with Haderslev's usual labels.
        expect(question.get_by_label("Skala til")).to_have_value("5")
        expect(question.get_by_label("Tekst ved højeste værdi")).to_have_value("i meget høj grad")
        steps.fill(question.get_by_label("Spørgsmål", exact=True), text)
        if help_text:
            steps.fill(question.get_by_label("Hjælpetekst"), help_text)
        if mandatory:
            steps.check(question.get_by_label("Obligatorisk"))

    # One optional free-text question at the end of "Trivsel".
    trivsel = page.locator(".studio-section", has=page.locator("h2", has_text="Trivsel"))
    before = trivsel.locator(".studio-question").count()
    steps.click(trivsel.get_by_role("button", name=re.compile("Tilføj spørgsmål")))
    expect(trivsel.locator(".studio-question")).to_have_count(before + 1)
    new = trivsel.locator(".studio-question").last
    steps.select(new.get_by_label("Type"), "Fritekst")
    expect(new.get_by_label("Skala til")).to_have_count(0)
    steps.fill(new.get_by_label("Spørgsmål", exact=True), FREE_TEXT)

    # Swap the first two questions of "Trivsel" (keyboard-operable: a button, no dragging).
    first = trivsel.locator(".studio-question").first
    steps.click(first.get_by_role("button", name="Flyt ned"))
    expect(trivsel.locator(".studio-q-title").first).to_have_text(trivsel_first[1])
    _saved(page)
    page.locator("#preview-year").fill("2027")  # (for the screenshot; not part of the task)
    page.locator("#preview-year").dispatch_event("change")
    frame = page.frame_locator("#studio-preview-frame")
    expect(frame.get_by_text(THEME_QUESTIONS[0][0])).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1500, "height": 1000})
    theme.scroll_into_view_if_needed()
    frame.get_by_text(THEME_QUESTIONS[0][0]).scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "studio.png"))

    # Review the diff, then publish.
    steps.click(page.get_by_role("link", name="Gennemse og udgiv"))
    table = page.locator("table.studio-diff")
    for text, _help, _mandatory in THEME_QUESTIONS:
        expect(table.locator("tr", has_text=text)).to_contain_text("Tilføjet")
    expect(table.locator("tr", has_text=FREE_TEXT)).to_contain_text("Tilføjet")
    expect(table.locator("tr", has_text=trivsel_first[0])).to_contain_text("Flyttet")
    expect(page.get_by_text(THEME_TITLE).first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "review.png"), full_page=True)
    steps.click(page.get_by_role("button", name=re.compile("Udgiv version")))
    expect(page.get_by_text(re.compile("er udgivet og bruges fra nu af"))).to_be_visible()

    print(f"\nstudio task: {steps.count} interactions, {steps.loads} page loads")
    assert steps.count <= 20
    assert steps.loads <= 4

    # A leader whose 2027 LUS is created now gets exactly that.
    from lus.conversations.services import conversation_create_for_report

    with unscoped("test: look up the demo leader"):
        leader = User.objects.select_related("manager", "municipality").get(
            username="haderslev-leder"
        )
    with tenant_scope(leader.municipality):
        conversation = conversation_create_for_report(
            leaders_leader=leader.manager, leader=leader, year=2027
        )
    page.context.clear_cookies()
    login("haderslev-leder")
    page.goto(f"{live_server.url}{reverse('conversations:prepare', args=[conversation.pk])}")
    theme_section = page.locator("section", has=page.get_by_role("heading", name=THEME_TITLE))
    expect(theme_section.locator(".lus-question")).to_have_count(3)
    for i, (text, help_text, mandatory) in enumerate(THEME_QUESTIONS):
        block = theme_section.locator(".lus-question").nth(i)
        expect(block.locator("legend")).to_contain_text(text)
        if help_text:
            expect(block).to_contain_text(help_text)
        expect(block.locator(".badge", has_text="obligatorisk")).to_have_count(
            1 if mandatory else 0
        )
        expect(block.locator("input[type=radio]")).to_have_count(6)
    expect(page.get_by_role("heading", name=re.compile("Vores værdier"))).to_have_count(0)
    trivsel_section = page.locator("section", has=page.get_by_role("heading", name="Trivsel"))
    legends = trivsel_section.locator(".lus-question legend, .lus-question > label")
    expect(legends.first).to_contain_text(trivsel_first[1])
    expect(legends.nth(1)).to_contain_text(trivsel_first[0])
    last = trivsel_section.locator(".lus-question").last
    expect(last.locator("label").first).to_have_text(FREE_TEXT)
    expect(last.locator("textarea")).to_be_visible()
    expect(last.locator(".badge")).to_have_count(0)


def _open_draft_studio(login, page, live_server):
    """Haderslev's draft of its published framework, open in the studio as HR."""
    from lus.accounts.models import User
    from lus.frameworks.models import FrameworkVersion
    from lus.frameworks.services import framework_version_create_draft
    from lus.tenants.scoping import tenant_scope, unscoped

    with unscoped("test: the demo's Haderslev framework"):
        version = FrameworkVersion.objects.get(municipality__slug="haderslev", status="published")
        hr = User.objects.get(username="haderslev-hr")
    with tenant_scope(version.municipality):
        draft = framework_version_create_draft(version=version, by=hr)
    login("haderslev-hr")
    page.goto(f"{live_server.url}{reverse('admin:frameworks_studio', args=[draft.pk])}")
    return draft


def _trivsel(page):
    return page.locator(".studio-section", has=page.locator("h2", has_text="Trivsel"))


def test_text_typed_without_a_connection_is_kept_retried_and_saved(
    demo_data, login, page, live_server
):
    from lus.frameworks.models import Question
    from lus.tenants.scoping import unscoped

    draft = _open_draft_studio(login, page, live_server)
    question = _trivsel(page).locator(".studio-question").first
    field = question.get_by_label("Spørgsmål", exact=True)
    pk = int(question.get_attribute("data-pk"))
    typed = "Jeg har det godt på arbejdet, også på travle dage"

    page.context.set_offline(True)
    field.fill(typed)
    status = page.locator("#studio-status")
    expect(status).to_contain_text("Ikke gemt endnu")
    expect(question.locator(".studio-field-unsaved")).to_have_text("Ikke gemt endnu")
    # Kept in this browser, should the tab close now.
    kept = page.evaluate("Object.entries(localStorage).map(([k, v]) => v).join(' ')")
    assert typed in kept
    # Leaving the page warns (and staying keeps the text).
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.get_by_role("link", name="Procesindstillinger og plan").click()
    expect(field).to_have_value(typed)
    assert dialogs == ["beforeunload"]
    page.remove_listener("dialog", on_dialog)

    # Back online: the studio tries again by itself, and the server has the text.
    page.context.set_offline(False)
    expect(status).to_contain_text("Gemt kl.")
    expect(question.locator(".studio-field-unsaved")).to_have_count(0)
    with unscoped("test"):
        assert Question.objects.get(pk=pk).text == typed
    assert "lus-studio" not in " ".join(page.evaluate("Object.keys(localStorage)"))
    page.reload()
    expect(
        _trivsel(page).locator(".studio-question").first.get_by_label("Spørgsmål", exact=True)
    ).to_have_value(typed)
    assert draft.pk


def test_text_kept_in_the_browser_is_restored_and_saved_on_the_next_visit(
    demo_data, login, page, live_server
):
    from lus.frameworks.models import Question
    from lus.tenants.scoping import unscoped

    _open_draft_studio(login, page, live_server)
    question = _trivsel(page).locator(".studio-question").first
    pk = int(question.get_attribute("data-pk"))
    typed = "Hjælpetekst skrevet, mens serveren var væk"
    # The server does not answer (the API only; the pages still load).
    page.route("**/studio/api/**", lambda route: route.abort())
    question.get_by_label("Hjælpetekst").fill(typed)
    expect(page.locator("#studio-status")).to_contain_text("Ikke gemt endnu")
    page.unroute("**/studio/api/**")
    page.on("dialog", lambda dialog: dialog.accept())  # leave anyway
    page.reload()
    expect(page.locator("#studio-status")).to_contain_text("Gemt kl.")
    expect(
        _trivsel(page).locator(".studio-question").first.get_by_label("Hjælpetekst")
    ).to_have_value(typed)
    with unscoped("test"):
        assert Question.objects.get(pk=pk).help_text == typed


def test_questions_move_with_the_keyboard_and_the_order_is_kept(
    demo_data, login, page, live_server
):
    _open_draft_studio(login, page, live_server)
    titles = _trivsel(page).locator(".studio-q-title")
    first, second, third = (titles.nth(i).inner_text() for i in range(3))
    down = _trivsel(page).locator(".studio-question").first.get_by_role("button", name="Flyt ned")
    down.focus()
    page.keyboard.press("Enter")
    expect(titles.nth(1)).to_have_text(first)
    _saved(page)
    # The focus stays on the moved question's button: Space moves it once more, this time
    # without a connection; the new order is kept and saved once the connection is back.
    expect(page.locator(":focus")).to_have_text("Flyt ned")
    page.context.set_offline(True)
    page.keyboard.press("Space")
    expect(titles.nth(2)).to_have_text(first)
    expect(page.locator("#studio-status")).to_contain_text("Ikke gemt endnu")
    page.context.set_offline(False)
    _saved(page)
    page.reload()
    expect(titles.nth(0)).to_have_text(second)
    expect(titles.nth(1)).to_have_text(third)
    expect(titles.nth(2)).to_have_text(first)


def test_text_typed_before_the_script_ran_is_saved(demo_data, login, page, live_server):
    """On a slow connection HR can type before the studio's script has arrived; that text
    raised no events, yet it is saved once the script runs. An untouched page saves nothing."""
    from lus.frameworks.models import Question
    from lus.tenants.scoping import unscoped

    _open_draft_studio(login, page, live_server)
    expect(page.locator("#studio-status")).to_be_attached()
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.wait_for_timeout(1_500)  # longer than a field's pause before saving
    assert posts == [], "an untouched studio saved"
    held = []

    def hold(route):
        held.append(route)

    page.route("**/js/studio.js*", hold)
    page.reload(wait_until="commit")
    question = _trivsel(page).locator(".studio-question").first
    pk = int(question.get_attribute("data-pk"))
    typed = "Skrevet før scriptet kom"
    question.get_by_label("Hjælpetekst").fill(typed)
    assert held, "the script was not requested"
    held[0].continue_()
    _saved(page)
    with unscoped("test"):
        assert Question.objects.get(pk=pk).help_text == typed

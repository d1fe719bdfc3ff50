"""Albertslund's walk'n'talk: the leader's leader holds the conversation on a phone (375 px),
outdoors. The conversation view and the agreements fit the screen, and what is typed while the
connection is lost survives a reload and is saved once the phone is online again. The
agreements read as a list per perspective. Randers' colleague sharing on a phone too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.test_accessibility import AXE_OPTIONS, IMPACTS
from tests.browser.test_plan import SCREENSHOTS, SOON, _conversation_pk

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
AGREEMENT = "Leder tager initiativ til et trivselsmøde med teamet"


def _phone(browser, live_server, username: str):
    context = browser.new_context(
        locale="da-DK", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("demo")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def _fits(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width} px)"


def _seen_by_the_leader(browser, live_server, pk: int, label: str):
    """The field as the server has it: the leader's own browser (no drafts of the phone's)."""
    page = _phone(browser, live_server, "albertslund-leder2")
    page.goto(f"{live_server.url}/lus/{pk}/samtale/")
    section = page.locator("section", has=page.get_by_role("heading", name="Adfærd", exact=True))
    return page, section.get_by_label(label, exact=True).first


def test_typing_through_a_lost_connection_on_a_phone_loses_nothing(demo_data, browser, live_server):
    pk = _conversation_pk("albertslund")
    page = _phone(browser, live_server, "albertslund-chef")
    url = f"{live_server.url}/lus/{pk}/samtale/"
    page.goto(url)
    _fits(page)
    section = page.locator("section", has=page.get_by_role("heading", name="Adfærd", exact=True))
    what = section.get_by_label("Aftaler", exact=True).first
    when = section.get_by_label("Hvornår", exact=True).first
    what.fill(AGREEMENT)
    what.press("Tab")
    expect(
        page.locator(".lus-cell-status").filter(has_text=re.compile(r"^Gemt")).first
    ).to_be_visible(timeout=SOON)

    # Outdoors, the connection drops while typing.
    page.context.set_offline(True)
    when.fill("Inden 1. marts")
    when.press("Tab")
    expect(page.locator("main")).to_contain_text("Ikke gemt endnu", timeout=SOON)
    # A reload without a connection fails; the text is kept on the phone.
    with pytest.raises(PlaywrightError):
        page.reload(timeout=5_000)
    page.context.set_offline(False)
    page.goto(url)
    section = page.locator("section", has=page.get_by_role("heading", name="Adfærd", exact=True))
    expect(section.get_by_label("Hvornår", exact=True).first).to_have_value(
        "Inden 1. marts", timeout=SOON
    )
    # Saved on the server: the leader's own browser (no drafts of the phone's) sees both.
    other, when_there = _seen_by_the_leader(browser, live_server, pk, "Hvornår")
    expect(when_there).to_have_value("Inden 1. marts", timeout=SOON)
    other.context.close()
    other, what_there = _seen_by_the_leader(browser, live_server, pk, "Aftaler")
    expect(what_there).to_have_value(AGREEMENT)
    other.context.close()
    section.get_by_label("Hvornår", exact=True).first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "albertslund-walk-and-talk-375.png"))

    # The agreements as a list per perspective, on the phone (linked from the conversation view).
    page.get_by_role("link", name="Aftalerne pr. perspektiv").click()
    expect(page).to_have_url(f"{live_server.url}/lus/{pk}/aftaler/")
    _fits(page)
    adfaerd = page.locator("section", has=page.get_by_role("heading", name="Adfærd"))
    expect(adfaerd).to_contain_text(AGREEMENT)
    expect(adfaerd).to_contain_text("Inden 1. marts")
    page.screenshot(path=str(SCREENSHOTS / "albertslund-aftaler-375.png"), full_page=True)


def test_randers_sharing_on_a_phone(demo_data, browser, live_server):
    page = _phone(browser, live_server, "randers-leder")
    page.goto(f"{live_server.url}/lus/oevebaner/deling/")
    _fits(page)
    card = page.locator("article").filter(has_text="Lære mere om økonomistyring").first
    card.get_by_label("Del med en lederkollega").select_option(
        label="Jørgen Lund, Plejecenterleder"
    )
    card.get_by_role("button", name="Del", exact=True).click()
    expect(page.get_by_role("status").or_(page.locator(".alert-success"))).to_contain_text(
        "er nu delt med Jørgen Lund"
    )
    page.screenshot(path=str(SCREENSHOTS / "randers-del-oevebaner-375.png"), full_page=True)

    colleague = _phone(browser, live_server, "randers-leder3")
    colleague.goto(f"{live_server.url}/lus/oevebaner/delt-med-mig/")
    _fits(colleague)
    expect(colleague.get_by_role("heading", name="Lære mere om økonomistyring")).to_be_visible()
    colleague.screenshot(path=str(SCREENSHOTS / "randers-delt-med-mig-375.png"), full_page=True)

    # Revoking: the colleague's page no longer shows it after a reload.
    page.get_by_role("button", name="Stop deling med Jørgen Lund").click()
    colleague.reload()
    expect(colleague.get_by_role("heading", name="Lære mere om økonomistyring")).to_have_count(0)


def test_a_large_municipality_searches_for_the_colleague_on_a_phone(
    demo_data, browser, live_server
):
    """More leaders than a list can show: the leader searches by name, chooses, shares."""
    from lus.accounts.models import User
    from lus.sharing.selectors import PICK_LIMIT
    from lus.tenants.scoping import unscoped
    from tests.factories import UserFactory

    with unscoped("test: Randers grows"):
        randers = User.objects.get(username="randers-leder").municipality
        for i in range(PICK_LIMIT):
            UserFactory(municipality=randers, name=f"Leder nr. {i}", job_title="Afdelingsleder")
    page = _phone(browser, live_server, "randers-leder")
    page.goto(f"{live_server.url}/lus/oevebaner/deling/")
    card = page.locator("article").filter(has_text="Lære mere om økonomistyring").first
    expect(card.locator("select")).to_have_count(0)
    card.get_by_label("Del med en lederkollega").fill("jørgen")
    card.get_by_role("button", name="Søg").click()
    card = page.locator("article").filter(has_text="Lære mere om økonomistyring").first
    choice = card.get_by_role("radio", name="Jørgen Lund, Plejecenterleder")
    expect(choice).to_be_checked()  # the one match
    _fits(page)
    page.screenshot(path=str(SCREENSHOTS / "randers-del-soeg-375.png"), full_page=True)
    page.add_script_tag(url=f"{live_server.url}/static/vendor/axe/axe.min.js")
    result = page.evaluate("async (opts) => await axe.run(document, opts)", AXE_OPTIONS)
    assert [v["id"] for v in result["violations"] if v.get("impact") in IMPACTS] == []
    card.get_by_role("button", name="Del", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("er nu delt med Jørgen Lund")

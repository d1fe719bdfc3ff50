import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_leader_logs_in_and_sees_start_page(demo_data, login, page):
    login("haderslev-leder")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Velkommen, Mette")
    # The municipality's name, or its logo named after it (the demo brands each municipality).
    expect(
        page.get_by_role("navigation", name="Hovedmenu").get_by_role("link").first
    ).to_have_accessible_name(re.compile("Haderslev Kommune"))
    expect(page.get_by_text("Din leder")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "start-page-leder.png"), full_page=True)


def test_wrong_password_shows_danish_error(demo_data, login, page):
    login("haderslev-leder", "forkert")
    expect(page.get_by_role("alert")).to_contain_text("korrekt brugernavn og adgangskode")

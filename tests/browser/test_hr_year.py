"""HR's year in a real browser: start next year's round in one step, see who lacks a LUS and
create it, remind a leader's leader after reading the mail, find the reminder in the history,
and watch the counts change as leaders are invited and prepare. Names and dates only."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from lus.accounts.models import User
from lus.conversations.models import Conversation
from lus.tenants.scoping import unscoped
from tests.browser.test_plan import _person
from tests.rounds.factories import CANARY_ANSWER

pytestmark = pytest.mark.browser


def _count(page, key: str) -> int:
    return int(page.locator(f"#count-{key}").inner_text())


def test_hr_year(demo_data, browser, live_server, tmp_path):
    year = datetime.date.today().year + 1
    hr = _person(browser, live_server, "haderslev-hr")

    # 1. Start next year's round in one step.
    hr.goto(f"{live_server.url}/admin/rounds/lusround/add/")
    hr.locator("#id_year").fill(str(year))
    hr.locator("#id_deadline").fill(f"{year}-12-01")
    hr.get_by_role("button", name="Gem og start runden").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text(f"Hvad mangler i LUS-runde {year}")
    not_invited = _count(hr, "not_invited")
    assert not_invited > 0 and _count(hr, "no_lus") == 0

    # 2. A leader joins after the start: HR sees who lacks a LUS and creates it.
    with unscoped("test: a new leader"):
        chef = User.objects.get(username="haderslev-chef")
        User.objects.create(
            municipality=chef.municipality,
            username="nina-ny",
            email="nina@haderslev.example.dk",
            name="Nina Nybegynder",
            manager=chef,
            org_unit=chef.org_unit,
        )
    hr.reload()
    assert _count(hr, "no_lus") == 1
    hr.get_by_label("Nina Nybegynder").check()
    hr.get_by_role("button", name="Opret LUS for de valgte").click()
    expect(hr.locator("main")).to_contain_text("1 LUS oprettet.")
    assert _count(hr, "no_lus") == 0 and _count(hr, "not_invited") == not_invited + 1

    # 3. Remind her leader's leader: the mail is shown first, then sent.
    hr.get_by_label("Nina Nybegynder").check()
    form = hr.locator("form", has=hr.get_by_label("Nina Nybegynder"))
    form.get_by_role("button", name="Påmind de valgte (se mailen først)").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Send påmindelser")
    preview = hr.locator("main")
    expect(preview).to_contain_text(chef.name)
    expect(preview).to_contain_text("Nina Nybegynder")
    assert CANARY_ANSWER not in preview.inner_text()
    hr.screenshot(path=str(tmp_path / "hr_year_preview.png"), full_page=True)
    mail.outbox.clear()
    hr.get_by_role("button", name="Send nu").click()
    expect(hr.locator("main")).to_contain_text("Påmindelsen sendes.")
    (message,) = mail.outbox
    assert message.to == [chef.email] and "Nina Nybegynder" in message.body

    # 4. The reminder is in the history: what, to whom, when, sent, by whom.
    history = hr.locator("#reminder-history")
    row = history.locator("tr", has_text="Nina Nybegynder")
    expect(row).to_contain_text(chef.name)
    expect(row).to_contain_text("Sendt")
    expect(row).to_contain_text("Hanne Østergaard")

    # 5. The counts change as the leader is invited and prepares.
    with unscoped("test: the leader's leader invites, the leader prepares"):
        nina = Conversation.objects.get(leader__username="nina-ny", year=year)
        Conversation.objects.filter(pk=nina.pk).update(status="invited")
    hr.reload()
    assert _count(hr, "not_invited") == not_invited
    prepared_before = _count(hr, "not_prepared")
    assert prepared_before >= 1
    with unscoped("test"):
        Conversation.objects.filter(pk=nina.pk).update(status="shared")
    hr.reload()
    assert _count(hr, "not_prepared") == prepared_before - 1
    hr.screenshot(path=str(tmp_path / "hr_year_todo.png"), full_page=True)

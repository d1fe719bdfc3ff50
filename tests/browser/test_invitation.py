"""The leader's leader invites from "Mine ledere" in a real browser; the leader gets the e-mail
with the .ics and sees the booking on the start page, then prepares (see test_preparation)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.test_plan import _person

pytestmark = pytest.mark.browser


def test_invite_from_my_leaders_then_the_leader_sees_the_booking(demo_data, browser, live_server):
    chef = _person(browser, live_server, "haderslev-chef")
    chef.get_by_role("link", name="Mine ledere").first.click()
    expect(chef.get_by_role("heading", level=1)).to_have_text("Mine ledere")
    chef.get_by_role("link", name="Invitér Ole").click()
    day = datetime.date.today() + datetime.timedelta(days=9)
    # A date in the past is refused at the field and nothing typed is lost.
    chef.get_by_label("Dato").fill("2020-01-06")
    chef.get_by_label("Tidspunkt").fill("10:00")
    chef.get_by_label("Sted").fill("Mødelokale 3")
    chef.get_by_role("button", name="Send invitation").click()
    expect(chef.locator("main")).to_contain_text("Datoen er overstået")
    expect(chef.get_by_label("Sted")).to_have_value("Mødelokale 3")
    chef.get_by_label("Dato").fill(day.isoformat())
    chef.get_by_label("Besked til lederen").fill("Vi tager udgangspunkt i din forberedelse.")
    mail.outbox.clear()
    chef.get_by_role("button", name="Send invitation").click()
    row = chef.locator("tr", has_text="Ole Brøndum")
    expect(row).to_contain_text("Inviteret")
    expect(row).to_contain_text("Mødelokale 3")

    (message,) = mail.outbox
    assert message.attachments and message.attachments[0][0].endswith(".ics")
    assert "Vi tager udgangspunkt i din forberedelse." in message.body

    leader = _person(browser, live_server, "haderslev-leder3")
    expect(leader.locator("main")).to_contain_text("Mødelokale 3")
    leader.get_by_role("link", name="Gå til din forberedelse").click()
    expect(leader.get_by_role("heading", level=1)).to_have_text("Forberedelse til LUS 2026")

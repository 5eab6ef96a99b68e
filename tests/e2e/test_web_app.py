"""The web app in headless Chromium against the emulator suite, as a user and an admin use it.

One journey per test (a browser and a session are the expensive part): sign up, schedule, start, talk
and watch the reply stream, a crisis disclosure shows the resources while an admin in another browser
sees the alert arrive live and acknowledges it, end, the summary and the CSV in history. Every page is
checked with axe-core and photographed at desktop width and at 390 px (.local/e2e/).
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser import APP_URL, check_page
from tests.e2e.journey import PASSWORD, expect, say, sign_in_page, sign_up, tick_checklist
from tests.support.emulator import new_user, require_emulators, sign_in

pytestmark = pytest.mark.emulator

# First person, a method, preparation and a time: HIGH_RISK or above for the inline screen ("tonight"
# makes it imminent: SAFETY_MODE, which also pauses the session until the user resumes it).
CRISIS = "I have been saving up my pills and I am going to take them all tonight."
ORDINARY = "Work has been a lot this week and I feel tired and a bit low."


def watch_ai_text(page: Any) -> None:
    """Record every text the newest AI message shows, so the test sees it grow (streaming)."""
    page.evaluate(
        """() => {
      window.__aiTexts = [];
      const log = document.querySelector('[data-testid=transcript]');
      new MutationObserver(() => {
        const ai = [...log.querySelectorAll('.msg.ai')].pop();
        if (ai) window.__aiTexts.push(ai.querySelector('.text').textContent);
      }).observe(log, {subtree: true, childList: true, characterData: true});
    }"""
    )


def test_user_and_admin_journey(new_context: Any) -> None:
    require_emulators()
    email = f"web-{uuid.uuid4().hex[:10]}@example.test"
    user_page = new_context().new_page()
    sign_up(user_page, email)
    uid = sign_in(email, PASSWORD).uid
    check_page(user_page, "lobby")

    # Schedule: a date-time picker in a chosen zone; the session appears in upcoming.
    tick_checklist(user_page)
    user_page.get_by_label("Later").check()
    later = datetime.now(UTC) + timedelta(days=2)
    user_page.get_by_label("Time zone").select_option("Asia/Tokyo")
    local = (later + timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M")
    user_page.get_by_label("Date and time").fill(local)
    user_page.get_by_role("button", name="Schedule session").click()
    upcoming = user_page.get_by_test_id("upcoming").locator("li[data-session-id]")
    expect()(upcoming).to_have_count(1)
    expect()(upcoming.first).to_contain_text("Asia/Tokyo")

    # Start now: the session page, live from the session document's listener.
    user_page.get_by_label("Now").check()
    user_page.get_by_role("button", name="Start session now").click()
    expect()(user_page.get_by_test_id("status")).to_have_text("active")
    expect()(user_page.get_by_test_id("connection")).to_have_text("Live")

    # A reply streams in: the AI message's text is seen growing before it is complete.
    watch_ai_text(user_page)
    say(user_page, ORDINARY)
    expect()(user_page.locator(".msg.user")).to_contain_text(ORDINARY)
    reply = user_page.locator(".msg.ai[data-status=complete]")
    expect()(reply).to_have_count(1, timeout=30_000)
    texts = [t for t in user_page.evaluate("window.__aiTexts") if t]
    assert len(set(texts)) >= 2, f"the reply appeared at once, not streamed: {texts[:3]}"
    assert texts[-1] == reply.locator(".text").text_content()
    check_page(user_page, "session")

    # An admin in a second browser watches the crisis alerts.
    admin = new_user(admin=True, prefix="web-admin")
    admin_page = new_context().new_page()
    sign_in_page(admin_page, admin.email)
    admin_page.get_by_role("link", name="Admin").click()
    expect()(admin_page.get_by_role("heading", name="Admin console")).to_be_visible()
    alert = admin_page.get_by_test_id("alerts").locator(f"li:has-text('{uid}')")
    expect()(alert).to_have_count(0)

    # A crisis disclosure: the locale's resources appear and stay; the admin sees the alert live.
    say(user_page, CRISIS)
    resources = user_page.get_by_test_id("crisis-resources")
    expect()(resources).to_be_visible(timeout=20_000)
    expect()(resources).to_contain_text("988")
    expect()(alert).to_have_count(1, timeout=20_000)
    expect()(alert).to_have_attribute("data-status", "active")
    expect()(admin_page.get_by_test_id("live-sessions")).not_to_be_empty()
    expect()(admin_page.get_by_test_id("active-rooms")).not_to_be_empty()
    expect()(admin_page.get_by_test_id("report-charts").locator("canvas")).to_have_count(2)
    check_page(admin_page, "admin")
    alert.get_by_role("button", name="Acknowledge").click()
    expect()(alert).to_have_attribute("data-status", "acknowledged")
    user_page.goto(APP_URL + "#/lobby")
    user_page.goto(APP_URL + "#/session")
    expect()(user_page.get_by_test_id("crisis-resources")).to_be_visible()

    # End: the summary and the downloads in history.
    user_page.get_by_role("button", name="End session").click()
    user_page.get_by_role("dialog").get_by_role("button", name="End session").click()
    expect()(user_page.get_by_test_id("status")).to_have_text("completed")
    user_page.get_by_role("link", name="See the summary in History").click()
    summary = user_page.get_by_test_id("summary")
    expect()(summary).to_contain_text("Topics:", timeout=60_000)
    expect()(user_page.get_by_test_id("crisis-resources")).to_be_visible()
    with user_page.expect_download() as download_info:
        user_page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8"))))
    assert rows[0][:2] == ["timestamp", "speaker"]
    assert any(ORDINARY in cell for row in rows for cell in row)
    check_page(user_page, "history-detail")

    user_page.get_by_role("link", name="Back to history").click()
    expect()(user_page.locator("tbody tr")).to_have_count(2)  # the completed one and the scheduled one
    user_page.get_by_label("Status").select_option("pending")
    expect()(user_page.locator("tbody tr")).to_have_count(1)
    expect()(user_page.locator("tbody tr")).to_contain_text("pending")
    check_page(user_page, "history")


def test_account_page_contacts_export_and_erase(new_context: Any) -> None:
    require_emulators()
    page = new_context().new_page()
    sign_up(page, f"acct-{uuid.uuid4().hex[:10]}@example.test")
    page.get_by_role("link", name="Account").click()
    expect()(page.get_by_role("heading", name="Account")).to_be_visible()
    page.get_by_role("button", name="Add contact").click()
    page.get_by_label("Name").fill("Sam")
    page.get_by_label("Email", exact=True).fill("sam@example.test")
    page.get_by_role("button", name="Save contacts").click()
    expect()(page.get_by_role("status").filter(has_text="Contacts saved")).to_be_visible()
    page.reload()
    expect()(page.get_by_label("Name")).to_have_value("Sam")
    check_page(page, "account")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export my data (JSON)").click()
    assert "Sam" in Path(download_info.value.path()).read_text(encoding="utf-8")

    page.get_by_role("button", name="Delete my data").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Delete everything").click()
    expect()(dialog).to_be_visible()  # not without typing DELETE
    dialog.get_by_label("Type DELETE to confirm").fill("DELETE")
    dialog.get_by_role("button", name="Delete everything").click()
    expect()(page.get_by_text("Deleted 0 sessions")).to_be_visible()
    page.reload()
    expect()(page.get_by_label("Name")).to_have_count(0)


def test_admin_page_is_hidden_from_users(new_context: Any) -> None:
    require_emulators()
    page = new_context().new_page()
    page.goto(APP_URL)
    expect()(page.get_by_role("heading", name="Sign in")).to_be_visible()
    check_page(page, "signin")
    sign_up(page, f"plain-{uuid.uuid4().hex[:10]}@example.test")
    expect()(page.get_by_role("link", name="Admin")).to_be_hidden()
    page.goto(APP_URL + "#/admin")
    expect()(page.get_by_role("heading", name="Lobby")).to_be_visible()

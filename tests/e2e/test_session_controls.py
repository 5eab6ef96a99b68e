"""The lobby's upcoming list, the session controls and the downloads in headless Chromium on the
emulator suite: reschedule and cancel a scheduled session, pause and resume, an emergency end, the PDF
download in history, the low-credit warning and the end it announces, and the admin console's usage
charts drawn from a fresh rollup that counts a session of today.

Runs with the integration environment: a credit minute of 2 s, a warning at 10 credits.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shared.settings import Settings
from tests.e2e.journey import PASSWORD, expect, log_api_errors, sign_in_page, sign_up, tick_checklist
from tests.support.emulator import Api, new_user, require_emulators, sign_in

pytestmark = pytest.mark.emulator

ZONE = "Europe/Berlin"
WARNING_MINUTES = Settings().low_credit_warning_minutes


def upcoming(page: Any) -> Any:
    return page.get_by_test_id("upcoming").locator("li[data-session-id]")


def schedule(page: Any, local: str) -> None:
    tick_checklist(page)
    page.get_by_label("Later").check()
    page.get_by_label("Time zone").select_option(ZONE)
    page.get_by_label("Date and time").fill(local)
    page.get_by_role("button", name="Schedule session").click()


def start_now(page: Any) -> None:
    expect()(page.get_by_label("Now")).to_be_visible()  # the lobby's form is drawn
    tick_checklist(page)
    page.get_by_label("Now").check()
    page.get_by_role("button", name="Start session now").click()
    expect()(page.get_by_test_id("status")).to_have_text("active", timeout=30_000)


def scheduled_at(api: Api, session_id: str) -> datetime:
    response = api.get(f"/sessions/{session_id}")
    assert response.status_code == 200, response.text
    return datetime.fromisoformat(response.json()["session"]["scheduledAt"])


def test_reschedule_cancel_pause_resume_low_credits_and_pdf(new_context: Any) -> None:
    require_emulators()
    email = f"ctl-{uuid.uuid4().hex[:10]}@example.test"
    page = new_context().new_page()
    log_api_errors(page)
    sign_up(page, email)
    user = sign_in(email, PASSWORD)
    api = Api(user)

    # Two sessions in Berlin time; one moves to another day and hour, the other is cancelled.
    day = date.today() + timedelta(days=3)
    schedule(page, f"{day:%Y-%m-%d}T10:00")
    expect()(upcoming(page)).to_have_count(1)
    schedule(page, f"{day:%Y-%m-%d}T18:30")
    expect()(upcoming(page)).to_have_count(2)
    first, second = (upcoming(page).nth(i).get_attribute("data-session-id") for i in range(2))
    assert first and second
    moved_to = datetime(day.year, day.month, day.day, 7, 45, tzinfo=ZoneInfo(ZONE)) + timedelta(days=1)
    item = page.locator(f"li[data-session-id='{first}']")
    before = item.locator("strong").text_content()
    item.get_by_role("button", name="Reschedule").click()
    item.get_by_label(f"New time ({ZONE})").fill(moved_to.strftime("%Y-%m-%dT%H:%M"))
    item.get_by_role("button", name="Save new time").click()
    expect()(page.locator(f"li[data-session-id='{first}'] strong")).not_to_have_text(before or "")
    assert scheduled_at(api, first) == moved_to
    page.locator(f"li[data-session-id='{second}']").get_by_role("button", name="Cancel").click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel session").click()
    expect()(upcoming(page)).to_have_count(1)
    assert api.get(f"/sessions/{second}").json()["session"]["status"] == "cancelled"

    # Start now; pause and resume from the session page (the listener shows each state).
    start_now(page)
    status = page.get_by_test_id("status")
    page.get_by_role("button", name="Pause").click()
    expect()(status).to_have_text("paused", timeout=30_000)
    expect()(page.get_by_label("Your message")).to_be_disabled()
    page.get_by_role("button", name="Resume").click()
    expect()(status).to_have_text("active", timeout=30_000)
    expect()(page.get_by_label("Your message")).to_be_enabled()
    expect()(page.get_by_test_id("low-credit")).to_have_count(0)

    # An emergency end stops at once, without a confirmation; the PDF is in history.
    page.get_by_role("button", name="Emergency end").click()
    expect()(status).to_have_text("completed", timeout=30_000)
    expect()(page.get_by_text("Reason: emergency")).to_be_visible()
    page.get_by_role("link", name="See the summary in History").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]
    assert download_info.value.suggested_filename.endswith(".pdf")

    # With one credit above the warning threshold, the first charged minute brings the low-credit
    # warning; the balance then runs out by itself and the page shows why the session ended.
    admin = Api(new_user(admin=True, prefix="ctl-admin"))
    remaining = api.get("/user/credits").json()["credits"]["remaining"]
    granted = admin.post(
        f"/admin/users/{user.uid}/credits",
        json={"delta": WARNING_MINUTES + 1 - remaining, "reason": "e2e: low balance"},
    )
    assert granted.status_code == 200, granted.text
    page.get_by_role("link", name="Lobby").click()
    start_now(page)
    warning = page.get_by_test_id("low-credit")
    expect()(warning).to_be_visible(timeout=30_000)
    expect()(warning).to_contain_text("Low credits")
    expect()(status).to_have_text("completed", timeout=90_000)
    expect()(page.get_by_text("Reason: out of credits")).to_be_visible()


def test_admin_usage_charts_draw_a_fresh_rollup(new_context: Any) -> None:
    require_emulators()
    # A session today, so today's rollup has at least one session to draw.
    user = new_user(prefix="chart-user")
    started = Api(user).post(
        "/sessions/start",
        json={"avatar": "alex", "duration": 15, "mode": "chat", "sessionType": "instant"},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert started.status_code == 201, started.text
    Api(user).post(f"/sessions/{started.json()['session']['id']}/end", json={"reason": "user_ended"})

    admin = new_user(admin=True, prefix="chart-admin")
    page = new_context().new_page()
    sign_in_page(page, admin.email)
    # The console draws the days that already have a rollup when it opens; the recompute redraws them.
    with page.expect_response(lambda r: "/api/v1/admin/analytics/daily" in r.url):
        page.get_by_role("link", name="Admin").click()
    expect()(page.get_by_role("heading", name="Admin console")).to_be_visible()
    today = datetime.now(UTC).date().isoformat()
    page.get_by_role("button", name="Recompute these days").click()
    page.wait_for_function(
        """(today) => {
          const canvas = document.querySelector('[data-testid=usage-charts] canvas');
          const chart = canvas && window.Chart && window.Chart.getChart(canvas);
          return Boolean(chart) && chart.data.labels.includes(today);
        }""",
        arg=today,
        timeout=30_000,
    )
    charts = page.get_by_test_id("usage-charts").locator("canvas[role=img]")
    expect()(charts).to_have_count(2, timeout=30_000)
    drawn = page.evaluate(
        """(today) => [...document.querySelectorAll('[data-testid=usage-charts] canvas')].map((c) => {
          const chart = window.Chart.getChart(c);
          const at = chart.data.labels.indexOf(today);
          return {label: c.getAttribute('aria-label'), width: c.width, height: c.height,
                  today: at < 0 ? null : chart.data.datasets.map((d) => d.data[at])};
        })""",
        today,
    )
    for chart in drawn:
        assert chart["width"] > 0 and chart["height"] > 0, chart
        assert chart["label"], "a chart without a text alternative"
    sessions_today = drawn[0]["today"]
    assert sessions_today is not None and sessions_today[0] >= 1, drawn

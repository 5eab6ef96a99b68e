"""The rooms screen in headless Chromium on the emulator suite: two people in two browsers match into
one room and see each other's lines and the host's reply through their own listeners, see each other's
presence (the one client write the rules allow), and a guest leaves a room still waiting for company.

With the integration environment's short phases (SESSIONS_ROOM_PHASE_TIME_SCALE=0.02) a dating show
lasts about 12 s from its start, so the lines are posted first; presence and the page checks need no
live show (members still read an ended room).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.browser import check_page
from tests.e2e.journey import expect, sign_up
from tests.support.emulator import firestore_db, require_emulators

pytestmark = pytest.mark.emulator

FORMAT_BUTTON = "Join Dating show"
LINE = "Your line"
HIKING = "Hello A, I just got back from a hiking trip"


def close_waiting_rooms() -> None:
    """Other tests leave half-filled rooms waiting: the two users here must be seated together."""
    for room in firestore_db().collection("rooms").where("status", "==", "waiting").get():
        room.reference.update({"status": "ended"})


def open_rooms(page: Any) -> None:
    page.get_by_role("link", name="Rooms").click()
    expect()(page.get_by_role("heading", name="Rooms")).to_be_visible()


def join(page: Any) -> None:
    page.get_by_role("button", name=FORMAT_BUTTON).click()
    expect()(page.get_by_test_id("room-status")).not_to_have_text("", timeout=20_000)


def line_of(page: Any, speaker: str) -> Any:
    return page.get_by_test_id("room-transcript").locator(f".msg[data-speaker='{speaker}']")


def participant(page: Any, role: str) -> Any:
    return page.get_by_test_id("participants").locator(f"li[data-role='{role}']")


def test_two_users_match_into_a_room_and_see_each_others_lines(new_context: Any) -> None:
    require_emulators()
    a_page, b_page = new_context().new_page(), new_context().new_page()
    sign_up(a_page, f"room-a-{uuid.uuid4().hex[:10]}@example.test")
    sign_up(b_page, f"room-b-{uuid.uuid4().hex[:10]}@example.test")
    open_rooms(a_page)
    open_rooms(b_page)
    check_page(a_page, "rooms")

    close_waiting_rooms()
    join(a_page)
    expect()(a_page.get_by_test_id("room-status")).to_have_text("waiting")
    expect()(a_page.get_by_test_id("room-notice")).to_contain_text("Waiting for 1 more guest")
    join(b_page)
    # Both listeners see the room start; each page names the other guest by role, never by uid.
    for page, mine, other in ((a_page, "A", "B"), (b_page, "B", "A")):
        expect()(page.get_by_test_id("room-status")).to_have_text("active")
        expect()(participant(page, mine)).to_contain_text(f"You (guest {mine})")
        expect()(participant(page, other)).to_contain_text(f"Guest {other}")
        expect()(participant(page, "AGENT")).to_contain_text("Juno")
    # Rejoin is only offered to a guest who dropped out, not to one who is present.
    expect()(a_page.get_by_role("button", name="Rejoin")).to_be_hidden()
    a_url = a_page.url
    assert a_url == b_page.url, "matched into different rooms"

    # Lines first, sent at once (the show is short): A asks the host, B greets A.
    for page, text in ((a_page, "Juno, what should we talk about first?"), (b_page, HIKING)):
        page.get_by_label(LINE).fill(text)
        page.get_by_label(LINE).press("Enter")
    for page in (a_page, b_page):
        expect()(page.get_by_label(LINE)).to_have_value("", timeout=30_000)
    for page, other in ((a_page, "B"), (b_page, "A")):
        expect()(line_of(page, other)).to_have_count(1)
        expect()(line_of(page, other).locator(".who")).to_have_text(f"Guest {other}")
    expect()(line_of(b_page, "A")).to_contain_text("what should we talk about first")
    expect()(line_of(a_page, "B")).to_contain_text("hiking trip")
    expect()(line_of(a_page, "A").locator(".who")).to_have_text("You")
    # The host introduced the first phase and answered A's line, seen by both through the listener.
    for page in (a_page, b_page):
        expect()(page.locator(".msg[data-line-id='phase-0'][data-speaker='AGENT']")).to_have_count(1)
        reply = page.locator(".msg[data-speaker='AGENT'][data-reply-to][data-status='complete']")
        expect()(reply).to_have_count(1, timeout=30_000)
        expect()(reply.locator(".who")).to_have_text("Juno (host)")
        expect()(page.get_by_test_id("room-events")).to_contain_text("Everyone is here")

    # Presence: A mutes and turns the camera on, B types; each sees the other's flags live.
    a_page.get_by_role("button", name="Mute").click()
    a_page.get_by_role("button", name="Camera").click()
    expect()(a_page.get_by_role("button", name="Mute")).to_have_attribute("aria-pressed", "true")
    expect()(participant(b_page, "A").locator("[data-flag=muted]")).to_be_visible()
    expect()(participant(b_page, "A").locator("[data-flag=camera]")).to_be_visible()
    b_page.get_by_label(LINE).press_sequentially("still ther", delay=30)
    expect()(participant(a_page, "B").locator("[data-flag=typing]")).to_be_visible()
    a_page.get_by_role("button", name="Mute").click()
    expect()(participant(b_page, "A").locator("[data-flag=muted]")).to_have_count(0)
    expect()(participant(b_page, "A").locator("[data-flag=camera]")).to_be_visible()
    check_page(a_page, "room")

    # The show runs out by its timers (about 12 s here): both see it end; talking stops.
    for page in (a_page, b_page):
        expect()(page.get_by_test_id("room-status")).to_have_text("ended", timeout=30_000)
        expect()(page.get_by_label(LINE)).to_be_disabled()
    a_page.get_by_role("button", name="Leave room").click()
    expect()(a_page.get_by_role("heading", name="Rooms")).to_be_visible()


def test_a_guest_leaves_a_room_still_waiting(new_context: Any) -> None:
    require_emulators()
    page = new_context().new_page()
    sign_up(page, f"room-solo-{uuid.uuid4().hex[:10]}@example.test")
    open_rooms(page)
    close_waiting_rooms()
    join(page)
    expect()(page.get_by_test_id("room-status")).to_have_text("waiting")
    room_id = page.url.rsplit("/", 1)[-1]
    page.get_by_role("button", name="Leave room").click()  # no confirmation: nothing has started
    expect()(page.get_by_role("heading", name="Rooms")).to_be_visible()
    room = firestore_db().collection("rooms").document(room_id).get().to_dict()
    assert room["status"] == "ended" and room["endReason"] == "participants_left"
    assert room["memberIds"] == []
    # The room is closed to the one who left: its page says so instead of showing it.
    page.goto(page.url.split("#")[0] + f"#/rooms/{room_id}")
    expect()(page.get_by_role("status").filter(has_text="not open to you")).to_be_visible()

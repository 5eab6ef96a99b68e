"""What a room leaves behind (shared/rooms/summaries.py): the rolling summary of lines that left the
host's window, what is shareable, what is one participant's own, and consent until the end."""

from __future__ import annotations

import pytest

from shared.errors import InvalidStateTransition
from shared.models.rooms import PostLineRequest
from shared.rooms import summaries
from shared.rooms.config import DEFAULT_FORMAT, RoomSettings
from shared.rooms.memory import InMemoryRoomStore
from shared.rooms.service import RoomService
from tests.support.fakes import FakeClock, ScriptedProvider

CRISIS_LINE = "I bought the pills and I am going to take all of them tonight to end my life"
A_SAYS = "I have been learning to bake sourdough bread at home this winter."
B_SAYS = "I restore old bicycles in my garage and ride them along the canal."


def show(**settings: float) -> tuple[RoomService, InMemoryRoomStore, FakeClock, str]:
    clock = FakeClock()
    store = InMemoryRoomStore()
    svc = RoomService(
        store=store,
        provider=ScriptedProvider(["Welcome!"], clock),
        settings=RoomSettings(**settings),  # type: ignore[arg-type]
        clock=clock.wall,
        monotonic=clock.monotonic,
    )
    room, _ = svc.match(uid="ua", format_id=DEFAULT_FORMAT, remember=True)
    svc.match(uid="ub", format_id=DEFAULT_FORMAT)
    return svc, store, clock, room.id


def say(svc: RoomService, clock: FakeClock, uid: str, room_id: str, text: str, cid: str) -> None:
    clock.advance(1)
    svc.post_line(uid=uid, room_id=room_id, request=PostLineRequest(content=text, client_line_id=cid))


def test_consent_is_per_participant_from_the_match_and_changes_only_until_the_end() -> None:
    svc, store, _, room_id = show()
    assert {p.role: p.remember for p in store.rooms[room_id].participants} == {"A": True, "B": False}
    assert svc.set_memory_consent(uid="ub", room_id=room_id, remember=True).participants[1].remember
    svc.end(room_id=room_id, reason="ended_by_admin", actor="admin")
    with pytest.raises(InvalidStateTransition):
        svc.set_memory_consent(uid="ua", room_id=room_id, remember=False)


def test_shareable_lines_leave_out_anything_screened_above_normal_and_own_lines_are_one_role() -> None:
    svc, store, clock, room_id = show()
    say(svc, clock, "ua", room_id, A_SAYS, "a1")
    say(svc, clock, "ub", room_id, B_SAYS, "b1")
    say(svc, clock, "ub", room_id, CRISIS_LINE, "b2")
    lines = sorted(store.lines[room_id].values(), key=lambda x: x.created_at)
    assert [x.content for x in summaries.shareable(lines)] == [A_SAYS, B_SAYS]
    assert [x.content for x in summaries.shareable(lines, {"A"})] == [A_SAYS]
    assert [x.content for x in summaries.own(lines, "B")] == [B_SAYS, CRISIS_LINE]  # B's own, all of it
    assert all(x.speaker != "AGENT" for x in summaries.own(lines, "A") + summaries.shareable(lines))


def test_the_rolling_summary_folds_lines_that_left_the_window_and_never_a_crisis_line() -> None:
    svc, store, clock, room_id = show(context_lines=4, summary_every=3)
    say(svc, clock, "ub", room_id, CRISIS_LINE, "b0")
    for i in range(3):
        say(svc, clock, "ua", room_id, f"{A_SAYS} Day {i}.", f"a{i}")
        say(svc, clock, "ub", room_id, f"{B_SAYS} Trip {i}.", f"b{i + 1}")
    room = store.rooms[room_id]
    count = len(store.lines[room_id])  # the host's intro, the hold line and 7 guest lines
    update = summaries.rolling_update(store=store, room=room, line_count=count, settings=svc.settings)
    assert update is not None
    text, through = update
    assert through == count - 4 and text is not None
    assert "pills" not in text and ("A: " in text or "B: " in text)
    # Not due again until `summary_every` more lines left the window; never after the final summary.
    rolled = room.model_copy(update={"summary": text, "summary_through": through})
    assert (
        summaries.rolling_update(store=store, room=rolled, line_count=count + 2, settings=svc.settings)
        is None
    )
    final = rolled.model_copy(update={"summary_final": True})
    assert (
        summaries.rolling_update(store=store, room=final, line_count=count + 9, settings=svc.settings) is None
    )


def test_the_host_sees_the_rolling_summary() -> None:
    svc, store, clock, room_id = show()
    store.rooms[room_id] = store.rooms[room_id].model_copy(update={"summary": "A: I bake bread."})
    say(svc, clock, "ua", room_id, "Juno, what do you think?", "a1")
    assert svc.provider.requests[-1].summary == "A: I bake bread."  # type: ignore[attr-defined]

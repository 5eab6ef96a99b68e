"""What the user data erase does to a room the user sat in, as pure functions (the Firestore side is
backend/store/room_erasure.py; the policy is in docs/data-model.md, "Rooms").

- A user who still sits in a room that has not ended (present, or dropped within the grace) is not
  erased: the room's writers (lines, timers, the flush, the end) would race the erase.
- Otherwise the user's own lines, private and presence documents go, and every place the room names
  the user (participants, `participantIds`, `memberIds`, `createdBy`, seat claims, event actors) gets
  one random `erased-...` token per room, so the other participants' room still reads consistently
  (the same role, the same number of seats) and the erased person's rooms cannot be linked together.
- The room's shared summary (rolling or final) is cleared: it is made of every guest's lines, the
  erased user's among them, and there is no summariser here to write it again without them.
- The erased participant's memory consent is withdrawn, so an end still to come writes no memory for
  the token.
"""

from __future__ import annotations

import secrets

from shared.models.rooms import Participant, Room

ERASED_PREFIX = "erased"


def erased_token() -> str:
    """A fresh token that names nobody (the same shape as the anonymised crisis alerts')."""
    return f"{ERASED_PREFIX}-{secrets.token_hex(8)}"


def sits_in(room: Room, uid: str) -> bool:
    """Still seated in a live room: a member (present or dropped within the grace) of a room that has
    not ended. A leaver, or a member of an ended room, no longer sits in it."""
    return room.status != "ended" and uid in room.member_ids


def role_in(room: Room, uid: str) -> str | None:
    """The role `uid` spoke as in this room, if any. A waiting room's leaver is no longer among the
    participants and its role may have gone to someone else: it never spoke (lines need an active
    room), so there is nothing of theirs to delete."""
    found = room.participant(uid)
    return found.role if found is not None else None


def shared_in_memories(room: Room, uid: str) -> bool:
    """Are `uid`'s lines in the shared summary kept in the other participants' memories? Only when
    `uid` consented (the memories share the lines of consenting participants only)."""
    found = room.participant(uid)
    return found is not None and found.remember


def others(room: Room, uid: str) -> list[str]:
    """The other people who sat in the room (erased ones excepted: they hold no memory)."""
    return [
        other for other in room.participant_ids if other != uid and not other.startswith(f"{ERASED_PREFIX}-")
    ]


def anonymised(room: Room, uid: str, token: str) -> Room:
    """The room with `uid` replaced by `token` everywhere it names the user, the user's memory consent
    withdrawn and the shared summary cleared (see the module docstring). The room is otherwise
    unchanged: same status, roles, seats and counts."""

    def swap(value: str) -> str:
        return token if value == uid else value

    def person(p: Participant) -> Participant:
        return p.model_copy(update={"uid": token, "remember": False}) if p.uid == uid else p

    spoke = role_in(room, uid) is not None
    return room.model_copy(
        update={
            "participants": [person(p) for p in room.participants],
            "participant_ids": [swap(x) for x in room.participant_ids],
            "member_ids": [swap(x) for x in room.member_ids],
            "created_by": swap(room.created_by),
            "summary": None if spoke else room.summary,
        }
    )

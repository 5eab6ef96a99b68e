"""`room.ended` (on the `session-ended` topic, handled by the `session_memory` function): the room's final
summary and its consenting participants' memories, with the 1:1 pipeline's summariser and embedder.

Consent: a participant's memory is written only when that participant's `remember` is true at the end
(given with the match, changeable until the end: `POST /rooms/{id}/memory`); otherwise nothing is kept
for them, and their lines stay out of the shared summary stored in the others' memories. What each
memory holds is in shared/rooms/summaries.py. Idempotent: a memory's content hash covers its lines, the
shared summary and both model names, so a redelivered event rewrites nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from backend import logs, wiring
from backend.store import memories, room_memories
from backend.triggers.memory import _draft, _models
from shared.memory.summarize import ExtractiveSummarizer, Summarizer
from shared.models.messages import Message
from shared.models.rooms import RoomLine
from shared.rooms import summaries


def _shared(messages: Sequence[Message], summarizer: Summarizer, room_id: str) -> str | None:
    if not messages:
        return None
    try:
        text = summarizer.summarize(messages).summary
    except Exception as exc:
        logs.warning("summary model failed; offline summary", roomId=room_id, errorType=type(exc).__name__)
        text = ExtractiveSummarizer().summarize(messages).summary
    return text[: summaries.MAX_SUMMARY_CHARS] or None


def write_room_memories(room_id: str, *, again: bool = True) -> dict[str, str] | None:
    """The final summary on the room, then one memory per consenting participant. Returns what happened
    per role (`written`, `unchanged`, `empty`, `no_consent`, `erased`), or None when the room has not
    ended. Every write is conditional on the room listing the people its lines were read with: when a
    participant's data was erased meanwhile, the whole pass starts again (once) from what is left."""
    store = wiring.room_store()
    room = store.load(room_id)
    if room is None or room.status != "ended":
        return None
    db = wiring.db()
    lines = store.all_lines(room_id)
    started = room.started_at or room.created_at
    summarizer, embedder = _models()

    def messages(chosen: Sequence[RoomLine], *, with_roles: bool) -> list[Message]:
        return summaries.as_messages(chosen, started_at=started, with_roles=with_roles)

    final = _shared(messages(summaries.shareable(lines), with_roles=True), summarizer, room_id)
    # Conditional on the people the lines were read with: an erase since then took lines away.
    if not store.save_final_summary(room_id, final, through=len(lines), seated=room.participant_ids):
        logs.info("room memories restarted: a participant was erased meanwhile", roomId=room_id)
        return write_room_memories(room_id, again=False) if again else None
    consenting = {p.role for p in room.participants if p.remember}
    kept = _shared(messages(summaries.shareable(lines, consenting), with_roles=True), summarizer, room_id)
    outcome: dict[str, str] = {}
    for person in room.participants:
        if not person.remember:
            outcome[person.role] = "no_consent"
            continue
        mine = messages(summaries.own(lines, person.role), with_roles=False)
        digest = memories.content_hash(mine, summarizer.model, embedder.model, kept or "")
        if room_memories.stored_hash(db, room_id, person.uid) == digest:
            outcome[person.role] = "unchanged"
            continue
        draft, model, vector, used = _draft(mine, summarizer, embedder, room_id)
        if draft.is_empty and not kept:
            outcome[person.role] = "empty"
            continue
        written = room_memories.save(
            db,
            room=room,
            uid=person.uid,
            draft=draft,
            shared_summary=kept,
            model=model,
            vector=vector,
            embedding_model=used.model,
            digest=digest,
            line_count=len(mine),
            seated=room.participant_ids,
        )
        if not written and again:
            logs.info("room memories restarted: a participant was erased meanwhile", roomId=room_id)
            return write_room_memories(room_id, again=False)
        outcome[person.role] = "written" if written else "erased"
    logs.info("room memories", roomId=room_id, **{f"role{role}": what for role, what in outcome.items()})
    return outcome

"""The AI host (participant `AGENT`): when it speaks, what its model sees, and how a reply streams.

Reply policy (docs/realtime.md, "Rooms"):
1. **Phase start**: when a phase starts (the show starts, a timer, the host or an admin moves on) the
   host introduces it, following the phase's `hostInstructions`.
2. **Addressed**: a participant's line that names the host (its name, "host" or "AGENT" as a word)
   gets one reply. Lines between the guests are not answered: the show is their conversation.
3. **Move on**: an addressed line asking to move on ("next question", "move on", "next round", ...)
   advances the phase by one (idempotently, like a timer) and the host introduces the new phase.
4. **Safety hold**: once a participant's line screens at HIGH_RISK or above, the show is paused for
   everyone: the host says HOLD_LINE once and then stays silent (no show content, no phase intros)
   until the room ends. The person concerned gets the crisis resources privately.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from shared.conversation.interruptions import heard_text, spoken
from shared.conversation.provider import AiProvider, ChatTurn, ReplyRequest
from shared.conversation.turns import check_reply
from shared.models.rooms import (
    AGENT_ROLE,
    SYSTEM_SPEAKER,
    PhaseConfig,
    Room,
    RoomFormat,
    RoomLine,
)

HOLD_LINE = (
    "Let's pause the show here for a moment. Thank you both; we'll leave the games for now, "
    "and please take care of yourselves."
)
SPICINESS = (
    "Keep every question gentle and safe for a first conversation.",
    "Light teasing is fine; keep questions friendly.",
    "Be playful and a little bold, never crude or embarrassing.",
    "Be daring and flirtatious in your questions, but never explicit, crude or pushy.",
)
_MOVE_ON = re.compile(r"\b(?:next (?:question|phase|round|part)|move on|moving on|skip ahead)\b", re.I)


class Trigger(StrEnum):
    PHASE_START = "phase_start"
    ADDRESSED = "addressed"
    MOVE_ON = "move_on"


def addressed(text: str, host_name: str) -> bool:
    """The line names the host: its name, "host" or "AGENT", as a whole word, anywhere."""
    names = "|".join(re.escape(n) for n in (host_name, "host", AGENT_ROLE))
    return re.search(rf"(?<![\w-])(?:{names})(?![\w-])", text, re.IGNORECASE) is not None


def trigger_for(text: str, room: Room) -> Trigger | None:
    """What a participant's line asks of the host (None: the host stays silent)."""
    if room.show_paused or room.status != "active" or not addressed(text, room.host.name):
        return None
    return Trigger.MOVE_ON if _MOVE_ON.search(text) else Trigger.ADDRESSED


def _spoken(line: RoomLine) -> str:
    return spoken(line.content, line.interruption)


@dataclass(frozen=True)
class HostPrompt:
    request: ReplyRequest
    # A fixed phase announcement used instead of the offline responder (which reflects a speaker's
    # words and cannot introduce a phase); None for replies to a guest, which it can reflect.
    offline_text: str | None


def host_request(
    *,
    room: Room,
    room_format: RoomFormat,
    lines: Sequence[RoomLine],
    trigger: Trigger,
    summary: str | None,
    interruptions_kept: int,
) -> HostPrompt:
    """The host's bounded context: who it is, the phase and its instructions, the roles present,
    the last lines (interrupted host lines only as far as they were heard) and the last few
    interruptions, so the host knows it was cut off."""
    phase = _phase(room_format, room.phase)
    roles = ", ".join(p.role for p in room.participants if p.state == "present")
    system = [
        f"You are {room_format.host.name}, the AI host of '{room_format.name}', a live voice show. "
        f"{room_format.host.persona}",
        f"Guests present, by role: {roles}. Address them by role. You are an AI; never claim otherwise.",
        SPICINESS[room.host.spiciness],
        f"Current phase: {phase.title}. {phase.host_instructions}",
        "Reply in at most 3 short spoken sentences. Never give medical or crisis advice on air.",
    ]
    cut_off = [line for line in lines if line.interruption is not None][-interruptions_kept:]
    if interruptions_kept and cut_off:
        notes = "; ".join(f"'{heard_text(x.content, x.interruption)}...'" for x in cut_off if x.interruption)
        system.append(
            f"You were interrupted recently, after: {notes}. Don't repeat what was cut off verbatim."
        )
    history = [
        ChatTurn("assistant" if line.speaker == AGENT_ROLE else "user", f"{line.speaker}: {_spoken(line)}")
        for line in lines
        if line.speaker != SYSTEM_SPEAKER and line.status != "failed"
    ]
    if trigger is not Trigger.ADDRESSED:
        history.append(ChatTurn("user", f"(Show note: the '{phase.title}' phase starts now. Introduce it.)"))
    request = ReplyRequest(
        persona_prompt="\n".join(system),
        avatar_name=room_format.host.name,
        history=history,
        summary=summary,
    )
    offline = None if trigger is Trigger.ADDRESSED else f"{phase.title} time! {phase.host_instructions}"
    return HostPrompt(request=request, offline_text=offline)


def _phase(room_format: RoomFormat, phase_id: str | None) -> PhaseConfig:
    return next((p for p in room_format.phases if p.id == phase_id), room_format.phases[0])


def stream_reply(
    *,
    provider: AiProvider,
    prompt: HostPrompt,
    progress: Callable[[str], None],
    interval_s: float,
    timeout_s: float,
    monotonic: Callable[[], float],
) -> tuple[str, str]:
    """Stream the host's reply, calling `progress` with the text so far at most once per interval
    (like 1:1 replies). Returns (text, model). Raises UnsafeReply (never shown, not even half) or the
    provider's error; the caller stores the fallback."""
    if provider.offline and prompt.offline_text is not None:
        return prompt.offline_text, "offline-host"
    started = last = monotonic()
    parts: list[str] = []
    for chunk in provider.stream(prompt.request):
        now = monotonic()
        if now - started > timeout_s:
            raise TimeoutError(f"no complete reply within {timeout_s:g} s")
        parts.append(chunk.text)
        if chunk.done:
            break
        if now - last >= interval_s:
            text = "".join(parts)
            check_reply(text)
            progress(text)
            last = now
    else:
        raise ConnectionError("the provider's stream ended without a final chunk")
    text = "".join(parts).strip()
    check_reply(text)
    return text, provider.model

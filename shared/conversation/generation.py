"""Who generates a reply: one generation per reply, however many retries of the message arrive.

The user's message document carries `replyClaimedAt`, set when the message is created (its creator
generates the reply) and again whenever a retry takes the generation over. A claim is a lease of
`lease_seconds` (longer than any generation can run). Retries of the same message wait for the
stored reply instead of generating their own; they take over only from a generation that failed or
whose lease ran out (its instance died). Adapters apply `claimable` atomically (a transaction), so
of concurrent retries exactly one can claim.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.models.messages import Message
from shared.settings import Settings


def lease_seconds(settings: Settings) -> float:
    """A generation runs at most about two provider timeouts (a call, then retries within the deadline)."""
    return 2 * settings.ai_timeout_seconds + 5


def claimable(*, claimed_at: datetime | None, reply: Message | None, now: datetime, lease: float) -> bool:
    """Whether a new generation of this reply may start now."""
    if reply is not None and reply.status == "complete":
        return False
    if claimed_at is None or now >= claimed_at + timedelta(seconds=lease):
        return True  # never claimed, or the claimant died
    # A live claim: only a failure written after it means that generation is over.
    return reply is not None and reply.status == "failed" and reply.updated_at >= claimed_at

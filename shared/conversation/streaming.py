"""Streaming a reply: the provider's chunks written at most once per interval, within a deadline, every
update screened before anyone sees it, and stopped when the session stops."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from shared.conversation.provider import AiProvider, ReplyRequest
from shared.conversation.store import MessageStore
from shared.models.messages import Message
from shared.safety.levels import SafetyLevel, Screening
from shared.safety.screen import screen_reply
from shared.settings import Settings

FALLBACK_REPLY = (
    "I'm sorry, I'm having trouble answering right now. Could you give me a moment and say that again?"
)
# While a reply streams, the session's status is read again at most this often: a reply stops
# streaming into a session that was paused or ended meanwhile (the message's own write checked it).
LIVE_CHECK_SECONDS = 1.0


class SessionNoLongerActive(Exception):
    """The session was paused or ended while its reply streamed: the reply stops there."""


class UnsafeReply(Exception):
    def __init__(self, screening: Screening) -> None:
        super().__init__(screening.level.value)
        self.screening = screening


def check_reply(text: str) -> Screening:
    screening = screen_reply(text)
    if screening.level.at_least(SafetyLevel.ELEVATED_CONCERN):
        raise UnsafeReply(screening)
    return screening


class ThrottledWriter:
    """Consumes the provider's stream, writing progress at most once per interval, within a deadline."""

    def __init__(
        self,
        *,
        provider: AiProvider,
        store: MessageStore,
        settings: Settings,
        monotonic: Callable[[], float],
        clock: Callable[[], datetime],
        reply: Message,
        started: float,
    ) -> None:
        self.provider = provider
        self.store = store
        self.settings = settings
        self.monotonic = monotonic
        self.clock = clock
        self.reply = reply
        self.started = started
        self.typing_shown = False
        self.shown = ""
        self.live_checked_at = started  # the message's own write checked the session at the start
        self.final_screening: Screening | None = None
        self.interval = settings.stream_update_interval_ms / 1000
        self.deadline = started + settings.ai_timeout_seconds

    def run(self, request: ReplyRequest) -> tuple[str, int | None]:
        parts: list[str] = []
        last_write = self.started
        tokens: int | None = None
        for chunk in self.provider.stream(request):
            now = self.monotonic()
            if now > self.deadline:
                raise TimeoutError(f"no complete reply within {self.settings.ai_timeout_seconds:g} s")
            parts.append(chunk.text)
            if chunk.done:
                tokens = chunk.tokens_used
                self.final_screening = check_reply("".join(parts))
                break
            if now - last_write >= self.interval:
                self._progress("".join(parts))
                last_write = now
        else:
            raise ConnectionError("the provider's stream ended without a final chunk")
        return "".join(parts).strip(), tokens

    def still_live(self) -> bool:
        """Whether the session is still active, read at most once per LIVE_CHECK_SECONDS."""
        now = self.monotonic()
        if now - self.live_checked_at < LIVE_CHECK_SECONDS:
            return True
        self.live_checked_at = now
        return self.store.session_active(self.reply.session_id)

    def _progress(self, text: str) -> None:
        check_reply(text)  # nothing unsafe is ever shown, not even half-streamed
        if not self.still_live():
            raise SessionNoLongerActive()
        self.shown = text
        if not self.typing_shown:
            self.store.set_ai_typing(self.reply.session_id, True)
            self.typing_shown = True
        self.store.save_message(self.reply.model_copy(update={"content": text, "updated_at": self.clock()}))

    def run_with_retries(self, request: ReplyRequest, *, attempts: int) -> tuple[str, int | None]:
        """Retry a failed stream with backoff, but only while nothing was shown and time remains."""
        from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

        def retryable(exc: BaseException) -> bool:
            return (
                not isinstance(exc, TimeoutError | UnsafeReply | SessionNoLongerActive)
                and not self.typing_shown
                and self.monotonic() < self.deadline
            )

        for attempt in Retrying(
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=0.2, max=2.0),
            retry=retry_if_exception(retryable),
            reraise=True,
        ):
            with attempt:
                return self.run(request)
        raise AssertionError("unreachable: tenacity reraises the last error")

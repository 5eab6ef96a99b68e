"""OpenAI and OpenAI-compatible servers (Ollama, vLLM, LM Studio, ...) behind the AI provider port."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from shared.conversation.provider import AiProvider, ChatTurn, ReplyChunk, ReplyRequest

if TYPE_CHECKING:
    from openai import OpenAI, Stream
    from openai.types.chat import ChatCompletionChunk, ChatCompletionMessageParam

# Local OpenAI-compatible servers ignore the key, but the SDK insists on one.
PLACEHOLDER_API_KEY = "not-needed"


def _message(turn: ChatTurn) -> ChatCompletionMessageParam:
    if turn.role == "system":
        return {"role": "system", "content": turn.content}
    if turn.role == "assistant":
        return {"role": "assistant", "content": turn.content}
    return {"role": "user", "content": turn.content}


class OpenAIProvider(AiProvider):
    """Streams chat completions. One attempt per call: the caller owns retries, timeouts and fallbacks."""

    offline = False

    def __init__(self, *, api_key: str | None, base_url: str | None, model: str, timeout_s: float) -> None:
        self.model = model
        self._api_key = api_key
        self._base_url = base_url
        self._timeout_s = timeout_s
        self._client: OpenAI | None = None
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str | None:
        """The configured server (None: the OpenAI API)."""
        return self._base_url

    def client(self) -> OpenAI:
        """The SDK client, created (and the SDK imported) on first use."""
        with self._lock:
            if self._client is None:
                from openai import OpenAI

                self._client = OpenAI(
                    api_key=self._api_key or PLACEHOLDER_API_KEY,
                    base_url=self._base_url,
                    timeout=self._timeout_s,
                    max_retries=0,
                )
            return self._client

    def stream(self, request: ReplyRequest) -> Iterator[ReplyChunk]:
        try:
            response = self.client().chat.completions.create(
                model=self.model,
                messages=[_message(turn) for turn in request.messages()],
                stream=True,
                stream_options={"include_usage": True},
            )
        except Exception as exc:
            _log_failure(exc, self.model)
            raise
        return self._chunks(response, self.model)

    @staticmethod
    def _chunks(response: Stream[ChatCompletionChunk], model: str) -> Iterator[ReplyChunk]:
        tokens: int | None = None
        finished = False
        try:
            with response:  # closes the HTTP response if the consumer stops early
                for chunk in response:
                    if chunk.usage is not None:
                        tokens = chunk.usage.total_tokens
                    for choice in chunk.choices[:1]:
                        if choice.delta.content:
                            yield ReplyChunk(choice.delta.content)
                        finished = finished or choice.finish_reason is not None
            if not finished:
                # A dropped connection ends the iteration quietly: a cut-off reply is a failure, not an answer.
                raise ConnectionError("the model's stream ended before it finished")
        except Exception as exc:
            _log_failure(exc, model)
            raise
        yield ReplyChunk("", done=True, tokens_used=tokens)


def _log_failure(exc: Exception, model: str) -> None:
    """The caller falls back to a fixed reply; this line feeds the `ai_provider_failures` metric."""
    from backend import logs

    logs.warning("AI provider failed", event="ai_provider_failure", model=model, errorType=type(exc).__name__)

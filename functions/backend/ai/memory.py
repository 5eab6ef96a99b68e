"""Session memory from OpenAI (or a compatible server) when configured, else the offline models.

Embeddings are text-embedding-3-small cut to 384 dimensions, the size of the offline MiniLM vectors, so one
Firestore vector index serves both (records name their model: the two spaces are never compared)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from backend.ai.openai_provider import PLACEHOLDER_API_KEY
from shared.memory.embedding import Embedder, default_embedder
from shared.memory.summarize import ExtractiveSummarizer, SessionMemoryDraft, Summarizer, is_human
from shared.models.messages import Message
from shared.settings import Settings, get_settings

if TYPE_CHECKING:
    from openai import OpenAI

T = TypeVar("T")

ATTEMPTS = 3
MAX_TRANSCRIPT_CHARS = 12_000
MAX_SUMMARY_CHARS = 1200
MAX_ITEM_CHARS = 240
EMBEDDING_BATCH = 100
MAX_EMBEDDING_CHARS = 8000  # under the model's 8,191-token input limit whatever the text

SYSTEM_PROMPT = (
    "You keep the private notes a supportive companion reads before its next conversation with a user. "
    "You are given only what the user said in one conversation. Answer with one JSON object: "
    '{"summary": "2-4 sentences, in the third person, on what the user talked about, how they felt and '
    'what they plan", "keyTopics": ["at most 5 short topics"], "detectedEmotions": ["at most 4 emotions, '
    'one word each"], "nextSteps": ["at most 3 things the user intends to do"]}. '
    "Use only what the user said; leave a list empty rather than guess."
)


class MemoryModelError(ValueError):
    """The model's answer cannot be used as a memory; the message never quotes it (it is about the user)."""


def _first(limit: int) -> AfterValidator:
    """At most `limit` distinct items: a longer list is cut, not rejected."""
    return AfterValidator(lambda xs: list(dict.fromkeys(_clip(x, MAX_ITEM_CHARS) for x in xs if x))[:limit])


_Texts = Annotated[list[str], BeforeValidator(lambda value: [] if value is None else value)]


class MemoryAnswer(BaseModel):
    """The summarizer's JSON answer."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", str_strip_whitespace=True
    )

    summary: Annotated[str, AfterValidator(partial(_clip, limit=MAX_SUMMARY_CHARS))]
    key_topics: Annotated[_Texts, _first(5)] = []
    detected_emotions: Annotated[_Texts, _first(4)] = []
    next_steps: Annotated[_Texts, _first(3)] = []


def parse_answer(content: str | None) -> MemoryAnswer:
    try:
        return MemoryAnswer.model_validate_json(content or "")
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False, include_context=False)
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['type']}" for e in errors)
        # `from None`: the chained error would carry the model's text into logs and error reports.
        raise MemoryModelError(f"the memory model's answer is not a valid memory ({problems})") from None


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-") + "\u2026"


def _transcript(said: Sequence[Message]) -> str:
    text = "\n\n".join(m.content.strip() for m in said)
    if len(text) <= MAX_TRANSCRIPT_CHARS:
        return text
    # Keep the end: where the session settled and the plans made are what the next session needs.
    return "\u2026" + text[-(MAX_TRANSCRIPT_CHARS - 1) :].split(" ", 1)[-1]


def _with_retries(call: Callable[..., T], *args: Any) -> T:
    """`call(*args)`, tried again after a connection failure, a rate limit or a server error."""
    from openai import APIConnectionError, InternalServerError, RateLimitError
    from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

    retrying = Retrying(
        stop=stop_after_attempt(ATTEMPTS),
        wait=wait_exponential(multiplier=0.2, max=2.0),
        retry=retry_if_exception_type((APIConnectionError, RateLimitError, InternalServerError)),
        reraise=True,
    )
    return retrying(call, *args)


def lazy_client(settings: Settings) -> Callable[[], OpenAI]:
    """The configured SDK client, created (and the SDK imported) on first call, to keep it out of cold starts."""

    @lru_cache(maxsize=1)
    def client() -> OpenAI:
        from openai import OpenAI

        return OpenAI(
            api_key=settings.openai_api_key or PLACEHOLDER_API_KEY,
            base_url=settings.openai_base_url,
            timeout=settings.ai_timeout_seconds,
            max_retries=0,  # retried here, on transient errors only
        )

    return client


class OpenAISummarizer:
    """The memory draft of a session from a chat model in JSON mode, given only what people said."""

    def __init__(self, client: Callable[[], OpenAI], *, model: str) -> None:
        self.client, self.model = client, model

    def summarize(self, messages: Sequence[Message]) -> SessionMemoryDraft:
        said = [m for m in sorted(messages, key=lambda m: m.timestamp_in_session) if is_human(m)]
        if not said:
            return SessionMemoryDraft(summary="", model=self.model)
        answer = parse_answer(_with_retries(self._ask, _transcript(said)))
        return SessionMemoryDraft(**answer.model_dump(), model=self.model)

    def _ask(self, transcript: str) -> str | None:
        response = self.client().chat.completions.create(
            model=self.model,
            messages=[{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": transcript}],
            response_format={"type": "json_object"},
        )
        return response.choices[0].message.content if response.choices else None


class OpenAIEmbedder:
    """Unit-length embeddings of `dimensions` floats, EMBEDDING_BATCH texts per request."""

    dimensions = 384  # as the offline MiniLM, so that one vector index serves both

    def __init__(self, client: Callable[[], OpenAI], *, embedding_model: str) -> None:
        self.client, self.embedding_model = client, embedding_model
        self.model = f"{embedding_model}@{self.dimensions}"

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not one string")
        # The API rejects empty inputs and inputs over the model's token limit.
        inputs = [text[:MAX_EMBEDDING_CHARS] if text.strip() else " " for text in texts]
        vectors: list[list[float]] = []
        for start in range(0, len(inputs), EMBEDDING_BATCH):
            vectors += _with_retries(self._embed_batch, inputs[start : start + EMBEDDING_BATCH])
        return vectors

    def _embed_batch(self, batch: list[str]) -> list[list[float]]:
        response = self.client().embeddings.create(
            model=self.embedding_model,
            input=batch,
            dimensions=self.dimensions,
            encoding_format="float",  # the SDK's default, base64, is not spoken by every compatible server
        )
        data = sorted(response.data, key=lambda item: item.index)
        if len(data) != len(batch):
            raise MemoryModelError(f"{len(data)} embeddings for {len(batch)} texts")
        vectors: list[list[float]] = []
        for item in data:
            # A server that ignores `dimensions` must not put vectors of another size into the index.
            if len(item.embedding) != self.dimensions:
                raise MemoryModelError(f"{len(item.embedding)} dimensions, not {self.dimensions}")
            norm = math.sqrt(math.fsum(x * x for x in item.embedding)) or 1.0
            vectors.append([x / norm for x in item.embedding])
        return vectors


@lru_cache(maxsize=1)
def get_summarizer() -> Summarizer:
    settings = get_settings()
    if settings.openai_api_key or settings.openai_base_url:
        return OpenAISummarizer(lazy_client(settings), model=settings.openai_model)
    return ExtractiveSummarizer()


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    settings = get_settings()
    if settings.openai_api_key or settings.openai_base_url:
        return OpenAIEmbedder(lazy_client(settings), embedding_model=settings.openai_embedding_model)
    return default_embedder()

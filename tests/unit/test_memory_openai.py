"""The OpenAI memory adapters (JSON summaries, 384-dimension embeddings) against a fake OpenAI server on
127.0.0.1, and the choice between them and the offline models."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import openai
import pytest
from openai import OpenAI

from backend.ai.memory import (
    EMBEDDING_BATCH,
    MAX_SUMMARY_CHARS,
    MAX_TRANSCRIPT_CHARS,
    MemoryModelError,
    OpenAIEmbedder,
    OpenAISummarizer,
    get_embedder,
    get_summarizer,
)
from backend.ai.openai_provider import PLACEHOLDER_API_KEY
from shared.memory import Embedder, ExtractiveSummarizer, Summarizer, default_embedder
from shared.models.messages import Message, MessageType
from shared.settings import get_settings
from tests.support.fake_openai import EMBEDDINGS_PATH, MEMORY_JSON, FakeOpenAI
from tests.support.fakes import transcript_message

START = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def message(n: int, speaker: str, content: str, kind: MessageType = "text") -> Message:
    return transcript_message(n, speaker, content, kind)


SESSION = [
    message(3, "user", "I'm going to put my phone away at ten."),  # out of order: sorted by time
    message(0, "user", "I can't sleep before my exams."),
    message(1, "ai", "That sounds hard. What keeps you up?", kind="ai"),
    message(2, "system", "Credits are running low.", kind="system"),
    message(4, "ai", "That sounds like a good plan.", kind="ai"),
]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def connect(server: FakeOpenAI) -> Callable[[], OpenAI]:
    client = OpenAI(api_key="sk-test", base_url=server.url + "/v1", timeout=5, max_retries=0)
    return lambda: client


def summarizer(server: FakeOpenAI) -> OpenAISummarizer:
    return OpenAISummarizer(connect(server), model="tiny-model")


def embedder(server: FakeOpenAI) -> OpenAIEmbedder:
    return OpenAIEmbedder(connect(server), embedding_model="text-embedding-3-small")


def unit(vector: list[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector))
    return [x / norm for x in vector]


# -- summaries -------------------------------------------------------------------------------------


def test_summary_asks_in_json_mode_about_what_the_user_said_only(server: FakeOpenAI) -> None:
    draft = summarizer(server).summarize(SESSION)

    [body] = server.requests
    assert server.paths == ["/v1/chat/completions"]
    assert body["model"] == "tiny-model"
    assert body["response_format"] == {"type": "json_object"}
    assert not body.get("stream")
    system, user = body["messages"]
    assert system["role"] == "system" and "JSON" in system["content"]
    assert "keyTopics" in system["content"] and "nextSteps" in system["content"]
    assert user == {
        "role": "user",
        "content": "I can't sleep before my exams.\n\nI'm going to put my phone away at ten.",
    }
    expected = json.loads(MEMORY_JSON)
    assert draft.summary == expected["summary"]
    assert draft.key_topics == expected["keyTopics"]
    assert draft.detected_emotions == expected["detectedEmotions"]
    assert draft.next_steps == expected["nextSteps"]
    assert draft.model == "tiny-model"


def test_long_lists_and_summaries_are_clipped_not_rejected(server: FakeOpenAI) -> None:
    server.completion = json.dumps(
        {
            "summary": "They worried about exams. " * 100,
            "keyTopics": ["exams", " exams ", "sleep", "", "family", "work", "money", "friends"],
            "detectedEmotions": ["anxious", "tired", "hopeful", "sad", "angry", "calm"],
            "nextSteps": ["Phone away at ten.", "Talk to the tutor.", "Walk daily.", "Journal.", "Rest."],
            "confidence": 0.9,
        }
    )
    draft = summarizer(server).summarize(SESSION)
    assert len(draft.summary) <= MAX_SUMMARY_CHARS
    assert draft.summary.startswith("They worried about exams.") and draft.summary.endswith("\u2026")
    assert draft.key_topics == ["exams", "sleep", "family", "work", "money"]
    assert draft.detected_emotions == ["anxious", "tired", "hopeful", "sad"]
    assert draft.next_steps == ["Phone away at ten.", "Talk to the tutor.", "Walk daily."]


def test_null_lists_mean_nothing_found(server: FakeOpenAI) -> None:
    server.completion = json.dumps({"summary": "Exam stress.", "keyTopics": None, "nextSteps": None})
    draft = summarizer(server).summarize(SESSION)
    assert (draft.summary, draft.key_topics, draft.detected_emotions, draft.next_steps) == (
        "Exam stress.",
        [],
        [],
        [],
    )


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("Here is the summary: the user is anxious about exams.", "json_invalid"),
        (json.dumps({"keyTopics": ["exams"]}), "summary: missing"),
        (json.dumps({"summary": None}), "summary: string_type"),
        (json.dumps(["the user is anxious"]), "model_type"),
    ],
)
def test_an_unusable_answer_raises_without_quoting_it(server: FakeOpenAI, answer: str, problem: str) -> None:
    server.completion = answer
    with pytest.raises(MemoryModelError) as failure:
        summarizer(server).summarize(SESSION)
    assert problem in str(failure.value)
    assert "anxious" not in str(failure.value), "the answer is about the user: never in errors or logs"
    assert failure.value.__cause__ is None and failure.value.__suppress_context__
    assert len(server.requests) == 1, "a bad answer is not a transient error"


def test_a_session_without_human_messages_asks_nothing(server: FakeOpenAI) -> None:
    draft = summarizer(server).summarize([m for m in SESSION if m.speaker == "ai"])
    assert draft.is_empty and draft.model == "tiny-model"
    assert server.requests == []


def test_a_long_session_sends_its_end(server: FakeOpenAI) -> None:
    messages = [message(n, "user", f"Message {n} about my week and how it went. " * 5) for n in range(100)]
    summarizer(server).summarize(messages)
    sent = server.requests[0]["messages"][1]["content"]
    assert len(sent) <= MAX_TRANSCRIPT_CHARS
    assert sent.startswith("\u2026") and "Message 0 " not in sent
    assert sent.endswith(messages[-1].content.strip())


def test_transient_failures_are_retried(server: FakeOpenAI) -> None:
    server.transient_failures = 2
    draft = summarizer(server).summarize(SESSION)
    assert draft.summary == json.loads(MEMORY_JSON)["summary"]
    assert len(server.requests) == 3


def test_a_rejected_request_is_not_retried(server: FakeOpenAI) -> None:
    server.status = 400
    with pytest.raises(openai.BadRequestError):
        summarizer(server).summarize(SESSION)
    assert len(server.requests) == 1


# -- embeddings ------------------------------------------------------------------------------------


def test_embeddings_are_384_unit_vectors_in_input_order(server: FakeOpenAI) -> None:
    server.reverse_embeddings = True
    texts = ["I can't sleep before exams.", "My sister visited.", "   "]
    adapter = embedder(server)
    vectors = adapter.embed(texts)

    [body] = server.requests
    assert server.paths == [EMBEDDINGS_PATH]
    assert body["model"] == "text-embedding-3-small"
    assert body["dimensions"] == 384
    assert body["encoding_format"] == "float"
    assert body["input"] == ["I can't sleep before exams.", "My sister visited.", " "]  # "" is rejected
    assert isinstance(adapter, Embedder)
    assert (adapter.model, adapter.dimensions) == ("text-embedding-3-small@384", 384)
    expected = [unit(FakeOpenAI.vector(text, 384)) for text in body["input"]]
    assert len(vectors) == len(expected)
    for vector, want in zip(vectors, expected, strict=True):
        assert vector == pytest.approx(want, abs=1e-9)
    assert all(math.isclose(sum(x * x for x in v), 1.0, rel_tol=1e-9) for v in vectors)


def test_embeddings_are_requested_in_batches(server: FakeOpenAI) -> None:
    texts = [f"text {n}" for n in range(2 * EMBEDDING_BATCH + 7)]
    vectors = embedder(server).embed(texts)
    assert [len(body["input"]) for body in server.requests] == [EMBEDDING_BATCH, EMBEDDING_BATCH, 7]
    assert len(vectors) == len(texts)
    assert vectors[-1] == pytest.approx(unit(FakeOpenAI.vector(texts[-1], 384)), abs=1e-9)


def test_a_server_ignoring_dimensions_is_an_error(server: FakeOpenAI) -> None:
    server.embedding_dimensions = 768
    with pytest.raises(MemoryModelError, match="768 dimensions"):
        embedder(server).embed(["hello"])


def test_embed_takes_a_sequence_not_a_string(server: FakeOpenAI) -> None:
    with pytest.raises(TypeError):
        embedder(server).embed("hello")
    assert server.requests == []


# -- choice ----------------------------------------------------------------------------------------


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "SESSIONS_OPENAI_MODEL",
        "SESSIONS_OPENAI_EMBEDDING_MODEL",
    ):
        monkeypatch.delenv(name, raising=False)
    caches = (get_settings, get_summarizer, get_embedder)
    for cached in caches:
        cached.cache_clear()
    yield monkeypatch
    for cached in caches:
        cached.cache_clear()


def test_offline_models_without_a_key(fresh_settings: pytest.MonkeyPatch) -> None:
    chosen = get_summarizer()
    assert isinstance(chosen, ExtractiveSummarizer)
    assert chosen.model == "offline-extractive"
    assert get_summarizer() is chosen
    assert get_embedder() is default_embedder()


def test_openai_models_with_a_base_url(fresh_settings: pytest.MonkeyPatch, server: FakeOpenAI) -> None:
    fresh_settings.setenv("OPENAI_BASE_URL", server.url + "/v1")
    fresh_settings.setenv("SESSIONS_OPENAI_MODEL", "llama3.2")
    fresh_settings.setenv("SESSIONS_OPENAI_EMBEDDING_MODEL", "nomic-embed-text")
    chosen_summarizer, chosen_embedder = get_summarizer(), get_embedder()
    assert isinstance(chosen_summarizer, OpenAISummarizer) and isinstance(chosen_summarizer, Summarizer)
    assert isinstance(chosen_embedder, OpenAIEmbedder)
    assert chosen_summarizer.model == "llama3.2"
    assert chosen_embedder.model == "nomic-embed-text@384"

    assert chosen_summarizer.summarize(SESSION).model == "llama3.2"
    assert len(chosen_embedder.embed(["hello"])[0]) == 384
    assert [body["model"] for body in server.requests] == ["llama3.2", "nomic-embed-text"]
    assert {h["authorization"] for h in server.headers} == {f"Bearer {PLACEHOLDER_API_KEY}"}


def test_openai_models_with_a_key(fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("OPENAI_API_KEY", "sk-live")
    assert isinstance(get_summarizer(), OpenAISummarizer)
    assert get_summarizer().model == "gpt-4o-mini"
    assert get_embedder().model == "text-embedding-3-small@384"

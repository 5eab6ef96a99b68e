"""OpenAIProvider against a fake OpenAI-compatible server on 127.0.0.1, and the provider choice."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest

from backend.ai import get_provider
from backend.ai.openai_provider import PLACEHOLDER_API_KEY, OpenAIProvider
from shared.avatars import load_avatars
from shared.conversation.offline import OfflineReflectiveProvider
from shared.conversation.personas import persona_prompt
from shared.conversation.provider import ChatTurn, ReplyRequest
from shared.settings import get_settings
from tests.support.fake_openai import FakeOpenAI

HISTORY = [
    ChatTurn("user", "I can't sleep before my exams."),
    ChatTurn("assistant", "That sounds hard. What keeps you up?"),
    ChatTurn("user", "Mostly worrying about failing."),
]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(pieces=["It sounds", " like the exams", " weigh on you."], prompt_tokens=40) as fake:
        yield fake


def make_provider(server: FakeOpenAI, api_key: str | None = "sk-test") -> OpenAIProvider:
    return OpenAIProvider(api_key=api_key, base_url=server.url + "/v1", model="tiny-model", timeout_s=5)


def sample_request() -> ReplyRequest:
    avatar = load_avatars(get_settings().avatars_file)[0]
    return ReplyRequest(persona_prompt=persona_prompt(avatar), avatar_name=avatar.name, history=list(HISTORY))


def test_streams_the_text_and_reports_tokens(server: FakeOpenAI) -> None:
    chunks = list(make_provider(server).stream(sample_request()))
    *pieces, last = chunks
    assert [c.text for c in pieces] == ["It sounds", " like the exams", " weigh on you."]
    assert not any(c.done for c in pieces)
    assert last.done and last.text == ""
    assert last.tokens_used == 40 + server.completion_tokens


def test_sends_the_persona_first_then_the_history(server: FakeOpenAI) -> None:
    request = sample_request()
    list(make_provider(server).stream(request))
    [body] = server.requests
    assert body["model"] == "tiny-model"
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["messages"][0] == {"role": "system", "content": request.persona_prompt}
    assert body["messages"][1:] == [{"role": t.role, "content": t.content} for t in HISTORY]
    assert server.headers[0]["authorization"] == "Bearer sk-test"


def test_summary_and_memory_go_into_the_system_message(server: FakeOpenAI) -> None:
    base = sample_request()
    request = ReplyRequest(
        persona_prompt=base.persona_prompt,
        avatar_name=base.avatar_name,
        history=base.history,
        summary="They have exams next week.",
        memory=["Prefers short answers."],
    )
    list(make_provider(server).stream(request))
    system = server.requests[0]["messages"][0]
    assert system["role"] == "system"
    assert system["content"].startswith(base.persona_prompt)
    assert "They have exams next week." in system["content"]
    assert "Prefers short answers." in system["content"]


def test_compatible_servers_need_no_real_key(server: FakeOpenAI) -> None:
    chunks = list(make_provider(server, api_key=None).stream(sample_request()))
    assert chunks[-1].done
    assert server.headers[0]["authorization"] == f"Bearer {PLACEHOLDER_API_KEY}"


def test_no_usage_means_no_token_count(server: FakeOpenAI) -> None:
    server.send_usage = False
    last = list(make_provider(server).stream(sample_request()))[-1]
    assert last.done and last.tokens_used is None


def test_a_server_error_raises_once_without_retrying(server: FakeOpenAI) -> None:
    server.status = 500
    with pytest.raises(openai.APIStatusError) as failure:
        list(make_provider(server).stream(sample_request()))
    assert failure.value.status_code == 500
    assert len(server.requests) == 1, "retries belong to the caller"


def test_labelled_online_with_its_model() -> None:
    provider = OpenAIProvider(api_key="sk-x", base_url=None, model="gpt-4o-mini", timeout_s=1)
    assert provider.model == "gpt-4o-mini"
    assert provider.offline is False


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "SESSIONS_OPENAI_MODEL",
        "SESSIONS_OFFLINE_STREAM_DELAY_MS",
    ):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    get_provider.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()
    get_provider.cache_clear()


def test_get_provider_is_offline_without_a_key(fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("SESSIONS_OFFLINE_STREAM_DELAY_MS", "25")
    provider = get_provider()
    assert isinstance(provider, OfflineReflectiveProvider)
    assert provider.offline and provider.model == "offline-reflective"
    assert provider is get_provider()
    assert provider.chunk_delay_s == 0.025
    assert provider.style_for("Sarah") == "coaching"  # the configured avatars were loaded


@pytest.mark.parametrize(
    ("env", "base_url"),
    [
        ({"OPENAI_API_KEY": "sk-live"}, None),
        ({"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"}, "http://127.0.0.1:11434/v1"),
    ],
)
def test_get_provider_is_openai_with_a_key_or_a_base_url(
    fresh_settings: pytest.MonkeyPatch, env: dict[str, str], base_url: str | None
) -> None:
    for name, value in env.items():
        fresh_settings.setenv(name, value)
    fresh_settings.setenv("SESSIONS_OPENAI_MODEL", "llama3.2")
    provider = get_provider()
    assert isinstance(provider, OpenAIProvider)
    assert not provider.offline
    assert provider.model == "llama3.2"
    assert provider.base_url == base_url


def test_a_stream_cut_off_before_the_model_finished_is_an_error_not_a_reply(server: FakeOpenAI) -> None:
    server.break_after = 2  # the role chunk and two pieces, then the connection drops
    shown: list[str] = []
    with pytest.raises((ConnectionError, openai.APIError)):
        for chunk in make_provider(server).stream(sample_request()):
            assert not chunk.done, "a cut-off stream never ends in a final chunk"
            shown.append(chunk.text)
    assert "".join(shown) == "It sounds like the exams"

"""`POST /api/v1/ai/chat` without a session: screened like a session turn, the crisis reply instead of the
model at HIGH_RISK, unsafe model text replaced, failures answered with the fallback."""

from __future__ import annotations

from shared.conversation.stateless import chat_once
from shared.conversation.turns import FALLBACK_REPLY
from shared.models.chat import ChatRequest, ChatResponse
from shared.safety.resources import CRISIS_REPLY_MODEL, SAFE_REPLY_FALLBACK
from shared.settings import Settings
from tests.support.fakes import FakeClock, ScriptedProvider


def ask(
    message: str, words: list[str] | None = None, fail_times: int = 0
) -> tuple[ChatResponse, ScriptedProvider]:
    clock = FakeClock()
    provider = ScriptedProvider(words or ["That", "sounds", "hard."], clock, fail_times=fail_times)
    request = ChatRequest.model_validate(
        {
            "message": message,
            "avatar": "sarah",
            "history": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}],
        }
    )
    return chat_once(
        request=request, provider=provider, settings=Settings(), monotonic=clock.monotonic
    ), provider


def test_an_ordinary_message_gets_the_models_reply_with_the_history() -> None:
    response, provider = ask("Work has been a lot this week.")
    assert response.reply.content == "That sounds hard." and response.reply.ai_model == "scripted"
    assert response.reply.status == "complete" and response.crisis_resources is None
    sent = provider.requests[0]
    assert [(t.role, t.content) for t in sent.history] == [
        ("user", "Hi"),
        ("assistant", "Hello!"),
        ("user", "Work has been a lot this week."),
    ]
    assert "Sarah" in sent.persona_prompt


def test_high_risk_gets_the_crisis_reply_and_the_model_is_not_asked() -> None:
    response, provider = ask("I'm going to kill myself tonight, I have the pills ready.")
    assert provider.calls == 0
    assert response.reply.ai_model == CRISIS_REPLY_MODEL and "988" in response.reply.content
    assert response.safety.level in ("HIGH_RISK", "SAFETY_MODE")
    assert response.crisis_resources is not None


def test_negation_and_figurative_speech_get_an_ordinary_reply() -> None:
    for text in ("I'm not suicidal, just tired of my commute.", "This traffic is killing me."):
        response, provider = ask(text)
        assert provider.calls == 1 and response.reply.ai_model == "scripted", text


def test_an_unsafe_model_reply_is_never_returned() -> None:
    response, _ = ask("What should I do?", words=["You", "should", "kill", "yourself."])
    assert response.reply.content == SAFE_REPLY_FALLBACK
    assert response.reply.safety is not None and response.reply.safety.replaced


def test_a_failing_provider_answers_the_fallback() -> None:
    response, _ = ask("Hello again", fail_times=5)
    assert response.reply.content == FALLBACK_REPLY and response.reply.status == "failed"

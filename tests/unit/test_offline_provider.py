"""The offline reflective responder: honest, on topic, one question, persona-styled, deterministic, streamed."""

from __future__ import annotations

import json
import re

import pytest

from shared.avatars import load_avatars
from shared.conversation.offline import STYLES_FILE, OfflineReflectiveProvider, load_styles, swap_pronouns
from shared.conversation.personas import persona_prompt
from shared.conversation.provider import ChatTurn, ReplyChunk, ReplyRequest
from shared.models.users import Avatar
from shared.settings import get_settings

AVATARS = load_avatars(get_settings().avatars_file)
BY_ID = {a.id: a for a in AVATARS}
WORK_WORRY = "I am so stressed about my job and my boss keeps yelling at me."


def request(avatar: Avatar, *user_turns: str, history: list[ChatTurn] | None = None) -> ReplyRequest:
    turns = history if history is not None else [ChatTurn("user", text) for text in user_turns]
    return ReplyRequest(persona_prompt=persona_prompt(avatar), avatar_name=avatar.name, history=turns)


def reply(avatar_id: str, *user_turns: str) -> str:
    provider = OfflineReflectiveProvider(avatars=AVATARS)
    return "".join(chunk.text for chunk in provider.stream(request(BY_ID[avatar_id], *user_turns)))


def test_labelled_as_the_offline_model() -> None:
    provider = OfflineReflectiveProvider()
    assert provider.model == "offline-reflective"
    assert provider.offline is True


@pytest.mark.parametrize(
    ("message", "reflected", "unswapped"),
    [
        (WORK_WORRY, "you are so stressed about your job and your boss keeps yelling at you", "my job"),
        ("Honestly, my sister never listens to me.", "your sister never listens to you", "listens to me"),
        ("I was sure my exam went badly.", "you were sure your exam went badly", "I was"),
    ],
)
@pytest.mark.parametrize("avatar_id", sorted(BY_ID))
def test_reflects_the_last_message_with_pronouns_swapped(
    avatar_id: str, message: str, reflected: str, unswapped: str
) -> None:
    text = reply(avatar_id, message)
    assert reflected in text
    assert unswapped not in text


@pytest.mark.parametrize(
    ("original", "swapped"),
    [
        ("I am tired of myself", "you are tired of yourself"),
        ("I'm sure you hate me", "you're sure I hate you"),
        ("I told you my plan", "you told me your plan"),
        ("Are you listening to me", "am I listening to you"),
        ("I was fine, I wasn't worried", "you were fine, you weren't worried"),
    ],
)
def test_swap_pronouns(original: str, swapped: str) -> None:
    assert swap_pronouns(original) == swapped


def test_reflects_only_the_last_user_message_and_stays_on_its_topic() -> None:
    text = reply("michael", "My girlfriend and I keep fighting.", "Also my boss keeps moving every deadline.")
    assert "your boss keeps moving every deadline" in text
    assert "work" in text
    assert "girlfriend" not in text
    assert "relationship" not in text


@pytest.mark.parametrize("avatar_id", sorted(BY_ID))
@pytest.mark.parametrize(
    "message",
    [
        WORK_WORRY,
        "Today I finally went for a walk and I feel really good about it!",
        "Why does nobody call me back? Do they even care? I don't know.",
        "ok",
        "Are you a real person?",
    ],
)
def test_asks_exactly_one_question_at_the_end(avatar_id: str, message: str) -> None:
    text = reply(avatar_id, message)
    assert text.count("?") == 1
    assert text.endswith("?")
    assert 2 <= len(re.findall(r"[.!?](?:\s|$)", text)) <= 4


@pytest.mark.parametrize(
    ("message", "opening"),
    [
        (WORK_WORRY, ("hard", "weighing", "a lot going on")),
        ("I got the job and I'm so happy!", ("good", "looking up")),
    ],
)
def test_the_opening_reflects_the_feeling(message: str, opening: tuple[str, ...]) -> None:
    first_sentence = reply("alex", message).split(". ")[0]
    assert any(word in first_sentence for word in opening), first_sentence


@pytest.mark.parametrize(
    ("avatar_id", "style"),
    [
        ("sarah", r"\bsteps?\b"),
        ("michael", r"\b(?:part|piece)\b"),
        ("emma", r"\bgentle\b|it's okay|hardest|holding up|weighing"),
        ("alex", r"\bslow(?:ly)?\b|\bbreath\b|\bnotice\b"),
    ],
)
def test_tone_follows_the_persona(avatar_id: str, style: str) -> None:
    text = reply(avatar_id, WORK_WORRY)
    assert re.search(style, text, re.IGNORECASE), text


def test_sarah_coaches_where_emma_comforts() -> None:
    sarah, emma = reply("sarah", WORK_WORRY), reply("emma", WORK_WORRY)
    assert sarah != emma
    assert "step" in sarah
    assert "step" not in emma


def test_unknown_avatars_get_a_sensible_default() -> None:
    stranger = Avatar(
        id="zed", name="Zed", persona="A friend.", voice_style="neutral", default_voice_id="zed"
    )
    provider = OfflineReflectiveProvider(avatars=(*AVATARS, stranger))
    assert provider.style_for("Zed") == "default"
    assert provider.style_for("nobody-configured") == "default"
    text = "".join(c.text for c in provider.stream(request(stranger, WORK_WORRY)))
    assert "your boss keeps yelling at you" in text
    assert text.count("?") == 1


def test_new_avatars_get_a_style_from_their_persona_words() -> None:
    coach = Avatar(
        id="kim", name="Kim", persona="A cheerful coach.", voice_style="bright", default_voice_id="kim"
    )
    assert OfflineReflectiveProvider(avatars=(coach,)).style_for("Kim") == "coaching"


def test_deterministic_for_the_same_request() -> None:
    first = [reply(a, WORK_WORRY) for a in sorted(BY_ID)]
    assert [reply(a, WORK_WORRY) for a in sorted(BY_ID)] == first


def test_phrasing_varies_with_the_input() -> None:
    messages = [f"My boss keeps yelling at me about report number {n}." for n in range(12)]
    questions = {reply("sarah", m).rsplit(". ", 1)[-1] for m in messages}
    assert len(questions) > 1


@pytest.mark.parametrize("delay", [0.0, 0.001])
def test_streams_word_by_word_then_a_done_chunk(delay: float) -> None:
    provider = OfflineReflectiveProvider(avatars=AVATARS, chunk_delay_s=delay)
    chunks = list(provider.stream(request(BY_ID["alex"], WORK_WORRY)))
    *pieces, last = chunks
    text = "".join(c.text for c in pieces)
    assert text == provider.reply_text(request(BY_ID["alex"], WORK_WORRY))
    assert len(pieces) == len(text.split()) > 5
    assert all(len(c.text.split()) == 1 and not c.done for c in pieces)
    assert last == ReplyChunk("", done=True, tokens_used=len(text.split()))


def test_records_the_last_request() -> None:
    provider = OfflineReflectiveProvider(avatars=AVATARS)
    assert provider.last_request is None
    first, second = request(BY_ID["emma"], "hello"), request(BY_ID["sarah"], WORK_WORRY)
    list(provider.stream(first))
    provider.stream(second)  # recorded when called, before anything is consumed
    assert provider.last_request is second
    assert provider.last_request.persona_prompt.startswith("You are Sarah")


@pytest.mark.parametrize(
    "history",
    [
        [],
        [ChatTurn("assistant", "Welcome back.")],
        [ChatTurn("user", "   ")],
        [ChatTurn("user", "Hi there!")],
    ],
)
@pytest.mark.parametrize("avatar_id", sorted(BY_ID))
def test_greets_when_there_is_nothing_to_reflect(avatar_id: str, history: list[ChatTurn]) -> None:
    avatar = BY_ID[avatar_id]
    provider = OfflineReflectiveProvider(avatars=AVATARS)
    text = "".join(c.text for c in provider.stream(request(avatar, history=history)))
    assert f"I'm {avatar.name}, an AI companion" in text
    assert text.count("?") == 1


def test_says_it_is_an_ai_when_asked() -> None:
    text = reply("emma", "Are you a real person?")
    assert "AI companion, not a person" in text


@pytest.mark.parametrize("avatar_id", sorted(BY_ID))
@pytest.mark.parametrize(
    "message",
    [WORK_WORRY, "I'm a doctor and I feel like a robot at work.", "Are you human?", "hi"],
)
def test_never_claims_to_be_human_or_a_model(avatar_id: str, message: str) -> None:
    text = reply(avatar_id, message).lower()
    for claim in ("i am human", "i'm human", "i'm a person", "i am a person", "language model", "as an llm"):
        assert claim not in text


def test_every_configured_avatar_has_a_style_and_every_template_one_question_at_most() -> None:
    catalogue = load_styles()
    raw = json.loads(STYLES_FILE.read_text(encoding="utf-8"))
    assert set(raw["avatars"]) == set(BY_ID)
    assert set(raw["avatars"].values()) <= set(catalogue.styles)
    for key, style in catalogue.styles.items():
        for label in ("negative", "neutral", "positive"):
            assert style.questions[label], (key, label)
            assert all(q.count("?") == 1 and q.endswith("?") for q in style.questions[label]), (key, label)
            assert all("?" not in line for lines in style.feeling[label].values() for line in lines)
        assert all(q.count("?") == 1 for q in style.opening), key
        assert all("?" not in line for lines in style.moves.values() for line in lines), key


@pytest.mark.parametrize("avatar_id", sorted(BY_ID))
def test_persona_prompt_is_built_from_the_configuration(avatar_id: str) -> None:
    avatar = BY_ID[avatar_id]
    prompt = persona_prompt(avatar)
    assert prompt.startswith(f"You are {avatar.name}, an AI companion")
    assert avatar.persona in prompt
    assert avatar.voice_style in prompt
    for rule in ("2 to 4 sentences", "one question at a time", "Never claim to be a human", "professional"):
        assert rule in prompt


def test_persona_prompt_follows_edits_to_the_configuration() -> None:
    avatar = BY_ID["sarah"]
    edited = avatar.model_copy(update={"name": "Sally", "persona": "A patient chess teacher."})
    prompt = persona_prompt(edited)
    assert "You are Sally" in prompt
    assert "A patient chess teacher." in prompt
    assert avatar.persona not in prompt

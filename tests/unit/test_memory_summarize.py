"""The offline extractive summary: the user's own sentences, topics, emotions and plans; never the AI's."""

from __future__ import annotations

import random
import re
import time
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shared.memory import SessionMemoryDraft, summarize
from shared.memory.summarize import MAX_SUMMARY_CHARS, _split
from shared.models.messages import Message, Sentiment
from tests.support.fakes import transcript_message

START = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def conversation(*turns: tuple[str, str]) -> list[Message]:
    """("user" | "ai" | "system" | another speaker, content) -> messages 10 s apart."""
    return [transcript_message(n, speaker, content) for n, (speaker, content) in enumerate(turns)]


SLEEP_AND_WORK = conversation(
    ("user", "Hi. I've been really struggling with sleep lately."),
    ("ai", "I'm sorry to hear that. What usually keeps you awake?"),
    (
        "user",
        "Mostly I lie awake worrying about my job. My manager keeps piling on projects and I'm anxious "
        "about the deadlines. I check my work email in bed until midnight.",
    ),
    ("ai", "That sounds exhausting. It makes sense that your mind keeps racing at night."),
    (
        "user",
        "I think the email thing is the real problem. When I don't check email I fall asleep much faster. "
        "The weekend was fine because there were no deadlines.",
    ),
    ("ai", "What would you like to try before we talk again?"),
    (
        "user",
        "I'm going to turn my phone off at 10pm. Next week I'll ask my manager for a meeting about the "
        "deadlines. Should I also see a doctor about it?",
    ),
    ("user", "Thanks, I'm feeling a bit more hopeful now."),
)

GRIEF = conversation(
    ("user", "My grandmother died three weeks ago and I still cry every evening."),
    ("ai", "I'm so sorry for your loss. I will remember that you were very close to her."),
    ("user", "She raised me. The house feels empty without her and I'm so sad all the time."),
    ("ai", "Grief can come in waves. Would it help to try to write her a letter next week?"),
    ("user", "Maybe. I miss her cooking and her stories about the farm."),
    ("user", "I'm not angry at anyone, I'm just lonely since she passed away."),
)


def user_text(messages: list[Message]) -> str:
    return " ".join(m.content for m in messages if m.speaker != "ai" and m.type not in ("ai", "system"))


def test_summary_is_two_to_four_of_the_users_sentences_in_order() -> None:
    draft = summarize(SLEEP_AND_WORK)
    sentences = _split(draft.summary)
    assert 2 <= len(sentences) <= 4
    said = user_text(SLEEP_AND_WORK)
    positions = [said.index(s) for s in sentences]  # each one verbatim from the user
    assert positions == sorted(positions)
    assert "I've been really struggling with sleep lately." in draft.summary  # why they came
    assert len(draft.summary) <= MAX_SUMMARY_CHARS
    assert draft.model == "offline-extractive"


def test_key_topics_emotions_and_next_steps() -> None:
    draft = summarize(SLEEP_AND_WORK)
    assert draft.key_topics[:2] == ["work", "sleep"]
    assert "email" in draft.key_topics  # frequent content word beyond the taxonomy
    assert len(draft.key_topics) <= 5
    assert draft.detected_emotions == ["anxious", "hopeful"]
    assert draft.next_steps == [
        "I'm going to turn my phone off at 10pm.",
        "Next week I'll ask my manager for a meeting about the deadlines.",
    ]  # the question "Should I also see a doctor about it?" is not a plan


def test_the_ais_words_never_become_the_users() -> None:
    draft = summarize(GRIEF)
    for ai_words in (
        "I will remember",
        "write her a letter",
        "Grief can come in waves",
        "sorry for your loss",
    ):
        assert ai_words not in draft.summary
        assert all(ai_words not in step for step in draft.next_steps)
    assert draft.next_steps == []  # the only plans in this session were the AI's suggestions
    assert "letter" not in draft.key_topics


def test_grief_session_negation_and_topics() -> None:
    draft = summarize(GRIEF)
    assert draft.key_topics[0] == "grief"
    assert "sad" in draft.detected_emotions
    assert "lonely" in draft.detected_emotions
    assert "angry" not in draft.detected_emotions  # "I'm not angry at anyone"
    assert all(word not in draft.key_topics for word in ("sad", "lonely", "cry"))  # emotions, not topics


def test_ai_only_system_and_failed_messages_are_ignored() -> None:
    messages = conversation(
        ("system", "Session started. I will be your coach next week."),
        ("ai", "Hello! I'm going to ask you about your goals. Are you anxious?"),
    )
    failed = conversation(("user", "I'm going to quit my job and I am furious about it."))[0]
    messages.append(failed.model_copy(update={"status": "failed"}))
    draft = summarize(messages)
    assert draft == SessionMemoryDraft(summary="")
    assert draft.is_empty


@pytest.mark.parametrize(
    "messages",
    [
        [],
        conversation(("user", "hi")),
        conversation(("user", "ok thanks"), ("ai", "You're welcome!")),
        conversation(("user", "   ...   ")),
    ],
)
def test_empty_and_trivial_sessions(messages: list[Message]) -> None:
    draft = summarize(messages)
    assert draft.summary == ""
    assert draft.next_steps == []
    assert draft.key_topics == []
    assert draft.is_empty


def test_one_sentence_session() -> None:
    draft = summarize(conversation(("user", "My boss yelled at me in front of the whole team today.")))
    assert draft.summary == "My boss yelled at me in front of the whole team today."
    assert draft.key_topics[0] == "work"


def test_long_session_is_trimmed_to_about_600_characters() -> None:
    rng = random.Random(7)
    subjects = ["my manager", "the project", "my sister", "our budget", "the new apartment", "my sleep"]
    feelings = ["keeps me up at night", "makes me anxious", "is a constant worry", "drains me", "stresses me"]
    filler = "and honestly I have been thinking about it on the bus, at lunch and in the shower every day"
    turns: list[tuple[str, str]] = []
    for _ in range(40):
        sentence = f"{rng.choice(subjects).capitalize()} {rng.choice(feelings)} {filler}."
        turns.append(("user", sentence + " " + sentence.replace("honestly", "really")))
        turns.append(("ai", "Tell me more about that."))
    draft = summarize(conversation(*turns))
    assert 0 < len(draft.summary) <= MAX_SUMMARY_CHARS
    assert draft.summary.startswith(tuple(s.capitalize() for s in subjects))


def test_a_single_huge_sentence_is_clipped_at_a_word() -> None:
    words = " ".join(f"worry{n}" for n in range(300))
    draft = summarize(conversation(("user", f"I keep thinking about {words}")))
    assert len(draft.summary) <= MAX_SUMMARY_CHARS
    assert draft.summary.endswith("\u2026")
    assert re.search(r"worry\d+\u2026$", draft.summary)


def test_next_steps_prefer_firm_plans_keep_order_and_stop_at_three() -> None:
    draft = summarize(
        conversation(
            ("user", "Tomorrow is my sister's birthday."),
            ("user", "I will call my dad on Sunday."),
            ("user", "I should probably drink less coffee."),
            ("user", "I'm going to start a journal. I will call my dad on Sunday."),
            ("user", "I plan to walk for twenty minutes after lunch."),
            ("user", "Will I ever feel normal again? I'm going to keep trying though."),
        )
    )
    assert draft.next_steps == [
        "I will call my dad on Sunday.",
        "I plan to walk for twenty minutes after lunch.",
        "I'm going to keep trying though.",
    ]


def test_multi_party_speakers_count_as_people() -> None:
    draft = summarize(
        conversation(
            ("host", "Welcome back to the show. Tonight we talk about money and family."),
            ("guest", "My brother borrowed money and never paid it back, and it ruined our family dinners."),
            ("ai", "That's a common story. I will share some tips next week."),
        )
    )
    assert "My brother borrowed money" in draft.summary
    assert set(draft.key_topics) >= {"money", "family"}
    assert not any("tips" in step for step in draft.next_steps)


def test_sentiment_fallback_when_no_emotion_word_matches() -> None:
    negative = conversation(("user", "Everything went wrong at the office. It was a disaster."))
    assert summarize(negative).detected_emotions == ["distressed"]
    neutral = conversation(("user", "We moved the meeting to Thursday afternoon."))
    assert summarize(neutral).detected_emotions == []
    # A stored sentiment is used as it is, not recomputed.
    scored = [negative[0].model_copy(update={"sentiment": Sentiment(label="positive", score=0.8)})]
    assert summarize(scored).detected_emotions == ["content"]


def test_deterministic_and_independent_of_input_order() -> None:
    first = summarize(SLEEP_AND_WORK)
    shuffled = list(SLEEP_AND_WORK)
    random.Random(3).shuffle(shuffled)
    assert summarize(shuffled) == first
    assert summarize(SLEEP_AND_WORK).wire() == first.wire()


def test_draft_is_frozen_and_camel_case_on_the_wire() -> None:
    draft = summarize(SLEEP_AND_WORK)
    with pytest.raises(ValidationError):
        draft.summary = "changed"  # type: ignore[misc]
    assert set(draft.wire()) == {"summary", "keyTopics", "detectedEmotions", "nextSteps", "model"}


def test_abbreviations_do_not_split_sentences() -> None:
    assert _split("I saw Dr. Patel today. She was kind!\nNew line here") == [
        "I saw Dr. Patel today.",
        "She was kind!",
        "New line here",
    ]


def test_fast_on_a_long_session() -> None:
    turns = [("user", user_text(SLEEP_AND_WORK))] * 150
    messages = conversation(*turns)
    started = time.perf_counter()
    draft = summarize(messages)
    assert time.perf_counter() - started < 2.0  # ~1,650 sentences; ~0.06 s on a 2-core machine
    assert 2 <= len(_split(draft.summary)) <= 4

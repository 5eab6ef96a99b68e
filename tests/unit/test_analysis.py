"""Lexicon sentiment and keyword topics of one message."""

from __future__ import annotations

import json

import pytest

from shared.text.analysis import (
    MAX_TOPICS,
    NEUTRAL_BAND,
    TOPICS_FILE,
    PhraseIndex,
    analyze,
    load_topics,
    sentiment_label,
    tokenize,
    topic_phrase,
)


@pytest.mark.parametrize(
    "text",
    [
        "I'm so happy today, the whole day felt wonderful!",
        "Thanks, that really helped.",
        "I've never felt better.",
        "I couldn't be happier with how it went.",
        "Not bad at all, honestly.",
        "There is nothing wrong, we're fine.",
        "great",
        "love it :)",
    ],
)
def test_positive_texts(text: str) -> None:
    sentiment = analyze(text).sentiment
    assert sentiment.label == "positive"
    assert NEUTRAL_BAND <= sentiment.score <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "I feel sad and lonely tonight.",
        "I am not happy with anything.",
        "I don't feel good.",
        "I never feel better no matter what I do.",
        "Everything is terrible and I'm exhausted.",
        "It was good at first but now I'm miserable.",
        "sad",
        "ugh :(",
    ],
)
def test_negative_texts(text: str) -> None:
    sentiment = analyze(text).sentiment
    assert sentiment.label == "negative"
    assert -1.0 <= sentiment.score <= -NEUTRAL_BAND


@pytest.mark.parametrize(
    "text", ["", "   ", "I went to the store after lunch.", "ok", "I'm fine.", "The meeting is on Tuesday."]
)
def test_neutral_texts(text: str) -> None:
    sentiment = analyze(text).sentiment
    assert sentiment.label == "neutral"
    assert abs(sentiment.score) < NEUTRAL_BAND


@pytest.mark.parametrize(
    ("plain", "negated"),
    [
        ("I am happy", "I am not happy"),
        ("I feel good", "I don't feel good"),
        ("that was bad", "that was not bad"),
        ("something is wrong", "nothing is wrong"),
        ("I feel calm", "I never feel calm"),
    ],
)
def test_negation_flips_the_sign(plain: str, negated: str) -> None:
    before, after = analyze(plain).sentiment.score, analyze(negated).sentiment.score
    assert before * after < 0


def test_negation_does_not_cross_a_clause_mark() -> None:
    assert analyze("No, I'm happy").sentiment.label == "positive"
    assert analyze("No I'm not happy").sentiment.label == "negative"


def test_intensifiers_and_dampeners_scale_without_changing_the_sign() -> None:
    plain = analyze("I am sad").sentiment.score
    boosted = analyze("I am extremely sad").sentiment.score
    dampened = analyze("I am a little sad").sentiment.score
    assert boosted < plain < dampened < 0


def test_kind_of_is_a_hedge_not_kindness() -> None:
    assert analyze("I'm kind of sad").sentiment.label == "negative"
    assert analyze("She is kind").sentiment.label == "positive"


def test_the_clause_after_but_dominates() -> None:
    assert analyze("The trip was good but I'm exhausted and miserable").sentiment.label == "negative"
    assert analyze("I was scared but it turned out great").sentiment.label == "positive"


def test_exclamations_and_shouting_add_emphasis() -> None:
    assert analyze("I am happy!!").sentiment.score > analyze("I am happy").sentiment.score
    assert analyze("I am ANGRY").sentiment.score < analyze("I am angry").sentiment.score


def test_scores_stay_in_range_for_long_emotional_text() -> None:
    for text in ("terrible awful horrible " * 500, "wonderful amazing great " * 500):
        assert -1.0 <= analyze(text).sentiment.score <= 1.0


@pytest.mark.parametrize(
    ("score", "label"),
    [(0.0, "neutral"), (NEUTRAL_BAND, "positive"), (-NEUTRAL_BAND, "negative"), (0.05, "neutral")],
)
def test_label_band(score: float, label: str) -> None:
    assert sentiment_label(score) == label


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("My boss moved every deadline again", ["work"]),
        # Whole words: "homework" is school, never work; "working out" is self-care, not work.
        ("My homework is piling up", ["school"]),
        ("I've been working out every morning", ["self-care"]),
        ("I have been working late", ["work"]),
        # Prefix keywords ("coworker*") and multi-word ones ("broke up"), which beat "broke" (money).
        ("My coworkers ignore me", ["work"]),
        ("We broke up last week", ["relationships"]),
        ("I'm broke and the rent is due", ["money"]),
        ("I can't sleep before exams", ["sleep", "school"]),
        ("My grandmother passed away", ["grief", "family"]),
        ("I feel anxious and overwhelmed", ["stress"]),
        ("The weather is nice", []),
        ("", []),
    ],
)
def test_topics(text: str, topics: list[str]) -> None:
    assert analyze(text).topics == topics


def test_at_most_three_topics_most_mentioned_first() -> None:
    text = (
        "My mom called about my sleep. My boss, my job and my deadlines are too much. "
        "Rent and bills too, and my dad is upset, my sister as well."
    )
    # Five topics are mentioned (sleep and mood once each); only the top three come back.
    assert MAX_TOPICS == 3
    assert analyze(text).topics == ["family", "work", "money"]


def test_topic_ties_go_to_the_first_mentioned() -> None:
    assert analyze("money and sleep").topics == ["money", "sleep"]
    assert analyze("sleep and money").topics == ["sleep", "money"]


def test_tokenize_keeps_contractions_hyphens_and_clause_marks() -> None:
    assert tokenize("I don\u2019t like SELF-CARE, really!") == [
        "i",
        "don't",
        "like",
        "self-care",
        ",",
        "really",
        "!",
    ]


def test_phrase_index_longest_match_and_prefixes() -> None:
    index = PhraseIndex({"a": ["panic", "anxi*"], "b": ["panic attack*"]})
    found = index.find(tokenize("panic attacks, anxiety, panic"))
    assert [(m.label, m.start, m.length) for m in found] == [("b", 0, 2), ("a", 3, 1), ("a", 5, 1)]


def test_taxonomy_is_data() -> None:
    raw = json.loads(TOPICS_FILE.read_text(encoding="utf-8"))
    ids = [t.id for t in load_topics()]
    assert ids == [t["id"] for t in raw["topics"]]
    assert len(ids) == len(set(ids)) >= 10
    assert {"work", "family", "relationships", "sleep", "health", "money", "school", "grief"} <= set(ids)
    for topic in load_topics():
        assert topic.keywords, topic.id
        assert len(set(topic.keywords)) == len(topic.keywords), topic.id
    assert topic_phrase("family") == "your family"
    assert topic_phrase("unknown-topic") == "unknown-topic"

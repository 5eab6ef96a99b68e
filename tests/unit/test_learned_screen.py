"""The learned part of the inline screen (`learned_risk`, `learned_concern`; shared/safety/learned.py) and the
message embedding it reads (shared/safety/embedding.py).

Every text here was written for these tests; none comes from the benchmark. Tests that need the bundled
MiniLM model are skipped when it is not installed (`python infra/fetch_model.py`).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from shared.memory.embedding import EmbeddingModelMissingError, find_model_dir
from shared.safety import embedding as embedding_module
from shared.safety import learned, ngrams
from shared.safety.embedding import SCREEN_MAX_TOKENS, MessageEmbedding, embed_message
from shared.safety.levels import SafetyLevel
from shared.safety.screen import SIGNAL_ORDER, _screen, screen_message
from shared.safety.screen import window as window_module
from shared.text.tokens import tokenize

ROOT = Path(__file__).resolve().parents[2]

try:
    find_model_dir()
    HAVE_MODEL = True
except EmbeddingModelMissingError:
    HAVE_MODEL = False
needs_model = pytest.mark.skipif(not HAVE_MODEL, reason="the bundled MiniLM model is not installed")

# Ideation without the classic keywords (no "suicide", "kill myself", "want to die", ...).
IDEATION = (
    "Every night I lie awake and think that everyone would be fine without me around. I stopped eating "
    "properly, I skip work, and I have started writing letters to my sister that I never send. I feel "
    "like I am already gone and just waiting for my body to catch up."
)


def test_nothing_heavy_loads_at_import_or_for_a_short_message() -> None:
    code = (
        "import sys, shared.safety.screen as s, shared.safety.learned as l; "
        "s.screen_message('hello there, how are you today?'); "
        "assert not l.is_loaded(), 'weights loaded for a short message'; "
        "assert 'numpy' not in sys.modules, 'numpy imported'; "
        "assert 'shared.memory._minilm' not in sys.modules, 'embedding model loaded'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


PROBE = "I can't see a way out of this. Nothing I do matters and I'm so tired of trying, every single day."


def test_probabilities_are_pure_and_deterministic_across_processes() -> None:
    vector = [math.sin(n) / 14.0 for n in range(384)]
    code = (
        "import math; from shared.safety import learned; "
        "v = [math.sin(n) / 14.0 for n in range(384)]; "
        "from shared.text.tokens import tokenize; "
        f"t = tokenize({PROBE!r}); "
        "print(repr(learned.load_model().probabilities(v, 'WATCH', ['wish_dead', 'hopelessness'], t)))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(outputs) == 1
    here = learned.load_model().probabilities(vector, "WATCH", ["hopelessness", "wish_dead"], tokenize(PROBE))
    assert repr(here) == outputs.pop().strip()
    assert all(0.0 <= p <= 1.0 for p in here)


def test_weights_file_is_small_and_holds_numbers_only() -> None:
    assert learned.WEIGHTS_FILE.stat().st_size < 400_000  # ~8,700 n-gram buckets, two heads
    data = json.loads(learned.WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert data["signals"] == list(learned.FEATURE_SIGNALS)
    for name in ("urgent", "concern"):
        head = data[name]
        assert len(head["embedding_weights"]) == 384
        assert len(head["rule_weights"]) == len(learned.FEATURE_LEVELS) + len(learned.FEATURE_SIGNALS) + 1
        assert all(isinstance(w, float) and math.isfinite(w) for w in head["embedding_weights"])
        assert len(head["ngram_weights"]) == len(data["ngram"]["buckets"])
        assert all(isinstance(w, float) and math.isfinite(w) for w in head["ngram_weights"])
        assert 0.3 <= head["threshold"] < 1.0
    # n-grams are stored as hash buckets (integers), never as words
    assert all(isinstance(b, int) and 0 <= b < ngrams.BUCKETS for b in data["ngram"]["buckets"])
    assert all(isinstance(x, float) and x >= 1.0 for x in data["ngram"]["idf"])
    assert data["training"]["cv_urgent_precision"] >= data["training"]["min_cv_precision"]


def test_the_learned_signals_are_known() -> None:
    assert {"learned_risk", "learned_concern"} <= set(SIGNAL_ORDER)


def test_the_model_reads_every_rule_signal_of_a_window_and_none_of_its_own() -> None:
    # a window full of cues: every signal it carries is a feature, in the screen's order
    window = _screen(
        "I keep thinking about killing myself and I've been saving my pills. Nothing will ever get better.",
        ["I cut myself again last night.", "My friend said she wants to die too."],
        learned=False,
    )
    assert window.signals and set(window.signals) <= set(learned.FEATURE_SIGNALS)
    assert list(learned.FEATURE_SIGNALS) == [s for s in SIGNAL_ORDER if s in learned.FEATURE_SIGNALS]
    assert not {"learned_risk", "learned_concern", "method_detail", "crisis_resource"} & set(
        learned.FEATURE_SIGNALS
    )


def test_ngrams_are_whole_words_and_bigrams_within_a_clause() -> None:
    def bucket(gram: str) -> int:  # the documented hashing of the weights file
        return zlib.crc32(gram.encode("utf-8")) % ngrams.BUCKETS

    counts = ngrams.bucket_counts(tokenize("Nobody would notice. Nobody would care, 24 hours a day."))
    assert counts[bucket("nobody")] == 2
    assert counts[bucket("nobody would")] == 2
    assert bucket("notice nobody") not in counts  # no bigram across the full stop
    assert bucket("care 0") not in counts  # nor across the comma
    assert counts[bucket("0 hours")] == 1  # any number is the same word
    columns = {b: n for n, b in enumerate(counts)}
    vector = ngrams.tfidf(tokenize("nobody would care"), columns, [1.5] * len(columns))
    assert len(vector) == 5 and abs(math.fsum(v * v for v in vector.values()) - 1.0) < 1e-12
    assert ngrams.tfidf(tokenize("completely unrelated words"), columns, [1.5] * len(columns)) == {}


@needs_model
def test_ideation_without_classic_keywords_is_raised_to_elevated() -> None:
    result = screen_message(IDEATION)
    assert result.level.at_least(SafetyLevel.ELEVATED_CONCERN), result
    assert "learned_risk" in result.signals
    assert not _screen(IDEATION, (), learned=False).level.at_least(SafetyLevel.ELEVATED_CONCERN)


# Long enough for the model, full of risk words, but explained away by the rules.
HARD_CASES = [
    # negation
    "I want to be clear that I am not suicidal and I would never kill myself. I have been tired and sad "
    "since my job ended, and some days feel pointless, but I have my kids and my partner and I am seeing a "
    "counsellor every week. I just need some help sorting out my sleep and my money worries.",
    # third person
    "My best friend told me last night that she wants to die and has been cutting again. I stayed on the "
    "phone with her for hours and I am scared for her. I do not know how to help her or whether I should "
    "tell her parents. She made me promise to keep it a secret and I feel awful about it.",
    # figurative
    "This week is killing me, honestly. My laptop died on Monday, I nearly died of embarrassment in the "
    "meeting on Tuesday and my boss is going to kill me when he sees the report. I am dead tired and I "
    "could sleep for a week. Anyway, I need help planning a realistic schedule for next week.",
    # quotes and media
    'The song I keep playing goes "I want to die, I want to disappear" and my sister thinks it is too dark '
    "for me. I just like the melody and the singer's voice, I have listened to the whole album on the bus "
    "every morning this month. Can you recommend other bands with a similar sound for my playlist?",
    # past and recovered
    "I used to self-harm when I was sixteen and I tried to kill myself years ago, but I am okay now. I have "
    "been clean for six years, things got better, and I have a job I like and good friends. I am writing "
    "because I want to volunteer at a helpline and I am not sure what training they usually expect.",
]


@pytest.mark.parametrize("text", HARD_CASES)
def test_the_model_never_overrules_an_explained_away_mention(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_: str) -> MessageEmbedding:
        raise AssertionError("the model was consulted")

    monkeypatch.setattr(window_module, "embed_message", refuse)
    result = screen_message(text)
    assert not {"learned_risk", "learned_concern"} & set(result.signals)
    assert not result.level.at_least(SafetyLevel.ELEVATED_CONCERN)


EVERYDAY = [
    "Morning! I slept badly again, the neighbours had a party. I have a big presentation at work today and "
    "I'm nervous about it. My manager always asks hard questions and I never know what to say. Do you have "
    "tips for calming down before I speak in front of people?",
    "I need to remember to take my pills every morning, I keep forgetting. My doctor put me on blood "
    "pressure medication last month. I tried setting an alarm on my phone but I just snooze it. Do you have "
    "any other tricks for building a habit like this?",
    "Exams start in two weeks and I'm so stressed I can't eat. I feel like I'm going to fail everything and "
    "disappoint my parents. I study all day but nothing sticks. Any tips for managing exam anxiety?",
]


@needs_model
@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_first_person_chat_is_not_raised_to_urgent(text: str) -> None:
    result = screen_message(text)
    assert "learned_score" in result.details  # the model did read it
    assert "learned_risk" not in result.signals
    assert not result.level.at_least(SafetyLevel.ELEVATED_CONCERN)


def test_short_messages_are_left_to_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_: str) -> MessageEmbedding:
        raise AssertionError("embedded a short message")

    monkeypatch.setattr(window_module, "embed_message", refuse)
    result = screen_message("I can't sleep and everything feels heavy tonight.")
    assert "learned_score" not in result.details


def test_a_given_embedding_is_used_and_nothing_is_recomputed(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_: str) -> MessageEmbedding:
        raise AssertionError("recomputed the embedding")

    monkeypatch.setattr(window_module, "embed_message", refuse)
    given = MessageEmbedding(vector=tuple([1.0] + [0.0] * 383), model="test", tokens=40, truncated=False)
    result = screen_message(EVERYDAY[0], embedding=given)
    assert "learned_score" in result.details


def test_without_the_embedding_model_the_rules_still_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(_: str) -> MessageEmbedding:
        raise EmbeddingModelMissingError("not installed")

    monkeypatch.setattr(window_module, "embed_message", missing)
    assert screen_message(EVERYDAY[0]).level == SafetyLevel.NORMAL
    assert screen_message("I'm going to kill myself tonight. " + EVERYDAY[0]).level == SafetyLevel.SAFETY_MODE


@needs_model
def test_embed_message_is_a_unit_vector_computed_once_per_text() -> None:
    embedding_module._clear_cache()
    first = embed_message(EVERYDAY[1])
    assert first.dimensions == 384
    assert abs(math.fsum(x * x for x in first.vector) - 1.0) < 1e-4
    assert not first.truncated and first.tokens < SCREEN_MAX_TOKENS
    assert embed_message(EVERYDAY[1]) is first
    long = embed_message(" ".join(EVERYDAY) * 3)
    assert long.truncated and long.tokens == SCREEN_MAX_TOKENS


@needs_model
def test_a_long_message_is_embedded_from_both_ends() -> None:
    embedding_module._clear_cache()
    body = " ".join(EVERYDAY) * 2
    ends = [
        " I have had enough of everything and I want it all to stop.",
        " Anyway, thanks for listening today.",
    ]
    first, second = (embed_message(body + end) for end in ends)
    assert first.truncated and second.truncated
    # the two texts differ only at their end, far beyond the first word pieces: the end was read
    assert math.fsum(a * b for a, b in zip(first.vector, second.vector, strict=True)) < 0.999


def test_a_long_message_is_screened_in_full_by_the_rules() -> None:
    # 2,000+ characters of everyday chat, then a disclosure in the last sentence
    text = (" ".join(EVERYDAY) + " ") * 3 + "I bought a rope and I'm going to hang myself tonight."
    assert len(text) > 2000
    assert screen_message(text).level == SafetyLevel.SAFETY_MODE

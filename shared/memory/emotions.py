"""The offline summariser's word lists (`lexicon.json`) and its emotion detection: emotion keywords that
are not negated within their clause, most mentioned first; without any, the session's mean sentiment
may still say "distressed" or "content"."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shared.models.messages import Message
from shared.text.analysis import PhraseIndex, analyze, tokenize

LEXICON_FILE = Path(__file__).with_name("lexicon.json")
MAX_EMOTIONS = 4
NEGATION_WINDOW = 3


@dataclass(frozen=True)
class Lexicon:
    emotions: PhraseIndex
    emotion_order: dict[str, int]
    negators: frozenset[str]
    fallback_negative: str
    fallback_positive: str
    fallback_threshold: float
    cues: re.Pattern[str]
    strong_cues: frozenset[str]
    stopwords: frozenset[str]


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    raw = json.loads(LEXICON_FILE.read_text(encoding="utf-8"))
    emotions = {item["id"]: item["keywords"] for item in raw["emotions"]}
    strong = [c.lower() for c in raw["next_step_cues"]["strong"]]
    weak = [c.lower() for c in raw["next_step_cues"]["weak"]]
    cues = sorted(set(strong + weak), key=len, reverse=True)  # longest first: "i'm going to" before "i'm"
    fallback = raw["sentiment_fallback"]
    return Lexicon(
        emotions=PhraseIndex(emotions),
        emotion_order={e: n for n, e in enumerate(emotions)},
        negators=frozenset(raw["negators"]),
        fallback_negative=fallback["negative"],
        fallback_positive=fallback["positive"],
        fallback_threshold=float(fallback["threshold"]),
        cues=re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(c) for c in cues) + r")(?![\w'])"),
        strong_cues=frozenset(strong),
        stopwords=frozenset(raw["stopwords"]),
    )


def emotion_hits(tokens: Sequence[str], lexicon: Lexicon) -> list[tuple[str, int]]:
    """(emotion, position) for each keyword that is not negated within its clause."""
    hits: list[tuple[str, int]] = []
    for match in lexicon.emotions.find(tokens):
        negated = False
        for back in range(1, NEGATION_WINDOW + 1):
            j = match.start - back
            if j < 0 or tokens[j] in ".!?;:,":
                break
            word = tokens[j]
            if word in lexicon.negators or word.endswith("n't"):
                negated = True
                break
        if not negated:
            hits.append((match.label, match.start))
    return hits


def detected_emotions(said: Sequence[Message], lexicon: Lexicon, use_sentiment: bool) -> list[str]:
    """Emotion ids by mentions; without any, the mean sentiment's fallback label, but only for a session
    with something to summarise ("ok thanks" is polite, not content)."""
    counts: Counter[str] = Counter()
    first: dict[str, tuple[int, int]] = {}
    for n, message in enumerate(said):
        for emotion, position in emotion_hits(tokenize(message.content), lexicon):
            counts[emotion] += 1
            first.setdefault(emotion, (n, position))
    if counts:
        ranked = sorted(counts, key=lambda e: (-counts[e], first[e], lexicon.emotion_order[e]))
        return ranked[:MAX_EMOTIONS]
    if not use_sentiment:
        return []
    scores = [(m.sentiment or analyze(m.content).sentiment).score for m in said]
    mean = sum(scores) / len(scores)
    if mean <= -lexicon.fallback_threshold:
        return [lexicon.fallback_negative]
    if mean >= lexicon.fallback_threshold:
        return [lexicon.fallback_positive]
    return []

"""The learned part of the inline crisis screen (`learned_risk`, `learned_concern`): two logistic regressions
over the message's sentence embedding and the rules' verdict.

The rules in `screen/` decide HIGH_RISK and SAFETY_MODE and every explain-away (negation, figurative
speech, someone else's risk, quotes, recovery). This model answers one question for a window the rules left
at NORMAL or WATCH with nothing explained away, when the message has at least `MIN_WORDS` words: does it
read like the writing of someone at urgent risk (ELEVATED_CONCERN or above)? If the probability reaches the
threshold, `screen_message` raises the window to ELEVATED_CONCERN with the signal `learned_risk`. A second
head (`concern`: WATCH or above) may raise a window the rules left at NORMAL to WATCH (`learned_concern`).
It never lowers a level and never decides HIGH_RISK or SAFETY_MODE.

Features: the current message's all-MiniLM-L6-v2 embedding (`shared.safety.embedding`, 384 numbers, at
most 96 word pieces: both ends of a longer message), times `EMBEDDING_SCALE`; the rules' level for the
window (one-hot); the rules' signals for the window (`FEATURE_SIGNALS`, present/absent); the message length
(log words) (`features`); and the TF-IDF of the whole message's word unigrams and bigrams, hashed into
buckets (`shared.safety.ngrams`), times `NGRAM_SCALE`.

Weights come from `infra/train_crisis_screen.py` (numpy, trained on the `dev` split of the Reddit C-SSRS
benchmark only, plus half of our own hard negatives as negatives) and are stored as numbers in
`learned_risk.json`: weights, bucket numbers and IDF values, no words or text. They are read on the first
call, never at import time; scoring is pure Python (a 420-term dot product plus one term per n-gram of the
message).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shared.safety.ngrams import BUCKETS, tfidf
from shared.safety.signal_names import WINDOW_RULE_SIGNALS

__all__ = [
    "EMBEDDING_SCALE",
    "FEATURE_LEVELS",
    "FEATURE_SIGNALS",
    "MIN_WORDS",
    "NGRAM_SCALE",
    "WEIGHTS_FILE",
    "Head",
    "LearnedModel",
    "features",
    "is_loaded",
    "load_model",
    "word_count",
]

WEIGHTS_FILE = Path(__file__).with_name("learned_risk.json")
MIN_WORDS = 20
"""The model speaks only for a message of at least this many words: it was trained on multi-post excerpts,
and a one-line message gives an embedding little to go on (the rules decide those alone)."""
EMBEDDING_SCALE = 4.0
"""Embedding components are about +-0.05 (unit vectors in 384 dimensions); scaled so one L2 penalty suits
them and the 0/1 rule features alike."""
NGRAM_SCALE = 6.0
"""The n-gram TF-IDF vector (unit length over the kept buckets) is multiplied by this before its weights;
with one L2 penalty for all weights, a larger scale lets the n-grams weigh more (chosen by cross-validation
on dev, `infra/train_crisis_screen.py`)."""
FEATURE_LEVELS = ("NORMAL", "WATCH", "ELEVATED_CONCERN", "HIGH_RISK")
FEATURE_SIGNALS = WINDOW_RULE_SIGNALS
"""The rules' signals the model reads, in the screen's own order (the order of the rule weights in the weights
file); derived from `SIGNAL_ORDER`, so the two cannot drift apart (a changed list fails `load_model`: retrain)."""


def word_count(tokens: Sequence[str]) -> int:
    """Words (not punctuation) among the screen's tokens."""
    return sum(1 for t in tokens if t[:1].isalnum())


def features(level: str, signals: Iterable[str], words: int) -> list[float]:
    """The rule part of the feature vector: level one-hot, signals present, log length."""
    level = "HIGH_RISK" if level == "SAFETY_MODE" else level
    present = frozenset(signals)
    return [
        *(1.0 if level == name else 0.0 for name in FEATURE_LEVELS),
        *(1.0 if name in present else 0.0 for name in FEATURE_SIGNALS),
        math.log1p(words) / 7.0,
    ]


@dataclass(frozen=True)
class Head:
    """One logistic regression: a probability from the embedding, the rule features and the n-grams."""

    threshold: float  # probability at or above which the head raises the window
    bias: float
    embedding_weights: tuple[float, ...]
    rule_weights: tuple[float, ...]
    ngram_weights: tuple[float, ...]  # one per kept n-gram bucket (`LearnedModel.ngram_columns`)

    def probability(
        self, embedding: Sequence[float], rule_features: Sequence[float], ngrams: Mapping[int, float]
    ) -> float:
        if len(embedding) != len(self.embedding_weights):
            raise ValueError(
                f"embedding has {len(embedding)} dimensions, the model {len(self.embedding_weights)}"
            )
        z = self.bias + EMBEDDING_SCALE * math.fsum(
            w * x for w, x in zip(self.embedding_weights, embedding, strict=True)
        )
        z += math.fsum(w * x for w, x in zip(self.rule_weights, rule_features, strict=True))
        z += NGRAM_SCALE * math.fsum(self.ngram_weights[column] * x for column, x in ngrams.items())
        if z < -30.0:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class LearnedModel:
    """`urgent` (the user reads as ELEVATED_CONCERN or above) raises a NORMAL or WATCH window to
    ELEVATED_CONCERN; `concern` (WATCH or above) raises a NORMAL window to WATCH. `ngram_columns` maps a
    kept n-gram bucket (`shared.safety.ngrams`) to its column, `ngram_idf` is each column's IDF."""

    version: str
    urgent: Head
    concern: Head
    ngram_columns: Mapping[int, int]
    ngram_idf: tuple[float, ...]

    def probabilities(
        self, embedding: Sequence[float], level: str, signals: Iterable[str], tokens: Sequence[str]
    ) -> tuple[float, float]:
        """(urgent, concern) probabilities of a message from its embedding, the rules' verdict on its window
        and its tokens (`shared.text.tokens.tokenize`; the whole message, for the n-grams and its length)."""
        rule_features = features(level, signals, word_count(tokens))
        ngrams = tfidf(tokens, self.ngram_columns, self.ngram_idf)
        return (
            self.urgent.probability(embedding, rule_features, ngrams),
            self.concern.probability(embedding, rule_features, ngrams),
        )


def _head(data: dict[str, object], name: str, ngrams: int) -> Head:
    raw = data[name]
    if not isinstance(raw, dict):
        raise ValueError(f"{WEIGHTS_FILE.name}: no {name} head")
    rule_weights = tuple(float(w) for w in raw["rule_weights"])
    if len(rule_weights) != len(FEATURE_LEVELS) + len(FEATURE_SIGNALS) + 1:
        raise ValueError(f"{WEIGHTS_FILE.name}: {len(rule_weights)} rule weights in {name}")
    ngram_weights = tuple(float(w) for w in raw["ngram_weights"])
    if len(ngram_weights) != ngrams:
        raise ValueError(
            f"{WEIGHTS_FILE.name}: {len(ngram_weights)} n-gram weights in {name}, {ngrams} buckets"
        )
    return Head(
        threshold=float(raw["threshold"]),
        bias=float(raw["bias"]),
        embedding_weights=tuple(float(w) for w in raw["embedding_weights"]),
        rule_weights=rule_weights,
        ngram_weights=ngram_weights,
    )


@lru_cache(maxsize=1)
def load_model(path: Path = WEIGHTS_FILE) -> LearnedModel:
    """The bundled model, read once per process on first use."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if list(data["signals"]) != list(FEATURE_SIGNALS) or list(data["levels"]) != list(FEATURE_LEVELS):
        raise ValueError(f"{path.name}: trained on other rule features than the screen reads; retrain")
    if float(data["embedding_scale"]) != EMBEDDING_SCALE or int(data["min_words"]) != MIN_WORDS:
        raise ValueError(f"{path.name}: trained with another embedding scale or word minimum; retrain")
    ngram = data["ngram"]
    if float(ngram["scale"]) != NGRAM_SCALE or int(ngram["buckets_of"]) != BUCKETS:
        raise ValueError(f"{path.name}: trained with another n-gram scale or hashing; retrain")
    buckets = [int(b) for b in ngram["buckets"]]
    idf = tuple(float(x) for x in ngram["idf"])
    if len(idf) != len(buckets) or len(set(buckets)) != len(buckets):
        raise ValueError(f"{path.name}: n-gram buckets and IDF do not match")
    return LearnedModel(
        version=str(data["version"]),
        urgent=_head(data, "urgent", len(buckets)),
        concern=_head(data, "concern", len(buckets)),
        ngram_columns={bucket: column for column, bucket in enumerate(buckets)},
        ngram_idf=idf,
    )


def is_loaded() -> bool:
    """Whether the weights have been read in this process (they are loaded lazily)."""
    return load_model.cache_info().currsize > 0

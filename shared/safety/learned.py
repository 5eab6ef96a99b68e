"""The learned part of the inline crisis screen: a small logistic model (`learned_risk`).

The rules in `screen/` decide HIGH_RISK and SAFETY_MODE and every explain-away (negation, figurative
speech, someone else's risk, quotes, recovery). This model only answers one question for a window the
rules left at NORMAL or WATCH (and only when `applies`: at least `MIN_WORDS` words, one of them
in `TOPIC_WORDS`): does the text, taken as a whole, read like the writing of someone with
active suicidal ideation? If so, and the rules found nothing that explains the risk words away,
`screen_message` raises the window to ELEVATED_CONCERN with the signal `learned_risk`.

Features (all computed from the screen's own tokenisation, no text is stored anywhere):

- the words of the window (current message and the earlier ones), each hashed with CRC-32 into
  `BUCKETS` buckets, present/absent, scaled by 1/sqrt(number of distinct words, at least 60); first- and
  second-person pronouns are left out on purpose (in the training data "you" marks the supportive
  negatives, so the model would learn that any first-person chat is risk);
- the length (log words);
- the rules' level and signals for the window, before this model is applied.

Weights come from `infra/train_crisis_screen.py` (logistic regression, numpy, trained on the `dev` split of
the Reddit C-SSRS benchmark only) and are stored as data in `learned_risk.json`: hashed bucket numbers and
coefficients, no vocabulary. They are read on the first call, never at import time; scoring is pure Python.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "BUCKETS",
    "MIN_WORDS",
    "TOPIC_WORDS",
    "WEIGHTS_FILE",
    "LearnedModel",
    "applies",
    "applies_to_words",
    "features",
    "features_of_words",
    "is_loaded",
    "load_model",
    "score",
    "word_count",
    "words_of",
]

WEIGHTS_FILE = Path(__file__).with_name("learned_risk.json")
BUCKETS = 1 << 14
"""Size of the hashed feature space (shared by training and scoring)."""
MIN_WORDS = 40
"""The model only speaks for a window of at least this many words: it was trained on multi-post excerpts
(95% of them longer), and a one-line message gives it nothing to go on but its pronouns."""
# The model was trained on posts from mental-health communities only, where almost every text is about
# distress and the negatives are mostly people writing to others ("you"). On ordinary first-person chat it
# would read "I" as risk. So it may only speak when the window is about death, self-harm or not wanting to
# live, in words the rules did not already read: at least one of these (hand-written clinical vocabulary).
TOPIC_WORDS = frozenset(
    {
        "die",
        "dies",
        "dying",
        "died",
        "dead",
        "death",
        "deaths",
        "suicide",
        "suicidal",
        "kill",
        "killing",
        "alive",
        "exist",
        "existing",
        "existence",
        "disappear",
        "disappearing",
        "vanish",
        "goodbye",
        "goodbyes",
        "overdose",
        "overdosed",
        "pills",
        "cut",
        "cutting",
        "cuts",
        "blade",
        "blades",
        "razor",
        "rope",
        "noose",
        "hang",
        "hanging",
        "jump",
        "jumping",
        "bridge",
        "gun",
        "hopeless",
        "hopelessness",
        "worthless",
        "pointless",
        "meaningless",
        "burden",
        "unbearable",
        "self-harm",
        "selfharm",
        "harm",
        "harming",
        "attempt",
        "attempted",
        "attempts",
        "lethal",
        "funeral",
        "grave",
    }
)
_SCALE_FLOOR = 60  # distinct words: shorter windows get proportionally weaker word features

FIRST_PERSON = frozenset({"i", "me", "my", "myself", "mine", "i'm", "im", "i've", "ive", "i'd", "i'll"})
SECOND_PERSON = frozenset(
    {"you", "your", "yours", "yourself", "you're", "youre", "you've", "youve", "you'd", "you'll", "u", "ur"}
)


@lru_cache(maxsize=1 << 15)
def _bucket(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) % BUCKETS


def word_count(tokens: Sequence[str]) -> int:
    """Words (not punctuation) among the screen's tokens."""
    return sum(1 for t in tokens if t[:1].isalnum())


def applies(tokens: Sequence[str]) -> bool:
    """Whether the model may speak for this window: long enough and about death or self-harm at all."""
    return applies_to_words(*words_of(tokens))


def applies_to_words(words: AbstractSet[str], count: int) -> bool:
    """`applies` from `words_of`."""
    return count >= MIN_WORDS and not TOPIC_WORDS.isdisjoint(words)


def words_of(tokens: Sequence[str]) -> tuple[frozenset[str], int]:
    """The distinct words the model reads (pronouns left out) and the number of words."""
    words = frozenset(
        t for t in tokens if t[:1].isalnum() and t not in FIRST_PERSON and t not in SECOND_PERSON
    )
    return words, word_count(tokens)


def features(tokens: Sequence[str], level: str, signals: Iterable[str]) -> dict[int, float]:
    """Hashed feature vector (bucket -> value) of a window's tokens and the rules' verdict on it."""
    words, count = words_of(tokens)
    return features_of_words(words, count, level, signals)


def features_of_words(
    words: AbstractSet[str], count: int, level: str, signals: Iterable[str]
) -> dict[int, float]:
    """`features` from `words_of` (callers that keep the words of each message)."""
    vector: dict[int, float] = {}
    scale = 1.0 / math.sqrt(max(len(words), _SCALE_FLOOR))
    for word in sorted(words):  # a fixed order: the float sums do not depend on the hash seed
        k = _bucket("u:" + word)
        vector[k] = vector.get(k, 0.0) + scale
    dense = {"len": math.log1p(count) / 7.0, "lvl" + level: 1.0}
    for signal in sorted(signals):
        dense["s:" + signal] = 1.0
    for name, value in dense.items():
        k = _bucket("d:" + name)
        vector[k] = vector.get(k, 0.0) + value
    return vector


@dataclass(frozen=True)
class LearnedModel:
    bias: float
    threshold: float  # probability at or above which the window is raised to ELEVATED_CONCERN
    weights: dict[int, float]
    version: str

    def probability(self, vector: dict[int, float]) -> float:
        weights = self.weights
        z = self.bias + math.fsum(value * weights.get(k, 0.0) for k, value in vector.items())
        if z < -30.0:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def load_model(path: Path = WEIGHTS_FILE) -> LearnedModel:
    """The bundled model, read once per process on first use."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if int(data["buckets"]) != BUCKETS:
        raise ValueError(f"{path.name}: trained with {data['buckets']} buckets, the screen uses {BUCKETS}")
    index = [int(k) for k in data["index"]]
    values = [float(w) for w in data["weight"]]
    return LearnedModel(
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
        weights=dict(zip(index, values, strict=True)),
        version=str(data["version"]),
    )


def is_loaded() -> bool:
    """Whether the weights have been read in this process (they are loaded lazily)."""
    return load_model.cache_info().currsize > 0


def score(tokens: Sequence[str], level: str, signals: Iterable[str]) -> float:
    """Probability (0..1) that the window reads as urgent (ELEVATED_CONCERN or above)."""
    return load_model().probability(features(tokens, level, signals))

"""Fast text analysis of one message: lexicon sentiment and keyword topics from a single tokenisation.

`analyze` is the one entry point; it tokenises once (`tokenize`) and runs each pass over the tokens.
Further passes (a safety screen, say) belong here too, reusing `tokenize` and `PhraseIndex`.
Everything compiled (regexes, the topic index) is built on first use, never at import time.

Sentiment is VADER-like: word valences in -4..4, scaled by intensifiers ("very", "a bit"), flipped by a
negation up to three words back in the same clause ("not happy"), with the "never felt better" idiom
kept positive, the clause after "but" weighted over the one before, and exclamation marks and SHOUTED
words as emphasis. The sum is squashed to -1..1 (x / sqrt(x^2 + 15)), so one strong word in a short text
already counts, and a neutral band around 0 absorbs weak signals ("ok", "fine").
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shared.models.messages import Sentiment, SentimentLabel
from shared.text.tokens import CLAUSE_MARKS, WORD_PATTERN, PhraseIndex, PhraseMatch, tokenize

__all__ = [
    "CLAUSE_MARKS",
    "Analysis",
    "PhraseIndex",
    "PhraseMatch",
    "Topic",
    "analyze",
    "analyze_tokens",
    "tokenize",
]

TOPICS_FILE = Path(__file__).with_name("topics.json")
MAX_TOPICS = 3
NEUTRAL_BAND = 0.15
"""Scores with |score| below this are labelled neutral."""

_ALPHA = 15.0
_NEGATION_SCALE = -0.74
_NEGATION_WINDOW = 3
_BUT_BEFORE, _BUT_AFTER = 0.5, 1.5
_EXCLAMATION_BOOST = 0.29
_SHOUT_SCALE = 1.25
"""Single-character tokens that `tokenize` keeps because they end a clause (and a negation's scope)."""
_SENTENCE_MARKS = frozenset(".!?;")

# fmt: off
_LEXICON: dict[str, float] = {
    # positive
    "good": 1.9, "great": 3.1, "nice": 1.8, "fine": 0.4, "ok": 0.4, "okay": 0.4, "alright": 0.6,
    "happy": 2.7, "happier": 2.6, "happiest": 3.0, "happiness": 2.6, "glad": 2.0, "joy": 2.8,
    "joyful": 2.9, "love": 3.0, "loved": 2.9, "loving": 2.8, "lovely": 2.8,
    "enjoy": 2.2, "enjoyed": 2.2, "enjoying": 2.2, "fun": 2.3, "excited": 2.4, "exciting": 2.3,
    "amazing": 2.8, "awesome": 3.1, "wonderful": 2.7, "fantastic": 2.6, "excellent": 2.7,
    "brilliant": 2.8, "perfect": 2.7, "better": 1.9, "best": 3.2, "improve": 1.6, "improved": 2.1,
    "improving": 1.8, "calm": 1.3, "calmer": 1.5, "relaxed": 2.2, "relieved": 1.9, "relief": 1.7,
    "peaceful": 2.2, "grateful": 2.3, "thankful": 2.2, "thanks": 1.9, "thank": 1.5, "hope": 1.9,
    "hopeful": 2.3, "hoping": 1.6, "proud": 2.1, "confident": 2.2, "strong": 1.5, "safe": 1.9,
    "supported": 1.9, "supportive": 2.0, "motivated": 2.0, "productive": 1.7, "accomplished": 2.0,
    "success": 2.7, "successful": 2.8, "win": 2.8, "won": 2.7, "celebrate": 2.7, "laugh": 2.6,
    "laughed": 2.5, "smile": 1.5, "smiling": 2.2, "beautiful": 2.9, "fortunate": 1.9, "lucky": 1.8,
    "cheerful": 2.5, "energized": 2.0, "rested": 1.5, "refreshed": 1.9,
    "healing": 1.5, "progress": 1.8, "kind": 2.4, "helpful": 1.8, "helped": 1.5, "worth": 0.9,
    "easier": 1.8, "easy": 1.9, "pleased": 1.9, "satisfied": 1.8, "thrilled": 2.6, "blessed": 2.4,
    "yay": 2.4, "cool": 1.3, "optimistic": 2.3, "encouraged": 2.1, "comfortable": 1.6,
    # negative
    "bad": -2.5, "badly": -1.8, "worse": -2.1, "worst": -3.1, "awful": -2.0, "terrible": -2.1, "horrible": -2.5,
    "sad": -2.1, "sadder": -2.2, "sadness": -1.9, "unhappy": -1.8, "depressed": -2.3,
    "depressing": -1.6, "depression": -2.3, "miserable": -2.2, "lonely": -2.0, "alone": -1.0,
    "loneliness": -1.8, "hopeless": -2.0, "helpless": -2.0, "worthless": -1.9, "empty": -0.8,
    "numb": -1.1, "cry": -2.1, "crying": -2.1, "cried": -1.6, "tears": -0.9, "hurt": -2.4,
    "hurts": -2.1, "hurting": -2.4, "pain": -2.3, "painful": -2.0, "suffer": -2.5, "suffering": -2.1,
    "angry": -2.3, "anger": -2.7, "mad": -2.2, "furious": -2.7, "annoyed": -1.6, "annoying": -1.8,
    "irritated": -1.8, "irritable": -1.8, "frustrated": -2.0, "frustrating": -1.9,
    "frustration": -2.1, "upset": -1.6, "hate": -2.7, "hated": -3.2, "hating": -2.3,
    "anxious": -1.0, "anxiety": -0.7, "worried": -1.2, "worry": -1.9, "worrying": -1.4,
    "stressed": -1.4, "stress": -1.8, "stressful": -1.8, "overwhelmed": -1.5,
    "overwhelming": -1.4, "scared": -1.9, "afraid": -2.0, "fear": -2.2, "terrified": -3.0,
    "panic": -2.3, "panicking": -2.0, "nervous": -1.1, "tense": -1.4, "tired": -1.9,
    "exhausted": -1.5, "exhausting": -1.5, "drained": -1.5, "burnout": -1.6, "sick": -2.3,
    "ill": -1.8, "broken": -1.9, "lost": -1.3, "guilty": -1.8, "guilt": -1.1, "ashamed": -2.1,
    "shame": -2.1, "embarrassed": -1.5, "failure": -2.3, "failed": -2.3, "fail": -2.5,
    "failing": -2.3, "problem": -1.7, "problems": -1.7, "trouble": -1.7, "struggle": -1.3,
    "struggling": -1.6, "difficult": -1.5, "hard": -0.4, "rough": -0.8, "wrong": -2.1,
    "unfair": -2.1, "disappointed": -1.9, "disappointing": -2.2, "regret": -1.8,
    "jealous": -2.0, "bored": -1.1, "boring": -1.3, "useless": -1.8, "stupid": -2.4,
    "sucks": -1.5, "ugh": -1.8, "dread": -2.0, "dreading": -1.9, "grief": -2.2, "grieving": -2.3,
    "died": -2.6, "death": -2.9, "dead": -3.3, "loss": -1.3, "miss": -0.6, "missing": -1.2,
    "rejected": -2.3, "ignored": -1.1, "insecure": -1.8, "weak": -1.9, "insomnia": -1.2,
    "nightmare": -2.2, "nightmares": -2.1, "argument": -1.5, "fight": -1.6, "fighting": -1.9,
    "conflict": -1.3, "complain": -1.2, "cheated": -1.9, "betrayed": -2.5, "disaster": -3.1,
    "mess": -1.5, "crisis": -3.1, "unmotivated": -1.4, "restless": -1.1, "confused": -1.3,
    "uncomfortable": -1.6, "jerk": -2.0, "yell": -1.6, "yelled": -1.6, "yelling": -1.6, "yells": -1.6,
    "argue": -1.4, "arguing": -1.5, "argued": -1.4, "ruined": -2.4, "scary": -2.2, "heartbroken": -2.8,
    "devastated": -2.9, "overjoyed": 2.9, "ecstatic": 3.0, "sorry": -0.3, "unfortunately": -1.6, "sadly": -1.9,
}
_BOOSTERS: dict[str, float] = {
    "very": 1.3, "really": 1.3, "so": 1.3, "too": 1.2, "super": 1.3, "extremely": 1.5,
    "incredibly": 1.5, "totally": 1.3, "completely": 1.4, "absolutely": 1.4, "deeply": 1.4,
    "truly": 1.3, "such": 1.2, "utterly": 1.5, "especially": 1.2, "pretty": 1.1, "quite": 1.1,
    "most": 1.2, "more": 1.1, "seriously": 1.3, "terribly": 1.4, "awfully": 1.4,
    # dampeners
    "slightly": 0.5, "somewhat": 0.6, "kinda": 0.6, "sorta": 0.6, "little": 0.6, "bit": 0.6,
    "barely": 0.4, "fairly": 0.8, "mostly": 0.8, "almost": 0.7, "partly": 0.6,
}
_NEGATORS = frozenset({
    "not", "no", "never", "nor", "neither", "none", "nobody", "nothing", "nowhere", "cannot",
    "without", "hardly", "scarcely", "aint", "dont", "cant", "wont", "isnt", "arent", "wasnt",
    "werent", "didnt", "doesnt", "couldnt", "shouldnt", "wouldnt", "havent", "hasnt", "hadnt",
})
# "I've never felt better", "couldn't be happier": the negation intensifies instead of flipping.
_COMPARATIVES = frozenset({"better", "happier", "best", "calmer", "greater"})
_IDIOM_BRIDGE = frozenset({"felt", "been", "be", "have", "feel", "feeling", "get", "i", "i've", "ever"})
_COULD_NEGATORS = frozenset({"couldn't", "couldnt"})
_HEDGES = frozenset({"kind", "sort"})
# fmt: on

_SHOUT_PATTERN = r"[A-Z][A-Z']+"  # no \b: much faster, and a partial hit only counts if it is a lexicon word
_EMOTICONS_POSITIVE = (":)", ":-)", ":D", ":-D", "<3", "🙂", "😊", "😀", "😁", "😄", "❤", "👍", "🥰")
_EMOTICONS_NEGATIVE = (":(", ":-(", ":'(", "😢", "😭", "😞", "😔", "☹", "🙁", "💔", "😡")
_EMOTICON_VALENCE = 1.8


@dataclass(frozen=True)
class Analysis:
    sentiment: Sentiment
    topics: list[str]


@dataclass(frozen=True)
class Topic:
    id: str
    phrase: str
    """How to name the topic mid-sentence ("your family", "sleep")."""
    keywords: tuple[str, ...]


def analyze(text: str) -> Analysis:
    """Sentiment and up to `MAX_TOPICS` topics (most relevant first) of one message."""
    return analyze_tokens(tokenize(text), text)


def analyze_tokens(tokens: Sequence[str], text: str) -> Analysis:
    """`analyze` for callers that already tokenized `text` (the safety screen's single pass)."""
    return Analysis(sentiment=_sentiment(tokens, text), topics=_topics(tokens))


@lru_cache(maxsize=1)
def _regexes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    emoticons = sorted(_EMOTICONS_POSITIVE + _EMOTICONS_NEGATIVE, key=len, reverse=True)
    return (
        re.compile(WORD_PATTERN),
        re.compile(_SHOUT_PATTERN),
        re.compile("|".join(re.escape(e) for e in emoticons)),
    )


# -- sentiment -------------------------------------------------------------------------------------


def _is_negator(word: str) -> bool:
    return word in _NEGATORS or word.endswith("n't")


def _negation_intensifies(tokens: Sequence[str], negator_at: int, word_at: int) -> bool:
    """True for "never felt better", "couldn't be happier", "could not have been better"."""
    if tokens[word_at] not in _COMPARATIVES:
        return False
    negator = tokens[negator_at]
    could = negator in _COULD_NEGATORS or (
        negator == "not" and negator_at > 0 and tokens[negator_at - 1] == "could"
    )
    if negator != "never" and not could:
        return False
    bridge = tokens[negator_at + 1 : word_at]
    if negator == "never" and not any(t in ("felt", "been") for t in bridge):
        return False
    return all(t in _IDIOM_BRIDGE for t in bridge)


def _modifier_scale(tokens: Sequence[str], at: int) -> tuple[float, int | None]:
    """Intensity scale and the negator's index (if any) from up to three tokens before `at`."""
    scale = 1.0
    negator: int | None = None
    for back in range(1, _NEGATION_WINDOW + 1):
        j = at - back
        if j < 0:
            break
        word = tokens[j]
        if word in CLAUSE_MARKS:
            break
        booster = _BOOSTERS.get(word)
        if booster is not None:
            # "kind of sad", "sort of happy": "of" after kind/sort dampens like "kinda".
            scale *= 1.0 + (booster - 1.0) * (1.0 - 0.1 * (back - 1))
        elif word == "of" and j > 0 and tokens[j - 1] in _HEDGES:
            scale *= 0.6
        elif negator is None and _is_negator(word):
            negator = j
    return scale, negator


def _sentiment(tokens: Sequence[str], text: str) -> Sentiment:
    _, shout_re, emoticon_re = _regexes()
    shouted: frozenset[str] = frozenset()
    if not text.isupper():  # an all-caps message is not emphasis word by word
        shouted = frozenset(m.lower() for m in shout_re.findall(text) if m != "I")

    total = 0.0
    sentence: list[float] = []  # contributions of the current sentence (for "but")
    weight = 1.0
    triggers = _sentiment_triggers()
    for i in [i for i, word in enumerate(tokens) if word in triggers]:  # a comprehension is the fast scan
        word = tokens[i]
        valence = _LEXICON.get(word)
        if valence is not None and word in _HEDGES and i + 1 < len(tokens) and tokens[i + 1] == "of":
            valence = None  # "kind of", "sort of" hedge; they are not the adjective "kind"
        if valence is None:
            if word == "but" and sentence:
                sentence = [v * _BUT_BEFORE for v in sentence]
                weight = _BUT_AFTER
            elif word in _SENTENCE_MARKS:
                total += sum(sentence)
                sentence, weight = [], 1.0
            continue
        scale, negator = _modifier_scale(tokens, i)
        value = valence * scale
        if word in shouted:
            value *= _SHOUT_SCALE
        if negator is not None:
            value *= 1.2 if _negation_intensifies(tokens, negator, i) else _NEGATION_SCALE
        sentence.append(value * weight)
    total += sum(sentence)

    maybe_emoticons = not text.isascii() or ":" in text or "<3" in text  # skip the scan for plain text
    for emoticon in emoticon_re.findall(text) if maybe_emoticons else ():
        total += _EMOTICON_VALENCE if emoticon in _EMOTICONS_POSITIVE else -_EMOTICON_VALENCE
    if total:
        exclamations = min(text.count("!"), 4)
        total += math.copysign(exclamations * _EXCLAMATION_BOOST, total)

    score = max(-1.0, min(1.0, total / math.sqrt(total * total + _ALPHA)))
    return Sentiment(label=sentiment_label(score), score=round(score, 3))


@lru_cache(maxsize=1)
def _sentiment_triggers() -> frozenset[str]:
    return frozenset(_LEXICON) | _SENTENCE_MARKS | {"but"}


def sentiment_label(score: float) -> SentimentLabel:
    if score >= NEUTRAL_BAND:
        return "positive"
    if score <= -NEUTRAL_BAND:
        return "negative"
    return "neutral"


# -- keywords and topics ---------------------------------------------------------------------------


@lru_cache(maxsize=4)
def load_topics(path: Path = TOPICS_FILE) -> tuple[Topic, ...]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Topic(id=item["id"], phrase=item["phrase"], keywords=tuple(item["keywords"]))
        for item in raw["topics"]
    )


@lru_cache(maxsize=1)
def _topic_index() -> tuple[PhraseIndex, dict[str, int]]:
    topics = load_topics()
    return PhraseIndex({t.id: t.keywords for t in topics}), {t.id: n for n, t in enumerate(topics)}


def topic_phrase(topic_id: str) -> str:
    """The taxonomy's mid-sentence name for a topic id (the id itself if unknown)."""
    return next((t.phrase for t in load_topics() if t.id == topic_id), topic_id)


def _topics(tokens: Sequence[str]) -> list[str]:
    """Most evidence first: each hit counts its words ("passed away" outweighs "grandmother"); ties go
    to the earlier first mention, then taxonomy order."""
    index, order = _topic_index()
    weight: dict[str, int] = {}
    first: dict[str, int] = {}
    for match in index.find(tokens):
        weight[match.label] = weight.get(match.label, 0) + match.length
        first.setdefault(match.label, match.start)
    ranked = sorted(weight, key=lambda t: (-weight[t], first[t], order[t]))
    return ranked[:MAX_TOPICS]

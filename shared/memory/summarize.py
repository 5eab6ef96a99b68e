"""Offline extractive summary of one session, for memory across sessions when no AI provider is configured.

`summarize(messages)` reads only what the people in the session said (never the AI's replies or system
messages) and returns a `SessionMemoryDraft`:

- `summary`: 2-4 of the user's own sentences, chosen by centrality in a TF-IDF space (a sentence that
  shares the session's recurring vocabulary scores high; LexRank without the iteration), favouring
  sentences with feelings or topics, shown in their original order, at most ~600 characters.
- `key_topics`: the topic ids of `shared.text.analysis` over the user's text, then the most
  frequent content words, at most 5.
- `detected_emotions`: emotion ids from `lexicon.json` (a negated keyword does not count), most
  mentioned first; if none matched, the average sentiment may still say "distressed" or "content".
- `next_steps`: up to 3 sentences with intention or plan cues ("I'm going to", "next week", "try to").

Pure Python, deterministic (ties go to the earlier sentence), no model, and fast: the lexicon and the
compiled patterns are loaded on first use.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, runtime_checkable

from pydantic import ConfigDict, Field

from shared.memory.emotions import Lexicon, detected_emotions, emotion_hits, load_lexicon
from shared.models.base import ApiModel
from shared.models.messages import AI_SPEAKER, Message
from shared.text.analysis import PhraseIndex, analyze, load_topics, tokenize

MODEL = "offline-extractive"
MAX_SUMMARY_CHARS = 600
MAX_TOPICS = 5
MAX_NEXT_STEPS = 3
MAX_STEP_CHARS = 240
_AFFECT_BONUS = 0.1
_LEAD_BONUS = 0.08  # the user's first message usually says why they came
_QUESTION_FACTOR = 0.6
_FULL_LENGTH_TERMS = 4  # sentences with fewer content words are scored down proportionally
_NOT_HUMAN_TYPES = frozenset({"ai", "system"})
_ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "st.", "vs.", "e.g.", "i.e.", "etc.", "approx."})


class SessionMemoryDraft(ApiModel):
    """What one session leaves behind for the next ones (before it is embedded and stored)."""

    model_config = ConfigDict(frozen=True)

    summary: str
    key_topics: list[str] = Field(default_factory=list)
    detected_emotions: list[str] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    model: str = MODEL

    @property
    def is_empty(self) -> bool:
        """True when the session had nothing from the user worth remembering."""
        return not (self.summary or self.key_topics or self.detected_emotions or self.next_steps)


@dataclass(frozen=True)
class _Sentence:
    index: int
    message: int  # position of its message among the user's messages
    text: str
    tokens: tuple[str, ...]
    terms: tuple[str, ...]  # content words (stopwords and short words removed)


@lru_cache(maxsize=1)
def _topic_keywords() -> PhraseIndex:
    return PhraseIndex({t.id: t.keywords for t in load_topics()})


@runtime_checkable
class Summarizer(Protocol):
    """Turns a finished session's messages into its memory draft; `model` names it in stored memories."""

    model: str

    def summarize(self, messages: Sequence[Message]) -> SessionMemoryDraft: ...


class ExtractiveSummarizer:
    """The offline default: `summarize` below, no model and no network."""

    model = MODEL

    def summarize(self, messages: Sequence[Message]) -> SessionMemoryDraft:
        return summarize(messages)


def summarize(messages: Sequence[Message]) -> SessionMemoryDraft:
    """The memory draft of a session's messages (any order; sorted by time in session)."""
    said = [m for m in sorted(messages, key=lambda m: m.timestamp_in_session) if is_human(m)]
    if not said:
        return SessionMemoryDraft(summary="")
    words = load_lexicon()
    sentences = _sentences([m.content for m in said], words.stopwords)
    text = "\n".join(m.content for m in said)
    tokens = tokenize(text)
    summary = _summary(sentences, words)
    return SessionMemoryDraft(
        summary=summary,
        key_topics=_key_topics(text, tokens, words),
        detected_emotions=detected_emotions(said, words, use_sentiment=bool(summary)),
        next_steps=_next_steps(sentences, words),
    )


def is_human(message: Message) -> bool:
    """Said by a person: not the AI, not a system notice, not a failed or blank message."""
    return (
        message.speaker != AI_SPEAKER
        and message.type not in _NOT_HUMAN_TYPES
        and message.status != "failed"
        and bool(message.content.strip())
    )


# -- sentences -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _sentence_break() -> re.Pattern[str]:
    return re.compile(r"(?<=[.!?\u2026])[\"'\u201d\u2019)\]]*\s+|\s*\n\s*")


def _split(content: str) -> list[str]:
    pieces: list[str] = []
    for piece in _sentence_break().split(content.strip()):
        piece = piece.strip()
        if not piece:
            continue
        if pieces and pieces[-1].split()[-1].lower() in _ABBREVIATIONS:
            pieces[-1] = f"{pieces[-1]} {piece}"  # "Dr. Patel" is one sentence
        else:
            pieces.append(piece)
    return pieces


def _sentences(contents: Sequence[str], stopwords: frozenset[str]) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    for message, content in enumerate(contents):
        for piece in _split(content):
            if not any(c.isalpha() for c in piece):
                continue
            tokens = tuple(tokenize(piece))
            terms = tuple(_term(t) for t in tokens if _is_content(t, stopwords))
            sentences.append(_Sentence(len(sentences), message, piece, tokens, terms))
    return sentences


def _term(token: str) -> str:
    return token.removesuffix("'s")


def _is_content(token: str, stopwords: frozenset[str]) -> bool:
    return len(token) >= 3 and token not in stopwords and any(c.isalpha() for c in token)


# -- summary ---------------------------------------------------------------------------------------


def _summary(sentences: Sequence[_Sentence], lexicon: Lexicon) -> str:
    """2-4 sentences with at least one content word ("hi", "ok thanks" never make a summary)."""
    eligible = [s for s in sentences if s.terms]
    if not eligible:
        return ""
    scores = _scores(eligible, lexicon)
    want = 2 if len(eligible) <= 6 else 3 if len(eligible) <= 15 else 4
    ranked = sorted(range(len(eligible)), key=lambda i: (-scores[i], i))
    chosen = ranked[:want]
    while len(chosen) > 1 and len(_join(eligible, chosen)) > MAX_SUMMARY_CHARS:
        chosen = chosen[:-1]  # drop the lowest-scoring one
    return _clip(_join(eligible, chosen), MAX_SUMMARY_CHARS)


def _join(sentences: Sequence[_Sentence], chosen: Sequence[int]) -> str:
    return " ".join(sentences[i].text for i in sorted(chosen))


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "\u2026"


def _scores(sentences: Sequence[_Sentence], lexicon: Lexicon) -> list[float]:
    """Mean TF-IDF cosine to the other sentences, scaled down for very short sentences and questions,
    plus small bonuses for naming a feeling or a topic and for being in the first message with content."""
    count = len(sentences)
    document_frequency: Counter[str] = Counter()
    for sentence in sentences:
        document_frequency.update(set(sentence.terms))
    idf = {t: math.log((count + 1) / (df + 1)) + 1.0 for t, df in document_frequency.items()}
    vectors: list[dict[str, float]] = []
    for sentence in sentences:
        weights = {t: n * idf[t] for t, n in Counter(sentence.terms).items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items()})

    # The sum of cosines to all other sentences is v . (sum of all vectors) - v . v: linear, not quadratic.
    total: dict[str, float] = {}
    for vector in vectors:
        for t, w in vector.items():
            total[t] = total.get(t, 0.0) + w
    topics = _topic_keywords()
    lead = sentences[0].message
    scores: list[float] = []
    for sentence, vector in zip(sentences, vectors, strict=True):
        own = sum(w * w for w in vector.values())
        similarity = sum(w * total[t] for t, w in vector.items()) - own
        score = max(0.0, similarity) / (count - 1) if count > 1 else 0.0
        score *= min(1.0, len(sentence.terms) / _FULL_LENGTH_TERMS)
        if sentence.text.rstrip().endswith("?"):
            score *= _QUESTION_FACTOR
        if emotion_hits(sentence.tokens, lexicon) or topics.find(list(sentence.tokens)):
            score += _AFFECT_BONUS
        if sentence.message == lead:
            score += _LEAD_BONUS
        scores.append(score)
    return scores


# -- topics, emotions, next steps ------------------------------------------------------------------


def _key_topics(text: str, tokens: Sequence[str], lexicon: Lexicon) -> list[str]:
    topics = analyze(text).topics[:MAX_TOPICS]
    covered = set(topics)
    for match in _topic_keywords().find(tokens):
        if match.label in covered:  # "sleeping" says nothing the topic "sleep" does not
            covered.update(tokens[match.start : match.start + match.length])
    for match in lexicon.emotions.find(tokens):  # feelings go to detected_emotions
        covered.update(tokens[match.start : match.start + match.length])
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for n, token in enumerate(tokens):
        if token in covered or not _is_content(token, lexicon.stopwords):
            continue
        term = _term(token)
        if term in covered:
            continue
        counts[term] += 1
        first.setdefault(term, n)
    frequent = sorted((t for t, c in counts.items() if c >= 2), key=lambda t: (-counts[t], first[t]))
    return (topics + frequent)[:MAX_TOPICS]


def _next_steps(sentences: Sequence[_Sentence], lexicon: Lexicon) -> list[str]:
    """Up to MAX_NEXT_STEPS sentences with a plan cue: strong cues first, then the later ones (plans
    tend to come at the end of a session); shown in their original order, without repeats."""
    found: dict[str, tuple[int, int]] = {}  # normalised text -> (strength, index)
    for sentence in sentences:
        if sentence.text.rstrip().endswith("?"):
            continue
        normalised = " ".join(sentence.text.replace("\u2019", "'").lower().split())
        cues = lexicon.cues.findall(normalised)
        if not cues:
            continue
        strength = 2 if any(c in lexicon.strong_cues for c in cues) else 1
        found[normalised.rstrip(".!")] = (
            strength,
            sentence.index,
        )  # a repeated plan counts where it was last said
    best = sorted(found.values(), key=lambda s: (-s[0], -s[1]))[:MAX_NEXT_STEPS]
    return [_clip(sentences[i].text, MAX_STEP_CHARS) for _, i in sorted(best, key=lambda s: s[1])]

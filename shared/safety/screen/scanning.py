"""Scanning a message: its sentences and mentions, cached per text. Earlier messages come back on every turn
of a conversation, so their mentions are remembered (up to `CACHE_LIMIT` texts) rather than re-scanned;
the current message also gets its sentiment and topics from the same tokenisation.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from shared.models.messages import Sentiment
from shared.safety.screen.compiled import compiled_rules
from shared.safety.screen.idioms import IDIOM_NEEDS
from shared.safety.screen.sentence_scan import Mention, scan_sentence
from shared.safety.screen.sentences import Sentence, padded, split_sentences
from shared.text.analysis import Analysis, analyze_tokens

_NO_ANALYSIS = Analysis(sentiment=Sentiment(label="neutral", score=0.0), topics=[])


@dataclass(frozen=True)
class Scan:
    mentions: tuple[Mention, ...]
    analysis: Analysis
    figurative: bool  # an idiom with a risk word was seen


CACHE_LIMIT = 2048
_cache: dict[str, tuple[tuple[Mention, ...], bool]] = {}


def _clear_cache() -> None:
    global _cache
    _cache = {}


def _find(sentences: Sequence[Sentence], tokens: Sequence[str]) -> tuple[tuple[Mention, ...], bool]:
    c = compiled_rules()
    mentions: list[Mention] = []
    figurative = False
    if not c.by_token.keys().isdisjoint(tokens) or not IDIOM_NEEDS.isdisjoint(tokens):
        recovered = c.recovered.search(padded(tokens)) is not None
        phrase_hits = c.idiom_phrases.find(tokens)
        starts = [sentence.start for sentence in sentences]
        by_sentence: dict[int, list[tuple[int, int]]] = {}
        for hit in phrase_hits:
            k = bisect.bisect_right(starts, hit.start) - 1
            local = hit.start - starts[k]
            by_sentence.setdefault(k, []).append((local, local + hit.length))
        for index, sentence in enumerate(sentences):
            found, fig = scan_sentence(sentence, index, recovered, c, by_sentence.get(index, ()))
            mentions.extend(found)
            figurative = figurative or fig
    return tuple(mentions), figurative


def _remember(text: str, found: tuple[tuple[Mention, ...], bool]) -> None:
    global _cache
    cache = _cache
    if len(cache) >= CACHE_LIMIT:  # replaced, never mutated while full: safe for concurrent readers
        cache = _cache = {}
    cache[text] = found


def scan_message(text: str) -> Scan:
    """The current message: one tokenisation for the screen, the sentiment and the topics."""
    tokens, sentences = split_sentences(text)
    analysis = analyze_tokens(tokens, text)
    found = _cache.get(text)
    if found is None:
        found = _find(sentences, tokens)
        _remember(text, found)
    return Scan(mentions=found[0], analysis=analysis, figurative=found[1])


def scan_earlier_message(text: str) -> Scan:
    """An earlier message: its mentions only (usually cached from the turn it was sent)."""
    found = _cache.get(text)
    if found is None:
        tokens, sentences = split_sentences(text)
        found = _find(sentences, tokens)
        _remember(text, found)
    return Scan(mentions=found[0], analysis=_NO_ANALYSIS, figurative=found[1])

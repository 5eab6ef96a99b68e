"""Tokenisation and whole-word phrase matching: the one pass every text analysis of the project builds
on (sentiment and topics, the crisis screen, the offline summariser)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple

CLAUSE_MARKS = frozenset(".!?;:,")
WORD_PATTERN = r"\w+(?:['\-]\w+)*|[.!?;:,]"


@lru_cache(maxsize=1)
def _word_regex() -> re.Pattern[str]:
    return re.compile(WORD_PATTERN)


def tokenize(text: str) -> list[str]:
    """Lower-case words (keeping inner apostrophes and hyphens: "don't", "self-care") and the clause
    marks in `CLAUSE_MARKS` as one-character tokens. Curly apostrophes count as straight ones."""
    return _word_regex().findall(text.replace("\u2019", "'").lower())


_Element = tuple[str, bool]  # (word or prefix, is_prefix)
_Phrase = tuple[tuple[_Element, ...], str]  # (elements, label)


class PhraseMatch(NamedTuple):
    label: str
    start: int
    length: int


class PhraseIndex:
    """Whole-word matching of many keywords over `tokenize` output, in one pass.

    A keyword is one or more words; a trailing `*` on a word matches any word with that prefix
    ("anxi*"). At each position the longest keyword wins and its words are consumed, so
    "working out" (self-care) hides "working" (work). Keywords never match across clause marks.
    """

    _CACHE_LIMIT = 50_000

    def __init__(self, keywords: Mapping[str, Iterable[str]]) -> None:
        self._by_word: dict[str, list[_Phrase]] = {}
        self._by_prefix: dict[str, list[_Phrase]] = {}
        for label, words in keywords.items():
            for keyword in words:
                elements = tuple((p.rstrip("*"), p.endswith("*")) for p in keyword.lower().split())
                first, is_prefix = elements[0]
                index = self._by_prefix if is_prefix else self._by_word
                index.setdefault(first, []).append((elements, label))
        self._prefix_lengths = sorted({len(p) for p in self._by_prefix}, reverse=True)
        # Candidate keywords by first word, for every word seen (most have none). Replaced, never
        # mutated in place, when full, so a concurrent `find` keeps a consistent dict.
        self._candidates: dict[str, tuple[_Phrase, ...]] = {}

    def _first(self, word: str) -> tuple[_Phrase, ...]:
        phrases = list(self._by_word.get(word, ()))
        for n in self._prefix_lengths:
            if n <= len(word):
                phrases.extend(self._by_prefix.get(word[:n], ()))
        return tuple(sorted(phrases, key=lambda p: -len(p[0])))

    def find(self, tokens: Sequence[str]) -> list[PhraseMatch]:
        candidates = self._candidates
        unseen = set(tokens).difference(candidates)
        if unseen:
            if len(candidates) + len(unseen) > self._CACHE_LIMIT:
                candidates = self._candidates = {}
                unseen = set(tokens)
            for word in unseen:
                candidates[word] = self._first(word)
        matches: list[PhraseMatch] = []
        n = len(tokens)
        free = 0  # first position not consumed by an earlier match
        for i in [i for i, word in enumerate(tokens) if candidates[word]]:
            if i < free:
                continue
            for elements, label in candidates[tokens[i]]:
                size = len(elements)
                if size == 1 or (i + size <= n and _matches_rest(tokens, i, elements)):
                    matches.append(PhraseMatch(label, i, size))
                    free = i + size
                    break
        return matches


def _matches_rest(tokens: Sequence[str], i: int, elements: tuple[_Element, ...]) -> bool:
    for k in range(1, len(elements)):
        part, is_prefix = elements[k]
        if not (tokens[i + k].startswith(part) if is_prefix else tokens[i + k] == part):
            return False
    return True

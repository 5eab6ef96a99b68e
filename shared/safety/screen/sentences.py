"""Sentences and quotes: one tokenisation of the message, split into sentences (the unit every rule and
qualifier works in), with each token marked inside or outside quotation marks, and laughter emoji noted
per line (they survive only in the raw text).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from shared.safety.screen.wordlists import LAUGH_EMOJI, QUOTE_CHARS, SENTENCE_END
from shared.text.analysis import tokenize


class Sentence(NamedTuple):
    tokens: list[str]
    quoted: list[bool] | None
    laugh: bool
    start: int  # index of its first token in the message's tokens


@lru_cache(maxsize=1)
def _quote_re() -> re.Pattern[str]:
    return re.compile("[" + re.escape("".join(sorted(QUOTE_CHARS))) + "]")


def _split_quotes(line: str) -> list[tuple[str, bool]]:
    """Segments of one line, each marked inside/outside quotes. Quote marks are never part of a token,
    so tokenising the segments gives exactly the tokens of the whole line."""
    marks: list[int] = []
    n = len(line)
    for found in _quote_re().finditer(line):
        i = found.start()
        if line[i] in "'\u2019":  # an apostrophe unless it opens or closes a quotation
            before = line[i - 1] if i else " "
            after = line[i + 1] if i + 1 < n else " "
            if before.isalnum() == after.isalnum():
                continue
        marks.append(i)
    if len(marks) < 2:
        return [(line, False)]
    segments: list[tuple[str, bool]] = []
    last = 0
    inside = False
    pairs = len(marks) - len(marks) % 2
    for i in marks[:pairs]:
        segments.append((line[last:i], inside))
        inside = not inside
        last = i + 1
    segments.append((line[last:], False))
    return segments


def split_sentences(text: str) -> tuple[list[str], list[Sentence]]:
    tokens: list[str] = []
    sentences: list[Sentence] = []
    for line in text.splitlines() or [text]:
        if not line.strip():
            continue
        laugh = not line.isascii() and any(e in line for e in LAUGH_EMOJI)
        quoted: list[bool] | None = None
        if QUOTE_CHARS.isdisjoint(line):
            line_tokens = tokenize(line)
        else:
            line_tokens = []
            quoted = []
            for segment, inside in _split_quotes(line):
                seg_tokens = tokenize(segment)
                line_tokens.extend(seg_tokens)
                quoted.extend([inside] * len(seg_tokens))
            if not any(quoted):
                quoted = None
        base = len(tokens)
        tokens.extend(line_tokens)
        start = 0
        for k, tok in enumerate(line_tokens):
            if tok in SENTENCE_END and k + 1 > start:
                if k > start:
                    sentences.append(
                        Sentence(
                            line_tokens[start : k + 1],
                            quoted[start : k + 1] if quoted else None,
                            laugh,
                            base + start,
                        )
                    )
                start = k + 1
        if start < len(line_tokens):
            sentences.append(
                Sentence(line_tokens[start:], quoted[start:] if quoted else None, laugh, base + start)
            )
    return tokens, sentences


def sentence_string(tokens: Sequence[str]) -> tuple[str, list[int]]:
    offsets = []
    pos = 1
    for tok in tokens:
        offsets.append(pos)
        pos += len(tok) + 1
    return padded(tokens), offsets


def token_at(offsets: list[int], char: int) -> int:
    return max(0, bisect.bisect_right(offsets, char) - 1)


def padded(tokens: Sequence[str]) -> str:
    """Tokens as one string with a space at both ends, the form every pattern is matched against."""
    return " " + " ".join(tokens) + " "

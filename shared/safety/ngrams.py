"""Hashed word n-grams of a message, for the learned part of the crisis screen (`shared/safety/learned.py`).

A message's words (the screen's own tokens, so the text is tokenised once) give unigrams and bigrams; a
bigram never spans a clause mark, and any word with a digit counts as the same word. Each n-gram is
hashed with CRC-32 into `BUCKETS` buckets, so the weights file stores bucket numbers, never words. A
collision between an n-gram seen in training and an unseen one is possible (about one n-gram in 50,000
lands on a kept bucket by chance) and only ever adds a small weight.

`tfidf(tokens, columns, idf)` is the usual sublinear TF-IDF vector, L2-normalised over the kept buckets:
`(1 + log count) * idf`, as a sparse `{column: value}`. It reads the whole message (unlike the embedding,
which reads a bounded number of word pieces), in time linear in its length (well under a millisecond for
2,000 characters).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence

__all__ = ["BUCKETS", "bucket_counts", "tfidf"]

BUCKETS = 1 << 24


def _word(token: str) -> str | None:
    """The token as an n-gram word; None for a clause mark (it ends a bigram)."""
    if not (token[:1].isalnum() or token[:1] == "_"):
        return None
    return "0" if any(c.isdigit() for c in token) else token


def bucket_counts(tokens: Sequence[str]) -> dict[int, int]:
    """How often each n-gram bucket occurs in the tokens (unigrams and bigrams)."""
    counts: dict[int, int] = {}
    previous: str | None = None
    for token in tokens:
        word = _word(token)
        if word is None:
            previous = None
            continue
        grams = (word,) if previous is None else (word, f"{previous} {word}")
        for gram in grams:
            bucket = zlib.crc32(gram.encode("utf-8")) % BUCKETS
            counts[bucket] = counts.get(bucket, 0) + 1
        previous = word
    return counts


def tfidf(tokens: Sequence[str], columns: Mapping[int, int], idf: Sequence[float]) -> dict[int, float]:
    """Sparse sublinear TF-IDF over the kept buckets (`columns`: bucket -> column), L2-normalised; empty
    when the message has none of them."""
    values: dict[int, float] = {}
    for bucket, count in bucket_counts(tokens).items():
        column = columns.get(bucket)
        if column is not None:
            values[column] = (1.0 + math.log(count)) * idf[column]
    norm = math.sqrt(math.fsum(v * v for v in values.values()))
    if norm == 0.0:
        return {}
    return {column: value / norm for column, value in values.items()}

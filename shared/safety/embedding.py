"""One sentence embedding per message, computed once per turn and shared: the crisis screen's learned model
reads it, and memory can store or search with the same vector instead of embedding the text again.

`embed_message(text)` returns a `MessageEmbedding` (a plain value: the vector as a tuple of floats, the
model's name, how many word pieces were read and whether the text was cut). The model is the bundled
all-MiniLM-L6-v2 in NumPy (`shared.memory.embedding.default_embedder`), loaded once per process on first
use; importing this module loads nothing.

Latency: the screen runs inline before every reply, and the forward pass costs about 0.25 ms per word
piece on one core, so a message is embedded from at most `SCREEN_MAX_TOKENS` word pieces ([CLS] and [SEP]
included): all of them when it fits (most chat messages; the vector is then exactly the model's), else its
first `SCREEN_MAX_TOKENS - 2 - SCREEN_TAIL_TOKENS` and its last `SCREEN_TAIL_TOKENS`, so what a long message
ends with (often where the risk is said) is read too. `truncated` is then True, and a caller that needs the
whole text (memory of a long message) may embed it again with the model's own limit. The rules and the
learned model's n-grams always read the whole message.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

__all__ = [
    "SCREEN_MAX_TOKENS",
    "SCREEN_TAIL_TOKENS",
    "MessageEmbedding",
    "embed_message",
    "screen_model_name",
]

SCREEN_MAX_TOKENS = 96
"""Word pieces (with [CLS] and [SEP]) the screen embeds at most: p99 within the 50 ms budget on one core."""
SCREEN_TAIL_TOKENS = 32
"""Of those, how many come from the end of a longer message."""


def screen_model_name(model: str) -> str:
    """How the screen's embeddings are described in stored records (which pieces were read)."""
    head = SCREEN_MAX_TOKENS - 2 - SCREEN_TAIL_TOKENS
    return (
        f"{model}; up to {SCREEN_MAX_TOKENS} tokens (first {head} and last {SCREEN_TAIL_TOKENS} when longer)"
    )


_CACHE_SIZE = 256  # recent texts: a retried post or a second reader in the same turn costs nothing
_lock = threading.Lock()
_cache: OrderedDict[str, MessageEmbedding] = OrderedDict()


def _clear_cache() -> None:
    """Forget the cached embeddings (benchmarks that time cold calls)."""
    with _lock:
        _cache.clear()


@dataclass(frozen=True)
class MessageEmbedding:
    """A message's embedding. `vector` has unit length (dot product = cosine similarity)."""

    vector: tuple[float, ...]
    model: str
    tokens: int  # word pieces embedded, [CLS] and [SEP] included
    truncated: bool  # the text had more than SCREEN_MAX_TOKENS word pieces; only its two ends were read

    @property
    def dimensions(self) -> int:
        return len(self.vector)


def embed_message(text: str) -> MessageEmbedding:
    """The embedding of one message (at most `SCREEN_MAX_TOKENS` word pieces, both ends of a longer one),
    computed once per text in a process (a small cache keeps the last `_CACHE_SIZE`); the text is tokenised
    once. Raises `EmbeddingModelMissingError` when the bundled model is not installed."""
    with _lock:
        found = _cache.get(text)
        if found is not None:
            _cache.move_to_end(text)
            return found
    from shared.memory.embedding import default_embedder  # NumPy and the model load here, once

    embedder = default_embedder()
    vector, count = embedder.embed_ends(text, max_tokens=SCREEN_MAX_TOKENS, tail=SCREEN_TAIL_TOKENS)
    embedding = MessageEmbedding(
        vector=tuple(vector),
        model=screen_model_name(embedder.model),
        tokens=min(count, SCREEN_MAX_TOKENS),
        truncated=count > SCREEN_MAX_TOKENS,
    )
    with _lock:
        _cache[text] = embedding
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return embedding

"""One sentence embedding per message, computed once per turn and shared: the crisis screen's learned model
reads it, and memory can store or search with the same vector instead of embedding the text again.

`embed_message(text)` returns a `MessageEmbedding` (a plain value: the vector as a tuple of floats, the
model's name, how many word pieces were read and whether the text was cut). The model is the bundled
all-MiniLM-L6-v2 in NumPy (`shared.memory.embedding.default_embedder`), loaded once per process on first
use; importing this module loads nothing.

Latency: the screen runs inline before every reply, so a message is embedded from its first
`SCREEN_MAX_TOKENS` word pieces (128, about 500 characters of English; [CLS] and [SEP] included). Most chat
messages are shorter and their vector is exactly the model's; for a longer one `truncated` is True, and a
caller that needs the whole text (memory of a long message) may embed it again with the model's own limit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

__all__ = ["SCREEN_MAX_TOKENS", "MessageEmbedding", "embed_message"]

SCREEN_MAX_TOKENS = 128
"""Word pieces (with [CLS] and [SEP]) the screen embeds: p99 within the inline budget on one core."""

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
    truncated: bool  # the text had more than SCREEN_MAX_TOKENS word pieces; only the first were read

    @property
    def dimensions(self) -> int:
        return len(self.vector)


def embed_message(text: str) -> MessageEmbedding:
    """The embedding of one message (first `SCREEN_MAX_TOKENS` word pieces), computed once per text in a
    process (a small cache keeps the last `_CACHE_SIZE`). Raises `EmbeddingModelMissingError` when the
    bundled model is not installed."""
    with _lock:
        found = _cache.get(text)
        if found is not None:
            _cache.move_to_end(text)
            return found
    from shared.memory.embedding import default_embedder  # NumPy and the model load here, once

    embedder = default_embedder()
    count = embedder.token_count(text)
    vector = embedder.embed([text], max_tokens=SCREEN_MAX_TOKENS)[0]
    embedding = MessageEmbedding(
        vector=tuple(vector),
        model=f"{embedder.model}; first {SCREEN_MAX_TOKENS} tokens",
        tokens=min(count, SCREEN_MAX_TOKENS),
        truncated=count > SCREEN_MAX_TOKENS,
    )
    with _lock:
        _cache[text] = embedding
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return embedding

"""Memory across sessions: what a session leaves behind, and the offline models that produce it.

`summarize` (extractive, pure Python) turns a transcript into a `SessionMemoryDraft`; an `Embedder`
turns texts into vectors for recall, `default_embedder()` being the offline all-MiniLM-L6-v2 in NumPy.
Importing this package loads no model and not NumPy (see docs/memory-models.md).
"""

from shared.memory.embedding import (
    Embedder,
    EmbeddingModelMissingError,
    MiniLMEmbedder,
    default_embedder,
)
from shared.memory.summarize import ExtractiveSummarizer, SessionMemoryDraft, Summarizer, summarize

__all__ = [
    "Embedder",
    "EmbeddingModelMissingError",
    "ExtractiveSummarizer",
    "MiniLMEmbedder",
    "SessionMemoryDraft",
    "Summarizer",
    "default_embedder",
    "summarize",
]

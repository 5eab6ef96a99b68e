"""An embedder wrapper that remembers vectors on disk between benchmark runs (tuning reruns are cheap)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from shared.memory.embedding import Embedder


class CachedEmbedder:
    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.model = inner.model
        self.dimensions = inner.dimensions
        self.path = path
        self.vectors: dict[str, list[float]] = json.loads(path.read_text()) if path.is_file() else {}
        self.misses = 0

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        missing = [t for t in texts if self._key(t) not in self.vectors]
        if missing:
            self.misses += len(missing)
            for text, vector in zip(missing, self.inner.embed(missing), strict=True):
                self.vectors[self._key(text)] = vector
        return [self.vectors[self._key(t)] for t in texts]

    def save(self) -> None:
        if self.misses:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.vectors))

"""Cutting a knowledge-base document into chunks the retrieval engine indexes.

A chunk is a run of whole paragraphs (blank-line separated; a markdown heading starts a new one) of about
TARGET_CHARS characters; a paragraph longer than that is cut between sentences. Each chunk's text starts
with the document title and the nearest heading, so a chunk read alone (in a prompt, in a search hit)
says what it is about, and a query naming the topic matches it lexically. A document never has more than
MAX_CHUNKS chunks: longer texts get longer chunks (the bound of the item store's per-set writes).

Chunks are memory items of kind "kb" in their own namespace (`KB_NAMESPACE`, in the kb collections),
with the document id as their set id: re-chunking the same text gives the same ids and texts.
"""

from __future__ import annotations

import hashlib
import math
import re

from shared.memory.retrieval.items import MAX_ITEMS_PER_SESSION, MemoryItem, make_item

KB_NAMESPACE = "app"
"""The item store's owner key for the app's knowledge (kb collections only; never a user's id)."""
TARGET_CHARS = 900
MAX_CHUNKS = MAX_ITEMS_PER_SESSION
CHUNKER_VERSION = "kb-chunks-1"
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _paragraphs(text: str) -> list[tuple[str | None, str]]:
    """(heading in force, paragraph) pairs, in order; headings themselves are not paragraphs."""
    heading: str | None = None
    out: list[tuple[str | None, str]] = []
    lines: list[str] = []

    def flush() -> None:
        body = " ".join(" ".join(lines).split())
        if body:
            out.append((heading, body))
        lines.clear()

    for line in text.splitlines():
        found = _HEADING.match(line)
        if found:
            flush()
            heading = found.group(1).strip()
        elif not line.strip():
            flush()
        else:
            lines.append(line)
    flush()
    return out


def _pieces(paragraph: str, limit: int) -> list[str]:
    """A paragraph cut between sentences into pieces of at most `limit` characters (a longer sentence
    is cut between words)."""
    if len(paragraph) <= limit:
        return [paragraph]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(paragraph):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            head, sentence = sentence[:cut].strip(), sentence[cut:].strip()
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def chunk_texts(*, title: str, text: str) -> list[str]:
    """The document's chunk texts, each headed by the title (and section heading), at most MAX_CHUNKS."""
    body_chars = sum(len(p) + 1 for _, p in _paragraphs(text))
    target = max(TARGET_CHARS, math.ceil(body_chars / (MAX_CHUNKS - 5)))
    chunks: list[tuple[str | None, str]] = []
    for heading, paragraph in _paragraphs(text):
        for piece in _pieces(paragraph, target):
            if chunks and chunks[-1][0] == heading and len(chunks[-1][1]) + 1 + len(piece) <= target:
                chunks[-1] = (heading, f"{chunks[-1][1]}\n{piece}")
            else:
                chunks.append((heading, piece))
    while len(chunks) > MAX_CHUNKS:  # only with pathological cuts: merge the smallest neighbours
        smallest = min(range(len(chunks) - 1), key=lambda i: len(chunks[i][1]) + len(chunks[i + 1][1]))
        merged = (chunks[smallest][0], f"{chunks[smallest][1]}\n{chunks[smallest + 1][1]}")
        chunks[smallest : smallest + 2] = [merged]
    return [
        f"{title} — {heading}\n{body}" if heading and heading.lower() != title.lower() else f"{title}\n{body}"
        for heading, body in chunks
    ]


def chunk_items(*, document_id: str, title: str, text: str) -> list[MemoryItem]:
    """The document's chunks as kb items (ids `{documentId}-{NNN}`, source = the document id)."""
    return [
        make_item(
            user_id=KB_NAMESPACE,
            session_id=document_id,
            position=position,
            speakers=[],
            date=None,
            text=chunk,
            kind="kb",
            source=document_id,
        )
        for position, chunk in enumerate(chunk_texts(title=title, text=text))
    ]


def document_digest(*, title: str, text: str, embedding_model: str) -> str:
    """Same title, text, chunker and embedding model = same digest = nothing to write."""
    canonical = "\0".join((CHUNKER_VERSION, embedding_model, title, text))
    return hashlib.sha256(canonical.encode()).hexdigest()

"""The app's knowledge base: documents admins manage, the chunks search and replies are grounded on.

`kbDocuments/{id}` is described by `KbDocument` (stored without `id`). Per-app, never per user: no
document names a user, so an account's erasure has nothing to do here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from shared.models.base import ApiModel, Pagination

MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 60_000
"""A document's text bound: 60 chunks of ~1,000 characters (the item store's per-set bound), and a
request body under the API's 64 KiB limit. Longer material is split into several documents."""
MAX_SOURCE_CHARS = 300

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE_CHARS)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT_CHARS)]


class KbDocumentRequest(ApiModel):
    """`POST /admin/kb/documents` and `PUT /admin/kb/documents/{id}`: the whole document (text or markdown)."""

    title: Title
    text: Text


class KbDocumentSummary(ApiModel):
    """A document without its text (what lists show)."""

    id: str
    title: str
    chars: int = Field(ge=0, description="Length of the text in characters.")
    chunks: int = Field(ge=0, description="Searchable chunks the text was cut into.")
    source: str | None = Field(default=None, description="The imported file's relative path, if imported.")
    embedding_model: str
    created_at: datetime
    updated_at: datetime


class KbDocument(KbDocumentSummary):
    """The `kbDocuments/{id}` document and the API's document object."""

    text: str
    digest: str = Field(
        description="Hash of title, text, chunking and embedding model (unchanged = no writes)."
    )


class KbDocumentResponse(ApiModel):
    success: bool = True
    document: KbDocument


class KbListQuery(ApiModel):
    page: int = Field(default=1, ge=1, le=10_000)
    limit: int = Field(default=20, ge=1, le=100)


class KbDocumentListResponse(ApiModel):
    success: bool = True
    documents: list[KbDocumentSummary] = Field(description="Most recently updated first.")
    pagination: Pagination


class KbDeleteResponse(ApiModel):
    success: bool = True
    document_id: str
    chunks: int = Field(ge=0, description="Chunks removed from the index.")


class KbSearchQuery(ApiModel):
    query: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    limit: int = Field(default=5, ge=1, le=10)


class KbSearchHit(ApiModel):
    """One document found, with its best matching chunk."""

    document_id: str
    title: str
    chunk_id: str
    snippet: str
    score: float = Field(ge=0, le=1, description="Relative to the best hit (1.0).")


class KbSearchResponse(ApiModel):
    success: bool = True
    results: list[KbSearchHit]


class KnowledgeCitation(ApiModel):
    """A knowledge-base chunk a reply was grounded on."""

    document_id: str
    chunk_id: str
    title: str


class MessageMetadata(ApiModel):
    """Server-written facts about how an AI reply was made."""

    knowledge: list[KnowledgeCitation] = Field(
        default_factory=list, description="Knowledge-base chunks given to the model for this reply."
    )

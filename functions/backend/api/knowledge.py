"""The app's knowledge base: admins manage documents (`admin_api`), signed-in users search it
(`users_api`, `/api/v1/kb/**`). Replies are grounded on it by the conversation (shared/conversation/grounding.py).

Writes are idempotent: PUT with the same content writes nothing; POST with an Idempotency-Key names its
document, so a retry answers the document it made. Bad input is a 4xx before anything is written.
"""

from __future__ import annotations

from backend import logs
from backend.http.routing import API_PREFIX, Call, Response, Route
from backend.wiring import knowledge_base
from shared.errors import IdempotencyKeyReused, NotFound, ValidationFailed
from shared.models.base import Pagination
from shared.models.knowledge import (
    KbDeleteResponse,
    KbDocumentListResponse,
    KbDocumentRequest,
    KbDocumentResponse,
    KbListQuery,
    KbSearchHit,
    KbSearchQuery,
    KbSearchResponse,
)

ADMIN_GROUP = "admin"
USERS_GROUP = "users"
DOCUMENTS = f"{API_PREFIX}/admin/kb/documents"


def add_document(call: Call) -> Response:
    """201 with the new document; 200 with the same one for a retried Idempotency-Key."""
    body: KbDocumentRequest = call.body
    key = call.idempotency.key if call.idempotency is not None else None
    document, created = knowledge_base().add(title=body.title, text=body.text, idempotency_key=key)
    if created:
        logs.info("kb document added", documentId=document.id, chunks=document.chunks, adminId=call.uid)
    return Response(body=KbDocumentResponse(document=document).wire(), status=201 if created else 200)


def list_documents(call: Call) -> KbDocumentListResponse:
    query: KbListQuery = call.query
    documents, total = knowledge_base().documents.page(page=query.page, limit=query.limit)
    return KbDocumentListResponse(
        documents=documents, pagination=Pagination.of(page=query.page, limit=query.limit, total=total)
    )


def get_document(call: Call) -> KbDocumentResponse:
    return KbDocumentResponse(document=knowledge_base().get(document_id=call.params["documentId"]))


def replace_document(call: Call) -> KbDocumentResponse:
    body: KbDocumentRequest = call.body
    document = knowledge_base().replace(
        document_id=call.params["documentId"], title=body.title, text=body.text
    )
    logs.info("kb document replaced", documentId=document.id, chunks=document.chunks, adminId=call.uid)
    return KbDocumentResponse(document=document)


def delete_document(call: Call) -> KbDeleteResponse:
    document_id = call.params["documentId"]
    chunks = knowledge_base().remove(document_id=document_id)
    logs.info("kb document deleted", documentId=document_id, chunks=chunks, adminId=call.uid)
    return KbDeleteResponse(document_id=document_id, chunks=chunks)


def search(call: Call) -> KbSearchResponse:
    query: KbSearchQuery = call.query
    matches = knowledge_base().search(query=query.query, limit=query.limit)
    top = matches[0].score if matches else 1.0
    return KbSearchResponse(
        results=[
            KbSearchHit(
                document_id=m.document_id,
                title=m.title,
                chunk_id=m.chunk_id,
                snippet=m.text,
                score=round(min(1.0, m.score / top), 4) if top > 0 else 0.0,
            )
            for m in matches
        ]
    )


ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        DOCUMENTS,
        add_document,
        "Add a knowledge-base document (text or markdown); its chunks are indexed for search and grounding",
        ADMIN_GROUP,
        KbDocumentResponse,
        body=KbDocumentRequest,
        status=201,
        access="admin",
        idempotent=True,
        errors=(ValidationFailed, IdempotencyKeyReused),
        other_statuses=(200,),
    ),
    Route(
        "GET",
        DOCUMENTS,
        list_documents,
        "Knowledge-base documents without their text, most recently updated first",
        ADMIN_GROUP,
        KbDocumentListResponse,
        query=KbListQuery,
        access="admin",
    ),
    Route(
        "GET",
        f"{DOCUMENTS}/{{documentId}}",
        get_document,
        "One knowledge-base document with its text",
        ADMIN_GROUP,
        KbDocumentResponse,
        access="admin",
        errors=(NotFound,),
    ),
    Route(
        "PUT",
        f"{DOCUMENTS}/{{documentId}}",
        replace_document,
        "Replace a knowledge-base document (title and text); the same content writes nothing",
        ADMIN_GROUP,
        KbDocumentResponse,
        body=KbDocumentRequest,
        access="admin",
        errors=(NotFound, ValidationFailed),
    ),
    Route(
        "DELETE",
        f"{DOCUMENTS}/{{documentId}}",
        delete_document,
        "Delete a knowledge-base document and its chunks",
        ADMIN_GROUP,
        KbDeleteResponse,
        access="admin",
        errors=(NotFound,),
    ),
    Route(
        "GET",
        f"{API_PREFIX}/kb/search",
        search,
        "Search the app's knowledge base (hybrid lexical + semantic), one hit per document, best first",
        USERS_GROUP,
        KbSearchResponse,
        query=KbSearchQuery,
    ),
)

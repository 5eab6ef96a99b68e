"""The knowledge base (shared/knowledge) on the in-memory item store: chunking, idempotent writes,
search by a rare word, replacement and deletion, and grounding a reply with its citations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pytest

from shared.conversation.grounding import KnowledgeBaseGrounding, KnowledgeGrounding, reply_metadata
from shared.conversation.provider import KnowledgeChunk, ReplyRequest
from shared.conversation.turns import ConversationService
from shared.errors import IdempotencyKeyReused, NotFound, ValidationFailed
from shared.knowledge.chunks import KB_NAMESPACE, MAX_CHUNKS, chunk_items, chunk_texts
from shared.knowledge.service import KbMatch, KnowledgeBase, KnowledgeDocuments
from shared.memory.retrieval.port import InMemoryItemStore
from shared.models.knowledge import MAX_TEXT_CHARS, KbDocument, KbDocumentSummary
from shared.models.messages import PostMessageRequest
from shared.settings import Settings
from tests.support.fakes import FakeClock, InMemoryMessageStore, InMemorySafetyGateway, ScriptedProvider
from tests.unit.test_memory_retrieval import HashEmbedder
from tests.unit.test_turns import OWNER, SID, make_session

NOW = datetime(2026, 6, 1, 12)
GUIDE = """# Breathing exercises

## Box breathing
Breathe in for four counts, hold for four, breathe out for four and hold again. Repeat for two minutes.

## Grounding with the senses
Name five things you can see, four you can touch, three you can hear, two you can smell and one you can taste.
"""
BILLING = """# Billing
Credits are bought in packs from the store page. A refund is possible within fourteen days when the
credits were not used. Receipts are sent by the payment provider Zorblax.
"""


class InMemoryDocuments(KnowledgeDocuments):
    def __init__(self) -> None:
        self.docs: dict[str, KbDocument] = {}
        self.saves = 0

    def get(self, document_id: str) -> KbDocument | None:
        return self.docs.get(document_id)

    def titles(self, document_ids: Sequence[str]) -> dict[str, str]:
        return {d: self.docs[d].title for d in document_ids if d in self.docs}

    def page(self, *, page: int, limit: int) -> tuple[list[KbDocumentSummary], int]:
        ordered = sorted(self.docs.values(), key=lambda d: d.updated_at, reverse=True)
        chosen = ordered[(page - 1) * limit : page * limit]
        return [
            KbDocumentSummary.model_validate(d.model_dump(exclude={"text", "digest"})) for d in chosen
        ], len(ordered)

    def save(self, document: KbDocument) -> None:
        self.saves += 1
        self.docs[document.id] = document

    def delete(self, document_id: str) -> None:
        self.docs.pop(document_id, None)


def knowledge() -> tuple[KnowledgeBase, InMemoryDocuments, InMemoryItemStore]:
    documents, store = InMemoryDocuments(), InMemoryItemStore()
    embedder = HashEmbedder()
    return (
        KnowledgeBase(documents=documents, store=store, embedder=lambda: embedder, clock=lambda: NOW),
        documents,
        store,
    )


# -- chunking ----------------------------------------------------------------------------------


def test_chunks_carry_the_title_and_their_section_heading() -> None:
    texts = chunk_texts(title="Coping guide", text=GUIDE)
    assert len(texts) == 2, "each section is its own chunk"
    assert texts[0].startswith("Coping guide — Box breathing\n")
    assert texts[1].startswith("Coping guide — Grounding with the senses\n")
    assert chunk_texts(title="Billing", text=BILLING)[0].startswith("Billing\nCredits"), "no heading twice"
    assert "four counts" in texts[0] and "five things" in texts[1]


def test_a_longest_document_stays_within_the_chunk_bound_and_loses_no_text() -> None:
    sentence = "The quick brown fox jumps over the lazy dog near the riverbank at dawn. "
    text = (sentence * (MAX_TEXT_CHARS // len(sentence)))[:MAX_TEXT_CHARS]
    texts = chunk_texts(title="Long", text=text)
    assert len(texts) <= MAX_CHUNKS
    body = " ".join(t.split("\n", 1)[1].replace("\n", " ") for t in texts)
    assert len(body.split()) == len(text.split()), "every word is in some chunk"


def test_chunk_items_are_kb_items_with_stable_ids() -> None:
    first = chunk_items(document_id="doc1", title="Guide", text=GUIDE)
    again = chunk_items(document_id="doc1", title="Guide", text=GUIDE)
    assert [i.id for i in first] == ["doc1-000", "doc1-001"] == [i.id for i in again]
    assert {(i.kind, i.user_id, i.source, i.session_id) for i in first} == {
        ("kb", KB_NAMESPACE, "doc1", "doc1")
    }


# -- writes ------------------------------------------------------------------------------------


def test_added_document_is_found_by_a_rare_word_and_titled() -> None:
    kb, _, _ = knowledge()
    kb.add(title="Coping guide", text=GUIDE)
    billing, created = kb.add(title="Billing", text=BILLING)
    assert created
    found = kb.search(query="who sends the Zorblax receipts", limit=5)
    assert found[0].document_id == billing.id
    assert found[0].title == "Billing" and "Zorblax" in found[0].text


QUERY = "qx7road"


class LookAlikeEmbedder:
    """Puts the query and every chunk that mentions "lookalike" on one vector, everything else on
    another: a base whose dense neighbours are all look-alikes, as fuzzed or duplicated content makes it."""

    model = "test-lookalike"
    dimensions = 2

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [[1.0, 0.0] if "lookalike" in t or t == QUERY else [0.0, 1.0] for t in texts]


def test_an_identifier_finds_its_holder_first_when_look_alikes_fill_the_dense_neighbours() -> None:
    documents, store = InMemoryDocuments(), InMemoryItemStore()
    embedder = LookAlikeEmbedder()
    kb = KnowledgeBase(documents=documents, store=store, embedder=lambda: embedder, clock=lambda: NOW)
    for n in range(15):  # 30 chunks, each document twice in the dense neighbours
        kb.add(title=f"Notes {n}", text=f"# One\nA lookalike page {n}.\n\n# Two\nAnother lookalike part {n}.")
    holder, _ = kb.add(title="Billing", text=BILLING + f"Quote the code {QUERY} on the form.")
    neighbours = store.nearest(user_id=KB_NAMESPACE, vector=[1.0, 0.0], model=embedder.model, limit=20)
    assert holder.id not in {hit.item.session_id for hit in neighbours}, "not among the dense neighbours"
    found = kb.search(query=QUERY, limit=5)
    assert found[0].document_id == holder.id and QUERY in found[0].text


def test_replacing_with_the_same_content_writes_nothing() -> None:
    kb, documents, store = knowledge()
    document, _ = kb.add(title="Billing", text=BILLING)
    items_before, saves_before = dict(store.items), documents.saves
    again = kb.replace(document_id=document.id, title="Billing", text=BILLING)
    assert again == document
    assert store.items == items_before and documents.saves == saves_before


def test_replacing_removes_the_old_chunks_from_search() -> None:
    kb, _, store = knowledge()
    document, _ = kb.add(title="Billing", text=BILLING)
    kb.replace(document_id=document.id, title="Billing", text="# Billing\nPayments go through Quuxpay now.")
    assert all("Zorblax" not in m.text for m in kb.search(query="Zorblax", limit=5)), "the old text is gone"
    assert kb.search(query="Quuxpay", limit=5)[0].document_id == document.id
    assert store.term_stats(user_id=KB_NAMESPACE, terms=["zorblax"]).df == {}


def test_deleting_removes_chunks_statistics_and_record() -> None:
    kb, documents, store = knowledge()
    document, _ = kb.add(title="Billing", text=BILLING)
    assert kb.remove(document_id=document.id) == document.chunks
    assert not store.items and not documents.docs
    assert kb.is_empty()
    with pytest.raises(NotFound):
        kb.remove(document_id=document.id)


def test_an_idempotency_key_names_one_document() -> None:
    kb, documents, _ = knowledge()
    first, created = kb.add(title="Billing", text=BILLING, idempotency_key="k-1")
    again, created_again = kb.add(title="Billing", text=BILLING, idempotency_key="k-1")
    assert created and not created_again and again == first
    with pytest.raises(IdempotencyKeyReused):
        kb.add(title="Billing", text=BILLING + " More.", idempotency_key="k-1")
    assert len(documents.docs) == 1


def test_a_text_of_headings_only_writes_nothing() -> None:
    kb, documents, store = knowledge()
    with pytest.raises(ValidationFailed):
        kb.add(title="Empty", text="# Only\n## Headings")
    assert not documents.docs and not store.items


def test_replacing_a_missing_document_is_not_found_and_writes_nothing() -> None:
    kb, documents, store = knowledge()
    with pytest.raises(NotFound):
        kb.replace(document_id="nope", title="T", text="Some text.")
    assert not documents.docs and not store.items


def test_knowledge_never_reaches_a_users_memory_namespace() -> None:
    kb, _, store = knowledge()
    kb.add(title="Billing", text=BILLING)
    from shared.memory.retrieval.engine import RetrievalEngine

    engine = RetrievalEngine(store=store, embedder=HashEmbedder())
    assert engine.search(user_id="some-user", query="Zorblax receipts", now=NOW) == []


# -- grounding ---------------------------------------------------------------------------------


def _match(similarity: float, document_id: str = "d1") -> KbMatch:
    return KbMatch(
        document_id=document_id,
        title="T",
        chunk_id=f"{document_id}-000",
        text="x" * 3000,
        score=1.0,
        similarity=similarity,
    )


class StubKnowledge:
    def __init__(self, matches: list[KbMatch], empty: bool = False, fail: bool = False) -> None:
        self.matches, self.empty, self.fail, self.searched = matches, empty, fail, 0

    def is_empty(self) -> bool:
        return self.empty

    def search(self, *, query: str, limit: int) -> list[KbMatch]:
        self.searched += 1
        if self.fail:
            raise ConnectionError("down")
        return self.matches[:limit]


def test_grounding_keeps_only_close_chunks_and_clips_them() -> None:
    stub = StubKnowledge([_match(0.8, "near"), _match(0.1, "far")])
    grounding = KnowledgeBaseGrounding(knowledge=lambda: stub)  # type: ignore[arg-type,return-value]
    chunks = grounding.chunks(query="how do refunds work")
    assert [c.document_id for c in chunks] == ["near"]
    assert len(chunks[0].text) <= 1000


def test_grounding_on_an_empty_base_does_not_search_and_failures_are_ungrounded() -> None:
    empty = StubKnowledge([_match(0.9)], empty=True)
    assert KnowledgeBaseGrounding(knowledge=lambda: empty).chunks(query="hi") == []  # type: ignore[arg-type,return-value]
    assert empty.searched == 0
    broken = StubKnowledge([], fail=True)
    assert KnowledgeBaseGrounding(knowledge=lambda: broken).chunks(query="hi") == []  # type: ignore[arg-type,return-value]


def test_an_empty_base_is_asked_again_only_after_the_recheck_interval() -> None:
    now = [0.0]
    stub = StubKnowledge([_match(0.9, "faq")], empty=True)
    asked = []
    grounding = KnowledgeBaseGrounding(
        knowledge=lambda: asked.append(1) or stub,  # type: ignore[arg-type,return-value,func-returns-value]
        empty_recheck_seconds=60,
        monotonic=lambda: now[0],
    )
    assert grounding.chunks(query="how do refunds work") == []
    stub.empty = False  # an admin adds a first document
    now[0] = 59.0
    assert grounding.chunks(query="how do refunds work") == [] and len(asked) == 1
    now[0] = 61.0
    assert [c.document_id for c in grounding.chunks(query="how do refunds work")] == ["faq"]
    assert len(asked) == 2


def test_the_prompt_cites_each_chunk_by_document_id() -> None:
    chunk = KnowledgeChunk(
        document_id="doc9", chunk_id="doc9-001", title="Billing", text="Billing\nRefunds: 14 days."
    )
    request = ReplyRequest(persona_prompt="You are Emma.", avatar_name="Emma", history=[], knowledge=[chunk])
    system = request.messages()[0].content
    assert "[doc:doc9] Billing\nRefunds: 14 days." in system
    metadata = reply_metadata([chunk])
    assert metadata is not None
    assert metadata.wire() == {
        "knowledge": [{"documentId": "doc9", "chunkId": "doc9-001", "title": "Billing"}]
    }
    assert reply_metadata([]) is None


class FixedGrounding(KnowledgeGrounding):
    def __init__(self, chunks: list[KnowledgeChunk]) -> None:
        self.fixed, self.asked = chunks, []  # type: list[KnowledgeChunk], list[str]

    def chunks(self, *, query: str) -> list[KnowledgeChunk]:
        self.asked.append(query)
        return self.fixed


class RecordingStore(InMemoryMessageStore):
    prompts: dict[str, str]

    def record_prompt(self, session_id: str, reply_id: str, prompt: list, model: str) -> None:  # type: ignore[type-arg]
        self.prompts = {**getattr(self, "prompts", {}), reply_id: "\n".join(t.content for t in prompt)}


def test_a_grounded_reply_cites_the_document_in_its_prompt_and_metadata() -> None:
    clock = FakeClock()
    store = RecordingStore({SID: make_session(clock)})
    chunk = KnowledgeChunk(
        document_id="docA", chunk_id="docA-000", title="Billing", text="Refunds take 14 days."
    )
    grounding = FixedGrounding([chunk])
    service = ConversationService(
        store=store,
        provider=ScriptedProvider(["Sure."], clock),
        safety=InMemorySafetyGateway(store.sessions, clock),
        settings=Settings(record_prompts=True),
        clock=clock.wall,
        monotonic=clock.monotonic,
        grounding=grounding,
    )
    request = PostMessageRequest.model_validate(
        {"content": "How long do refunds take?", "clientMessageId": "c1"}
    )
    result = service.post(user_id=OWNER, session_id=SID, request=request)
    assert grounding.asked == ["How long do refunds take?"]
    assert result.reply is not None and result.reply.metadata is not None
    assert [c.document_id for c in result.reply.metadata.knowledge] == ["docA"]
    assert "[doc:docA] Refunds take 14 days." in store.prompts[result.reply.id]


def test_a_search_reads_a_bounded_number_of_chunks_however_large_the_base() -> None:
    kb, _, store = knowledge()
    for n in range(100):  # 200 chunks
        kb.add(title=f"Guide {n}", text=GUIDE + f"\n\nExtra note {n} about breathing and refunds.")
    store.reads = 0
    kb.search(query="how long should box breathing last before a refund", limit=5)
    assert store.reads <= 58, "statistics + two lexical queries + the vector query, never the whole base"

"""Hybrid retrieval over memory items: BM25 on a bounded candidate set, dense vector search, reciprocal
rank fusion, results grouped per session.

Cost of one `search` (whatever the store): one term-statistics read (the Firestore adapter reads at most
one small shard document per distinct shard of the query's terms, <= 8), two `array_contains_any`
queries of LEXICAL_LIMIT items each on the query's rarest terms, and one vector query of DENSE_LIMIT items
(split with a date-filtered one when the question names a time): at most 8 + 2*15 + 20 = 58 documents.
The user's history is never scanned: BM25 is computed on the candidates, with the user's real document
frequencies from the statistics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from shared.memory.embedding import Embedder
from shared.memory.retrieval.items import MemoryItem
from shared.memory.retrieval.port import ItemStore, TermStats
from shared.memory.retrieval.terms import term_counts
from shared.memory.retrieval.timewords import DateWindow, date_window

LEXICAL_LIMIT = 15
DENSE_LIMIT = 20
WINDOW_DENSE_LIMIT = 8
RARE_TERMS = 3
MAX_QUERY_TERMS = 13
K1, B = 1.2, 0.75
RRF_K = 20
LEXICAL_WEIGHT = 1.0
DENSE_WEIGHT = 1.0
TIME_WEIGHT = 0.6
COVERAGE_WEIGHT = 0.0
"""Weight of the list of items holding every known term of the query. Off for memory: paraphrased
questions rarely share all their words with the answer, and on the recall benchmark the list cost
recall@5 (0.925 -> 0.895). The knowledge base turns it on: a query there is often an identifier (a
product name, an error code, a receipt word) whose holder must come first whatever the dense neighbours."""
SECOND_ITEM_WEIGHT = 0.25
"""A session's score is its best item's plus this share of its second best: a session that holds the
topic in two places beats one lucky window, but one strong window still wins over many weak ones."""


@dataclass(frozen=True)
class SessionMatch:
    """One past session found for a query: the best matching item's text, and the session's date."""

    session_id: str
    score: float
    snippet: str
    date: datetime | None
    item_ids: list[str] = field(default_factory=list)


@dataclass
class SearchTrace:
    """What one search did, for cost accounting and the benchmark."""

    query_terms: list[str] = field(default_factory=list)
    lexical_terms: list[list[str]] = field(default_factory=list)
    window: DateWindow | None = None
    candidates: int = 0
    similarity: dict[str, float] = field(default_factory=dict)
    """Cosine similarity of each item the vector search returned (callers may demand a minimum)."""


def bm25(item: MemoryItem, query: Sequence[str], stats: TermStats) -> float:
    score = 0.0
    norm = K1 * (1 - B + B * item.length / max(stats.average_length, 1.0))
    for term in query:
        tf = item.term_freqs.get(term, 0)
        if tf:
            score += stats.idf(term) * tf * (K1 + 1) / (tf + norm)
    return score


def _ranks(scored: Sequence[tuple[str, float]]) -> dict[str, int]:
    ordered = sorted(scored, key=lambda pair: (-pair[1], pair[0]))
    return {key: rank for rank, (key, _) in enumerate(ordered)}


class RetrievalEngine:
    """Indexes finished sessions' items and searches them; pure, the store and embedder are injected."""

    def __init__(
        self,
        *,
        store: ItemStore,
        embedder: Embedder,
        lexical_weight: float = LEXICAL_WEIGHT,
        dense_weight: float = DENSE_WEIGHT,
        coverage_weight: float = COVERAGE_WEIGHT,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.lexical_weight = lexical_weight
        self.dense_weight = dense_weight
        self.coverage_weight = coverage_weight

    def index(self, *, items: Sequence[MemoryItem], digest: str) -> int:
        """Embed and store one session's items (one embedding call); answers how many were written."""
        if not items:
            return 0
        vectors = self.embedder.embed([i.text for i in items])
        stamped = [i.model_copy(update={"embedding_model": self.embedder.model}) for i in items]
        return len(stamped) if self.store.put_session(items=stamped, vectors=vectors, digest=digest) else 0

    def search(
        self, *, user_id: str, query: str, now: datetime, limit: int = 5, trace: SearchTrace | None = None
    ) -> list[SessionMatch]:
        trace = trace if trace is not None else SearchTrace()
        counts = term_counts(query)
        query_terms = list(counts)
        trace.window = window = date_window(query, now=now)
        items: dict[str, MemoryItem] = {}
        lists: list[tuple[float, dict[str, int]]] = []

        if query_terms:
            stats = self.store.term_stats(user_id=user_id, terms=query_terms)
            known = sorted((t for t in query_terms if stats.df.get(t)), key=lambda t: (stats.df[t], t))
            known = known[:MAX_QUERY_TERMS]
            trace.query_terms = known
            groups = [known[:RARE_TERMS], known[RARE_TERMS:]]
            for group in (g for g in groups if g):
                trace.lexical_terms.append(group)
                for item in self.store.with_any_term(user_id=user_id, terms=group, limit=LEXICAL_LIMIT):
                    items[item.id] = item
            lexical = [(i.id, bm25(i, known, stats)) for i in items.values()]
            lists.append((self.lexical_weight, _ranks([p for p in lexical if p[1] > 0])))
            if self.coverage_weight and known:
                covering = [i.id for i in items.values() if all(t in i.term_freqs for t in known)]
                lists.append((self.coverage_weight, dict.fromkeys(covering, 0)))

        vector = self.embedder.embed([query])[0]
        dense_limit = DENSE_LIMIT - (WINDOW_DENSE_LIMIT if window else 0)
        dense = self.store.nearest(
            user_id=user_id, vector=vector, model=self.embedder.model, limit=dense_limit
        )
        for hit in dense:
            items[hit.item.id] = hit.item
            trace.similarity[hit.item.id] = hit.similarity
        lists.append((self.dense_weight, _ranks([(h.item.id, h.similarity) for h in dense])))
        if window is not None:
            dated = self.store.nearest(
                user_id=user_id,
                vector=vector,
                model=self.embedder.model,
                limit=WINDOW_DENSE_LIMIT,
                window=window,
            )
            for hit in dated:
                items[hit.item.id] = hit.item
            in_window = [(i.id, 1.0) for i in items.values() if window.contains(i.date)]
            dated_ranks = _ranks([(h.item.id, h.similarity) for h in dated])
            for key, _ in in_window:
                dated_ranks.setdefault(key, len(dated_ranks))
            lists.append((TIME_WEIGHT, dated_ranks))
        trace.candidates = len(items)

        fused: dict[str, float] = {}
        for weight, ranks in lists:
            for key, rank in ranks.items():
                fused[key] = fused.get(key, 0.0) + weight / (RRF_K + rank + 1)
        return group_by_session(items, fused, limit)


def group_by_session(items: dict[str, MemoryItem], fused: dict[str, float], limit: int) -> list[SessionMatch]:
    per_session: dict[str, list[tuple[float, MemoryItem]]] = {}
    for key, score in fused.items():
        item = items[key]
        per_session.setdefault(item.session_id, []).append((score, item))
    matches = []
    for session_id, scored in per_session.items():
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        best = scored[0][1]
        score = scored[0][0] + (SECOND_ITEM_WEIGHT * scored[1][0] if len(scored) > 1 else 0.0)
        matches.append(
            SessionMatch(
                session_id=session_id,
                score=round(score, 6),
                snippet=best.text,
                date=best.date,
                item_ids=[i.id for _, i in scored],
            )
        )
    matches.sort(key=lambda m: (-m.score, m.session_id))
    return matches[:limit]

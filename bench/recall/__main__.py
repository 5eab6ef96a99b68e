"""`python -m bench.recall`: recall@1/@5 of the memory retrieval engine on generated multi-session
conversations, next to plain BM25 over whole session transcripts and "the last 3 sessions", all computed in
this run on the same questions.

People are split: the first `--dev` people were used to tune the engine's constants; figures are reported
for the others (held out). Offline and in-process (in-memory item store, the offline MiniLM embedder); no
emulator needed. A question counts as found at k when any session holding its answer is in the top k.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.recall.cache import CachedEmbedder
from bench.recall.generate import Person, Question, generate
from shared.memory.embedding import Embedder, default_embedder
from shared.memory.retrieval.engine import RetrievalEngine, SearchTrace
from shared.memory.retrieval.items import window_items
from shared.memory.retrieval.port import InMemoryItemStore

Ranker = Callable[[Question], list[str]]


def _plain_tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def bm25_ranker(people: Sequence[Person]) -> Ranker:
    """Plain BM25 (rank-bm25's Okapi, default k1/b) over each person's whole session transcripts."""
    from rank_bm25 import BM25Okapi

    indexes = {}
    for person in people:
        ids = [s.id for s in person.sessions]
        corpus = [_plain_tokens(" ".join(t.text for t in s.turns)) for s in person.sessions]
        indexes[person.id] = (ids, BM25Okapi(corpus))

    def rank(question: Question) -> list[str]:
        ids, index = indexes[question.person]
        scores = index.get_scores(_plain_tokens(question.text))
        return [ids[i] for i in sorted(range(len(ids)), key=lambda i: -scores[i])]

    return rank


def last3_ranker(people: Sequence[Person]) -> Ranker:
    latest = {
        p.id: [s.id for s in sorted(p.sessions, key=lambda s: s.date, reverse=True)][:3] for p in people
    }
    return lambda question: latest[question.person]


def engine_ranker(
    people: Sequence[Person], costs: list[int], embedder: Embedder, **weights: float
) -> tuple[Ranker, float]:
    store = InMemoryItemStore()
    engine = RetrievalEngine(store=store, embedder=embedder, **weights)
    started = time.monotonic()
    for person in people:
        for session in person.sessions:
            items = window_items(
                user_id=person.id, session_id=session.id, date=session.date, turns=session.turns
            )
            engine.index(items=items, digest=session.id)
    per_session = (time.monotonic() - started) / max(1, sum(len(p.sessions) for p in people))

    def rank(question: Question) -> list[str]:
        before = store.reads
        trace = SearchTrace()
        found = engine.search(
            user_id=question.person, query=question.text, now=question.now, limit=5, trace=trace
        )
        costs.append(store.reads - before)
        return [m.session_id for m in found]

    return rank, per_session


def recall(questions: Sequence[Question], ranked: dict[str, list[str]], k: int) -> float:
    hits = sum(1 for q in questions if q.evidence & set(ranked[q.id][:k]))
    return hits / len(questions) if questions else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.recall", description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=12)
    parser.add_argument("--dev", type=int, default=4, help="people 0..dev-1 are the tuning split")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--split", choices=["dev", "test", "all"], default="test")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="keep embeddings in this JSON file (indexing time is then not measured)",
    )
    args = parser.parse_args(argv)

    everyone = generate(people=args.people, seed=args.seed)
    chosen = {"dev": everyone[: args.dev], "test": everyone[args.dev :], "all": everyone}[args.split]
    questions = [q for p in chosen for q in p.questions]
    sessions = sum(len(p.sessions) for p in chosen)
    print(f"split={args.split}: {len(chosen)} people, {sessions} sessions, {len(questions)} questions")

    costs: list[int] = []
    embedder: Embedder = default_embedder()
    cached = CachedEmbedder(embedder, args.cache) if args.cache else None
    ours, per_session = engine_ranker(chosen, costs, cached or embedder)
    rankers = {
        "ours (hybrid items)": ours,
        "  ablation: dense only": engine_ranker(chosen, [], cached or embedder, lexical_weight=0)[0],
        "  ablation: BM25 only": engine_ranker(chosen, [], cached or embedder, dense_weight=0)[0],
        "BM25 (sessions)": bm25_ranker(chosen),
        "last 3 sessions": last3_ranker(chosen),
    }
    ranked = {name: {q.id: rank(q) for q in questions} for name, rank in rankers.items()}

    print(f"\n{'ranker':22} {'recall@1':>9} {'recall@5':>9}")
    for name in rankers:
        print(
            f"{name:22} {recall(questions, ranked[name], 1):9.3f} {recall(questions, ranked[name], 5):9.3f}"
        )
    kinds = defaultdict(list)
    for q in questions:
        kinds[q.kind].append(q)
    print(f"\n{'kind':8} {'n':>4}  {'ours@1':>7} {'ours@5':>7}  {'bm25@1':>7} {'bm25@5':>7}")
    for kind, group in sorted(kinds.items()):
        a, b = ranked["ours (hybrid items)"], ranked["BM25 (sessions)"]
        print(f"{kind:8} {len(group):4}  {recall(group, a, 1):7.3f} {recall(group, a, 5):7.3f}"
              f"  {recall(group, b, 1):7.3f} {recall(group, b, 5):7.3f}")  # fmt: skip
    print(f"\nitem-store reads per query: mean {statistics.mean(costs):.1f}, max {max(costs)}")
    if cached is None:
        print(f"indexing (window items + offline embedding), per session: {per_session * 1000:.0f} ms")
    else:
        cached.save()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The memory retrieval engine (shared/memory/retrieval) on the in-memory store: what a returning user
relies on (an early detail found by a rare word or a paraphrase, by time, never another user's), and the
bounded cost per query."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest

from shared.memory.retrieval.engine import RetrievalEngine, SearchTrace
from shared.memory.retrieval.items import MAX_ITEMS_PER_SESSION, Turn, window_items
from shared.memory.retrieval.port import InMemoryItemStore
from shared.memory.retrieval.terms import terms
from shared.memory.retrieval.timewords import date_window

NOW = datetime(2026, 6, 15, 12)
FILLER = [
    "Work was busy again, lots of meetings and emails.",
    "I went for a walk in the park after dinner.",
    "My sister called and we talked about her kids.",
    "I feel tired but okay, the week was long.",
    "We cooked pasta and watched a film.",
    "The weather has been grey and rainy.",
]


class HashEmbedder:
    """Deterministic bag-of-terms vectors: enough to exercise the dense path without the model."""

    model = "test-hash"
    dimensions = 64

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        out = []
        for text in texts:
            vector = [0.0] * self.dimensions
            for term in terms(text):
                vector[
                    int(hashlib.blake2b(term.encode(), digest_size=8).hexdigest(), 16) % self.dimensions
                ] += 1.0
            norm = math.sqrt(sum(v * v for v in vector)) or 1.0
            out.append([v / norm for v in vector])
        return out


def _turns(lines: Sequence[str]) -> list[Turn]:
    return [Turn("user" if i % 2 == 0 else "ai", line) for i, line in enumerate(lines)]


def _index(engine: RetrievalEngine, user: str, sid: str, when: datetime, lines: Sequence[str]) -> int:
    items = window_items(user_id=user, session_id=sid, date=when, turns=_turns(lines))
    return engine.index(items=items, digest=f"{sid}:{len(lines)}")


def _history(engine: RetrievalEngine, user: str = "u1", sessions: int = 30) -> None:
    for n in range(sessions):
        lines = [FILLER[(n + i) % len(FILLER)] for i in range(8)]
        if n == 2:
            lines[5] = "We adopted a rescue kitten from the shelter and named her Clementine."
        if n == 20:
            lines[3] = "I started pottery classes on Thursday evenings, my first bowl was lopsided."
        _index(engine, user, f"{user}-s{n:02d}", NOW - timedelta(days=7 * (sessions - n)), lines)


def test_terms_drop_stop_words_stem_and_keep_names() -> None:
    assert terms("I've been running with Clementine, and I ran 21 kilometres!") == [
        "run", "clementin", "ran", "21", "kilometr",
    ]  # fmt: skip


def test_windows_overlap_cover_the_end_and_keep_stable_ids() -> None:
    turns = _turns([f"line number {i}" for i in range(9)])
    items = window_items(user_id="u", session_id="s", date=NOW, turns=turns)
    assert [i.id for i in items] == [f"s-{n:03d}" for n in range(len(items))]
    assert items[0].text.startswith("user: line number 0") and "line number 8" in items[-1].text
    assert all(len(i.text.splitlines()) == 4 for i in items)
    assert items == window_items(user_id="u", session_id="s", date=NOW, turns=turns)
    long = _turns([f"line {i}" for i in range(1000)])
    capped = window_items(user_id="u", session_id="s", date=NOW, turns=long)
    assert len(capped) <= MAX_ITEMS_PER_SESSION and "line 999" in capped[-1].text


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("what did I say about work last month?", datetime(2026, 4, 28), datetime(2026, 6, 4)),
        ("what was going on in March?", datetime(2026, 3, 1), datetime(2026, 4, 1)),
        ("what did I cook in december?", datetime(2025, 12, 1), datetime(2026, 1, 1)),
    ],
)
def test_time_words_become_date_windows(question: str, start: datetime, end: datetime) -> None:
    window = date_window(question, now=NOW)
    assert window is not None and (window.start, window.end) == (start, end)


def test_time_words_ago_and_none() -> None:
    window = date_window("what was I worried about two weeks ago", now=NOW)
    assert window is not None and window.contains(NOW - timedelta(days=14))
    assert not window.contains(NOW - timedelta(days=30)) and not window.contains(NOW)
    assert date_window("may I ask what my sister's name is", now=NOW) is None
    assert date_window("what is my cat called", now=NOW) is None


def test_a_rare_word_finds_an_early_session_among_many_with_bounded_reads() -> None:
    store = InMemoryItemStore()
    engine = RetrievalEngine(store=store, embedder=HashEmbedder())
    _history(engine)
    before = store.reads
    found = engine.search(user_id="u1", query="How is Clementine doing?", now=NOW)
    assert store.reads - before <= 60
    assert found[0].session_id == "u1-s02"
    assert "Clementine" in found[0].snippet and found[0].date == NOW - timedelta(days=7 * 28)
    assert len({m.session_id for m in found}) == len(found) <= 5


def test_another_users_items_never_appear() -> None:
    engine = RetrievalEngine(store=InMemoryItemStore(), embedder=HashEmbedder())
    _history(engine, "u1")
    _index(engine, "u2", "u2-s00", NOW, ["My parrot Clementine learned to whistle."])
    for query in ("Clementine", "parrot whistle", "kitten shelter"):
        assert all(m.session_id.startswith("u1-") for m in engine.search(user_id="u1", query=query, now=NOW))
    assert [m.session_id for m in engine.search(user_id="u2", query="Clementine", now=NOW)] == ["u2-s00"]


def test_reindexing_the_same_session_is_a_no_op_and_removal_updates_statistics() -> None:
    store = InMemoryItemStore()
    engine = RetrievalEngine(store=store, embedder=HashEmbedder())
    lines = ["We adopted a kitten named Clementine.", "Lovely!", "She sleeps all day.", "Cats do."]
    assert _index(engine, "u1", "s1", NOW, lines) == 1
    stats = store.term_stats(user_id="u1", terms=["clementin"])
    assert _index(engine, "u1", "s1", NOW, lines) == 0  # redelivery: nothing written
    assert store.term_stats(user_id="u1", terms=["clementin"]) == stats
    assert stats.df == {"clementin": 1} and stats.item_count == 1
    assert store.remove_session(user_id="u1", session_id="s1") == 1
    assert store.term_stats(user_id="u1", terms=["clementin"]).df == {}
    assert engine.search(user_id="u1", query="Clementine", now=NOW) == []


def test_a_question_naming_a_time_prefers_the_session_of_that_time() -> None:
    engine = RetrievalEngine(store=InMemoryItemStore(), embedder=HashEmbedder())
    for n, month in enumerate((2, 3, 4, 5)):
        lines = ["Work has been stressful, my manager keeps moving deadlines.", "That sounds hard."]
        lines += [FILLER[(n + i) % len(FILLER)] for i in range(4)]
        _index(engine, "u1", f"s-{month}", datetime(2026, month, 10), lines)
    trace = SearchTrace()
    found = engine.search(user_id="u1", query="How was work in March?", now=NOW, trace=trace)
    assert trace.window is not None and found[0].session_id == "s-3"
    found = engine.search(user_id="u1", query="How was work last month?", now=NOW)
    assert found[0].session_id == "s-5"


def test_a_paraphrase_finds_the_session_with_the_offline_model() -> None:
    from shared.memory.embedding import EmbeddingModelMissingError, default_embedder

    try:
        embedder = default_embedder()
    except EmbeddingModelMissingError:
        pytest.skip("offline embedding model not fetched (python infra/fetch_model.py)")
    engine = RetrievalEngine(store=InMemoryItemStore(), embedder=embedder)
    _history(engine, sessions=21)
    found = engine.search(user_id="u1", query="What craft did I take up?", now=NOW)
    assert found[0].session_id == "u1-s20"
    found = engine.search(user_id="u1", query="What's the name of the animal we brought home?", now=NOW)
    assert found[0].session_id == "u1-s02"

"""Fact extraction with OpenAI (a fake OpenAI server): facts become items of the windows' shape, found by
the engine; only people's turns are sent; a bad answer is refused without quoting it, and the offline
path (no extractor) indexes the same windows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import pytest
from openai import OpenAI

from backend.ai.facts import OpenAIFactExtractor, parse_facts
from backend.ai.memory import MemoryModelError
from shared.memory.retrieval.engine import RetrievalEngine
from shared.memory.retrieval.facts import MAX_FACTS, Fact, session_items
from shared.memory.retrieval.items import MAX_ITEMS_PER_SESSION, MemoryItem, Turn
from shared.memory.retrieval.port import InMemoryItemStore
from tests.support.fake_openai import FakeOpenAI
from tests.unit.test_memory_retrieval import HashEmbedder

NOW = datetime(2026, 6, 1)
TURNS = [
    Turn("user", "Morning! Big news: we adopted a rescue kitten last weekend."),
    Turn("ai", "How wonderful, what is she called?"),
    Turn("user", "Clementine, after my grandmother's favourite fruit."),
    Turn("ai", "What a lovely name."),
    Turn("user", "Work was busy, lots of meetings."),
]
ANSWER = {
    "facts": [
        {"text": "The user adopted a rescue kitten named Clementine.", "speaker": "user"},
        {"text": "The kitten is named after the grandmother's favourite fruit.", "speaker": "user"},
        {"text": "The user adopted a rescue kitten named Clementine.", "speaker": "user"},
    ]
}


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def extractor(server: FakeOpenAI) -> OpenAIFactExtractor:
    client = OpenAI(api_key="sk-test", base_url=server.url + "/v1", timeout=5, max_retries=0)
    return OpenAIFactExtractor(lambda: client, model="gpt-test")


def test_extracted_facts_are_items_of_the_same_shape_after_the_windows(server: FakeOpenAI) -> None:
    server.completion = json.dumps(ANSWER)
    facts = extractor(server).extract(TURNS)
    sent = server.requests[-1]
    assert sent["response_format"] == {"type": "json_object"}
    user_content = sent["messages"][1]["content"]
    assert "Clementine" in user_content and "what is she called" not in user_content, "only people's turns"

    items = session_items(user_id="u1", session_id="s1", date=NOW, turns=TURNS, facts=facts)
    windows = [i for i in items if i.kind == "window"]
    found = [i for i in items if i.kind == "fact"]
    assert len(found) == 2, "a repeated fact is indexed once"
    assert [i.position for i in found] == [len(windows), len(windows) + 1]
    assert len({i.id for i in items}) == len(items)
    for item in found:
        assert MemoryItem.model_validate(item.model_dump()) == item
        assert item.session_id == "s1" and item.date == NOW and item.speakers == ["user"] and item.terms

    engine = RetrievalEngine(store=InMemoryItemStore(), embedder=HashEmbedder())
    engine.index(items=items, digest="d1")
    match = engine.search(user_id="u1", query="what is the kitten called", now=NOW)[0]
    assert match.session_id == "s1"


def test_without_an_extractor_the_windows_are_the_same(server: FakeOpenAI) -> None:
    offline = session_items(user_id="u1", session_id="s1", date=NOW, turns=TURNS)
    with_facts = session_items(
        user_id="u1", session_id="s1", date=NOW, turns=TURNS, facts=[Fact("A fact.", "user")]
    )
    assert offline == [i for i in with_facts if i.kind == "window"]


@pytest.mark.parametrize(
    "content",
    ["not json", '{"facts": [{"text": ""}]}', '{"facts": "Clementine the kitten"}', ""],
    ids=["not-json", "empty-fact", "not-a-list", "empty"],
)
def test_a_bad_answer_is_refused_without_quoting_it(content: str) -> None:
    with pytest.raises(MemoryModelError) as raised:
        parse_facts(content)
    assert "Clementine" not in str(raised.value)


def test_facts_stay_within_the_session_bounds() -> None:
    many = [Fact(f"Fact number {n} about the day.", "user") for n in range(MAX_FACTS + 10)]
    assert (
        len(parse_facts(json.dumps({"facts": [{"text": f.text, "speaker": "user"} for f in many]})))
        == MAX_FACTS
    )
    long_session = [Turn("user" if n % 2 else "ai", f"Line {n} of a long talk.") for n in range(400)]
    items = session_items(user_id="u1", session_id="s1", date=NOW, turns=long_session, facts=many)
    assert len(items) <= MAX_ITEMS_PER_SESSION
    stranger = session_items(
        user_id="u1", session_id="s1", date=NOW, turns=TURNS, facts=[Fact("Said by nobody.", "mallory")]
    )
    assert [i.speakers for i in stranger if i.kind == "fact"] == [["user"]], "speakers come from the session"

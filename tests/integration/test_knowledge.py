"""The knowledge base on the emulator suite: admins manage documents (others get 403, bad input writes
nothing), users search it by paraphrase and by a rare word, and a reply is grounded on it with the
document cited in the recorded prompt and in the reply's metadata. The base is per app: every test
removes what it added, and its words are unique to the run."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.cloud.firestore import FieldFilter

from tests.support import conversation
from tests.support.conversation import end, start_session
from tests.support.emulator import Api, TestUser, firestore_db

DOCUMENTS = "/admin/kb/documents"


def refunds_text(word: str) -> str:
    return (
        "# Refunds\n"
        "Unused credits can be refunded within fourteen days of purchase. Ask support from the account "
        f"page and quote your receipt number; refunds are paid back by {word} within five working days.\n\n"
        "# Gift cards\nGift cards cannot be exchanged for cash."
    )


BREATHING = (
    "# Box breathing\nBreathe in slowly for four counts, hold for four counts, breathe out for four counts "
    "and hold again. Repeat for two minutes to calm down."
)
HOURS = "# Opening hours\nThe helpline team answers messages on weekdays from nine in the morning to six in the evening."


def snapshot_ids(collection: str) -> set[str]:
    return {d.id for d in firestore_db().collection(collection).select([]).get()}


def chunks_of(document_id: str) -> list[dict[str, Any]]:
    query = firestore_db().collection("kbChunks").where(filter=FieldFilter("sessionId", "==", document_id))
    return [d.to_dict() or {} for d in query.get()]


@pytest.fixture
def admin_api(admin: TestUser) -> Iterator[Api]:
    api = Api(admin)
    before = snapshot_ids("kbDocuments")
    yield api
    for document_id in snapshot_ids("kbDocuments") - before:  # the base is shared by every test
        api.request("DELETE", f"{DOCUMENTS}/{document_id}")


def add(api: Api, title: str, text: str, **headers: str) -> dict[str, Any]:
    response = api.post(DOCUMENTS, {"title": title, "text": text}, headers=headers)
    assert response.status_code in (200, 201), response.text
    document: dict[str, Any] = response.json()["document"]
    return document


def test_admins_add_list_replace_and_delete_documents(admin_api: Api) -> None:
    word = f"zq{uuid.uuid4().hex[:8]}"
    created = admin_api.post(DOCUMENTS, {"title": "Refunds", "text": refunds_text(word)})
    assert created.status_code == 201, created.text
    document = created.json()["document"]
    document_id = document["id"]
    assert document["chunks"] == len(chunks_of(document_id)) >= 1
    assert {c["userId"] for c in chunks_of(document_id)} == {"app"} and all(
        c["kind"] == "kb" for c in chunks_of(document_id)
    )
    in_memory = (
        firestore_db().collection("memoryItems").where(filter=FieldFilter("sessionId", "==", document_id))
    )
    assert not in_memory.get(), "knowledge never lands among users' memory items"

    fetched = admin_api.get(f"{DOCUMENTS}/{document_id}")
    assert fetched.status_code == 200 and fetched.json()["document"]["text"] == refunds_text(word)
    listed = admin_api.get(DOCUMENTS, params={"limit": 100})
    assert listed.status_code == 200, listed.text
    mine = [d for d in listed.json()["documents"] if d["id"] == document_id]
    assert mine and "text" not in mine[0] and listed.json()["pagination"]["total"] >= 1

    same = admin_api.request(
        "PUT", f"{DOCUMENTS}/{document_id}", json={"title": "Refunds", "text": refunds_text(word)}
    )
    assert same.status_code == 200 and same.json()["document"]["updatedAt"] == document["updatedAt"]
    replaced = admin_api.request(
        "PUT", f"{DOCUMENTS}/{document_id}", json={"title": "Refunds", "text": HOURS}
    )
    assert replaced.status_code == 200, replaced.text
    assert all(word not in c["text"] for c in chunks_of(document_id)), "the old chunks are gone"

    deleted = admin_api.request("DELETE", f"{DOCUMENTS}/{document_id}")
    assert deleted.status_code == 200 and deleted.json() == {
        "success": True,
        "documentId": document_id,
        "chunks": 1,
    }
    assert chunks_of(document_id) == [] and admin_api.get(f"{DOCUMENTS}/{document_id}").status_code == 404
    assert admin_api.request("DELETE", f"{DOCUMENTS}/{document_id}").status_code == 404
    assert (
        admin_api.request("PUT", f"{DOCUMENTS}/{document_id}", json={"title": "T", "text": "x"}).status_code
        == 404
    )


def test_a_retried_post_with_its_idempotency_key_adds_one_document(admin_api: Api) -> None:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = admin_api.post(DOCUMENTS, {"title": "Hours", "text": HOURS}, headers=key)
    again = admin_api.post(DOCUMENTS, {"title": "Hours", "text": HOURS}, headers=key)
    assert (first.status_code, again.status_code) == (201, 200), (first.text, again.text)
    assert first.json()["document"]["id"] == again.json()["document"]["id"]
    other = admin_api.post(DOCUMENTS, {"title": "Hours", "text": BREATHING}, headers=key)
    assert other.status_code == 422, other.text


@pytest.mark.parametrize(
    "body",
    [
        {"title": "No text"},
        {"title": "", "text": "Some text."},
        {"title": "Extra", "text": "Some text.", "userId": "x"},
        {"title": "x" * 201, "text": "Some text."},
        {"title": "Long", "text": "word " * 12_001},
        {"title": "Headings only", "text": "# One\n## Two"},
        {"title": 3, "text": "Some text."},
    ],
    ids=[
        "missing-text",
        "empty-title",
        "extra-field",
        "long-title",
        "long-text",
        "headings-only",
        "number-title",
    ],
)
def test_bad_input_is_a_4xx_and_writes_nothing(admin_api: Api, body: dict[str, Any]) -> None:
    before = {c: snapshot_ids(c) for c in ("kbDocuments", "kbChunks", "kbChunkSets")}
    response = admin_api.post(DOCUMENTS, body)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["success"] is False
    assert {c: snapshot_ids(c) for c in before} == before


def test_only_admins_manage_documents(admin_api: Api, api: Api) -> None:
    document = add(admin_api, "Hours", HOURS)
    before = snapshot_ids("kbDocuments")
    assert api.post(DOCUMENTS, {"title": "Mine", "text": "Some text."}).status_code == 403
    assert api.get(DOCUMENTS).status_code == 403
    assert api.get(f"{DOCUMENTS}/{document['id']}").status_code == 403
    assert (
        api.request("PUT", f"{DOCUMENTS}/{document['id']}", json={"title": "T", "text": "x"}).status_code
        == 403
    )
    assert api.request("DELETE", f"{DOCUMENTS}/{document['id']}").status_code == 403
    assert Api().get(DOCUMENTS).status_code == 401
    assert snapshot_ids("kbDocuments") == before and chunks_of(document["id"])


def test_users_find_a_chunk_by_paraphrase_and_by_a_rare_word(admin_api: Api, api: Api) -> None:
    word = f"zq{uuid.uuid4().hex[:8]}"
    refunds = add(admin_api, "Refunds", refunds_text(word))
    add(admin_api, "Breathing", BREATHING)
    add(admin_api, "Hours", HOURS)
    for query in ("How can I get my money back for credits I never used?", word):
        response = api.get("/kb/search", params={"query": query})
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert results[0]["documentId"] == refunds["id"], (query, results)
        assert results[0]["title"] == "Refunds" and "fourteen days" in results[0]["snippet"]
        assert results[0]["chunkId"].startswith(refunds["id"]) and results[0]["score"] == 1.0
        assert len({r["documentId"] for r in results}) == len(results)
    assert api.get("/kb/search", params={"query": ""}).status_code == 400
    assert Api().get("/kb/search", params={"query": word}).status_code == 401


def prompt_of(sid: str, reply_id: str) -> str:
    snapshot = firestore_db().document(f"sessions/{sid}/prompts/{reply_id}").get()
    assert snapshot.exists, "run with SESSIONS_RECORD_PROMPTS=true (make integration sets it)"
    return "\n".join(turn["content"] for turn in snapshot.get("messages") if turn["role"] == "system")


def test_a_reply_is_grounded_on_the_relevant_document_and_cites_it(admin_api: Api, api: Api) -> None:
    refunds = add(admin_api, "Refunds", refunds_text(f"zq{uuid.uuid4().hex[:8]}"))
    breathing = add(admin_api, "Breathing", BREATHING)
    sid = start_session(api, {"avatar": "emma", "duration": 30})["session"]["id"]
    turn = conversation.say(api, sid, "How do I get a refund for credits I did not use?", reply=True)
    reply = turn["reply"]
    system = prompt_of(sid, reply["id"])
    assert f"[doc:{refunds['id']}]" in system and "fourteen days" in system
    assert f"[doc:{breathing['id']}]" not in system, "an unrelated document is not given"
    cited = [c["documentId"] for c in reply["metadata"]["knowledge"]]
    assert cited[0] == refunds["id"] and breathing["id"] not in cited
    stored = firestore_db().document(f"sessions/{sid}/messages/{reply['id']}").get().to_dict() or {}
    assert stored["metadata"]["knowledge"][0]["documentId"] == refunds["id"]

    small_talk = conversation.say(
        api, sid, "Thanks. My sister visited us at the weekend with her new puppy.", reply=True
    )["reply"]
    assert "knowledge base" not in prompt_of(sid, small_talk["id"])
    assert small_talk.get("metadata") is None, "no document is cited when none was relevant"
    end(api, sid)


def test_ops_import_writes_new_and_changed_files_once_and_they_are_searchable(
    admin_api: Api, api: Api, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from ops.cli import app

    word = f"zq{uuid.uuid4().hex[:8]}"
    (tmp_path / "refunds.md").write_text(refunds_text(word))
    (tmp_path / "hours.txt").write_text(HOURS)
    first = CliRunner().invoke(app, ["kb", "import", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert "2 written, 0 unchanged" in first.stdout
    (tmp_path / "hours.txt").write_text(HOURS + " Closed on public holidays.")
    second = CliRunner().invoke(app, ["kb", "import", str(tmp_path)])
    assert second.exit_code == 0 and "1 written, 1 unchanged" in second.stdout, second.output
    results = api.get("/kb/search", params={"query": word}).json()["results"]
    # The knowledge base is the whole app's, and the suite's schema fuzzing adds documents to it too.
    refunds = [r for r in results if r["title"] == "Refunds"]
    assert refunds and word in refunds[0]["snippet"], results

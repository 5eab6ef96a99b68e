"""The admin console's knowledge base and the account page's memory switch in headless Chromium on the
emulator suite.

An admin adds a document (a double click sends one request and adds it once; a retry of the same
content reuses its Idempotency-Key, new content gets a new one; an invalid title shows the error
envelope's reason), sees it listed, replaces it and deletes it after a confirmation, each step checked
against the API; a user finds the document with the help search while it exists and no longer after it is deleted.
A user turns memory off on the account page (with the mouse) and on again (with the keyboard), and the
API reports each state. The knowledge base is shared by the whole app: the test's words are unique to
the run and whatever it added is removed at the end.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.browser import check_page
from tests.e2e.journey import expect, log_api_errors, sign_in_page, sign_up
from tests.support.emulator import Api, TestUser, new_user, require_emulators, sign_in

pytestmark = pytest.mark.emulator

DOCUMENTS = "/admin/kb/documents"


def kb_text(word: str, topic: str) -> str:
    return (
        f"# {topic}\nUnused credits can be refunded within fourteen days of purchase. Ask support from the "
        f"account page and quote your receipt number; refunds are paid back by {word} within five working days."
    )


def documents_titled(api: Api, word: str) -> list[dict[str, Any]]:
    """Every document whose title holds `word` (all pages of the admin list)."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        response = api.get(DOCUMENTS, params={"page": page, "limit": 100})
        assert response.status_code == 200, response.text
        body = response.json()
        found += [d for d in body["documents"] if word in d["title"]]
        if page >= body["pagination"]["pages"]:
            return found
        page += 1


@pytest.fixture
def admin() -> Iterator[TestUser]:
    require_emulators()
    user = new_user(admin=True, prefix="kb-admin")
    yield user
    api = Api(user)
    for leftover in documents_titled(api, "kbweb"):  # only this test's documents carry the marker
        api.request("DELETE", f"{DOCUMENTS}/{leftover['id']}")


def help_search(page: Any, text: str) -> Any:
    page.get_by_label("Search the help articles").fill(text)
    page.get_by_role("button", name="Search help").click()
    return page.get_by_test_id("help-results")


def test_admin_adds_replaces_and_deletes_a_document(new_context: Any, admin: TestUser) -> None:
    word = f"kbweb{uuid.uuid4().hex[:8]}"
    api = Api(admin)
    page = new_context().new_page()
    log_api_errors(page)
    adds: list[dict[str, str]] = []  # the headers of every add the page sends
    page.on(
        "request",
        lambda r: adds.append(r.headers) if r.method == "POST" and r.url.endswith(DOCUMENTS) else None,
    )
    sign_in_page(page, admin.email)
    page.get_by_role("link", name="Admin").click()
    kb = page.get_by_test_id("kb")
    expect()(kb.get_by_role("heading", name="Knowledge base")).to_be_visible()

    # A title of spaces passes the browser's `required` but not the API: the envelope's reason shows.
    kb.get_by_label("Title").fill("   ")
    kb.get_by_label("Text (plain text or markdown)").fill(kb_text(word, "Refunds"))
    kb.get_by_role("button", name="Add document").click()
    expect()(kb.get_by_role("alert")).to_contain_text("The request is not valid. title:")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(DOCUMENTS)):
        kb.get_by_role("button", name="Add document").click()  # the same content again: a retry
    expect()(kb.get_by_role("alert")).to_contain_text("The request is not valid. title:")
    expect()(kb.get_by_role("button", name="Add document")).to_be_enabled()
    assert documents_titled(api, word) == []

    # Add with a double click: one document, listed with its size.
    title = f"Refunds {word}"
    kb.get_by_label("Title").fill(title)
    kb.get_by_role("button", name="Add document").dblclick()
    row = kb.locator("li[data-document-id]", has_text=title)
    expect()(row).to_have_count(1)
    expect()(row).to_contain_text("1 chunk")
    expect()(kb.get_by_role("alert")).to_be_empty()
    added = documents_titled(api, word)
    assert [d["title"] for d in added] == [title], "a double click added the document twice"
    document_id = added[0]["id"]
    assert row.get_attribute("data-document-id") == document_id
    assert api.get(f"{DOCUMENTS}/{document_id}").json()["document"]["text"] == kb_text(word, "Refunds")
    keys = [headers.get("idempotency-key") for headers in adds]
    assert len(keys) == 3 and all(keys), f"two tries, then one add for a double click: {keys}"
    assert keys[0] == keys[1], "a retry of the same content reuses its key"
    assert keys[2] != keys[0], "a different title and text is a different request"

    # A user finds it with the help search.
    user_page = new_context().new_page()
    sign_up(user_page, f"kb-user-{uuid.uuid4().hex[:10]}@example.test")
    user_page.get_by_role("link", name="Account").click()
    hits = help_search(user_page, f"refund paid back by {word}")
    expect()(hits.locator(f"li[data-document-id='{document_id}']")).to_contain_text(title, timeout=30_000)

    # Replace: the form loads the stored document; the list and the API show the new title and text.
    row.get_by_role("button", name=f"Edit {title}").click()
    expect()(kb.get_by_label("Title")).to_have_value(title)
    expect()(kb.get_by_role("heading", name=f"Replace “{title}”")).to_be_visible()
    new_title = f"Refund policy {word}"
    kb.get_by_label("Title").fill(new_title)
    kb.get_by_label("Text (plain text or markdown)").fill(kb_text(word, "Refund policy"))
    kb.get_by_role("button", name="Save changes").click()
    row = kb.locator("li[data-document-id]", has_text=new_title)
    expect()(row).to_have_count(1)
    expect()(kb.locator("li[data-document-id]", has_text=title)).to_have_count(0)
    expect()(kb.get_by_role("button", name="Add document")).to_be_visible()  # the form is back to adding
    stored = api.get(f"{DOCUMENTS}/{document_id}").json()["document"]
    assert (stored["title"], stored["text"]) == (new_title, kb_text(word, "Refund policy"))
    assert [d["id"] for d in documents_titled(api, word)] == [document_id], "a replace adds nothing"
    expect()(page.locator("#toast")).to_be_empty(timeout=10_000)  # the screenshot shows the section alone
    check_page(page, "admin-kb", part=kb)

    # Delete: nothing goes without the confirmation; then the row, the document and the search hit go.
    row.get_by_role("button", name=f"Delete {new_title}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Cancel").click()
    expect()(dialog).to_have_count(0)
    assert api.get(f"{DOCUMENTS}/{document_id}").status_code == 200
    row.get_by_role("button", name=f"Delete {new_title}").click()
    dialog.get_by_role("button", name="Delete document").click()
    expect()(row).to_have_count(0)
    assert api.get(f"{DOCUMENTS}/{document_id}").status_code == 404
    hits = help_search(user_page, f"refund paid back by {word}")
    expect()(hits).not_to_contain_text("Searching", timeout=30_000)
    expect()(hits.locator(f"li[data-document-id='{document_id}']")).to_have_count(0)


def test_user_turns_memory_off_and_on(new_context: Any) -> None:
    require_emulators()
    email = f"mem-{uuid.uuid4().hex[:10]}@example.test"
    page = new_context().new_page()
    log_api_errors(page)
    sign_up(page, email)
    api = Api(sign_in(email))
    page.get_by_role("link", name="Account").click()
    switch = page.get_by_role("switch", name="Remember my sessions")
    state = page.get_by_test_id("memory-state")
    expect()(switch).to_be_checked()
    expect()(state).to_have_text("Memory is on")

    switch.click()
    expect()(state).to_have_text("Memory is off")
    expect()(switch).not_to_be_checked()
    expect()(page.locator("#memory-explained")).to_contain_text("replies recall nothing")
    assert api.get("/user/preferences").json()["preferences"] == {"memoryEnabled": False}
    page.reload()
    expect()(switch).not_to_be_checked()  # the page shows the stored state, not a default
    expect()(state).to_have_text("Memory is off")
    check_page(page, "account")

    switch.focus()
    page.keyboard.press("Space")
    expect()(state).to_have_text("Memory is on")
    expect()(switch).to_be_checked()
    assert api.get("/user/preferences").json()["preferences"] == {"memoryEnabled": True}


def test_documents_are_listed_ten_to_a_page(new_context: Any, admin: TestUser) -> None:
    word = f"kbweb{uuid.uuid4().hex[:8]}"
    api = Api(admin)
    total = api.get(DOCUMENTS, params={"limit": 1}).json()["pagination"]["total"]
    for n in range(max(0, 11 - total)):
        response = api.post(DOCUMENTS, {"title": f"Filler {n} {word}", "text": kb_text(word, f"Filler {n}")})
        assert response.status_code == 201, response.text
    total = max(total, 11)
    page = new_context().new_page()
    log_api_errors(page)
    sign_in_page(page, admin.email)
    page.get_by_role("link", name="Admin").click()
    kb = page.get_by_test_id("kb")
    rows = kb.locator("li[data-document-id]")
    expect()(rows).to_have_count(10)
    expect()(kb).to_contain_text(f"Page 1 of {(total + 9) // 10} · {total} documents")
    first_page = set(rows.evaluate_all("rows => rows.map(r => r.dataset.documentId)"))
    kb.get_by_role("button", name="Next").click()
    expect()(kb).to_contain_text(f"Page 2 of {(total + 9) // 10}")
    second_page = set(rows.evaluate_all("rows => rows.map(r => r.dataset.documentId)"))
    assert second_page and not second_page & first_page, "page 2 repeats page 1"
    kb.get_by_role("button", name="Previous").click()
    expect()(kb).to_contain_text(f"Page 1 of {(total + 9) // 10}")

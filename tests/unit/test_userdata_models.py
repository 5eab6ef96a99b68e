"""The user-data bodies: state limits (replace semantics start here) and the erase counts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from shared.models.userdata import (
    MAX_CONTEXT_BYTES,
    ErasedCounts,
    UserState,
    UserStateRequest,
)


def test_a_minimal_request_clears_everything() -> None:
    request = UserStateRequest.model_validate({})
    assert (request.language, request.conversation_context, request.active_session_id) == (None, {}, None)


@pytest.mark.parametrize("language", ["en", "en-US", "zh-Hant-TW", "sr-Latn-RS", "es-419"])
def test_bcp47_shapes_are_accepted(language: str) -> None:
    assert UserStateRequest(language=language).language == language


@pytest.mark.parametrize("language", ["e", "en_US", "en-", "-en", "english language", "en-" + "a" * 33])
def test_other_languages_are_refused(language: str) -> None:
    with pytest.raises(ValidationError):
        UserStateRequest(language=language)


def test_context_scalars_keep_their_types() -> None:
    context = {"flag": True, "count": 3, "ratio": 0.25, "name": "x", "none": None}
    request = UserStateRequest.model_validate({"conversationContext": context})
    assert request.conversation_context == context
    assert type(request.conversation_context["flag"]) is bool
    assert type(request.conversation_context["count"]) is int


@pytest.mark.parametrize(
    "context",
    [
        {"x": float("nan")},
        {"x": float("inf")},
        {"x": 2**53 + 1},
        {"x": {"y": 1}},
        {"x": [1]},
        {"": 1},
        {"a.b": 1},
        {f"k{i}": "v" * 1000 for i in range(MAX_CONTEXT_BYTES // 1000 + 1)},
    ],
)
def test_bad_contexts_are_refused(context: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        UserStateRequest(conversation_context=context)


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        UserStateRequest.model_validate({"langauge": "en"})


def test_state_wire_is_camel_case_with_defaults() -> None:
    assert UserState().wire() == {
        "language": None,
        "conversationContext": {},
        "activeSessionId": None,
        "updatedAt": None,
    }


def test_erased_counts_by_collection_id() -> None:
    counts = ErasedCounts()
    for collection_id in ("messages", "messages", "idempotencyKeys", "private", "prompts", "users"):
        counts.add(collection_id, 1)
    assert counts.messages == 2 and counts.idempotency_keys == 1 and counts.state == 1 and counts.users == 1
    assert counts.other == {"prompts": 1}
    assert counts.total() == 6
    assert counts.wire()["idempotencyKeys"] == 1

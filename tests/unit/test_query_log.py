"""The query recorder sees what the Firestore client sends (shapes, never values), once per shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backend.cloud import query_log


@pytest.fixture
def recording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Path]]:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore
    from google.cloud.firestore_v1.services.firestore import client as gapic

    sent: list[Any] = []

    def fake_run_query(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        sent.append(kwargs.get("request"))
        return iter(())

    log = tmp_path / "queries.jsonl"
    monkeypatch.setenv(query_log.ENV, str(log))
    monkeypatch.setattr(gapic.FirestoreClient, "run_query", fake_run_query)
    monkeypatch.setattr(gapic.FirestoreClient, "run_aggregation_query", fake_run_query)
    monkeypatch.setattr(query_log, "_installed", False)
    monkeypatch.setattr(query_log, "_seen", set())
    query_log.install()
    db = firestore.Client(project="demo-x", credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]
    yield db, log
    assert sent, "the wrapped RPC must still be called"


def lines(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_a_filtered_ordered_query_is_recorded_without_its_values(recording: tuple[Any, Path]) -> None:
    from google.cloud.firestore import FieldFilter, Query

    db, log = recording
    query = db.collection("crisisAlerts").where(filter=FieldFilter("status", "==", "secret-value"))
    list(query.order_by("createdAt", direction=Query.DESCENDING).limit(5).stream())
    list(query.order_by("createdAt", direction=Query.DESCENDING).limit(9).stream())  # same shape: once
    (record,) = lines(log)
    assert record["collection"] == "crisisAlerts"
    assert record["scope"] == "COLLECTION"
    assert record["equality"] == [["status", "=="]]
    assert record["orderBy"] == [["createdAt", "DESCENDING"]]
    assert record["caller"] == (
        "tests/unit/test_query_log.py:test_a_filtered_ordered_query_is_recorded_without_its_values"
    )
    assert "secret-value" not in log.read_text()


def test_ranges_arrays_groups_and_counts(recording: tuple[Any, Path]) -> None:
    from google.cloud.firestore import FieldFilter

    db, log = recording
    group = db.collection_group("notifications").where(filter=FieldFilter("tags", "array_contains", "x"))
    list(group.where(filter=FieldFilter("createdAt", ">=", 3)).stream())
    db.collection("sessions").where(filter=FieldFilter("endedAt", "<", 1)).count().get()
    first, second = lines(log)
    assert first["scope"] == "COLLECTION_GROUP"
    assert first["array"] == [["tags", "array-contains"]]
    assert first["inequality"] == [["createdAt", ">="]]
    assert second["aggregation"] is True
    assert second["inequality"] == [["endedAt", "<"]]


def test_vector_search_records_field_dimension_and_prefilters(recording: tuple[Any, Path]) -> None:
    from google.cloud.firestore import FieldFilter
    from google.cloud.firestore_v1.base_vector_query import DistanceMeasure
    from google.cloud.firestore_v1.vector import Vector

    db, log = recording
    base = db.collection("memories").where(filter=FieldFilter("userId", "==", "u"))
    search = base.find_nearest(
        vector_field="embedding",
        query_vector=Vector([0.1] * 384),
        distance_measure=DistanceMeasure.COSINE,
        limit=3,
    )
    list(search.stream())
    (record,) = lines(log)
    assert record["vector"] == {"field": "embedding", "dimension": 384}
    assert record["equality"] == [["userId", "=="]]


def test_nothing_is_wrapped_without_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from google.cloud.firestore_v1.services.firestore import client as gapic

    monkeypatch.delenv(query_log.ENV, raising=False)
    monkeypatch.setattr(query_log, "_installed", False)
    original = gapic.FirestoreClient.run_query
    query_log.install()
    assert gapic.FirestoreClient.run_query is original

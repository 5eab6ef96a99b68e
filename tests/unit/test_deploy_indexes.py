"""The offline index matcher against Firestore's indexing rules, on crafted queries and indexes."""

from __future__ import annotations

from typing import Any

import pytest

from infra.deploy.indexes import Query, served, suggested_index


def query(
    collection: str = "alerts",
    *,
    scope: str = "COLLECTION",
    eq: tuple[str, ...] = (),
    array: tuple[str, ...] = (),
    ineq: tuple[str, ...] = (),
    order: tuple[tuple[str, str], ...] = (),
    vector: tuple[str, int] | None = None,
) -> Query:
    return Query(collection, scope, eq, array, ineq, order, vector)


def composite(
    *fields: tuple[str, str], collection: str = "alerts", scope: str = "COLLECTION"
) -> dict[str, Any]:
    return {
        "collectionGroup": collection,
        "queryScope": scope,
        "fields": [
            {"fieldPath": f, "arrayConfig": "CONTAINS"} if d == "CONTAINS" else {"fieldPath": f, "order": d}
            for f, d in fields
        ],
    }


def config(*indexes: dict[str, Any], overrides: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"indexes": list(indexes), "fieldOverrides": overrides or []}


DESC, ASC = "DESCENDING", "ASCENDING"
STATUS_BY_NEWEST = query(eq=("status",), order=(("createdAt", DESC),))


def test_the_crisis_alert_list_needs_a_composite_index() -> None:
    assert not served(config(), STATUS_BY_NEWEST)
    assert served(config(composite(("status", ASC), ("createdAt", DESC))), STATUS_BY_NEWEST)
    # Same fields, wrong direction or another collection: not served.
    assert not served(config(composite(("status", ASC), ("createdAt", ASC))), STATUS_BY_NEWEST)
    assert not served(
        config(composite(("status", ASC), ("createdAt", DESC), collection="x")), STATUS_BY_NEWEST
    )


def test_single_field_queries_use_automatic_indexes_at_collection_scope_only() -> None:
    assert served(config(), query(order=(("createdAt", DESC),)))
    assert served(config(), query(eq=("status",)))
    assert served(config(), query(ineq=("endedAt",), order=(("endedAt", ASC),)))
    assert served(config(), query(array=("tags",)))
    group = query(scope="COLLECTION_GROUP", eq=("fromUserId",))
    assert not served(config(), group)
    override = {
        "collectionGroup": "alerts",
        "fieldPath": "fromUserId",
        "indexes": [{"order": ASC, "queryScope": "COLLECTION_GROUP"}],
    }
    assert served(config(overrides=[override]), group)


def test_an_override_without_indexes_removes_the_automatic_index() -> None:
    exempt = {"collectionGroup": "alerts", "fieldPath": "expiresAt", "indexes": []}
    assert not served(config(overrides=[exempt]), query(ineq=("expiresAt",)))


def test_equality_only_queries_merge_single_field_indexes() -> None:
    assert served(config(), query(eq=("status", "userId")))
    assert served(config(), query(eq=("status",), array=("tags",)))


def test_order_on_an_equality_field_and_trailing_name_need_nothing_more() -> None:
    assert served(config(), query(eq=("status",), order=(("status", ASC),)))
    assert served(config(), query(order=(("createdAt", DESC), ("__name__", DESC))))
    assert served(
        config(composite(("status", ASC), ("createdAt", DESC))),
        query(eq=("status",), order=(("createdAt", DESC), ("__name__", DESC))),
    )


def test_an_inequality_is_ordered_implicitly_after_the_explicit_orders() -> None:
    range_query = query(eq=("status",), ineq=("lastSeenAt",))
    assert not served(config(), range_query)
    assert served(config(composite(("status", ASC), ("lastSeenAt", ASC))), range_query)
    two = query(eq=("status",), ineq=("createdAt",), order=(("priority", DESC),))
    assert served(config(composite(("status", ASC), ("priority", DESC), ("createdAt", ASC))), two)
    assert not served(config(composite(("status", ASC), ("createdAt", ASC), ("priority", DESC))), two)


def test_an_index_with_extra_fields_does_not_serve() -> None:
    index = composite(("userId", ASC), ("status", ASC), ("createdAt", DESC))
    assert not served(config(index), STATUS_BY_NEWEST)
    assert served(config(index), query(eq=("userId", "status"), order=(("createdAt", DESC),)))


def test_composite_indexes_with_the_same_order_suffix_merge() -> None:
    two_equalities = query(eq=("status", "userId"), order=(("createdAt", DESC),))
    assert not served(config(composite(("status", ASC), ("createdAt", DESC))), two_equalities)
    merged = config(
        composite(("status", ASC), ("createdAt", DESC)), composite(("userId", ASC), ("createdAt", DESC))
    )
    assert served(merged, two_equalities)


def test_collection_group_queries_need_a_collection_group_index() -> None:
    group = query(scope="COLLECTION_GROUP", eq=("status",), order=(("createdAt", DESC),))
    assert not served(config(composite(("status", ASC), ("createdAt", DESC))), group)
    assert served(config(composite(("status", ASC), ("createdAt", DESC), scope="COLLECTION_GROUP")), group)


def vector_index(*prefix: str, dimension: int = 384) -> dict[str, Any]:
    fields: list[dict[str, Any]] = [{"fieldPath": f, "order": ASC} for f in prefix]
    fields.append({"fieldPath": "embedding", "vectorConfig": {"dimension": dimension, "flat": {}}})
    return {"collectionGroup": "memories", "queryScope": "COLLECTION", "fields": fields}


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (vector_index("userId", "embeddingModel"), True),
        (vector_index("userId"), False),  # a pre-filter field is missing
        (vector_index("userId", "embeddingModel", dimension=1536), False),
        (vector_index("userId", "embeddingModel", "kind"), False),
    ],
)
def test_vector_search_needs_a_vector_index_with_its_prefilters(
    index: dict[str, Any], expected: bool
) -> None:
    search = query("memories", eq=("embeddingModel", "userId"), vector=("embedding", 384))
    assert served(config(index), search) is expected


def test_the_suggested_index_serves_the_query() -> None:
    for crafted in (
        STATUS_BY_NEWEST,
        query(eq=("a", "b"), ineq=("c",), order=(("d", DESC),)),
        query(scope="COLLECTION_GROUP", eq=("a",), array=("tags",), order=(("t", ASC),)),
        query("memories", eq=("userId",), vector=("embedding", 384)),
    ):
        assert not served(config(), crafted)
        assert served(config(suggested_index(crafted)), crafted)

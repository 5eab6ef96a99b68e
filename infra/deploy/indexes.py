"""Does `firestore.indexes.json` serve a query? Firestore's indexing rules, offline.

The emulators serve every query; production answers FAILED_PRECONDITION when no index serves it. The
rules implemented here (https://firebase.google.com/docs/firestore/query-data/index-overview):

- Normalisation: order-bys on equality-filtered fields are dropped; inequality fields not ordered on are
  ordered on implicitly (ascending, after the explicit ones); `__name__` is implied last, in the
  direction of the last order-by, so a trailing `__name__` order-by needs nothing.
- Single-field: a query on one field (any equality / range / order / array-contains) is served by the
  automatic single-field index, which exists at collection scope unless a fieldOverride replaces it;
  collection-group scope has only the single-field indexes a fieldOverride declares.
- Merge: equality (and array-contains) filters without an order-by are served by merging single-field
  indexes, one per field.
- Composite: an index of the query's scope whose fields are the equality fields (any order; array-contains
  needs `arrayConfig: CONTAINS`) followed by the order-by fields in order and direction. Composite
  indexes with the same order-by suffix can also be merged, each covering some of the equality fields.
- Vector search: a vector index on the field with the query vector's dimension whose other fields are
  exactly the pre-filter equality fields.

Conservative where unsure (a composite index is not assumed to serve the reversed direction), so a
pass here is a pass in production; a miss names the index to add.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NAME = "__name__"


@dataclass(frozen=True)
class Query:
    collection: str
    scope: str  # COLLECTION | COLLECTION_GROUP
    equality: tuple[str, ...]
    array: tuple[str, ...]
    inequality: tuple[str, ...]
    order_by: tuple[tuple[str, str], ...]
    vector: tuple[str, int] | None = None
    caller: str = "unknown"

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Query:
        vector = record.get("vector")
        return cls(
            collection=record["collection"],
            scope=record["scope"],
            equality=tuple(sorted({field for field, _ in record.get("equality", [])})),
            array=tuple(sorted({field for field, _ in record.get("array", [])})),
            inequality=tuple(sorted({field for field, _ in record.get("inequality", [])})),
            order_by=tuple((field, direction) for field, direction in record.get("orderBy", [])),
            vector=(vector["field"], int(vector["dimension"])) if vector else None,
            caller=record.get("caller", "unknown"),
        )

    def describe(self) -> str:
        parts = [
            f"{'collection group' if self.scope == 'COLLECTION_GROUP' else 'collection'} {self.collection!r}"
        ]
        if self.equality:
            parts.append("where " + ", ".join(f"{f} ==" for f in self.equality))
        if self.array:
            parts.append("where " + ", ".join(f"{f} array-contains" for f in self.array))
        if self.inequality:
            parts.append("range on " + ", ".join(self.inequality))
        if self.order_by:
            parts.append("order by " + ", ".join(f"{f} {d.lower()}" for f, d in self.order_by))
        if self.vector:
            parts.append(f"vector search on {self.vector[0]} ({self.vector[1]} dimensions)")
        return " ".join(parts)


def normalised_order(query: Query) -> list[tuple[str, str]]:
    """The order-bys Firestore actually scans by, without the implied trailing __name__."""
    equal = set(query.equality)
    order = [(field, direction) for field, direction in query.order_by if field not in equal]
    ordered = {field for field, _ in order}
    order += [(field, "ASCENDING") for field in query.inequality if field not in ordered]
    if order and order[-1][0] == NAME:
        order.pop()
    return order


def _fields(query: Query) -> set[str]:
    used = set(query.equality) | set(query.array) | set(query.inequality) | {f for f, _ in query.order_by}
    return used - {NAME}


def _single_field_index(config: dict[str, Any], query: Query, field: str, kind: str) -> bool:
    """Is there a single-field index on `field` of `kind` (ASCENDING / DESCENDING / CONTAINS)?"""
    for override in config.get("fieldOverrides", []):
        if override.get("collectionGroup") == query.collection and override.get("fieldPath") == field:
            return any(
                index.get("queryScope", "COLLECTION") == query.scope
                and (index.get("order") == kind or index.get("arrayConfig") == kind)
                for index in override.get("indexes", [])
            )
    return query.scope == "COLLECTION"  # automatic indexes exist at collection scope only


def _composite(config: dict[str, Any], query: Query) -> list[list[dict[str, Any]]]:
    return [
        index["fields"]
        for index in config.get("indexes", [])
        if index.get("collectionGroup") == query.collection
        and index.get("queryScope", "COLLECTION") == query.scope
    ]


def _split(
    fields: list[dict[str, Any]], suffix_length: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    cut = len(fields) - suffix_length
    return fields[:cut], fields[cut:]


def _prefix_covers(prefix: list[dict[str, Any]], query: Query) -> set[str] | None:
    """The equality/array fields this index prefix serves, or None if it holds anything else."""
    covered: set[str] = set()
    for field in prefix:
        path = field["fieldPath"]
        if (path in query.array and field.get("arrayConfig") == "CONTAINS") or (
            path in query.equality and field.get("order") in ("ASCENDING", "DESCENDING")
        ):
            covered.add(path)
        else:
            return None
    return covered


def served(config: dict[str, Any], query: Query) -> bool:
    if query.vector is not None:
        return _vector_served(config, query)
    fields = _fields(query)
    order = normalised_order(query)
    if len(fields) <= 1:
        if not fields:
            return True
        (field,) = fields
        kinds = {direction for _, direction in order} or {"ASCENDING"}
        if field in query.array:
            kinds.add("CONTAINS")
        return all(_single_field_index(config, query, field, kind) for kind in kinds)
    equal = set(query.equality) | set(query.array)
    if not order and not query.inequality:
        merged = all(
            _single_field_index(config, query, f, "CONTAINS" if f in query.array else "ASCENDING")
            for f in equal
        )
        if merged:
            return True
    covered: set[str] = set()
    for fields_of_index in _composite(config, query):
        if any("vectorConfig" in field for field in fields_of_index):
            continue
        prefix, suffix = _split(fields_of_index, len(order))
        if [(f["fieldPath"], f.get("order")) for f in suffix] != order:
            continue
        prefix_fields = _prefix_covers(prefix, query)
        if prefix_fields is None:
            continue
        if prefix_fields == equal:
            return True
        if prefix_fields:  # composite indexes with the same suffix merge over the equality fields
            covered |= prefix_fields
    return bool(order) and covered == equal and bool(equal)


def _vector_served(config: dict[str, Any], query: Query) -> bool:
    assert query.vector is not None
    field, dimension = query.vector
    for fields_of_index in _composite(config, query):
        *prefix, last = fields_of_index
        config_of_vector = last.get("vectorConfig")
        if last.get("fieldPath") != field or not config_of_vector:
            continue
        if int(config_of_vector.get("dimension", -1)) != dimension:
            continue
        if (
            {f["fieldPath"] for f in prefix} == set(query.equality)
            and not query.inequality
            and not query.array
        ):
            return True
    return False


def suggested_index(query: Query) -> dict[str, Any]:
    """The composite index that serves `query`, in firestore.indexes.json's format."""
    fields: list[dict[str, Any]] = [{"fieldPath": f, "order": "ASCENDING"} for f in query.equality]
    fields += [{"fieldPath": f, "arrayConfig": "CONTAINS"} for f in query.array]
    if query.vector is not None:
        fields.append(
            {"fieldPath": query.vector[0], "vectorConfig": {"dimension": query.vector[1], "flat": {}}}
        )
    else:
        fields += [{"fieldPath": f, "order": d} for f, d in normalised_order(query)]
    return {"collectionGroup": query.collection, "queryScope": query.scope, "fields": fields}


def suggested_fix(query: Query) -> str:
    import json

    if len(_fields(query)) <= 1 and query.vector is None:
        field = next(iter(_fields(query)))
        return (
            f"add a fieldOverride for collectionGroup {query.collection!r}, fieldPath {field!r} with the "
            f"{query.scope} index(es) this query needs (an override replaces the automatic indexes)"
        )
    return 'add to firestore.indexes.json "indexes": ' + json.dumps(suggested_index(query))

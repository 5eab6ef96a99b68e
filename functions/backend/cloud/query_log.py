"""Opt-in recorder of every Firestore query this process runs, for the offline index check.

The emulators do not enforce indexes, so a query without one only fails in production
(FAILED_PRECONDITION). With `SESSIONS_RECORD_QUERIES=/path/file.jsonl` set, `install()` wraps the
Firestore API client's `run_query` and `run_aggregation_query` (the only two RPCs that need an index:
plain, vector and aggregation queries, inside or outside transactions) and appends one JSON line per
query shape: scope, collection id, equality / array / inequality filters, order-bys, vector search.
`infra/deploy_check` then proves every recorded query is served by `firestore.indexes.json`.

Invariants: without the variable nothing is wrapped (production never pays for it); values are never
recorded (only field paths and operators: no user data reaches the log); a line is written with one
`write` on an O_APPEND file, so concurrent processes (the functions emulator and pytest) interleave
whole lines; each distinct shape is written once per process.
"""

from __future__ import annotations

import json
import os
import threading
import traceback
from typing import Any

ENV = "SESSIONS_RECORD_QUERIES"
_EQUALITY_OPS = {"EQUAL": "==", "IN": "in"}
_ARRAY_OPS = {"ARRAY_CONTAINS": "array-contains", "ARRAY_CONTAINS_ANY": "array-contains-any"}
_INEQUALITY_OPS = {
    "LESS_THAN": "<",
    "LESS_THAN_OR_EQUAL": "<=",
    "GREATER_THAN": ">",
    "GREATER_THAN_OR_EQUAL": ">=",
    "NOT_EQUAL": "!=",
    "NOT_IN": "not-in",
}
_lock = threading.Lock()
_seen: set[str] = set()
_installed = False


def install() -> None:
    """Start recording when SESSIONS_RECORD_QUERIES names a file; idempotent, a no-op otherwise."""
    global _installed
    if not os.environ.get(ENV) or _installed:
        return
    from google.cloud.firestore_v1.services.firestore import client as gapic

    api = gapic.FirestoreClient
    run_query, run_aggregation = api.run_query, api.run_aggregation_query

    def recorded_run_query(self: Any, *args: Any, **kwargs: Any) -> Any:
        _record(_field(args, kwargs, "structured_query"), aggregation=False)
        return run_query(self, *args, **kwargs)

    def recorded_run_aggregation(self: Any, *args: Any, **kwargs: Any) -> Any:
        aggregation = _field(args, kwargs, "structured_aggregation_query")
        _record(getattr(aggregation, "structured_query", None), aggregation=True)
        return run_aggregation(self, *args, **kwargs)

    api.run_query = recorded_run_query  # type: ignore[method-assign]
    api.run_aggregation_query = recorded_run_aggregation  # type: ignore[method-assign]
    _installed = True


def _field(args: tuple[Any, ...], kwargs: dict[str, Any], name: str) -> Any:
    request = kwargs.get("request", args[0] if args else None)
    if isinstance(request, dict):
        return request.get(name)
    return getattr(request, name, None)


def _record(structured: Any, *, aggregation: bool) -> None:
    if structured is None:
        return
    try:
        shape = describe(structured, aggregation=aggregation)
    except Exception:  # never break a query because the recorder did not understand it
        return
    key = json.dumps({k: v for k, v in shape.items() if k != "caller"}, sort_keys=True)
    with _lock:
        if key in _seen:
            return
        _seen.add(key)
    line = json.dumps(shape, sort_keys=True) + "\n"
    fd = os.open(os.environ[ENV], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def describe(structured: Any, *, aggregation: bool = False) -> dict[str, Any]:
    """The index-relevant shape of a StructuredQuery proto (field paths and operators, never values)."""
    source = structured.from_[0]
    shape: dict[str, Any] = {
        "collection": source.collection_id,
        "scope": "COLLECTION_GROUP" if source.all_descendants else "COLLECTION",
        "equality": [],
        "array": [],
        "inequality": [],
        "orderBy": [[order.field.field_path, order.direction.name] for order in structured.order_by],
    }
    _filters(structured.where, shape)
    for key in ("equality", "array", "inequality"):
        shape[key] = sorted(shape[key])
    if aggregation:
        shape["aggregation"] = True
    nearest = structured.find_nearest
    if nearest.vector_field.field_path:
        values = nearest.query_vector.map_value.fields["value"].array_value.values
        shape["vector"] = {"field": nearest.vector_field.field_path, "dimension": len(values)}
    shape["caller"] = _caller()
    return shape


def _filters(where: Any, shape: dict[str, Any]) -> None:
    kind = where._pb.WhichOneof("filter_type") if where is not None else None
    if kind == "composite_filter":
        for child in where.composite_filter.filters:
            _filters(child, shape)
    elif kind == "field_filter":
        op, path = where.field_filter.op.name, where.field_filter.field.field_path
        if op in _EQUALITY_OPS:
            shape["equality"].append([path, _EQUALITY_OPS[op]])
        elif op in _ARRAY_OPS:
            shape["array"].append([path, _ARRAY_OPS[op]])
        else:
            shape["inequality"].append([path, _INEQUALITY_OPS.get(op, op)])
    elif kind == "unary_filter":
        op, path = where.unary_filter.op.name, where.unary_filter.field.field_path
        # IS_NULL / IS_NAN are equalities; IS_NOT_NULL / IS_NOT_NAN are inequalities in the index rules.
        target = "inequality" if op.startswith("IS_NOT") else "equality"
        shape[target].append([path, op.lower()])


def _caller() -> str:
    """The first frame of this project's code that issued the query (file:function), for the check's
    message. Not the line number: the committed record would change with every edit above a query."""
    for frame in reversed(traceback.extract_stack()):
        path = frame.filename.replace(os.sep, "/")
        if "/site-packages/" in path or path.endswith("cloud/query_log.py"):
            continue
        for root in ("/backend/", "/ops/", "/tests/", "/bench/"):
            if root in path:
                return f"{root.strip('/')}/{path.split(root, 1)[1]}:{frame.name}"
    return "unknown"

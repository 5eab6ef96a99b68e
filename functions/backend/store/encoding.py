"""Writes encoded straight to protobuf, for the hottest commit (a room line and its speaker's gate).

The client library encodes a document value by value through proto-plus wrappers: about 0.15 ms for a
transcript line on an idle core and 0.5 ms under a room's load, a quarter of what a line adds to a raw
write before the listeners see it. Building the raw protobuf messages gives byte-for-byte the same
`Write` (tests/unit/test_write_encoding.py compares the two on every kind of value we store) at a fifth
of the cost. Only plain values are encoded here: anything else (a server timestamp, an increment, a
reference, bytes, a dotted field path) answers None and the caller uses the library.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from google.cloud.firestore import DocumentReference, WriteBatch

_SIMPLE_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _NotPlain(Exception):
    """A value this module does not encode (the library does)."""


@functools.lru_cache(maxsize=1)
def _pb() -> Any:
    """The raw protobuf classes behind the library's proto-plus types, looked up on first use."""
    from types import SimpleNamespace

    from google.cloud.firestore_v1.types import common, document, write
    from google.protobuf import struct_pb2, timestamp_pb2  # type: ignore[import-untyped]

    return SimpleNamespace(
        Value=document.Value.pb(),
        MapValue=document.MapValue.pb(),
        ArrayValue=document.ArrayValue.pb(),
        Document=document.Document.pb(),
        DocumentMask=common.DocumentMask.pb(),
        Precondition=common.Precondition.pb(),
        Write=write.Write.pb(),
        wrap=write.Write.wrap,
        Timestamp=timestamp_pb2.Timestamp,
        NULL=struct_pb2.NULL_VALUE,
    )


def _timestamp(value: datetime, *, keep_nanoseconds: bool = True) -> Any:
    """As the library: a stored DatetimeWithNanoseconds keeps its nanoseconds, a precondition's time is
    read to the microsecond (Firestore's update times are microseconds), a naive datetime is UTC."""
    to_pb = getattr(value, "timestamp_pb", None) if keep_nanoseconds else None
    if to_pb is not None:
        return to_pb()
    stamp = _pb().Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _value(value: Any) -> Any:
    pb = _pb()
    kind = type(value)
    if value is None:
        return pb.Value(null_value=pb.NULL)
    if kind is str:
        return pb.Value(string_value=value)
    if kind is bool:
        return pb.Value(boolean_value=value)
    if kind is int:
        return pb.Value(integer_value=value)
    if kind is float:
        return pb.Value(double_value=value)
    if isinstance(value, datetime):
        return pb.Value(timestamp_value=_timestamp(value))
    if kind is dict:
        return pb.Value(map_value=pb.MapValue(fields=_fields(value)))
    if kind is list:
        return pb.Value(array_value=pb.ArrayValue(values=[_value(item) for item in value]))
    raise _NotPlain(kind.__name__)


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    for key in data:
        if type(key) is not str:
            raise _NotPlain("key")
    return {key: _value(item) for key, item in data.items()}


def create_write(ref: DocumentReference, data: dict[str, Any]) -> Any | None:
    """`batch.create(ref, data)`'s Write (the document must not exist), or None for a value not plain."""
    pb = _pb()
    try:
        fields = _fields(data)
    except _NotPlain:
        return None
    document = pb.Document(name=ref._document_path, fields=fields)
    return pb.wrap(pb.Write(update=document, current_document=pb.Precondition(exists=False)))


def update_write(ref: DocumentReference, data: dict[str, Any], *, last_update_time: datetime) -> Any | None:
    """`batch.update(ref, data, option=db.write_option(last_update_time=...))`'s Write: the top-level
    fields of `data` replaced, on the condition the document was last updated at `last_update_time`.
    None for a value not plain or a key that is not a simple field name (the library reads dots as paths)."""
    pb = _pb()
    if not data or not all(type(key) is str and _SIMPLE_FIELD.fullmatch(key) for key in data):
        return None
    try:
        fields = _fields(data)
    except _NotPlain:
        return None
    return pb.wrap(
        pb.Write(
            update=pb.Document(name=ref._document_path, fields=fields),
            update_mask=pb.DocumentMask(field_paths=sorted(data)),
            current_document=pb.Precondition(
                update_time=_timestamp(last_update_time, keep_nanoseconds=False)
            ),
        )
    )


def add_writes(batch: WriteBatch, writes: list[Any]) -> None:
    """Queue encoded writes on a batch, in order, as its own create/update would."""
    batch._add_write_pbs(writes)


def add_create(batch: WriteBatch, ref: DocumentReference, data: dict[str, Any]) -> None:
    """`batch.create(ref, data)`, encoded here when every value is plain."""
    write = create_write(ref, data)
    if write is None:
        batch.create(ref, data)
    else:
        add_writes(batch, [write])


def add_update_unchanged(
    batch: WriteBatch, ref: DocumentReference, data: dict[str, Any], *, last_update_time: datetime
) -> None:
    """`batch.update(ref, data)` on the condition the document was last updated at `last_update_time`,
    encoded here when every value is plain."""
    write = update_write(ref, data, last_update_time=last_update_time)
    if write is None:
        from google.cloud.firestore_v1._helpers import LastUpdateOption

        batch.update(ref, data, option=LastUpdateOption(last_update_time))
    else:
        add_writes(batch, [write])

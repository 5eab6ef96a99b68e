"""The one check on ids that come from a client and name a stored document (path ids, cursors).

Firestore refuses (with an error, not a miss) ids that are empty, longer than 1,500 bytes, `.` or `..`,
contain `/`, or match `__.*__` (reserved). Ids this API hands out are 1-128 characters of
`[A-Za-z0-9_-]`, so anything else cannot name one of ours: it answers 400 (a query value) or 404 (a
path), never a storage error.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

ID_PATTERN = r"[A-Za-z0-9_-]{1,128}"
_ID = re.compile(ID_PATTERN)
_RESERVED = re.compile(r"__.*__")


def is_reserved_name(value: str) -> bool:
    """Firestore reserves `__.*__` for document ids and for field names at any depth (map keys too)."""
    return _RESERVED.fullmatch(value) is not None


def is_document_id(value: str) -> bool:
    """True when `value` could be an id this API gave out (and so is a safe Firestore document id)."""
    return _ID.fullmatch(value) is not None and _RESERVED.fullmatch(value) is None


def _check(value: str) -> str:
    if not is_document_id(value):
        raise ValueError("must be an id this API returned (1-128 of A-Z a-z 0-9 _ -)")
    return value


DocumentId = Annotated[
    str,
    AfterValidator(_check),
    WithJsonSchema({"type": "string", "pattern": rf"^(?!__.*__$){ID_PATTERN}$"}),
]

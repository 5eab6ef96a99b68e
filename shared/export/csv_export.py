"""Transcript as CSV: one row per message, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime

from shared.models.messages import Message

HEADER = ("timestamp", "speaker", "type", "content", "sentiment")

# A spreadsheet treats a cell that starts with one of these as a formula (or, for tab and CR, may
# drop the character and then do so): OWASP "CSV injection". Such cells get a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix a cell a spreadsheet would evaluate as a formula with an apostrophe."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def iso_utc(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds, like `2030-01-02T03:04:05.000Z` (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text_cell(value: str) -> str:
    # NUL is legal in a Firestore string but breaks spreadsheet and csv readers.
    return neutralise(value.replace("\x00", ""))


def transcript_csv(messages: Sequence[Message]) -> bytes:
    """UTF-8 CSV (no BOM) with the header `timestamp,speaker,type,content,sentiment`.

    Rows keep the given order. Text cells are quoted as needed (RFC 4180, CRLF row ends; newlines
    inside a message stay inside its quoted cell) and neutralised against formula injection. The
    sentiment cell is the score as a plain number (a negative score stays numeric: it is produced
    here from a float, never from user text), or empty when the message has none.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    for message in messages:
        writer.writerow(
            (
                iso_utc(message.created_at),
                _text_cell(message.speaker),
                _text_cell(message.type),
                _text_cell(message.content),
                "" if message.sentiment is None else repr(float(message.sentiment.score)),
            )
        )
    return buffer.getvalue().encode("utf-8")

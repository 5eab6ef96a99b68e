"""Transcript exports: CSV and PDF bytes, their file names and content types (pure; fpdf2 is lazy)."""

from __future__ import annotations

import re
from datetime import UTC
from typing import Literal

from shared.export.csv_export import transcript_csv
from shared.export.pdf_export import transcript_pdf
from shared.models.sessions import Session

ExportFormat = Literal["csv", "pdf"]

CONTENT_TYPES: dict[ExportFormat, str] = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_MAX_ID_LENGTH = 64


def export_filename(session: Session, fmt: ExportFormat) -> str:
    """`session-<id>-<YYYY-MM-DD>.<fmt>`, the UTC date the session started
    (or was created).

    Only ASCII letters, digits, `_`, `-` and the one `.` appear, so the name is safe unquoted in a
    Content-Disposition header and on any file system.
    """
    safe_id = _UNSAFE.sub("_", session.id).strip("_")[:_MAX_ID_LENGTH] or "unknown"
    moment = session.started_at or session.created_at
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    day = moment.date().isoformat()
    return f"session-{safe_id}-{day}.{fmt}"


__all__ = ["CONTENT_TYPES", "ExportFormat", "export_filename", "transcript_csv", "transcript_pdf"]

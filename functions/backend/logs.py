"""Structured JSON logs on stdout, in the shape Cloud Logging parses (severity + message).

Only ids and measurements go in; never message content, tokens or request bodies.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def log(severity: str, message: str, **fields: Any) -> None:
    entry: dict[str, Any] = {"severity": severity, "message": message}
    entry.update({k: v for k, v in fields.items() if v is not None})
    labels = {k: str(entry[k]) for k in ("sessionId", "userId") if k in entry}
    if labels:
        entry["logging.googleapis.com/labels"] = labels
    sys.stdout.write(json.dumps(entry, default=str) + "\n")
    sys.stdout.flush()


def info(message: str, **fields: Any) -> None:
    log("INFO", message, **fields)


def warning(message: str, **fields: Any) -> None:
    log("WARNING", message, **fields)


def error(message: str, **fields: Any) -> None:
    log("ERROR", message, **fields)

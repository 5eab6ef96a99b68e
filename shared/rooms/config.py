"""Room configuration: the show formats (JSON beside the avatars) and the room settings (environment)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.errors import ValidationFailed
from shared.models.rooms import RoomFormat

FORMATS_FILE = Path(__file__).resolve().parent.parent / "room_formats.json"
DEFAULT_FORMAT = "dating-show"


class RoomSettings(BaseSettings):
    """`SESSIONS_ROOM_*` variables. Kept apart from shared.settings so rooms add no field there."""

    model_config = SettingsConfigDict(env_prefix="SESSIONS_ROOM_", extra="ignore")

    formats_file: Path = FORMATS_FILE
    # A participant who drops out (leave without `final`, or a lost connection reported by the app)
    # keeps the seat this long; rejoining within it keeps the room as it was.
    grace_seconds: float = Field(default=60.0, ge=0, le=3600)
    # Live rooms without any line, join or phase change for this long are ended by the sweep.
    idle_timeout_seconds: float = Field(default=900.0, gt=0)
    # How many recent lines the host's model sees (older ones are in the rolling summary).
    context_lines: int = Field(default=12, ge=1, le=100)
    # Scales every phase duration (tests run shows of seconds: 0.02 turns 180 s into 3.6 s).
    phase_time_scale: float = Field(default=1.0, gt=0, le=10)
    # The rolling summary folds the lines that left the host's context this many at a time.
    summary_every: int = Field(default=6, ge=1, le=100)
    # Most recent interruptions kept for the host's prompt.
    interruptions_in_prompt: int = Field(default=3, ge=0, le=10)


@lru_cache(maxsize=1)
def room_settings() -> RoomSettings:
    return RoomSettings()


@lru_cache(maxsize=4)
def load_formats(path: Path) -> tuple[RoomFormat, ...]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    formats = tuple(RoomFormat.model_validate(item) for item in raw)
    if len({f.id for f in formats}) != len(formats):
        raise ValueError(f"{path}: format ids must be distinct")
    return formats


def find_format(formats: tuple[RoomFormat, ...], format_id: str) -> RoomFormat:
    for room_format in formats:
        if room_format.id == format_id:
            return room_format
    raise ValidationFailed(
        f"Unknown room format {format_id!r}.",
        details=[{"field": "format", "allowed": [f.id for f in formats]}],
    )


def role_for_seat(seat: int) -> str:
    """Seat 0 is `A`, seat 1 `B`, ... (formats have at most 16 seats)."""
    if not 0 <= seat < 26:
        raise ValueError("seat out of range")
    return chr(ord("A") + seat)


def seat_of(role: str) -> int:
    """The inverse of role_for_seat."""
    if len(role) != 1 or not "A" <= role <= "Z":
        raise ValueError(f"not a seat role: {role!r}")
    return ord(role) - ord("A")

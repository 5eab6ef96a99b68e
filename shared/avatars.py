"""The avatar catalogue is configuration (a JSON file), not code."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from shared.errors import ValidationFailed
from shared.models.users import Avatar


@lru_cache(maxsize=4)
def load_avatars(path: Path) -> tuple[Avatar, ...]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple(Avatar.model_validate(item) for item in raw)


def resolve_avatar(avatars: tuple[Avatar, ...], requested: str) -> Avatar:
    """Accept an avatar's id or display name, case-insensitively."""
    wanted = requested.strip().casefold()
    for avatar in avatars:
        if wanted in (avatar.id.casefold(), avatar.name.casefold()):
            return avatar
    raise ValidationFailed(
        f"Unknown avatar {requested!r}.",
        details=[{"field": "avatar", "allowed": [a.id for a in avatars]}],
    )

"""Crisis resources per locale (configuration: resources.json) and the fixed crisis reply."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from shared.models.safety import CrisisResources, Helpline

RESOURCES_FILE = Path(__file__).with_name("resources.json")
CRISIS_REPLY_MODEL = "safety-fixed-response"


@lru_cache(maxsize=4)
def _table(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def resources_for(
    locale: str | None, *, default_locale: str = "en-US", path: Path = RESOURCES_FILE
) -> CrisisResources:
    """The table's entry for `locale` (exact, alias, or same country), else the international fallback."""
    table = _table(path)
    locales: dict[str, Any] = table["locales"]
    wanted = (locale or default_locale).replace("_", "-")
    key = table.get("aliases", {}).get(wanted, wanted)
    if key not in locales:
        country = wanted.split("-")[-1].upper() if "-" in wanted else None
        key = next((k for k in locales if country and k.endswith(f"-{country}")), None)
    entry = locales[key] if key else table["international"]
    return CrisisResources(
        locale=key or "international",
        emergency_number=entry["emergencyNumber"],
        helplines=[Helpline.model_validate(h) for h in entry["helplines"]],
    )


def _describe(helpline: Helpline) -> str:
    ways = []
    if helpline.phone:
        ways.append(f"call {helpline.phone}")
    if helpline.text:
        ways.append(helpline.text if not helpline.text.isdigit() else f"text {helpline.text}")
    if helpline.url:
        ways.append(helpline.url)
    hours = f" ({helpline.hours})" if helpline.hours else ""
    return f"{helpline.name}: {', '.join(ways)}{hours}"


def crisis_reply(resources: CrisisResources) -> str:
    """The fixed, supportive reply that replaces the model's text at HIGH_RISK and above."""
    lines = "\n".join(f"- {_describe(h)}" for h in resources.helplines)
    return (
        "Thank you for telling me. What you are going through sounds really painful, and you deserve "
        "support right now. I'm an AI, so I can't keep you safe in an emergency, but people can help "
        f"you right now:\n{lines}\n"
        f"If you are in immediate danger or might act on these thoughts, please call {resources.emergency_number} "
        "now, or go to the nearest emergency department. Would you be willing to reach out to one of them? "
        "I'm here while you do."
    )


SAFE_REPLY_FALLBACK = (
    "I want to make sure I respond to you carefully. How are you feeling right now, and would it help to "
    "talk to someone you trust or a support line?"
)

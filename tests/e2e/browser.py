"""Headless Chromium for the end-to-end tests: Debian's build (Playwright's own download cannot work
offline), axe-core from node_modules, screenshots into .local/e2e/."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("SESSIONS_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / ".local" / "e2e"
APP_URL = os.environ.get("SESSIONS_WEB_URL", "http://127.0.0.1:5000/")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A/AA rules)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})).violations"
    )
    violations: list[dict[str, Any]] = result
    return [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
            for v in violations
        ],
        indent=1,
    )


def check_page(page: Any, name: str, part: Any = None) -> None:
    """Screenshots at desktop width and at 390 px, and axe at both: no serious or critical violation.
    With `part` (a locator), the screenshot shows that part only; axe still checks the whole page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        if part is None:
            page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        else:
            part.screenshot(path=str(SHOTS / f"{name}-{label}.png"))
        found = axe_violations(page)
        assert not found, f"{name} at {label}: accessibility violations\n{describe(found)}"
        if label == "390":
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            wide = page.evaluate(
                "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
                " > window.innerWidth + 1).slice(-5).map(e => e.tagName + '.' + e.className)"
            )
            assert overflow <= 1, f"{name} scrolls sideways at 390 px ({overflow} px): {wide}"
    page.set_viewport_size(original)


def safe_name(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")

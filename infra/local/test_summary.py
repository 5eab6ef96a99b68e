"""Print one closing line for `make test` from the JUnit XML files of its pytest runs."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def totals(paths: list[Path]) -> dict[str, int]:
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for path in paths:
        # Our own pytest output, not untrusted input.
        for suite in ET.parse(path).getroot().iter("testsuite"):  # noqa: S314
            for key in counts:
                counts[key] += int(suite.get(key, 0))
    return counts


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise SystemExit(f"test_summary: no results in {', '.join(missing)}")
    c = totals(paths)
    failed = c["failures"] + c["errors"]
    passed = c["tests"] - failed - c["skipped"]
    print(f"all: {passed} passed, {failed} failed, {c['skipped']} skipped")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()

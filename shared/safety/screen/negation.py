"""Negation in the hit's own clause ("I would never kill myself") and after it ("suicide is not an option").
A denial removes the risk; a hedge ("I don't think I'd ...") is ambivalence, not a denial, so the scan
keeps it at WATCH. Intensifying negations ("can't stop thinking about it") are not negations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from shared.safety.screen.wordlists import (
    CLAUSE_STOP,
    HEDGE_VERBS,
    NEGATION_INVERTERS,
    NEGATORS,
    SENTENCE_END,
)


def negation_of(tokens: Sequence[str], start: int, inner_end: int, pattern_negates: bool) -> str:
    """'' (none), 'negated' or 'hedged' for a hit starting at `start` whose framing words end at
    `inner_end` (exclusive; the act itself is not searched)."""
    lo = max(0, start - 6)
    stop_at = start if pattern_negates else inner_end
    first = lo
    for j in range(start - 1, lo - 1, -1):
        if tokens[j] in CLAUSE_STOP or tokens[j] in SENTENCE_END:
            first = j + 1
            break
    for j in range(first, stop_at):
        tok = tokens[j]
        if tok in NEGATORS or tok.endswith("n't"):
            if any(t in ("if", "unless", "whether", "reason", "reasons") for t in tokens[max(0, j - 3) : j]):
                continue  # "if I didn't ...", "the only reason I haven't ...": not a denial
            nxt = tokens[j + 1] if j + 1 < len(tokens) else ""
            if nxt in NEGATION_INVERTERS or (
                nxt in ("even", "really") and j + 2 < len(tokens) and tokens[j + 2] in NEGATION_INVERTERS
            ):
                continue
            if tok in ("no", "not") and nxt in ("one", "longer") and tok == "no" and nxt == "one":
                continue
            between = tokens[j + 1 : stop_at]
            if any(t in HEDGE_VERBS for t in between[:2]) and (
                "i" in between or "i'm" in between or "im" in between
            ):
                return "hedged"
            return "negated"
    return ""


_POST_NEGATION_RE = re.compile(
    r"^(?:is|was|would be|will never be|'s|s)? ?(?:not|never|isn't|isnt|wasn't|wasnt|no longer) (?:ever )?(?:something|an option|on the table|a thing|for me|in my plans|what i want)"
)


def negated_after(tokens: Sequence[str], end: int) -> bool:
    return _POST_NEGATION_RE.match(" ".join(tokens[end : end + 6])) is not None

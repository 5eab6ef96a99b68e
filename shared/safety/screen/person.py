"""Who a hit is about: the reflexive or possessive object ("kill *my*self", "end *his* life") or the nearest
subject ("*my friend* wants to die"). Only first person is the user's own risk; "you" is second person
and someone else is third person (specific) or generic ("people who ..."), which the scan discounts.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.safety.screen.wordlists import (
    FIRST,
    FIRST_SUBJECT,
    SECOND,
    SENTENCE_END,
    THIRD_GENERIC,
    THIRD_SPECIFIC,
)


def person_of(
    tokens: Sequence[str], start: int, obj: str | None, explicit: bool, *, strict: bool = False
) -> str:
    """'first', 'second', 'third', 'generic' or '' (no explicit person and `explicit` required)."""
    if obj:
        if obj in ("myself", "my self", "meself", "mysef", "my", "ourselves", "our", "i", "i'd", "id"):
            return "first"
        if obj in ("yourself", "yourselves", "urself", "your", "ur", "you", "you'd"):
            return "second"
        if obj == "oneself":
            return "generic"
        # third-person object: generic ("people who kill themselves") or specific
        return "generic" if nearest_person(tokens, start) == "generic" else "third"
    found = nearest_person(tokens, start)
    if strict and found == "first":  # an own subject, not just "my essay is about ..."
        window = tokens[max(0, start - 12) : start + 12]
        if not any(t in FIRST_SUBJECT for t in window):
            return ""
    if found:
        return found
    if explicit:
        for tok in tokens[start : start + 12]:
            if tok in _SUBJECT_STOP or tok in (",", "."):
                break
            if tok in FIRST:
                return "first"
        for j in range(start - 1, -1, -1):  # an own subject earlier in the sentence, same clause run
            if tokens[j] in _SUBJECT_STOP:
                break
            if tokens[j] in FIRST_SUBJECT:
                return "first"
        words = sum(1 for t in tokens if t not in SENTENCE_END and t not in (",", ":"))
        if words <= 6 or (tokens and tokens[0] in _SUBJECTLESS_START):
            return "first"  # "Feeling suicidal again.", "Felt hopeless and suicidal all week."
        return ""
    return "first"


_SUBJECTLESS_START = frozenset(
    {
        "felt",
        "feel",
        "feeling",
        "feels",
        "been",
        "was",
        "am",
        "getting",
        "got",
        "being",
        "having",
        "had",
        "struggling",
    }
)
_SUBJECT_STOP = frozenset(
    {"but", "because", "although", "though", "however", ";", ":", "cause", "cuz", "coz"}
)


def completed_act(tokens: Sequence[str], start: int, hit: str) -> bool:
    before = tokens[max(0, start - 4) : start]
    if any(
        t in ("almost", "nearly", "tried", "attempted", "try", "attempt", "attempting", "trying")
        for t in before
    ):
        return False
    return (
        "committed suicide" in hit or "commited suicide" in hit or "succeeded" in before or "died" in before
    )


def nearest_person(tokens: Sequence[str], start: int) -> str:
    for j in range(start - 1, max(-1, start - 13), -1):
        tok = tokens[j]
        if tok in _SUBJECT_STOP:
            return ""
        if tok.endswith("'s") and len(tok) > 2:
            tok = tok[:-2]
        if tok in FIRST:
            return "first"
        if tok in SECOND:
            return "second"
        if tok in THIRD_SPECIFIC:
            return "third"
        if tok in THIRD_GENERIC:
            return "generic"
    # an own word after the phrase ("killing myself is all I think about") still counts
    return ""

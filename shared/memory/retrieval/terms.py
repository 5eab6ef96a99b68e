"""Lexical terms of a text: lower-cased words, English stop words dropped, Snowball-stemmed.

The same function normalises memory items when they are written and queries when they are asked, so a
query's terms can be matched with Firestore `array_contains_any` against the `terms` stored on each item.
Numbers and names are kept (a rare word such as a pet's name is the best lexical evidence there is).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
MAX_TERM_CHARS = 40
"""Longer tokens are noise (hashes, URLs); Firestore array values stay small."""

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't
    down during each few for from further get gets getting got had hadn't has hasn't have haven't having
    he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in
    into is isn't it it's its itself just let's like me more most mustn't my myself no nor not now of
    off on once only or other ought our ours ourselves out over own really same shan't she she'd she'll
    she's should shouldn't so some such than that that's the their theirs them themselves then there
    there's these they they'd they'll they're they've this those through to too under until up very was
    wasn't we we'd we'll we're we've were weren't what what's when when's where where's which while who
    who's whom why why's will with won't would wouldn't you you'd you'll you're you've your yours
    yourself yourselves yeah yes oh ok okay well um uh hmm actually maybe much many thing things lot
    lots kind sort quite pretty still even already though anyway right sure think know mean tell told
    said say says going go went gone want wanted
    """.split()  # noqa: SIM905 (a word list reads better as text)
)


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import snowballstemmer  # pure Python; loaded on first use

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    stemmed: str = _stemmer().stemWord(word)  # type: ignore[attr-defined]
    return stemmed


def terms(text: str) -> list[str]:
    """The text's terms in order, with repeats (for term frequencies)."""
    out = []
    for token in _WORD.findall(text.lower()):
        if token in STOP_WORDS or len(token) > MAX_TERM_CHARS:
            continue
        word = token.split("'", 1)[0]
        if not word or word in STOP_WORDS:
            continue
        out.append(_stem(word))
    return out


def term_counts(text: str) -> Counter[str]:
    return Counter(terms(text))

"""Compilation, done once on first use (importing the screen compiles nothing): every rule becomes an
anchored regex indexed by the tokens that can start it, and idioms made only of fixed words are expanded
into a phrase index (one dictionary walk per message) while the rest stay regexes indexed by their
risk-adjacent words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from shared.safety.screen.idioms import IDIOM_NEEDS, IDIOMS
from shared.safety.screen.rule_parts import Rule
from shared.safety.screen.rules import rule_table
from shared.safety.screen.time_markers import HYPERBOLE_RE, PAST_RE, RECENT_RE, RECOVERED_RE, TIME_NOW_RE
from shared.text.analysis import PhraseIndex, tokenize


@dataclass(frozen=True)
class _CompiledRule:
    rule: Rule
    regex: re.Pattern[str]
    also: frozenset[str]
    grouped: bool  # has named groups (the object "o…", the target "t")


@dataclass(frozen=True)
class CompiledRules:
    rules: tuple[_CompiledRule, ...]
    by_token: dict[str, tuple[int, ...]]  # trigger token -> indexes of the rules it can start
    idioms: tuple[re.Pattern[str], ...]  # idioms that need a regex (gaps, lookaheads)
    idiom_index: dict[str, tuple[int, ...]]  # risk-adjacent word -> regex idioms that contain it
    idiom_phrases: PhraseIndex  # every other idiom, expanded to its fixed phrases
    time_now: re.Pattern[str]
    past: re.Pattern[str]
    recent: re.Pattern[str]
    recovered: re.Pattern[str]
    hyperbole: re.Pattern[str]


_MAX_PER_FIRST_WORD = 15
_MAX_EXPANSION = 600


def _expand(pattern: str) -> list[str] | None:
    """The fixed phrases of a pattern made only of words, `(?:a|b)` groups and `?`; None otherwise."""
    pos = 0

    def alternatives() -> list[str]:
        nonlocal pos
        found = sequence()
        while pos < len(pattern) and pattern[pos] == "|":
            pos += 1
            found = found + sequence()
        return found

    def sequence() -> list[str]:
        nonlocal pos
        out = [""]
        while pos < len(pattern) and pattern[pos] not in "|)":
            if pattern.startswith("(?:", pos):
                pos += 3
                inner = alternatives()
                if pos >= len(pattern) or pattern[pos] != ")":
                    raise ValueError(pattern)
                pos += 1
                if pos < len(pattern) and pattern[pos] == "?":
                    pos += 1
                    inner = [*inner, ""]
                if len(out) * len(inner) > _MAX_EXPANSION:
                    raise ValueError(pattern)
                out = [a + b for a in out for b in inner]
            elif pattern[pos] in "[]{}*+\\.^$(?":
                raise ValueError(pattern)
            else:
                out = [a + pattern[pos] for a in out]
                pos += 1
        return out

    try:
        phrases = alternatives()
    except ValueError:
        return None
    return phrases if pos == len(pattern) else None


def _index_idioms(patterns: Sequence[str]) -> dict[str, tuple[int, ...]]:
    index: dict[str, list[int]] = {}
    for n, pattern in enumerate(patterns):
        words = set(re.findall(r"[a-z][a-z'!-]*", pattern)) & IDIOM_NEEDS or IDIOM_NEEDS
        for word in words:
            index.setdefault(word, []).append(n)
    return {word: tuple(ns) for word, ns in index.items()}


def _number_groups(pattern: str) -> str:
    counter = iter(range(1, 1000))
    return re.sub(r"\(\?P<o>", lambda _m: f"(?P<o{next(counter)}>", pattern)


@lru_cache(maxsize=1)
def compiled_rules() -> CompiledRules:
    rules = [
        _CompiledRule(
            rule,
            regex := re.compile(r"(?<= )(?:" + _number_groups(rule.pattern) + r")(?:(?<= )|(?= ))"),
            frozenset(rule.also),
            bool(regex.groupindex),
        )
        for rule in rule_table()
    ]
    rules.sort(key=lambda cr: "f" in cr.rule.flags)  # fallbacks last: they yield to any other hit
    phrases: list[str] = []
    regex_idioms: list[str] = []
    for pattern in IDIOMS:
        raw = [" ".join(p.split()) for p in _expand(pattern) or ()]
        expanded = [" ".join(tokenize(p)) for p in raw]
        firsts = Counter(p.split(" ", 1)[0] for p in expanded if p)
        risky_first = all(word in IDIOM_NEEDS for word in firsts)
        if expanded != raw or not firsts or not risky_first or max(firsts.values()) > _MAX_PER_FIRST_WORD:
            regex_idioms.append(pattern)  # PhraseIndex tries every phrase that starts with a word
        else:
            phrases.extend(p for p in expanded if p)
    by_token: dict[str, list[int]] = {}
    for n, cr in enumerate(rules):
        for word in cr.rule.needs:
            by_token.setdefault(word, []).append(n)
    return CompiledRules(
        rules=tuple(rules),
        by_token={word: tuple(indexes) for word, indexes in by_token.items()},
        idioms=tuple(re.compile(r"(?<= )(?:" + p + ")") for p in regex_idioms),
        idiom_index=_index_idioms(regex_idioms),
        idiom_phrases=PhraseIndex({"idiom": phrases}),
        time_now=re.compile(r"(?<= )" + TIME_NOW_RE),
        past=re.compile(r"(?<= )" + PAST_RE),
        recent=re.compile(r"(?<= )" + RECENT_RE),
        recovered=re.compile(r"(?<= )" + RECOVERED_RE),
        hyperbole=re.compile(r"(?<= )" + HYPERBOLE_RE),
    )

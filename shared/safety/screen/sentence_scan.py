"""Scanning one sentence: every rule hit that no idiom covers becomes a `Mention`, qualified by who it is
about, negation, reported speech, time (past, recent, recovered) and hyperbole. The qualifiers lower the
mention's level and record why in `mods`, so the decision can tell own risk from risk explained away.

Costly checks run only when a cheap token test says they can matter (a negator, a speech word, a time
marker in the sentence), which keeps ordinary sentences at a few set lookups.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import NamedTuple

from shared.safety.screen.common import ELEVATED_CONCERN, NORMAL, SAFETY_MODE, WATCH
from shared.safety.screen.compiled import CompiledRules
from shared.safety.screen.negation import negated_after, negation_of
from shared.safety.screen.person import completed_act, person_of
from shared.safety.screen.reported import quoted_source
from shared.safety.screen.sentences import Sentence, padded, sentence_string, token_at
from shared.safety.screen.signals import SUICIDE_FAMILY
from shared.safety.screen.wordlists import (
    ASK_VERBS,
    LAUGH,
    MEDIA,
    NEGATORS,
    SPEECH_VERBS,
    THIRD_GENERIC,
)


class Mention(NamedTuple):
    rule: str
    signal: str  # the own-risk signal (or the qualifier when nothing of the user's own remains)
    level: int  # effective level after qualifiers
    weight: float
    mods: tuple[str, ...]  # qualifier signals: negated, third_person, figurative, ...
    gated: bool  # counts only when the window shows own risk
    ungated: int  # level to use when the gate is closed (-1: drop)
    action: bool  # intent/plan/preparation/...: a time-now cue makes it imminent
    now: bool  # a time-now cue in its sentence
    sentence: int
    span: tuple[int, int] = (0, 0)  # token span within the sentence


def _tense(tokens: Sequence[str], start: int, end: int, c: CompiledRules) -> tuple[bool, bool]:
    """(distant past, recent) time markers: in the hit's own clause first, else anywhere in the sentence."""
    lo = start
    while lo > 0 and tokens[lo - 1] not in (",", ";", "but", "and", "though", "although", "now"):
        lo -= 1
    hi = end
    while hi < len(tokens) and tokens[hi] not in (",", ";", "but", "and", "though", "although", "now"):
        hi += 1
    clause = padded(tokens[lo:hi])
    past = c.past.search(clause) is not None
    recent = c.recent.search(clause) is not None
    if past or recent:
        return past, recent
    s = padded(tokens)
    return c.past.search(s) is not None, c.recent.search(s) is not None


def _any_idiom(tokens: Sequence[str], idioms: Sequence[int], c: CompiledRules) -> bool:
    s = padded(tokens)
    return any(c.idioms[n].search(s) for n in idioms)


def scan_sentence(
    sentence: Sentence,
    index: int,
    message_recovered: bool,
    c: CompiledRules,
    phrase_spans: Sequence[tuple[int, int]],
) -> tuple[list[Mention], bool]:
    tokens = sentence.tokens
    by_token = c.by_token
    candidates = sorted({n for tok in tokens if tok in by_token for n in by_token[tok]})
    idiom_index = c.idiom_index
    idioms = sorted({n for tok in tokens if tok in idiom_index for n in idiom_index[tok]})
    if not candidates:
        return [], bool(phrase_spans) or (bool(idioms) and _any_idiom(tokens, idioms, c))
    tokset = set(tokens)
    s, offsets = sentence_string(tokens)
    idiom_spans = [(offsets[a], offsets[b - 1] + len(tokens[b - 1]) + 1) for a, b in phrase_spans]
    figurative = bool(idiom_spans)
    for n in idioms:
        for m in c.idioms[n].finditer(s):
            idiom_spans.append((m.start(), m.end()))
            figurative = True
    if not candidates:
        return [], figurative
    laugh = sentence.laugh or not LAUGH.isdisjoint(tokset)
    has_negator = not NEGATORS.isdisjoint(tokset) or any(t.endswith("n't") for t in tokens)
    maybe_reported = (
        sentence.quoted is not None
        or not MEDIA.isdisjoint(tokset)
        or not SPEECH_VERBS.isdisjoint(tokset)
        or not ASK_VERBS.isdisjoint(tokset)
    )
    sentence_tense: tuple[bool, bool] | None = None
    hyperbole: bool | None = None
    now: bool | None = None

    mentions: list[Mention] = []
    taken: dict[str, list[tuple[int, int]]] = {}
    spans: list[tuple[int, int]] = []
    for n in candidates:
        cr = c.rules[n]
        rule = cr.rule
        if cr.also and cr.also.isdisjoint(tokset):
            continue
        for m in cr.regex.finditer(s):
            a, b = m.start(), m.end()
            if idiom_spans and any(a < ie and ia < b for ia, ie in idiom_spans):
                continue
            if spans and "f" in rule.flags and any(a < se and sa < b for sa, se in spans):
                continue
            spans.append((a, b))
            if rule.group:
                group_spans = taken.setdefault(rule.group, [])
                if group_spans and any(a < se and sa < b for sa, se in group_spans):
                    continue
                group_spans.append((a, b))
            start = bisect.bisect_right(offsets, a) - 1
            end = bisect.bisect_right(offsets, b - 1)
            obj: str | None = None
            obj_at = b
            groups: dict[str, str | None] = m.groupdict() if cr.grouped else {}
            for key, value in groups.items():
                if value and key[0] == "o":
                    obj, obj_at = value, m.start(key)
                    break
            if groups.get("t"):
                obj_at = m.start("t")
            inner_end = bisect.bisect_right(offsets, obj_at) - 1 if obj_at < b else end
            flags = rule.flags
            level = rule.level
            signal = rule.signal
            weight = rule.weight
            mods: list[str] = []
            if rule.id == "told_to":
                mentions.append(
                    Mention(
                        rule.id,
                        "reported_speech",
                        WATCH,
                        weight,
                        ("reported_speech",),
                        False,
                        -1,
                        False,
                        False,
                        index,
                    )
                )
                continue
            # who
            if "p" in flags or "P" in flags or obj is not None:
                person_at = (
                    end if "e" in flags else (token_at(offsets, m.start("t")) if groups.get("t") else start)
                )
                who = person_of(tokens, person_at, obj, "P" in flags, strict="I" in flags)
                if who == "":
                    continue
                if who == "first" and completed_act(tokens, start, s[a:b]):
                    near = tokens[max(0, start - 8) : start]
                    who = (
                        "generic" if not THIRD_GENERIC.isdisjoint(near) else "third"
                    )  # "a man I know committed suicide": nobody reports their own completed suicide
                if who == "second":
                    mods.append("second_person")
                    level = NORMAL
                elif who in ("third", "generic"):
                    mods.append("third_person")
                    level = min(level, WATCH) if who == "third" else NORMAL
            # negation
            if has_negator and ("n" in flags or "N" in flags):
                neg = negation_of(tokens, start, max(start + 1, inner_end), "N" in flags)
                if not neg and negated_after(tokens, end):
                    neg = "negated"
                if neg == "negated":
                    mods.append("negated")
                    level = NORMAL
                elif neg == "hedged":  # "I don't think I'd kill myself": ambivalent, not a denial
                    mods.append("negated")
                    level = min(level, WATCH)
                    weight *= 0.6
                    if signal in SUICIDE_FAMILY:
                        signal = "suicide_mention"
            # reported speech / quotes
            if maybe_reported and (level > NORMAL or "second_person" in mods):
                src = quoted_source(sentence, start, end)
                if src == "reported":
                    mods.append("reported_speech")
                    level = NORMAL
                elif sentence.quoted is not None and all(sentence.quoted[start:end]):
                    weight *= 0.8
            # time
            if "t" in flags and level > NORMAL and not mods:
                if sentence_tense is None:
                    sentence_tense = (c.past.search(s) is not None, c.recent.search(s) is not None)
                past, recent = _tense(tokens, start, end, c) if any(sentence_tense) else (False, False)
                if past and not (recent and rule.signal in ("past_attempt", "self_harm")):
                    if message_recovered:
                        signal, level = "past_recovered", min(level, WATCH)
                        mods.append("past_recovered")
                    elif rule.signal == "past_attempt":
                        level = ELEVATED_CONCERN
                    elif rule.signal == "self_harm":
                        signal, level = "past_self_harm", WATCH
                    elif rule.signal in ("suicidal_thoughts", "wish_dead"):
                        signal, level = "past_ideation", WATCH
                    else:
                        level = min(level, ELEVATED_CONCERN)
                elif rule.signal == "past_attempt":
                    if recent:
                        signal = "recent_attempt"
                        if re.search(r"(?<= )(?:just|already|right now|tonight|minutes ago|an hour ago)", s):
                            level = SAFETY_MODE
                            mods.append("imminent")
                    elif message_recovered:
                        signal, level = "past_recovered", WATCH
                        mods.append("past_recovered")
            # hyperbole
            if "h" in flags and level > NORMAL and hyperbole is None:
                hyperbole = laugh or c.hyperbole.search(s) is not None
            if "h" in flags and level > NORMAL and hyperbole:
                mods.append("figurative")
                level = NORMAL if rule.id == "kill_me" else WATCH  # "someone shoot me lol" is an idiom
                weight *= 0.6
            if rule.id == "hto_could" and level > NORMAL:
                mods.append("figurative")
            for qualifier in ("third_person", "second_person", "reported_speech", "past_recovered"):
                if qualifier in mods:
                    signal = qualifier
                    break
            mentions.append(
                Mention(
                    rule=rule.id,
                    signal=signal,
                    level=level,
                    weight=weight,
                    mods=tuple(mods),
                    gated="g" in flags,
                    ungated=rule.ungated,
                    action="a" in flags,
                    now=((now := c.time_now.search(s) is not None) if now is None else now)
                    if "a" in flags
                    else False,
                    sentence=index,
                    span=(start, end),
                )
            )
    return mentions, figurative

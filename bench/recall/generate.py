"""Seeded generator of evidence-labelled multi-session conversations for the recall benchmark.

Each person has ~20 sessions over ~6 months with an assistant. A session has a main topic; it states one
or two facts (each stated exactly once in the person's history), talks around its topic with lines that
share the topic's vocabulary (so other sessions on the same topic are distractors), drifts into a second
topic, and opens and closes with small talk. A three-session story (training for a race) gives
questions whose answer moved over time. Every question is labelled with the session(s) holding the
answer; paraphrased questions are checked to share no content word with the statement they ask about.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bench.recall.corpus import FACTS, FILLER, POOLS, REPLIES, SMALL_TALK, STORY, STORY_Q, TIME_TOPIC_Q
from shared.memory.retrieval.items import Turn
from shared.memory.retrieval.terms import terms

MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]  # fmt: skip


@dataclass
class SessionRecord:
    id: str
    date: datetime
    topic: str
    turns: list[Turn]


@dataclass
class Question:
    id: str
    person: str
    kind: str
    text: str
    evidence: set[str]
    now: datetime
    statement: str = ""


@dataclass
class Person:
    id: str
    sessions: list[SessionRecord] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format(**values)


def _draw_values(rng: random.Random, used: set[str]) -> dict[str, str]:
    values = {}
    for slot, pool in POOLS.items():
        free = [v for v in pool if v not in used] or pool
        values[slot] = rng.choice(free)
    return values


def _user_lines(rng: random.Random, topic: str, statements: list[str]) -> list[str]:
    other = rng.choice([t for t in FILLER if t != topic])
    body = statements + rng.sample(FILLER[topic], k=min(len(FILLER[topic]), rng.randint(2, 3)))
    body += rng.sample(FILLER[other], k=rng.randint(1, 2))
    rng.shuffle(body)
    opening = rng.sample(SMALL_TALK[:10], k=rng.randint(1, 2))
    closing = [rng.choice(SMALL_TALK[10:])] if rng.random() < 0.6 else []
    return opening + body + closing


def _turns(rng: random.Random, lines: list[str]) -> list[Turn]:
    turns = []
    for line in lines:
        turns.append(Turn("user", line))
        turns.append(Turn("ai", rng.choice(REPLIES)))
    return turns


def _when_phrase(date: datetime, now: datetime, rng: random.Random) -> tuple[str, datetime, datetime]:
    """A natural phrase for `date` seen from `now`, and the window of dates a listener would take it to mean."""
    days = (now - date).days
    if days >= 14 and rng.random() < 0.5:
        weeks = round(days / 7)
        words = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
        if weeks in words:
            centre = now - timedelta(days=7 * weeks)
            return f"{words[weeks]} weeks ago", centre - timedelta(days=4), centre + timedelta(days=4)
    start = datetime(date.year, date.month, 1)
    end = datetime(date.year + (date.month == 12), date.month % 12 + 1, 1)
    previous = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    if (date.year, date.month) == previous and rng.random() < 0.5:
        return "last month", start, end
    return f"in {MONTH_NAMES[date.month - 1]}", start, end


def generate_person(index: int, *, seed: int) -> Person:
    rng = random.Random(f"{seed}-{index}")
    person = Person(id=f"person-{index:02d}")
    used: set[str] = set()
    facts = [(topic, fact) for topic, group in FACTS.items() for fact in group]
    rng.shuffle(facts)
    facts = facts[: rng.randint(16, 19)]
    plan: list[tuple[str, list[tuple[dict[str, object], dict[str, str]]]]] = []
    while facts:
        topic, fact = facts.pop()
        values = _draw_values(rng, used)
        used.update(values[s] for s in ("name", "pet", "city", "book", "company"))
        chosen = [(fact, values)]
        if facts and rng.random() < 0.3:
            chosen.append((facts.pop()[1], _draw_values(rng, used)))
        plan.append((topic, chosen))
    story_values = _draw_values(rng, used)
    for step in range(len(STORY)):
        plan.append(("fitness", [({"story": step}, story_values)]))
    plan += [(rng.choice(list(FILLER)), []) for _ in range(rng.randint(2, 3))]
    story_steps = [i for i, p in enumerate(plan) if p[1] and "story" in p[1][0][0]]
    others = [p for i, p in enumerate(plan) if i not in story_steps]
    rng.shuffle(others)
    # the story keeps its order, spread over the months
    slots = sorted(rng.sample(range(len(plan)), k=len(story_steps)))
    ordered: list[tuple[str, list[tuple[dict[str, object], dict[str, str]]]]] = []
    story_iter = iter(plan[i] for i in story_steps)
    other_iter = iter(others)
    for i in range(len(plan)):
        ordered.append(next(story_iter) if i in slots else next(other_iter))

    date = datetime(2026, 1, 5) + timedelta(days=rng.randint(0, 20), hours=rng.randint(8, 20))
    asks: list[tuple[str, str, str, str]] = []  # (kind, question, session id, statement)
    story_sessions: list[str] = []
    for number, (topic, chosen) in enumerate(ordered):
        sid = f"{person.id}-s{number:02d}"
        statements = []
        for fact, values in chosen:
            if "story" in fact:
                step = int(str(fact["story"]))
                statements.append(_fill(STORY[step][1], values))
                story_sessions.append(sid)
                asks.append(("story", STORY_Q[step][1], sid, statements[-1]))
                continue
            says = [str(s) for s in fact["says"]]  # type: ignore[attr-defined]
            statement = _fill(rng.choice(says), values)
            statements.append(statement)
            for kind, question in fact["q"]:  # type: ignore[attr-defined]
                asks.append((str(kind), _fill(str(question), values), sid, statement))
        turns = _turns(rng, _user_lines(rng, topic, statements))
        person.sessions.append(SessionRecord(sid, date, topic, turns))
        date += timedelta(days=rng.randint(4, 12), hours=rng.randint(-3, 3))
    now = date + timedelta(days=rng.randint(1, 5))

    for kind, question, sid, statement in asks:
        qid = f"{sid}-q{len(person.questions)}"
        person.questions.append(Question(qid, person.id, kind, question, {sid}, now, statement))
    if story_sessions:
        text = "How did my whole running journey unfold from start to finish?"
        person.questions.append(
            Question(f"{person.id}-story", person.id, "multi", text, set(story_sessions), now)
        )
    by_topic: dict[str, list[SessionRecord]] = {}
    for record in person.sessions:
        by_topic.setdefault(record.topic, []).append(record)
    for topic, records in by_topic.items():
        if len(records) < 2:
            continue
        record = rng.choice(records)
        phrase, start, end = _when_phrase(record.date, now, rng)
        evidence = {r.id for r in records if start <= r.date < end}
        text = TIME_TOPIC_Q[topic].format(when=phrase)
        person.questions.append(Question(f"{record.id}-time", person.id, "time", text, evidence, now))
    return person


def generate(*, people: int, seed: int) -> list[Person]:
    return [generate_person(i, seed=seed) for i in range(people)]


def overlap(question: str, statement: str) -> set[str]:
    """Content terms a question shares with the statement it asks about."""
    return set(terms(question)) & set(terms(statement))

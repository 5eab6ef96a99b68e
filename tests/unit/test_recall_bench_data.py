"""The generated recall benchmark is what it claims: seeded, large enough, labelled with sessions that
really hold the answer, and its paraphrased questions share no content word with the answer."""

from __future__ import annotations

from bench.recall.generate import generate, overlap


def test_generation_is_seeded_and_large_enough() -> None:
    people = generate(people=12, seed=11)
    assert [q.text for q in people[3].questions] == [q.text for q in generate(people=4, seed=11)[3].questions]
    assert all(len(p.sessions) >= 15 for p in people)
    assert sum(len(p.questions) for p in people[4:]) >= 150
    assert {q.kind for p in people for q in p.questions} >= {"para", "rare", "when", "time", "pref", "story"}


def test_evidence_sessions_hold_the_statement_and_paraphrases_do_not_reuse_its_words() -> None:
    for person in generate(people=6, seed=11):
        sessions = {s.id: s for s in person.sessions}
        for question in person.questions:
            assert question.evidence and question.evidence <= set(sessions)
            if question.statement:
                (only,) = question.evidence
                assert any(question.statement == t.text for t in sessions[only].turns)
            if question.kind in {"para", "pref", "story"}:
                assert not overlap(question.text, question.statement), question.text
            if question.kind == "rare":
                assert overlap(question.text, question.statement)
            if question.kind == "time":
                assert len({sessions[e].topic for e in question.evidence}) == 1

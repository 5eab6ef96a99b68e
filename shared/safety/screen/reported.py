"""Reported speech: a hit inside quotes or after a media or third-person speech frame ("the song goes ...",
"she said she wanted to die") is someone else's words, not the user's own risk; a question put to the user
("my therapist asked if I was suicidal") counts only if they answered yes.
"""

from __future__ import annotations

from shared.safety.screen.person import nearest_person
from shared.safety.screen.sentences import Sentence
from shared.safety.screen.wordlists import ASK_VERBS, FIRST, MEDIA, SPEECH_VERBS


def quoted_source(sentence: Sentence, start: int, end: int) -> str:
    """'reported' when the hit is attributed to a song, a film, or another person; '' otherwise."""
    tokens = sentence.tokens
    quoted = sentence.quoted
    inside = quoted is not None and all(quoted[start:end])
    outside = (
        [t for k, t in enumerate(tokens) if not (quoted is not None and quoted[k])]
        if inside
        else tokens[:start]
    )
    if any(t in MEDIA for t in outside):
        return "reported"
    if not inside:
        # a question put to the user: "my therapist asked if I was suicidal (and I said no)"
        for j in range(start - 1, max(-1, start - 6), -1):
            if tokens[j] in ASK_VERBS and tokens[j + 1] in ("if", "whether", "me"):
                return "" if "yes" in tokens[end:] else "reported"
        # a speech frame before the hit: "<third person> said/goes ..."
        for j in range(start - 1, max(-1, start - 8), -1):
            if tokens[j] in SPEECH_VERBS and tokens[j] != "like":
                who = nearest_person(tokens, j)
                if (
                    who in ("third", "generic", "second")
                    and j + 1 < len(tokens)
                    and tokens[j + 1] in ("to", "that", "i", "you", "we", "she", "he", "they")
                ):
                    return "reported" if tokens[j + 1] != "i" else ""
                return ""
        return ""
    # inside quotes: whose words? the speech verb nearest before the quote
    for j in range(start - 1, -1, -1):
        if quoted is not None and quoted[j]:
            continue
        if tokens[j] in SPEECH_VERBS or tokens[j] in (
            "goes",
            "like",
            "thinking",
            "think",
            "thought",
            "wrote",
            "typed",
            "tell",
            "told",
        ):
            who = nearest_person(tokens, j)
            return "" if who == "first" else "reported"
    # no frame before: look after ("... ", she said)
    for j in range(end, len(tokens)):
        if quoted is not None and not quoted[j] and tokens[j] in SPEECH_VERBS:
            who = nearest_person(tokens, j + 2) if j + 1 < len(tokens) else ""
            nxt = tokens[j - 1] if j else ""
            if nxt in FIRST or who == "first":
                return ""
            return "reported"
    return ""

"""The offline responder: reflective listening with no model, no key and no network.

It answers the user's last message in up to four short sentences: the feeling it heard (from
`analyze`'s sentiment and topics), the key content in the user's own words with pronouns swapped
("I hate my job" -> "you hate your job"), an optional persona-specific move, and exactly one open
question that stays on the topic. Phrasing lives in offline_styles.json, keyed by avatar; variants
are chosen by a stable hash, so the same request always gets the same reply.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from shared.conversation.provider import AiProvider, ReplyChunk, ReplyRequest
from shared.models.messages import SentimentLabel
from shared.models.users import Avatar
from shared.text.analysis import analyze, topic_phrase

STYLES_FILE = Path(__file__).with_name("offline_styles.json")
DEFAULT_STYLE = "default"
MAX_REFLECTED_WORDS = 20
_NO_TOPIC = "this"

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD_OR_GAP = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|[^A-Za-z]+")
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|howdy)(?:\s+(?:there|\w+))?\s*[.!]*\s*$",
    re.IGNORECASE,
)
_IDENTITY = re.compile(
    r"\b(?:are|r)\s+(?:you|u)\s+(?:a\s+|an\s+)?(?:real|human|person|robot|bot|ai|machine|therapist|doctor)\b",
    re.IGNORECASE,
)


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_FILLERS = _word_set(
    "well so um uh umm uhh like honestly and but oh ok okay yeah yes hi hello hey anyway basically"
)
_TRAILING = _word_set("and but because so or the a an to of with that")
# Words safe to lower-case at the start of a reflected sentence (anything else may be a name).
_COMMON_STARTERS = _word_set(
    """the a an it its it's this that these those there they their he she his her we our everything
    everyone nothing nobody something someone things life today tonight yesterday tomorrow lately
    recently sometimes always never every all just maybe work school after before when since last
    my your people even still also now then what how why because"""
)
_SWAP = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "i'm": "you're",
    "im": "you're",
    "i've": "you've",
    "ive": "you've",
    "i'll": "you'll",
    "i'd": "you'd",
    "am": "are",
    "your": "my",
    "yours": "mine",
    "yourself": "myself",
    "you're": "I'm",
    "youre": "I'm",
    "you've": "I've",
    "you'll": "I'll",
    "you'd": "I'd",
}
_AFTER_I = {"was": "were", "wasn't": "weren't", "wasnt": "weren't"}
_AFTER_YOU = {"are": "am", "were": "was", "weren't": "wasn't", "aren't": "am not"}
_CLAUSE_STARTERS = _word_set("and but because so that when if or while though although")
# After "you", these suggest "you" is the subject ("you hate me" -> "I hate you"), else it becomes "me".
_SUBJECT_CUES = _word_set(
    """are were aren't weren't do don't did didn't does can can't could couldn't will won't would
    wouldn't should shouldn't have haven't had hate love like know think feel want need understand get
    care listen said say seem sound make made never always just really probably also only must might"""
)


@dataclass(frozen=True)
class _Style:
    intro: tuple[str, ...]
    opening: tuple[str, ...]
    feeling: dict[str, dict[str, tuple[str, ...]]]
    moves: dict[str, tuple[str, ...]]
    questions: dict[str, tuple[str, ...]]
    persona_words: tuple[str, ...]


@dataclass(frozen=True)
class _Catalogue:
    avatars: dict[str, str]
    styles: dict[str, _Style]
    greeting: tuple[str, ...]
    identity: tuple[str, ...]
    content: tuple[str, ...]


def _feeling_table(raw: dict[str, Any]) -> dict[str, dict[str, tuple[str, ...]]]:
    return {label: {kind: tuple(lines) for kind, lines in kinds.items()} for label, kinds in raw.items()}


@lru_cache(maxsize=4)
def load_styles(path: Path = STYLES_FILE) -> _Catalogue:
    raw = json.loads(path.read_text(encoding="utf-8"))
    common = raw["common"]
    common_feeling = _feeling_table(common["feeling"])
    styles: dict[str, _Style] = {}
    for key, item in raw["styles"].items():
        feeling = {label: dict(kinds) for label, kinds in common_feeling.items()}
        for label, kinds in _feeling_table(item.get("feeling", {})).items():
            feeling.setdefault(label, {}).update(kinds)
        styles[key] = _Style(
            intro=tuple(item["intro"]),
            opening=tuple(item["opening"]),
            feeling=feeling,
            moves={label: tuple(lines) for label, lines in item.get("moves", {}).items()},
            questions={label: tuple(lines) for label, lines in item["questions"].items()},
            persona_words=tuple(w.casefold() for w in item.get("personaWords", ())),
        )
    return _Catalogue(
        avatars=dict(raw["avatars"]),
        styles=styles,
        greeting=tuple(common["greeting"]),
        identity=tuple(common["identity"]),
        content=tuple(common["content"]),
    )


def swap_pronouns(text: str) -> str:
    """Reflect first and second person: "I was sure my boss hates me" -> "you were sure your boss hates you"."""
    pieces = _WORD_OR_GAP.findall(text)
    words = [i for i, piece in enumerate(pieces) if piece[0].isalpha()]
    out = list(pieces)
    previous: str | None = None
    for position, i in enumerate(words):
        low = pieces[i].lower()
        following = pieces[words[position + 1]].lower() if position + 1 < len(words) else None
        if low == "you":
            subject = previous is None or previous in _CLAUSE_STARTERS or following in _SUBJECT_CUES
            if previous in ("are", "were") and position > 0:  # "are you" -> "am I"
                prev_i = words[position - 1]
                out[prev_i] = "am" if previous == "are" else "was"
                subject = True
            out[i] = "I" if subject else "me"
        elif previous == "i" and low in _AFTER_I:
            out[i] = _AFTER_I[low]
        elif previous == "you" and low in _AFTER_YOU:
            out[i] = _AFTER_YOU[low]
        elif low in _SWAP:
            out[i] = _SWAP[low]
        previous = low
    return "".join(out)


def _key_sentence(text: str) -> str | None:
    """The statement that carries most of the message: most topics and feeling, earliest on ties."""
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for n, sentence in enumerate(s.strip() for s in _SENTENCE_SPLIT.split(text)):
        if not sentence or sentence.endswith("?"):
            continue
        found = analyze(sentence)
        first_person = bool(re.search(r"\b(?:i|i'm|i've|my|me)\b", sentence, re.IGNORECASE))
        score = len(found.topics) + abs(found.sentiment.score) + (0.5 if first_person else 0.0)
        if best is None or (score, -n) > best:
            best, chosen = (score, -n), sentence
    return chosen


def _trim(sentence: str) -> str | None:
    words = sentence.replace("?", "").replace("!", ".").rstrip(" .").split()
    while words and words[0].strip(",").lower() in _FILLERS:
        words = words[1:]
    if len(words) > MAX_REFLECTED_WORDS:
        head = words[:MAX_REFLECTED_WORDS]
        cut = max((k for k, w in enumerate(head) if w.endswith((",", ";")) and k >= 3), default=None)
        words = head[: cut + 1] if cut is not None else head
    while words and words[-1].strip(",;").lower() in _TRAILING:
        words = words[:-1]
    words = [w for w in words if w]
    if len(words) < 3:
        return None
    return " ".join(words).rstrip(",;:. ")


def _reflect(text: str) -> str | None:
    sentence = _key_sentence(text)
    if sentence is None:
        return None
    trimmed = _trim(sentence)
    if trimmed is None:
        return None
    first = trimmed.split(maxsplit=1)[0]
    reflected = swap_pronouns(trimmed)
    if first.lower().strip(",'") in _COMMON_STARTERS and not reflected.startswith("I "):
        reflected = reflected[0].lower() + reflected[1:]
    return reflected


class _Picker:
    """Stable choices: each call takes the next bytes of a digest of the request."""

    def __init__(self, seed: str) -> None:
        self._digest = hashlib.sha256(seed.encode("utf-8")).digest()
        self._next = 0

    def __call__(self, options: Sequence[str]) -> str:
        value = int.from_bytes(self._digest[self._next : self._next + 2], "big")
        self._next = (self._next + 2) % len(self._digest)
        return options[value % len(options)]


class OfflineReflectiveProvider(AiProvider):
    """Reflective listening without a model. Honest about being an AI; never claims to be a person."""

    model = "offline-reflective"
    offline = True

    def __init__(self, *, avatars: tuple[Avatar, ...] | None = None, chunk_delay_s: float = 0.0) -> None:
        self._avatars = avatars or ()
        self.chunk_delay_s = chunk_delay_s
        self.last_request: ReplyRequest | None = None

    def stream(self, request: ReplyRequest) -> Iterator[ReplyChunk]:
        self.last_request = request
        return self._chunks(self.reply_text(request))

    def _chunks(self, text: str) -> Iterator[ReplyChunk]:
        words = text.split(" ")
        for n, word in enumerate(words):
            if n and self.chunk_delay_s > 0:
                time.sleep(self.chunk_delay_s)
            yield ReplyChunk(word if n == 0 else " " + word)
        yield ReplyChunk("", done=True, tokens_used=len(words))

    def _avatar(self, name: str) -> Avatar | None:
        wanted = name.strip().casefold()
        return next((a for a in self._avatars if wanted in (a.id.casefold(), a.name.casefold())), None)

    def style_for(self, avatar_name: str) -> str:
        """The style key for an avatar: by id, then by its persona words, then the default."""
        catalogue = load_styles()
        avatar = self._avatar(avatar_name)
        key = avatar.id.casefold() if avatar else avatar_name.strip().casefold()
        if key in catalogue.avatars:
            return catalogue.avatars[key]
        if avatar is not None:
            described = f"{avatar.persona} {avatar.voice_style}".casefold()
            for style_key, style in catalogue.styles.items():
                if any(word in described for word in style.persona_words):
                    return style_key
        return DEFAULT_STYLE

    def reply_text(self, request: ReplyRequest) -> str:
        """The whole reply `stream` sends, as one string."""
        catalogue = load_styles()
        style_key = self.style_for(request.avatar_name)
        style = catalogue.styles[style_key]
        avatar = self._avatar(request.avatar_name)
        name = avatar.name if avatar else (request.avatar_name.strip() or "your companion")
        user_turns = [turn for turn in request.history if turn.role == "user" and turn.content.strip()]
        last = user_turns[-1].content.strip() if user_turns else ""
        pick = _Picker(f"{style_key}|{name}|{len(user_turns)}|{last}")

        if not last or _GREETING.match(last):
            return " ".join(
                (pick(catalogue.greeting).format(name=name), pick(style.intro), pick(style.opening))
            )
        if _IDENTITY.search(last):
            return " ".join((pick(catalogue.identity).format(name=name), pick(style.opening)))
        return self._reflection(last, style, catalogue, pick)

    @staticmethod
    def _reflection(last: str, style: _Style, catalogue: _Catalogue, pick: _Picker) -> str:
        found = analyze(last)
        label: SentimentLabel = found.sentiment.label
        topic = topic_phrase(found.topics[0]) if found.topics else _NO_TOPIC
        feelings = style.feeling[label]
        sentences = [pick(feelings["topic"] if found.topics else feelings["general"]).format(topic=topic)]
        content = _reflect(last)
        if content:
            sentences.append(pick(catalogue.content).format(content=content))
        if label in style.moves:
            sentences.append(pick(style.moves[label]))
        sentences.append(pick(style.questions[label]).format(topic=topic))
        return " ".join(sentences)

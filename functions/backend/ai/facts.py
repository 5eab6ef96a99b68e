"""Fact extraction with OpenAI (or a compatible server) in JSON mode, validated before anything is stored.

Only the people's turns are sent (never the AI's): a fact is something a person said. The answer must be
`{"facts": [{"text": "...", "speaker": "..."}]}`; a malformed answer raises `MemoryModelError` without
quoting it (it is about the user), and the session is indexed from its windows alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from backend.ai.memory import MAX_TRANSCRIPT_CHARS, MemoryModelError, _with_retries
from shared.memory.retrieval.facts import MAX_FACT_CHARS, MAX_FACTS, Fact
from shared.memory.retrieval.items import Turn
from shared.models.messages import AI_SPEAKER

if TYPE_CHECKING:
    from openai import OpenAI

FACTS_PROMPT = (
    "You index a conversation so that questions about it can be answered later. You are given what the "
    "people said, one line each as `speaker: text`. Answer with one JSON object: "
    '{"facts": [{"text": "one self-contained statement, in the third person, with names, places, dates '
    'and numbers as said", "speaker": "the speaker the fact came from"}]}. '
    f"At most {MAX_FACTS} facts, the ones a person would come back to (events, plans, people, pets, "
    "preferences, dates). Use only what was said; an empty list is fine."
)


class _FactAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_FACT_CHARS * 2)]
    speaker: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class FactsAnswer(BaseModel):
    """The extractor's JSON answer; longer lists are cut to MAX_FACTS, not rejected."""

    model_config = ConfigDict(extra="ignore")

    facts: list[_FactAnswer] = Field(default_factory=list)


def parse_facts(content: str | None) -> list[Fact]:
    try:
        answer = FactsAnswer.model_validate_json(content or "")
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False, include_context=False)
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['type']}" for e in errors[:5])
        raise MemoryModelError(f"the fact model's answer is not valid ({problems})") from None
    return [Fact(text=f.text, speaker=f.speaker) for f in answer.facts[:MAX_FACTS]]


def _lines(turns: Sequence[Turn]) -> str:
    said = [f"{t.speaker}: {' '.join(t.text.split())}" for t in turns if t.speaker != AI_SPEAKER]
    text = "\n".join(said)
    return text if len(text) <= MAX_TRANSCRIPT_CHARS else text[:MAX_TRANSCRIPT_CHARS]


class OpenAIFactExtractor:
    def __init__(self, client: Callable[[], OpenAI], *, model: str) -> None:
        self.client, self.model = client, model

    def extract(self, turns: Sequence[Turn]) -> list[Fact]:
        transcript = _lines(turns)
        if not transcript:
            return []
        return parse_facts(_with_retries(self._ask, transcript))

    def _ask(self, transcript: str) -> str | None:
        response = self.client().chat.completions.create(
            model=self.model,
            messages=[{"role": "system", "content": FACTS_PROMPT}, {"role": "user", "content": transcript}],
            response_format={"type": "json_object"},
        )
        return response.choices[0].message.content if response.choices else None


def get_fact_extractor() -> OpenAIFactExtractor | None:
    """With OpenAI configured (and SESSIONS_MEMORY_FACT_EXTRACTION not false), the extractor; else None."""
    from backend.ai.memory import lazy_client
    from shared.settings import get_settings

    settings = get_settings()
    if not settings.memory_fact_extraction or not (settings.openai_api_key or settings.openai_base_url):
        return None
    return OpenAIFactExtractor(lazy_client(settings), model=settings.openai_model)

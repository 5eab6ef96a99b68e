"""The deep safety assessment with OpenAI (used only when a key is set)."""

from __future__ import annotations

from shared.safety.cssrs import SCREENER_PROMPT, ScreenerAnswers, moderation_level
from shared.safety.levels import SafetyLevel, highest
from shared.settings import Settings


def assess_with_openai(
    text: str, context: list[str], *, settings: Settings
) -> tuple[SafetyLevel, list[str], str]:
    """The moderation endpoint's self-harm categories plus the C-SSRS screener answered by the chat
    model on the recent window; the higher of the two levels."""
    from openai import OpenAI

    client = OpenAI(
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        timeout=settings.ai_timeout_seconds,
    )
    moderation = client.moderations.create(model="omni-moderation-latest", input=text)
    categories = moderation.results[0].categories.model_dump(by_alias=True)
    excerpt = "\n\n".join([*context, text])
    completion = client.chat.completions.create(
        model=settings.openai_model,
        response_format={"type": "json_object"},
        messages=[{"role": "system", "content": SCREENER_PROMPT}, {"role": "user", "content": excerpt}],
    )
    answers = ScreenerAnswers.model_validate_json(completion.choices[0].message.content or "{}")
    level = highest(moderation_level(categories), answers.level())
    signals = answers.signals() + [
        f"moderation_{k}" for k, v in categories.items() if v and k.startswith("self")
    ]
    return level, signals, "deep:openai"

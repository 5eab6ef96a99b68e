"""The C-SSRS screener questions as a structured answer, and the level each answer pattern maps to."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.safety.levels import SafetyLevel

SCREENER_PROMPT = """You are a clinical safety screener. Read the conversation excerpt (the user's messages,
oldest first) and answer the Columbia Suicide Severity Rating Scale screener about THE USER ONLY (not people
they mention, not quotes, song lyrics or figures of speech). Answer with a JSON object with exactly these
boolean keys: wish_dead, suicidal_thoughts, method, intent, plan, behavior_recent, imminent_danger, and
"rationale" (one short sentence, no quotes from the user)."""


class ScreenerAnswers(BaseModel):
    model_config = ConfigDict(extra="ignore")

    wish_dead: bool = False
    suicidal_thoughts: bool = False
    method: bool = False
    intent: bool = False
    plan: bool = False
    behavior_recent: bool = False
    imminent_danger: bool = False
    rationale: str = ""

    def level(self) -> SafetyLevel:
        if self.imminent_danger:
            return SafetyLevel.SAFETY_MODE
        if self.method or self.intent or self.plan or self.behavior_recent:
            return SafetyLevel.HIGH_RISK
        if self.suicidal_thoughts:
            return SafetyLevel.ELEVATED_CONCERN
        if self.wish_dead:
            return SafetyLevel.WATCH
        return SafetyLevel.NORMAL

    def signals(self) -> list[str]:
        names = (
            "wish_dead",
            "suicidal_thoughts",
            "method",
            "intent",
            "plan",
            "behavior_recent",
            "imminent_danger",
        )
        return [f"cssrs_{name}" for name in names if getattr(self, name)]


def moderation_level(categories: dict[str, bool]) -> SafetyLevel:
    """OpenAI moderation's self-harm categories as a floor for the level."""
    if categories.get("self-harm/instructions") or categories.get("self-harm/intent"):
        return SafetyLevel.HIGH_RISK
    if categories.get("self-harm"):
        return SafetyLevel.ELEVATED_CONCERN
    return SafetyLevel.NORMAL

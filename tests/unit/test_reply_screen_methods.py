"""AI replies that suggest a way to self-harm are caught; ordinary medication advice is not."""

from __future__ import annotations

import pytest

from shared.safety.levels import SafetyLevel
from shared.safety.screen import screen_reply


@pytest.mark.parametrize(
    "reply",
    [
        "You could take all the pills you have saved at once tonight.",
        "Taking all of your pills at once would work.",
        "Maybe just swallow a handful of your sleeping pills and rest.",
        "Why not take a whole bottle of painkillers?",
    ],
)
def test_method_suggestions_are_high_risk(reply: str) -> None:
    result = screen_reply(reply)
    assert result.level.at_least(SafetyLevel.HIGH_RISK)
    assert "method_detail" in result.signals


@pytest.mark.parametrize(
    "reply",
    [
        "You should take all of your medication as prescribed by your doctor.",
        "It sounds like sleep has been hard. Have you talked to your doctor about your medication?",
        "Try to take your pills with food so your stomach is not upset.",
        "If you ever feel unsafe, please call or text 988.",
    ],
)
def test_ordinary_medication_talk_is_not_flagged(reply: str) -> None:
    assert screen_reply(reply).level is SafetyLevel.NORMAL

"""The referral protocol inside a turn and the stateless chat (in-memory store, fake clock), and its pure
helpers: the carried referral, the record, the resources check, the report and the notices."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from shared.conversation.stateless import chat_once
from shared.models.chat import ChatRequest
from shared.models.messages import PostMessageRequest
from shared.models.safety import ReferralRecord
from shared.safety.contact_mail import trusted_contact_mail
from shared.safety.levels import SafetyLevel
from shared.safety.notices import AI_NOTICE, BREAK_REMINDER, next_notice_at, notice_index, notices_for
from shared.safety.referral import PROTOCOL_VERSION, Referral, ReferralKind, decide_referral
from shared.safety.referring import (
    REFERRAL_REPLY_MODEL,
    applies_to_message,
    carried_referral,
    mentions_resources,
    referral_record,
)
from shared.safety.report import count_referrals, report_csv
from shared.safety.resources import resources_for
from shared.safety.screen import screen_message
from shared.settings import Settings
from tests.support.fakes import FakeClock, ScriptedProvider
from tests.unit.test_turns import OWNER, SID, build, make_session

# Our own sentences (never benchmark texts).
PASSIVE = "Honestly I don't want to be alive anymore."
NEGATED = "I'm not suicidal and I do want to be alive, I just had a stressful week at work."
THIRD_PERSON = (
    "My brother told me last night that he doesn't want to be alive anymore and I'm scared for him."
)
QUOTED = 'The character in the film says "I don\'t want to be alive anymore" and then the music swells.'
NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def say(text: str, cid: str = "c1") -> PostMessageRequest:
    return PostMessageRequest.model_validate({"content": text, "clientMessageId": cid})


def test_passive_ideation_with_a_model_that_leaves_out_the_resources_gets_the_template() -> None:
    service, store, provider, _ = build(["That", "sounds", "hard."])
    turn = service.post(user_id=OWNER, session_id=SID, request=say(PASSIVE))
    assert turn.referral is not None and turn.referral.kind is ReferralKind.CRISIS
    assert turn.reply is not None and "988" in turn.reply.content and "741741" in turn.reply.content
    assert turn.reply.ai_model == REFERRAL_REPLY_MODEL
    assert turn.reply.safety is not None and turn.reply.safety.replaced
    assert "crisis resources" in provider.requests[0].messages()[0].content, "the model was instructed"
    session = store.sessions[SID]
    assert session.referral is not None and session.referral.kind == "crisis"
    assert session.referral.protocol_version == PROTOCOL_VERSION
    assert session.crisis_resources is not None and session.crisis_resources.locale == "en-US"
    assert not session.crisis_alert_triggered, "a referral below HIGH_RISK raises no alert"


def test_a_model_reply_that_gives_the_resources_is_kept() -> None:
    words = ["I'm glad you told me.", " You can call or text 988,", " or text HOME to 741741, any time."]
    service, _, _, _ = build(words)
    turn = service.post(user_id=OWNER, session_id=SID, request=say(PASSIVE))
    assert turn.reply is not None and turn.reply.ai_model == "scripted"
    assert turn.reply.safety is not None and turn.reply.safety.signals == ["referral:crisis"]
    assert not turn.reply.safety.replaced


def test_a_retried_turn_records_the_referral_once() -> None:
    service, _, _, _ = build()
    gateway = service.safety
    service.post(user_id=OWNER, session_id=SID, request=say(PASSIVE))
    service.post(user_id=OWNER, session_id=SID, request=say(PASSIVE))
    assert len(gateway.referrals) == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", [NEGATED, QUOTED, "This traffic is killing me, I could just die."])
def test_negated_quoted_or_figurative_is_no_referral(text: str) -> None:
    service, store, _, _ = build()
    turn = service.post(user_id=OWNER, session_id=SID, request=say(text))
    assert turn.referral is None
    assert store.sessions[SID].referral is None and store.sessions[SID].crisis_resources is None


def test_third_person_gets_helper_support_never_an_alert() -> None:
    service, store, _, _ = build()
    turn = service.post(user_id=OWNER, session_id=SID, request=say(THIRD_PERSON))
    assert turn.referral is not None and turn.referral.kind is ReferralKind.HELPER_SUPPORT
    assert turn.reply is not None and "988" in turn.reply.content
    assert not store.sessions[SID].crisis_alert_triggered
    assert service.safety.alerts == {}  # type: ignore[attr-defined]


def test_a_later_ordinary_message_is_not_a_second_referral() -> None:
    service, store, _, _ = build()
    service.post(user_id=OWNER, session_id=SID, request=say(PASSIVE, "a"))
    later = service.post(user_id=OWNER, session_id=SID, request=say("Thanks. I had tea with my sister.", "b"))
    assert later.referral is None
    assert later.reply is not None and later.reply.ai_model == "scripted", "the conversation goes on"
    assert store.sessions[SID].referral is not None, "the session still shows the first referral"


def test_the_embedding_is_computed_once_and_kept_on_the_turn() -> None:
    service, store, _, _ = build()
    turn = service.post(user_id=OWNER, session_id=SID, request=say("I had a long day at work"))
    assert turn.embedding is not None and turn.embedding.dimensions == 384
    assert "embedding" not in store.messages[turn.message.id].model_dump(), "never stored on the message"


def test_clients_cannot_post_as_the_system_or_the_ai() -> None:
    for speaker in ("system", "ai"):
        with pytest.raises(ValueError):
            PostMessageRequest.model_validate({"content": "hi", "clientMessageId": "x", "speaker": speaker})


def test_stateless_chat_refers_like_a_turn() -> None:
    provider = ScriptedProvider(["Okay."], FakeClock())
    request = ChatRequest(message=PASSIVE, avatar="emma", locale="en-GB")
    response = chat_once(request=request, provider=provider, settings=Settings())
    assert response.referral is not None and response.referral.kind == "crisis"
    assert "116 123" in response.reply.content and response.reply.ai_model == REFERRAL_REPLY_MODEL
    assert response.crisis_resources is not None and response.crisis_resources.locale == "en-GB"
    plain = chat_once(
        request=ChatRequest(message=NEGATED, avatar="emma"), provider=provider, settings=Settings()
    )
    assert plain.referral is None and plain.reply.content == "Okay."


def test_carried_referral_keeps_crisis_over_helper_support() -> None:
    crisis = Referral(ReferralKind.CRISIS, SafetyLevel.ELEVATED_CONCERN, ("wish_dead",))
    helper = Referral(ReferralKind.HELPER_SUPPORT, SafetyLevel.WATCH, ("third_person",))
    shown = carried_referral(None, crisis, NOW)
    assert carried_referral(shown, helper, NOW + timedelta(minutes=1)) == shown
    assert carried_referral(carried_referral(None, helper, NOW), crisis, NOW).kind == "crisis"


def test_carryover_alone_is_not_a_referral_but_someone_elses_risk_is_helper_support() -> None:
    carried = screen_message("Thanks. I had tea with my sister.", recent_user_messages=[PASSIVE])
    assert "context_carryover" in carried.signals and decide_referral(carried) is not None
    assert applies_to_message(decide_referral(carried), carried) is None
    worried = screen_message(THIRD_PERSON, recent_user_messages=[PASSIVE])
    found = applies_to_message(decide_referral(worried), worried)
    assert found is not None and found.kind is ReferralKind.HELPER_SUPPORT


def test_the_record_holds_only_what_the_report_needs() -> None:
    referral = Referral(ReferralKind.CRISIS, SafetyLevel.WATCH, ("wish_dead",))
    record = referral_record(referral, now=NOW, source="session").wire()
    assert set(record) == {"kind", "level", "month", "protocolVersion", "source", "createdAt"}
    assert record["month"] == "2026-03"


def test_mentions_resources_compares_numbers_by_digits() -> None:
    us = resources_for("en-US")
    assert mentions_resources("Call or text 988, or text HOME to 741741.", us)
    assert not mentions_resources("Call or text 988 any time.", us), "every helpline, not just one"
    assert mentions_resources("Ring Lifeline on 13 11 14.", resources_for("en-AU"))


def test_the_report_counts_records_exactly_by_level_and_month() -> None:
    def record(kind: str, level: str, when: datetime) -> ReferralRecord:
        referral = Referral(ReferralKind(kind), SafetyLevel(level), ())
        return referral_record(referral, now=when, source="session")

    records = [
        record("crisis", "WATCH", datetime(2026, 1, 5, tzinfo=UTC)),
        record("crisis", "ELEVATED_CONCERN", datetime(2026, 1, 9, tzinfo=UTC)),
        record("crisis", "HIGH_RISK", datetime(2026, 12, 31, 23, tzinfo=UTC)),
        record("helper_support", "WATCH", datetime(2026, 2, 1, tzinfo=UTC)),
        record("crisis", "WATCH", datetime(2025, 12, 31, tzinfo=UTC)),  # another year
    ]
    report = count_referrals(2026, records, {"crisis_alerts": 1, "acknowledged": 1, "resolved": 0})
    assert report.crisis_referrals == 3 and report.helper_support_referrals == 1
    assert report.by_month["01"] == 2 and report.by_month["12"] == 1 and report.by_month["02"] == 0
    assert report.by_level["WATCH"] == 1 and report.by_level["SAFETY_MODE"] == 0
    assert report.protocol_versions == [PROTOCOL_VERSION]
    rows = list(csv.reader(io.StringIO(report_csv(report).decode())))
    assert ["crisis_referrals", "total", "3"] in rows and [
        "crisis_referrals_by_month",
        "2026-01",
        "2",
    ] in rows


def test_notices_periods_ids_and_the_minors_break_reminder() -> None:
    clock = FakeClock()
    session = make_session(clock)
    start = session.started_at
    assert start is not None
    assert notice_index(session, start + timedelta(hours=2, minutes=59), 10800) == 0
    assert notice_index(session, start + timedelta(hours=3), 10800) == 1
    index, due = next_notice_at(session, start + timedelta(hours=1), 10800)
    assert index == 1 and due == start + timedelta(hours=3)
    first = notices_for(session, index=0, minor=True, now=start + timedelta(seconds=5))
    assert [m.id for m in first] == ["ai-notice-0"] and first[0].created_at == start
    later = notices_for(session, index=1, minor=True, now=start + timedelta(hours=3))
    assert [m.id for m in later] == ["ai-notice-1", "break-reminder-1"]
    assert [m.content for m in later] == [AI_NOTICE, BREAK_REMINDER]
    assert all(m.speaker == "system" and m.type == "system" for m in later)
    adult = notices_for(session, index=1, minor=False, now=start + timedelta(hours=3))
    assert [m.id for m in adult] == ["ai-notice-1"]


def test_the_notice_interval_cannot_exceed_three_hours() -> None:
    with pytest.raises(ValueError):
        Settings(ai_notice_interval_seconds=3 * 3600 + 1)


def test_the_contact_mail_is_in_the_extensions_format_and_escaped() -> None:
    mail = trusted_contact_mail(to="a@example.test", subject="S", body="Call <now> & go")
    assert set(mail) == {"to", "message"} and set(mail["message"]) == {"subject", "text", "html"}
    assert mail["to"] == "a@example.test" and mail["message"]["subject"] == "S"
    assert "Call &lt;now&gt; &amp; go" in mail["message"]["html"] and "<now>" not in mail["message"]["html"]
    assert "Call <now> & go" in mail["message"]["text"]

"""Transcript exports: CSV (exact header, quoting, formula neutralising) and PDF (readable text back)."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from shared.export import CONTENT_TYPES, export_filename, pdf_export, transcript_csv, transcript_pdf
from shared.export.csv_export import neutralise
from shared.models.messages import Message, Sentiment
from shared.models.sessions import Session, SessionPaths
from shared.sessions.statuses import SessionStatus

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
AVATAR = "Alex Rivera"
SUMMARY = "The user planned a week of evening walks and agreed to check in on Friday."
GREEK = "Καλημέρα, πώς πάει η μέρα σου;"  # noqa: RUF001
CYRILLIC = "Привет, как дела?"


def session(**fields: Any) -> Session:
    values: dict[str, Any] = {
        "id": "sess_01",
        "user_id": "u1",
        "avatar": "alex",
        "mode": "chat",
        "session_type": "instant",
        "status": SessionStatus.COMPLETED,
        "planned_duration": 30,
        "created_at": T0,
        "updated_at": T0,
        "started_at": T0,
        "ended_at": T0 + timedelta(minutes=28, seconds=14),
        "paused_seconds": 60.0,
        "credits_remaining": 4,
        "paths": SessionPaths(
            session="sessions/sess_01", events="sessions/sess_01/events", messages="sessions/sess_01/messages"
        ),
    }
    values.update(fields)
    return Session(**values)


def message(index: int, content: str, *, speaker: str = "user", **fields: Any) -> Message:
    values: dict[str, Any] = {
        "id": f"m{index:04d}",
        "session_id": "sess_01",
        "speaker": speaker,
        "type": "ai" if speaker == "ai" else "text",
        "content": content,
        "created_at": T0 + timedelta(seconds=7 * index),
        "updated_at": T0 + timedelta(seconds=7 * index),
        "timestamp_in_session": 7.0 * index,
    }
    values.update(fields)
    return Message(**values)


def conversation() -> list[Message]:
    return [
        message(
            0,
            "Hi! I'd like to walk more, say 5,000 steps a day.",
            sentiment=Sentiment(label="positive", score=0.6),
        ),
        message(1, 'Great goal. What gets in the way, "time" or energy?', speaker="ai"),
        message(2, "Mostly time.\nEvenings are busy,\nbut weekends are free."),
        message(
            3,
            '=HYPERLINK("http://example.invalid","click")',
            sentiment=Sentiment(label="negative", score=-0.4),
        ),
        message(4, "+1 for that", speaker="coach"),
        message(5, "-5 is not a formula here", speaker="ai"),
        message(6, "@SUM(A1:A2)"),
        message(7, GREEK),
        message(8, CYRILLIC, speaker="ai"),
    ]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def pdf_text(data: bytes) -> str:
    """All pages' text with whitespace collapsed (line wrapping turns spaces into newlines)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def squash(text: str) -> str:
    return " ".join(text.split())


# -- CSV ---------------------------------------------------------------------------------------


def test_csv_header_is_exact_and_utf8_without_bom() -> None:
    data = transcript_csv(conversation())
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.split(b"\r\n", 1)[0] == b"timestamp,speaker,type,content,sentiment"


def test_csv_has_one_row_per_message_in_the_given_order() -> None:
    messages = conversation()
    rows = csv_rows(transcript_csv(messages))
    assert len(rows) == 1 + len(messages)
    assert [row[0] for row in rows[1:]] == [
        (T0 + timedelta(seconds=7 * i)).strftime("%Y-%m-%dT%H:%M:%S.000Z") for i in range(len(messages))
    ]
    reordered = list(reversed(messages))
    assert [row[3] for row in csv_rows(transcript_csv(reordered))[1:]] == [
        neutralise(m.content) for m in reordered
    ]


def test_csv_round_trips_commas_quotes_and_newlines() -> None:
    rows = csv_rows(transcript_csv(conversation()))
    assert rows[1][3] == "Hi! I'd like to walk more, say 5,000 steps a day."
    assert rows[2][3] == 'Great goal. What gets in the way, "time" or energy?'
    assert rows[3][3] == "Mostly time.\nEvenings are busy,\nbut weekends are free."
    assert rows[8][3] == GREEK
    assert rows[9][3] == CYRILLIC
    assert all(len(row) == 5 for row in rows)


def test_csv_columns_speaker_type_and_sentiment() -> None:
    rows = csv_rows(transcript_csv(conversation()))
    assert rows[1][1:3] == ["user", "text"]
    assert rows[2][1:3] == ["ai", "ai"]
    assert rows[1][4] == "0.6"
    assert rows[2][4] == ""
    assert rows[4][4] == "-0.4"  # a score is a number we wrote, not user text: it stays numeric


def test_csv_neutralises_formula_cells() -> None:
    rows = csv_rows(transcript_csv(conversation()))
    assert rows[4][3] == '\'=HYPERLINK("http://example.invalid","click")'
    assert rows[5][3] == "'+1 for that"
    assert rows[6][3] == "'-5 is not a formula here"
    assert rows[7][3] == "'@SUM(A1:A2)"
    assert rows[1][3].startswith("Hi!")


def test_csv_neutralises_tab_and_carriage_return_prefixes() -> None:
    # The model strips surrounding whitespace on input; documents read back may still hold it.
    tab = message(0, "x").model_copy(update={"content": "\t=1+1"})
    cr = message(1, "x").model_copy(update={"content": "\r=1+1"})
    rows = csv_rows(transcript_csv([tab, cr]))
    assert rows[1][3] == "'\t=1+1"
    assert rows[2][3] == "'\r=1+1"
    for cell in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(cell + "x") == "'" + cell + "x"
    assert neutralise("plain - text") == "plain - text"


def test_csv_of_no_messages_is_just_the_header() -> None:
    assert transcript_csv([]) == b"timestamp,speaker,type,content,sentiment\r\n"


# -- file name and content types -----------------------------------------------------------------


def test_export_filename_is_safe_and_dated() -> None:
    assert export_filename(session(), "csv") == "session-sess_01-2030-01-02.csv"
    assert export_filename(session(), "pdf") == "session-sess_01-2030-01-02.pdf"
    odd = session(id='../a b"c;\r\nd', started_at=None, created_at=datetime(2031, 5, 6, 23, 30, tzinfo=UTC))
    name = export_filename(odd, "csv")
    assert name == "session-a_b_c_d-2031-05-06.csv"
    assert all(ch.isalnum() or ch in "-_." for ch in name)


def test_content_types() -> None:
    assert CONTENT_TYPES == {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


# -- PDF ---------------------------------------------------------------------------------------


def test_pdf_holds_the_header_summary_and_every_message() -> None:
    messages = conversation()
    data = transcript_pdf(session=session(), avatar_name=AVATAR, messages=messages, summary=SUMMARY)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert pdf_export.TITLE in text
    assert AVATAR in text
    assert "2030-01-02 03:04 UTC" in text
    assert "Summary" in text
    assert SUMMARY in text
    assert "30 min" in text  # planned
    assert "27 min 14 s" in text  # actual: 28:14 less a 60 s pause
    for m in messages:
        assert squash(m.content) in text, m.content
    assert GREEK in text
    assert CYRILLIC in text
    # speaker labels: the avatar's name for the AI, "You" for the user, other speakers by name
    assert text.count(AVATAR) >= 1 + sum(m.speaker == "ai" for m in messages)
    assert "You" in text
    assert "Coach" in text
    assert "Page 1 of 1" in text


def test_pdf_without_summary_or_end_has_no_such_sections() -> None:
    live = session(status=SessionStatus.ACTIVE, ended_at=None)
    text = pdf_text(
        transcript_pdf(session=live, avatar_name=AVATAR, messages=[message(0, "hello")], summary=None)
    )
    assert "Summary" not in text
    assert "Actual duration" not in text
    assert "Planned duration" in text
    assert "hello" in text


def test_pdf_of_no_messages_says_so() -> None:
    text = pdf_text(transcript_pdf(session=session(), avatar_name=AVATAR, messages=[], summary="  "))
    assert "No messages." in text
    assert "Summary" not in text


def test_long_transcript_spans_pages_with_numbers_and_keeps_order() -> None:
    messages = [
        message(
            i,
            f"Message number {i:03d}: " + "we talked about sleep, steps and water. " * 4,
            speaker="ai" if i % 2 else "user",
        )
        for i in range(120)
    ]
    data = transcript_pdf(session=session(), avatar_name=AVATAR, messages=messages, summary=SUMMARY)
    reader = PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    assert pages > 3
    text = pdf_text(data)
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text
    positions = [text.index(f"Message number {i:03d}:") for i in range(120)]
    assert positions == sorted(positions)


def test_pdf_wraps_a_long_unbroken_word() -> None:
    word = "x" * 400
    data = transcript_pdf(session=session(), avatar_name=AVATAR, messages=[message(0, word)], summary=None)
    text = pdf_text(data).replace(" ", "")
    assert word in text


def test_characters_without_a_glyph_are_replaced_visibly() -> None:
    content = "日本語 ok 👍🏽 ❤️ fine"
    data = transcript_pdf(session=session(), avatar_name=AVATAR, messages=[message(0, content)], summary=None)
    text = pdf_text(data)
    assert "日" not in text
    assert "👍" not in text
    # one mark per missing character; the skin tone and variation selector go with their emoji
    assert squash(pdf_export.printable(content, lambda c: c.isascii(), "?")) == "??? ok ? ? fine"
    assert "\ufffd\ufffd\ufffd ok \ufffd \ufffd fine" in text


def test_without_the_font_package_it_falls_back_to_latin1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_export, "font_path", lambda: None)
    messages = [message(0, "café au lait"), message(1, GREEK, speaker="ai")]
    data = transcript_pdf(session=session(), avatar_name=AVATAR, messages=messages, summary=SUMMARY)
    text = pdf_text(data)
    assert "café au lait" in text
    assert "Καλημέρα" not in text
    assert re.sub(r"[^ ,;]", "?", GREEK) in text  # one "?" per Greek letter


def test_the_bundled_font_is_installed() -> None:
    path = pdf_export.font_path()
    assert path is not None
    assert path.suffix == ".ttf"


def test_importing_the_export_package_does_not_import_fpdf() -> None:
    code = "import sys, shared.export; assert 'fpdf' not in sys.modules, 'fpdf imported eagerly'"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)

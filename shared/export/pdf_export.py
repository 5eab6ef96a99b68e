"""Transcript as a PDF (fpdf2): a header block, the summary when there is one, then every message.

Text is set in Noto Sans (the `fontpkg-noto-sans` package ships the TTF; nothing is downloaded at
run time), which covers Latin, Greek, Cyrillic and Vietnamese. Characters the font has no glyph for
(CJK, emoji, Arabic, ...) are shown as U+FFFD "�" so a reader sees that something was there; the
CSV export keeps every character. fpdf2 is imported inside the functions (cold start).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from shared.models.messages import AI_SPEAKER, Message
from shared.models.sessions import Session

if TYPE_CHECKING:
    from fpdf import FPDF

TITLE = "Conversation transcript"
FONT_PACKAGE = "fontpkg_noto_sans"
FONT_FILE = "NotoSans[wdth,wght].ttf"
FONT_FAMILY = "notosans"
# Without the font package (it should always be installed) the PDF falls back to a core font,
# which encodes Latin-1 only.
CORE_FAMILY = "helvetica"
REPLACEMENT = "\ufffd"
CORE_REPLACEMENT = "?"

_MARGIN = 18.0
_BODY_SIZE = 10.5
_LINE = 5.2
_INDENT = 4.0
_INK = (33, 37, 41)
_MUTED = (108, 117, 125)
_AI_COLOUR = (13, 82, 160)
_USER_COLOUR = (25, 110, 60)
_SYSTEM_COLOUR = (120, 120, 120)
# Emoji skin-tone modifiers: dropped with the (replaced) emoji they modify.
_EMOJI_MODIFIERS = range(0x1F3FB, 0x1F400)


def font_path() -> Path | None:
    """The bundled Noto Sans TTF, or None when its package is not installed."""
    try:
        path = Path(str(resources.files(FONT_PACKAGE) / "files" / FONT_FILE))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


def printable(text: str, supported: Callable[[str], bool], replacement: str) -> str:
    """`text` with every character the font cannot draw replaced by `replacement`.

    Tabs become spaces and CRLF/CR become LF. Unsupported combining marks, format characters (zero
    width joiners, variation selectors, tags), emoji modifiers and control characters are dropped
    rather than replaced, so one emoji sequence or accented letter shows as one replacement mark.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    out: list[str] = []
    for char in text:
        if char == "\n" or supported(char):
            out.append(char)
            continue
        category = unicodedata.category(char)
        if category in ("Mn", "Me", "Cf", "Cc", "Cs") or ord(char) in _EMOJI_MODIFIERS:
            continue
        out.append(replacement)
    return "".join(out)


def speaker_label(speaker: str, avatar_name: str) -> str:
    if speaker == AI_SPEAKER:
        return avatar_name
    if speaker == "user":
        return "You"
    return speaker.replace("_", " ").capitalize()


def format_seconds(seconds: float) -> str:
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def actual_seconds(session: Session) -> float | None:
    """Time actually spent in the session (pauses excluded), once it has ended."""
    if session.started_at is None or session.ended_at is None:
        return None
    return max(0.0, (session.ended_at - session.started_at).total_seconds() - session.paused_seconds)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _offset(seconds: float) -> str:
    total = max(0, int(seconds))
    minutes, secs = divmod(total, 60)
    return f"+{minutes:02d}:{secs:02d}"


def _new_document(session_id: str) -> tuple[FPDF, Callable[[str], str]]:
    """An A4 document with page-numbered footers, its font set up, and the text sanitiser for it."""
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    class TranscriptPDF(FPDF):
        footer_text = ""

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(size=8)
            self.set_text_color(*_MUTED)
            self.cell(0, 6, self.footer_text, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="R")

    pdf = TranscriptPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(auto=True, margin=_MARGIN)
    path = font_path()
    if path is not None:
        pdf.add_font(FONT_FAMILY, "", str(path))
        pdf.set_font(FONT_FAMILY, size=_BODY_SIZE)
        font = pdf.fonts[FONT_FAMILY]
        assert isinstance(font, TTFFont)
        cmap = font.cmap
        replacement = REPLACEMENT if ord(REPLACEMENT) in cmap else CORE_REPLACEMENT

        def clean(text: str) -> str:
            return printable(text, lambda char: ord(char) in cmap, replacement)

    else:
        pdf.set_font(CORE_FAMILY, size=_BODY_SIZE)

        def latin1(char: str) -> bool:
            return ord(char) < 0x100 and char.isprintable()

        def clean(text: str) -> str:
            return printable(text, latin1, CORE_REPLACEMENT)

    pdf.footer_text = clean(f"Session {session_id}")
    return pdf, clean


def _strong(pdf: FPDF, colour: tuple[int, int, int], on: bool) -> None:
    """Faux bold: fill and stroke the glyphs (the bundled font has one weight; instancing a bold
    one from the variable font takes seconds per document)."""
    from fpdf.enums import TextMode

    pdf.set_text_color(*colour)
    pdf.set_draw_color(*colour)
    pdf.set_line_width(0.18)
    pdf.text_mode = TextMode.FILL_STROKE if on else TextMode.FILL


def _heading(pdf: FPDF, text: str, size: float) -> None:
    pdf.set_font(size=size)
    _strong(pdf, _INK, on=True)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    _strong(pdf, _INK, on=False)
    pdf.set_font(size=_BODY_SIZE)


def _field(pdf: FPDF, name: str, value: str) -> None:
    pdf.set_text_color(*_MUTED)
    pdf.cell(38, _LINE, name)
    pdf.set_text_color(*_INK)
    pdf.multi_cell(0, _LINE, value, align="L", new_x="LMARGIN", new_y="NEXT")


def transcript_pdf(
    *, session: Session, avatar_name: str, messages: Sequence[Message], summary: str | None
) -> bytes:
    """A readable PDF of the session: title, date, avatar, durations, summary, then the messages."""
    pdf, clean = _new_document(session.id)
    avatar = clean(avatar_name) or clean(session.avatar)
    started = _utc(session.started_at or session.created_at)
    pdf.set_title(f"{TITLE} - {avatar}")
    pdf.set_creator("session-backend")
    pdf.add_page()

    _heading(pdf, TITLE, 18)
    pdf.ln(2)
    _field(pdf, "Date", started.strftime("%Y-%m-%d %H:%M UTC"))
    _field(pdf, "Avatar", avatar)
    _field(pdf, "Mode", session.mode)
    _field(pdf, "Status", session.status.value)
    _field(pdf, "Planned duration", f"{session.planned_duration} min")
    actual = actual_seconds(session)
    if actual is not None:
        _field(pdf, "Actual duration", format_seconds(actual))
    _field(pdf, "Messages", str(len(messages)))

    summary_text = clean(summary).strip() if summary else ""
    if summary_text:
        pdf.ln(4)
        _heading(pdf, "Summary", 13)
        pdf.ln(1)
        pdf.set_text_color(*_INK)
        pdf.multi_cell(0, _LINE, summary_text, align="L", new_x="LMARGIN", new_y="NEXT")

    pdf.ln(4)
    _heading(pdf, "Transcript", 13)
    pdf.ln(1)
    if not messages:
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(0, _LINE, "No messages.", align="L", new_x="LMARGIN", new_y="NEXT")

    for message in messages:
        label = speaker_label(message.speaker, avatar_name=avatar)
        colour = _AI_COLOUR if message.speaker == AI_SPEAKER else _USER_COLOUR
        if message.type == "system":
            colour = _SYSTEM_COLOUR
        details = [_utc(message.created_at).strftime("%H:%M:%S"), _offset(message.timestamp_in_session)]
        if message.type == "transcript":
            details.append("voice")
        if message.status != "complete":
            details.append(message.status)
        # keep a label with at least the first two lines of its message
        if pdf.will_page_break(_LINE * 3):
            pdf.add_page()
        pdf.ln(1.5)
        _strong(pdf, colour, on=True)
        pdf.cell(pdf.get_string_width(clean(label)) + 2, _LINE, clean(label))
        _strong(pdf, colour, on=False)
        pdf.set_text_color(*_MUTED)
        pdf.set_font(size=8.5)
        pdf.cell(0, _LINE, clean("  ·  ".join(details)), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(size=_BODY_SIZE)
        pdf.set_text_color(*_INK)
        pdf.set_left_margin(_MARGIN + _INDENT)
        pdf.set_x(_MARGIN + _INDENT)
        pdf.multi_cell(0, _LINE, clean(message.content) or " ", align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_left_margin(_MARGIN)
        pdf.set_x(_MARGIN)

    return bytes(pdf.output())

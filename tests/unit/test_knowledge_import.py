"""`sessions-ops kb import`: which files become which documents (no Firebase here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ops.cli import app
from ops.kb import documents_in, parts
from shared.knowledge.service import id_for_source
from shared.models.knowledge import MAX_TEXT_CHARS

runner = CliRunner()


def test_a_folder_becomes_documents_named_by_relative_path(tmp_path: Path) -> None:
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "breathing.md").write_text("# Box breathing\nIn for four, hold for four.\n")
    (tmp_path / "opening_hours.txt").write_text("Weekdays nine to six.")
    (tmp_path / "notes.json").write_text("{}")
    found = documents_in(tmp_path)
    assert [(d.source, d.title) for d in found] == [
        ("guides/breathing.md", "Box breathing"),
        ("opening_hours.txt", "opening hours"),
    ], "markdown title from its first heading, else the file name; other files are skipped"
    assert (
        id_for_source("guides/breathing.md") == id_for_source("guides/breathing.md") != id_for_source("x.md")
    )


def test_a_long_file_is_cut_between_paragraphs_into_numbered_documents(tmp_path: Path) -> None:
    paragraph = ("A sentence about the topic at hand. " * 40).strip()
    text = "\n\n".join([paragraph] * (MAX_TEXT_CHARS // len(paragraph) * 2))
    (tmp_path / "manual.md").write_text(text)
    found = documents_in(tmp_path)
    assert len(found) >= 2 and all(len(d.text) <= MAX_TEXT_CHARS for d in found)
    assert [d.source for d in found] == [f"manual.md#{i}" for i in range(1, len(found) + 1)]
    assert found[0].title == f"manual (1/{len(found)})"
    assert sum(p.count(paragraph) for p in (d.text for d in found)) == text.count(paragraph), "nothing lost"


def test_parts_cut_an_endless_paragraph_too() -> None:
    pieces = parts("x" * 25, limit=10)
    assert pieces == ["x" * 10, "x" * 10, "x" * 5]


@pytest.mark.parametrize("args", [["kb", "import", "/nonexistent-folder"]])
def test_a_missing_folder_is_one_clear_error(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "is not a directory" in result.stderr and "Traceback" not in result.output


def test_an_empty_folder_is_one_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["kb", "import", str(tmp_path)])
    assert result.exit_code == 1 and "no .md, .markdown, .txt or .pdf files" in result.stderr

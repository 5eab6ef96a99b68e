"""`kb import DIR`: load a folder of text, markdown (and PDF) files into the app's knowledge base.

Each file becomes one document named by its path relative to DIR, so importing the folder again replaces
changed files and writes nothing for unchanged ones. A file longer than a document's bound becomes
several documents (`path#2`, ...), cut between paragraphs. The title is the first markdown `# heading`,
else the file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ops.common import OpsError, err, handled, out
from shared.errors import ValidationFailed
from shared.models.knowledge import MAX_SOURCE_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS

TEXT_SUFFIXES = (".md", ".markdown", ".txt")
PDF_SUFFIX = ".pdf"
_H1 = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", re.MULTILINE)

kb_app = typer.Typer(
    help="The app's knowledge base (documents replies are grounded on).", no_args_is_help=True
)


@dataclass(frozen=True)
class ImportDocument:
    source: str
    title: str
    text: str


def read_text(path: Path) -> str:
    if path.suffix.lower() == PDF_SUFFIX:
        from pypdf import PdfReader  # only the CLI reads PDFs (a dev dependency, not the functions')

        return "\n\n".join((page.extract_text() or "") for page in PdfReader(path).pages)
    return path.read_text(encoding="utf-8", errors="replace")


def title_of(text: str, path: Path) -> str:
    found = _H1.search(text)
    title = found.group(1) if found else re.sub(r"[-_]+", " ", path.stem).strip() or path.name
    return " ".join(title.split())[:MAX_TITLE_CHARS]


def parts(text: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """The text in pieces of at most `limit` characters, cut between paragraphs where possible."""
    pieces: list[str] = []
    current = ""
    for paragraph in re.split(r"\n\s*\n", text):
        while len(paragraph) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(paragraph[:limit])
            paragraph = paragraph[limit:]
        if current and len(current) + 2 + len(paragraph) > limit:
            pieces.append(current)
            current = paragraph
        else:
            current = f"{current}\n\n{paragraph}" if current else paragraph
    if current.strip():
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def documents_in(folder: Path) -> list[ImportDocument]:
    """Every importable file under `folder` (sorted by path), as documents; empty files are skipped."""
    if not folder.is_dir():
        raise OpsError(f"{folder} is not a directory.")
    found: list[ImportDocument] = []
    suffixes = (*TEXT_SUFFIXES, PDF_SUFFIX)
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in suffixes):
        relative = path.relative_to(folder).as_posix()
        if len(relative) > MAX_SOURCE_CHARS - 8:
            raise OpsError(f"{relative}: the path is longer than {MAX_SOURCE_CHARS - 8} characters.")
        text = read_text(path)
        title = title_of(text, path)
        pieces = parts(text)
        for index, piece in enumerate(pieces, start=1):
            many = len(pieces) > 1
            found.append(
                ImportDocument(
                    source=f"{relative}#{index}" if many else relative,
                    title=f"{title} ({index}/{len(pieces)})"[:MAX_TITLE_CHARS] if many else title,
                    text=piece,
                )
            )
    return found


@handled
def import_folder(
    folder: Annotated[
        Path, typer.Argument(help="Folder of .md, .markdown, .txt and .pdf files (searched recursively).")
    ],
) -> None:
    """Import (or re-import) a folder: new and changed files are written, unchanged ones cost one read."""
    from backend.wiring import knowledge_base

    documents = documents_in(folder)
    if not documents:
        raise OpsError(f"no .md, .markdown, .txt or .pdf files in {folder}.")
    knowledge = knowledge_base()
    written = unchanged = chunks = 0
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err()) as progress:
        task = progress.add_task("Importing documents", total=len(documents))
        for document in documents:
            try:
                stored, changed = knowledge.upsert(
                    source=document.source, title=document.title, text=document.text.strip()
                )
            except ValidationFailed as exc:
                raise OpsError(f"{document.source}: {exc.message}") from None
            written, unchanged = written + changed, unchanged + (not changed)
            chunks += stored.chunks
            progress.advance(task)
    out().print(
        f"Imported {len(documents)} documents from {folder}: {written} written, {unchanged} unchanged "
        f"({chunks} chunks indexed in all)."
    )


kb_app.command("import")(import_folder)

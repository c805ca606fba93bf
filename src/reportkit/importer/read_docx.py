"""Stage 0 (read): a Word file (.docx) as a `Document`, with python-docx.

The body is read in order, paragraphs and tables alike (inside content controls too); headers and
footers (page numbers, 「示例数据」 marks) are not part of the report. A table's merged cells are
spread over the grid they cover: across columns (gridSpan) and down rows (vMerge), as Word and
WPS write them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.text.paragraph import Paragraph

from reportkit.archive import measure
from reportkit.errors import DataError, Problem
from reportkit.importer.document import Document, Grid, Para

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path) -> Document:
    """Return the paragraphs and tables of the Word file at `path`; raise `DataError` when it is
    not a Word file, or unpacks to far more than any report (`reportkit.archive`)."""

    def unreadable(detail: str) -> DataError:
        return DataError(Problem("import_unreadable", {"detail": detail}, file=str(path)))

    try:
        archive = measure(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise unreadable(type(exc).__name__) from exc
    if archive.too_large():
        raise DataError(
            Problem(
                "import_too_large",
                {"entries": archive.entries, "size": archive.unpacked},
                file=str(path),
            )
        )
    found = Document(str(path), "docx")
    try:
        word = docx.Document(str(path))
        _walk(word.element.body, word, found)
    except Exception as exc:  # python-docx and lxml raise many kinds of error on a damaged file
        raise unreadable(type(exc).__name__) from exc
    return found


def _walk(parent: object, word: object, found: Document) -> None:
    for child in parent:  # type: ignore[attr-defined]
        tag = child.tag
        if tag == f"{_W}p":
            paragraph = Paragraph(child, word)  # type: ignore[arg-type]
            text = paragraph.text.replace("\t", " ")
            if text.strip():
                found.items.append(Para(text, hint=_hint(paragraph)))
        elif tag == f"{_W}tbl":
            found.items.append(_grid(child))
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _walk(content, word, found)


def _hint(paragraph: Paragraph) -> str:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.lower().startswith("title") or style.endswith("Title"):
        return "title"
    if style.lower().startswith("heading"):
        return "heading"
    alignment = paragraph.alignment
    if alignment is None and paragraph.style is not None:
        alignment = paragraph.style.paragraph_format.alignment
    if alignment == WD_ALIGN_PARAGRAPH.CENTER:
        return "center"
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        return "right"
    return ""


def _grid(table: object) -> Grid:
    """Return the table's grid: a merged cell's text at every position it covers."""
    cells: list[list[str | None]] = []
    origin: list[list[bool]] = []
    for r, tr in enumerate(table.findall(f"{_W}tr")):  # type: ignore[attr-defined]
        row: list[str | None] = []
        starts: list[bool] = []
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        for _ in range(_int(before, 0)):
            row.append(None)
            starts.append(False)
        for tc in tr.findall(f"{_W}tc"):
            span = _int(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1)
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            col = len(row)
            continued = merge is not None and merge.get(f"{_W}val") in (None, "continue")
            if continued and r > 0 and col < len(cells[r - 1]):
                text, start = cells[r - 1][col], False
            else:
                text, start = _cell_text(tc), True
            for k in range(span):
                row.append(text)
                starts.append(start and k == 0)
        cells.append(row)
        origin.append(starts)
    return Grid.of_ragged(cells, origin)


def _cell_text(tc: object) -> str:
    lines = []
    for p in tc.iter(f"{_W}p"):  # type: ignore[attr-defined]
        lines.append("".join(t.text or "" for t in p.iter(f"{_W}t")))
    return "\n".join(lines)


def _int(element: object | None, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(f"{_W}val", default))  # type: ignore[attr-defined]
    except ValueError:
        return default

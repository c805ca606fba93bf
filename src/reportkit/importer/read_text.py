"""Stage 0 (read): text copied from a portal page (.txt) as a `Document`.

Copying a report from a web page gives its paragraphs one to a line and its tables as cells:
one cell to a line ending in ` |` (as the page of the town of 江坡 showed it, see
tests/data/seed-jiangpo-2022.txt), or a row to a line with its cells between `|` or tabs. The
cells of a table come in reading order; where each line holds one cell, the table is `flat`
(rows and columns are not known: the importer reads its figures by their row labels).

The file may be in UTF-8 (with or without a BOM) or, as Windows saves text, GB18030.
"""

from __future__ import annotations

from pathlib import Path

from reportkit.errors import DataError, Problem
from reportkit.importer.document import Document, Grid, Para


def read_text(path: Path) -> Document:
    """Return the paragraphs and tables of the text file at `path`."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise DataError(
                Problem("import_unreadable", {"detail": "encoding"}, file=str(path))
            ) from exc
    found = Document(str(path), "txt")
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        if all(len(row) == 1 for row in rows):  # one cell a line: the cells in reading order
            found.items.append(Grid.of_rows([[row[0] for row in rows]], flat=True))
        else:
            found.items.append(Grid.of_rows(rows))
        rows.clear()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        cells = _cells(stripped)
        if cells is None:
            flush()
            found.items.append(Para(stripped))
        else:
            rows.append(cells)
    flush()
    return found


def _cells(line: str) -> list[str] | None:
    """Return the cells of a line of a table (None: the line is a paragraph)."""
    if "\t" in line:
        return [cell.strip() for cell in line.split("\t")]
    if line.endswith("|") or line.count("|") >= 2:
        cells = [cell.strip() for cell in line.split("|")]
        if line.startswith("|"):
            cells = cells[1:]
        if line.endswith("|"):
            cells = cells[:-1]
        return cells or [""]
    return None

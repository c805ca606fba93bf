"""Stage 0 (read): a PDF as a `Document`, with pdfplumber (characters with their positions).

Measured on the WPS-made PDF of a real report and on LibreOffice's PDFs of reportkit's own
reports (docs/import.md), pdfplumber finds each table by its ruling lines and gives every cell
with its span, where text extraction (pdftotext -layout) leaves blank cells invisible, splits
wrapped labels from their numbers and puts page numbers inside tables. So:

- tables: the ruled tables of each page, found by their lines. Shading is not a line: WPS draws
  a white box behind each line of text and a coloured one behind a table's header, so filled
  boxes without a stroke are dropped first (a border drawn as a thin filled box stays);
- text: the lines outside the tables, joined into paragraphs by their layout: a paragraph
  starts on an indented line, after a line that ends short of the margin, or where the text is
  centred or set larger (a title); page numbers (「-3-」, 「— 3 —」) are dropped;
- a table that runs over a page break comes as one table per page, in reading order.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path
from typing import Any

from reportkit.errors import DataError, Problem
from reportkit.importer.document import Document, Grid, Para

_PAGE_NUMBER = re.compile(r"^[\s\-—–－―~～·]*(?:第\s*)?\d{1,3}(?:\s*页)?[\s\-—–－―~～·]*$")
_EPS = 1.5  # points: how far apart two ruling lines may be and still be one
_HEADER = 0.085  # of the page's height: above this a line is in the header (A4: 25 mm)


def read_pdf(path: Path) -> Document:
    """Return the paragraphs and tables of the PDF at `path`; raise `DataError` when it cannot
    be read (damaged, encrypted, or not a PDF)."""
    import pdfplumber  # here, not above: every command would pay for loading it (0.2 s)

    found = Document(str(path), "pdf")
    try:
        with pdfplumber.open(str(path)) as pdf:
            placed: list[tuple[int, float, Para | Grid]] = []
            lines: list[dict[str, Any]] = []
            for number, page in enumerate(pdf.pages, start=1):
                ruled = page.filter(_not_shading)
                boxes = []
                for table in ruled.find_tables():
                    grid = _grid(table, number)
                    if grid is not None:
                        boxes.append(table.bbox)
                        placed.append((number, table.bbox[1], grid))
                lines += _lines(ruled, number, boxes, float(page.height))
            tables = [(page, top) for page, top, _ in placed]
            placed += [(p.page or 0, top, p) for p, top in _paragraphs(lines, tables)]
    except Exception as exc:  # pdfminer raises many kinds of error on a damaged file
        raise DataError(
            Problem("import_unreadable", {"detail": type(exc).__name__}, file=str(path))
        ) from exc
    placed.sort(key=lambda item: (item[0], item[1]))
    found.items = [item for _, _, item in placed]
    return found


def _not_shading(obj: dict[str, Any]) -> bool:
    """False for a filled box drawn without a stroke (shading behind text): not a ruling line."""
    if obj.get("object_type") != "rect":
        return True
    width, height = obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]
    return bool(obj.get("stroke")) or bool(min(width, height) <= 2)


def _grid(table: Any, page: int) -> Grid | None:
    """Return the table's grid, merged cells spread over the positions they cover (None for a
    'table' of one column: a box drawn around text)."""
    texts = table.extract()
    if not texts or max(len(r) for r in texts) < 2:
        return None
    xs = _edges([c[0] for c in table.cells] + [c[2] for c in table.cells])
    ys = _edges([c[1] for c in table.cells] + [c[3] for c in table.cells])
    width, height = len(xs) - 1, len(ys) - 1
    cells: list[list[str | None]] = [[None] * width for _ in range(height)]
    origin = [[False] * width for _ in range(height)]
    for r, row in enumerate(table.rows):
        for c, box in enumerate(row.cells):
            if box is None or r >= len(texts) or c >= len(texts[r]):
                continue
            text = texts[r][c] or ""
            top, left = _index(ys, box[1]), _index(xs, box[0])
            bottom, right = _index(ys, box[3]), _index(xs, box[2])
            for y in range(top, max(bottom, top + 1)):
                for x in range(left, max(right, left + 1)):
                    if y < height and x < width:
                        cells[y][x] = text
                        origin[y][x] = (y, x) == (top, left)
    return Grid(cells, origin, page, pages=[page] * height)


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > _EPS:
            out.append(value)
    return out


def _index(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _lines(page: Any, number: int, boxes: list[Any], height: float) -> list[dict[str, Any]]:
    """Return the page's lines of text outside its tables, page numbers left out."""
    out = []
    for line in page.extract_text_lines(return_chars=True, strip=True):
        middle = (line["top"] + line["bottom"]) / 2
        if any(b[1] <= middle <= b[3] and line["x0"] < b[2] and line["x1"] > b[0] for b in boxes):
            continue
        text = line["text"]
        if _PAGE_NUMBER.match(text) and (line["top"] > height * 0.85 or "-" in text or "—" in text):
            continue
        if line["bottom"] < height * _HEADER:  # the page's header (a mark such as 示例数据)
            continue
        size = statistics.median(c["size"] for c in line["chars"]) if line["chars"] else 0
        out.append({**line, "page": number, "size": size})
    return out


def _paragraphs(
    lines: list[dict[str, Any]], tables: list[tuple[int, float]]
) -> list[tuple[Para, float]]:
    """Return the lines joined into paragraphs, each with the top of its first line; a table
    between two lines (`tables`: page and top of each) ends a paragraph."""
    if not lines:
        return []
    size = statistics.median(line["size"] for line in lines)
    left, right = _margins([line for line in lines if len(line["text"]) > 10] or lines)
    out: list[tuple[Para, float]] = []
    current: list[dict[str, Any]] = []

    def close() -> None:
        if current:
            text = _join(line["text"] for line in current)
            first = current[0]
            hint = "center" if _centred(first, left, right, size) else ""
            if first["size"] > size * 1.2:
                hint = "title"
            out.append((Para(text, first["page"], hint), first["top"]))
            current.clear()

    for line in lines:
        if current:
            last = current[-1]
            indented = line["x0"] > left + size * 0.8
            short = last["x1"] < right - size * 1.5
            larger = abs(line["size"] - last["size"]) > size * 0.15
            # a wide gap: space before a heading, or a table between the two lines
            apart = line["page"] == last["page"] and line["top"] - last["bottom"] > size * 1.2
            between = any(
                (last["page"], last["top"]) < table < (line["page"], line["top"])
                for table in tables
            )
            if indented or short or larger or apart or between or _centred(line, left, right, size):
                close()
        current.append(line)
    close()
    return out


def _margins(lines: list[dict[str, Any]]) -> tuple[float, float]:
    """Return the text block's left and right edges: the leftmost edge many lines start at (the
    first lines of paragraphs are indented), and the edge most lines end at (punctuation may
    hang beyond it)."""
    starts = [round(line["x0"]) for line in lines]
    ends = [round(line["x1"]) for line in lines]
    common = [x for x in set(starts) if starts.count(x) >= max(2, len(starts) // 10)]
    left = min(common) if common else min(starts)
    return left, statistics.mode(ends)


def _centred(line: dict[str, Any], left: float, right: float, size: float) -> bool:
    """True for a line set in the middle of the text block (a title, a table's caption)."""
    before, after = line["x0"] - left, right - line["x1"]
    return bool(before > size * 2.5 and after > size * 2.5 and abs(before - after) < size * 1.5)


def _join(parts: Any) -> str:
    """Return lines joined into one paragraph: with nothing between them where Chinese text
    runs on, with a space between two Latin words."""
    text = ""
    for part in parts:
        if text and text[-1].isascii() and text[-1].isalnum() and part[:1].isascii():
            text += " "
        text += part
    return text

"""Stage 0 (read): what a published report holds, as the readers hand it on.

Each reader (`read_docx`, `read_pdf`, `read_html`, `read_text`) turns one kind of file into a
`Document`: its paragraphs and tables in reading order, nothing interpreted yet. The rest of the
importer works on this alone, so that what it finds in a Word file it finds the same way in a
PDF or a web page.

A table is a grid with its merged cells spread over every position they cover (so that a value
can be found under its column's header wherever the header stands), the position where each
cell starts marked, so that a merged cell's text is read once. A table whose cells came without
a grid (the cells of a web page copied as text, one to a line) is `flat`: its cells in reading
order, as one row.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Para:
    """A paragraph: its text, the page it starts on (PDF), and what its layout hints at."""

    text: str
    page: int | None = None
    hint: str = ""  # "title", "heading", "center" or "right" where the file says so


@dataclass
class Grid:
    """A table: `cells[r][c]` is the text of the cell covering row r, column c (None: no cell
    there); `origin[r][c]` is True where that cell starts."""

    cells: list[list[str | None]]
    origin: list[list[bool]]
    page: int | None = None
    flat: bool = False  # cells in reading order without rows and columns (portal text)
    pages: list[int | None] = field(default_factory=list)  # the page of each row (PDF)

    @classmethod
    def of_ragged(cls, cells: list[list[str | None]], origin: list[list[bool]]) -> Grid:
        """Return the grid of rows read with their merged cells repeated (`origin` saying where
        each starts), short rows filled out to the widest with no cell."""
        width = max((len(r) for r in cells), default=0)
        for row, starts in zip(cells, origin, strict=True):
            row.extend([None] * (width - len(row)))
            starts.extend([False] * (width - len(starts)))
        return cls(cells, origin)

    @classmethod
    def of_rows(cls, rows: list[list[str]], page: int | None = None, flat: bool = False) -> Grid:
        """Return a grid of plain rows, every cell its own (no merges)."""
        width = max((len(r) for r in rows), default=0)
        cells: list[list[str | None]] = [[*r, *[None] * (width - len(r))] for r in rows]
        origin = [[c is not None for c in row] for row in cells]
        return cls(cells, origin, page, flat, [page] * len(rows))

    def row_page(self, row: int) -> int | None:
        return self.pages[row] if row < len(self.pages) else self.page


Item = Para | Grid


@dataclass
class Document:
    """A published report as read: its file, its kind, and its items in reading order."""

    source: str
    kind: str  # docx, pdf, html, txt
    items: list[Item] = field(default_factory=list)

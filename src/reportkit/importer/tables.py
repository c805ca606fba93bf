"""Stage 1 (import): the figures of tables 二, 三 and 四, found by their row and column labels.

A table is read wherever its cells stand: each row by its label (the form's, matched leniently:
`reportkit.importer.labels`), each figure by the header of its column, so that a form with other
widths, merges or column order is read the same. A table broken over pages is read as one: its
continuation keeps the columns of the part before. Where no header can be matched, the figures
of a row are taken in the form's column order, and then their count must be the form's.

A table copied as text comes `flat` (its cells in reading order, no rows): a row is then its
label and the figures that follow it.

What cannot be read is a problem located by table, row and column (and page), never a guess:
a row not found, a row with too few or too many figures, a cell that is not a number. A blank
cell is recorded as blank (a published report prints 0), for the check as published.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal

from reportkit.errors import Problem
from reportkit.format2019 import model as m2019
from reportkit.importer.document import Grid
from reportkit.importer.labels import best, key
from reportkit.model import (
    APPEAL_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    DOCUMENT_COLUMNS,
    FORMAT_2021,
    OUTCOME_COLUMNS,
    PROACTIVE_ROWS,
    Column,
    label_of,
)

Kind = Literal["count", "amount", "change"]
TABLE_NAMES = {"proactive": "二", "applications": "三", "appeals": "四"}


@dataclass(frozen=True)
class Cell:
    """A figure of a row: its column's key in the data ('' for a row of one figure), its label
    on the form, and what it holds."""

    key: str
    label: str
    kind: Kind = "count"


@dataclass(frozen=True)
class RowSpec:
    key: str  # below the table, e.g. withheld.state_secret
    label: str
    group: str
    cells: tuple[Cell, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, f"{self.group}{self.label}") if self.group else (self.label,)


@dataclass(frozen=True)
class TableSpec:
    """One table of one format: what the importer looks for."""

    table: str  # proactive, applications, appeals
    name: str  # 二, 三, 四
    layout: str  # the format it belongs to
    rows: tuple[RowSpec, ...]
    label: Callable[[tuple[str | int, ...]], str]

    def cell_label(self, row: RowSpec, cell: Cell) -> str:
        loc: tuple[str, ...] = (self.table, *row.key.split("."))
        return self.label((*loc, cell.key) if cell.key else loc)


@dataclass
class Figure:
    """A figure as printed: its value (None when blank or not a number), its text, its page."""

    value: int | Decimal | None
    text: str
    page: int | None = None
    unit: str = ""

    @property
    def blank(self) -> bool:
        return self.value is None and _blank(self.text)


@dataclass
class TableReading:
    """What was read of one table: each row's figures by row key, and the problems."""

    spec: TableSpec
    rows: dict[str, list[Figure]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unknown: int = 0  # rows with figures that are not rows of this format
    twice: int = 0
    headers: set[str] = field(default_factory=set)  # the column labels found

    @property
    def score(self) -> int:
        """How well the document fits this format's table: rows and column headers found, less
        rows that do not belong to it."""
        return len(self.rows) + len(self.headers) - 2 * (self.unknown + self.twice)

    @property
    def page(self) -> int | None:
        pages = [f.page for figures in self.rows.values() for f in figures if f.page]
        return min(pages) if pages else None


# --------------------------------------------------------------------------------------------
# The tables of each format


def _cells(columns: Sequence[Column], kind: Kind = "count") -> tuple[Cell, ...]:
    return tuple(Cell(c.key, c.label, kind) for c in columns)


_DECISIONS = (Cell("", "本年处理决定数量"),)
PROACTIVE_2021 = TableSpec(
    "proactive",
    "二",
    FORMAT_2021,
    tuple(
        RowSpec(
            r.key,
            r.label,
            r.group,
            _cells(DOCUMENT_COLUMNS)
            if r.key in ("rules", "normative_documents")
            else (Cell("", "本年收费金额（单位：万元）", "amount"),)
            if r.key == "fees"
            else _DECISIONS,
        )
        for r in PROACTIVE_ROWS
    ),
    label_of,
)


def _proactive_2019_cells(key: str) -> tuple[Cell, ...]:
    columns = m2019.PROACTIVE_COLUMNS[key]
    return tuple(
        Cell(
            c.key,
            c.label,
            "change" if c.key == "change" else "amount" if c.key == "amount" else "count",
        )
        for c in columns
    )


PROACTIVE_2019 = TableSpec(
    "proactive",
    "二",
    m2019.FORMAT_2019,
    tuple(
        RowSpec(r.key, r.label, r.group, _proactive_2019_cells(r.key)) for r in m2019.PROACTIVE_ROWS
    ),
    m2019.label_of,
)
APPLICATIONS_2021 = TableSpec(
    "applications",
    "三",
    FORMAT_2021,
    tuple(RowSpec(r.key, r.label, r.group, _cells(APPLICANT_COLUMNS)) for r in APPLICATION_ROWS),
    label_of,
)
APPLICATIONS_2019 = TableSpec(
    "applications",
    "三",
    m2019.FORMAT_2019,
    tuple(
        RowSpec(r.key, r.label, r.group, _cells(APPLICANT_COLUMNS))
        for r in m2019.APPLICATION_ROWS_2019
    ),
    m2019.label_of,
)
APPEALS = TableSpec(
    "appeals",
    "四",
    FORMAT_2021,  # the same in both formats
    tuple(RowSpec(r.key, r.label, r.group, _cells(OUTCOME_COLUMNS)) for r in APPEAL_ROWS),
    label_of,
)

# Labels a table prints that are neither rows nor columns (merged titles and groups).
_FURNITURE = (
    "信息内容",
    "申请人情况",
    "法人或其他组织",
    "三、本年度办理结果",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "行政诉讼",
)


# --------------------------------------------------------------------------------------------
# Figures


_DASHES = {"-", "—", "–", "－", "/", "／", "\\", "无", "——", "--"}
_UNITS = ("万元", "元", "件", "条", "项", "个")


def _blank(text: str) -> bool:
    plain = "".join(unicodedata.normalize("NFKC", text).split())
    return plain == "" or plain in _DASHES


def figure(text: str, kind: Kind, page: int | None = None) -> Figure:
    """Return the figure a cell prints: a whole number (a change may be signed), or an amount;
    spaces inside it, thousands separators and a unit after it are allowed."""
    plain = "".join(unicodedata.normalize("NFKC", text).split()).replace(",", "")
    unit = next((u for u in _UNITS if plain.endswith(u) and len(plain) > len(u)), "")
    number = plain[: -len(unit)] if unit else plain
    if kind == "change":
        number = re.sub(r"^(增加|增|加)", "+", re.sub(r"^(减少|减)", "-", number))
        if re.fullmatch(r"[+-]?\d{1,12}", number):
            return Figure(int(number), text, page, unit)
    elif kind == "amount":
        if re.fullmatch(r"\d{1,13}(\.\d{1,12})?", number):
            try:
                return Figure(Decimal(number), text, page, unit)
            except InvalidOperation:  # pragma: no cover - the pattern admits only digits
                pass
    elif re.fullmatch(r"\d{1,12}", number):
        return Figure(int(number), text, page, unit)
    return Figure(None, text.strip(), page, unit)


def _is_value(text: str | None) -> bool:
    if text is None:
        return False
    if _blank(text):
        return True
    return figure(text, "change").value is not None or figure(text, "amount").value is not None


# --------------------------------------------------------------------------------------------
# Reading


def read_table(spec: TableSpec, grids: Sequence[Grid], source: str) -> TableReading:
    """Return the figures of table `spec` found in `grids` (its fragments, in order)."""
    reading = TableReading(spec)
    if spec.table == "appeals":
        _appeals(spec, grids, source, reading)
    else:
        for grid in grids:
            if grid.flat:
                _flat(spec, grid, source, reading)
        _rows(spec, [g for g in grids if not g.flat], source, reading)
    for row in spec.rows:
        if row.key not in reading.rows:
            reading.problems.append(_problem(spec, row, None, "import_row_missing", {}, source))
    return reading


def _row_count(spec: TableSpec, row: RowSpec, found: int, source: str, page: int | None) -> Problem:
    """A row read with another number of figures than it has columns."""
    params: dict[str, object] = {"found": found, "expected": len(row.cells)}
    return _problem(spec, row, None, "import_row_count", params, source, page)


def _problem(
    spec: TableSpec,
    row: RowSpec,
    cell: Cell | None,
    code: str,
    params: dict[str, object],
    source: str,
    page: int | None = None,
    severity: Literal["error", "warning"] = "error",
) -> Problem:
    loc = f"{spec.table}.{row.key}" + (f".{cell.key}" if cell and cell.key else "")
    label = spec.cell_label(row, cell) if cell else spec.label((spec.table, *row.key.split(".")))
    return Problem(
        code,
        {"table": spec.name, **params},
        file=source,
        path=loc,
        label=label,
        page=page,
        severity=severity,
    )


def _row_names(spec: TableSpec) -> dict[str, RowSpec]:
    return {row.label: row for row in spec.rows}


def _find_row(text: str, spec: TableSpec, names: dict[str, RowSpec]) -> RowSpec | None:
    """Return the row a label names: its own label (leniently), or its group's and its own
    written as one (exactly: a group's title alone is not a row)."""
    found = best(text, names)
    if found is not None:
        return names[found[0]]
    wanted = key(text)
    return next(
        (row for row in spec.rows if row.group and key(row.group + row.label) == wanted), None
    )


def _column_names(spec: TableSpec) -> dict[str, Cell]:
    return {cell.label: cell for row in spec.rows for cell in row.cells}


def _rows(spec: TableSpec, grids: Sequence[Grid], source: str, reading: TableReading) -> None:
    """Read the rows of grid tables: labels at the left, figures under their columns."""
    names = _row_names(spec)
    columns = _column_names(spec)
    colmap: dict[int, Cell] = {}
    width = -1
    grids = _rejoined(grids, columns)
    for grid in grids:
        in_header = False
        if grid.cells and len(grid.cells[0]) != width:
            colmap, width = {}, len(grid.cells[0])
        for r, texts in enumerate(grid.cells):
            page = grid.row_page(r)
            hits = {
                c: found
                for c, text in enumerate(texts)
                if text and (found := _match(text, columns)) is not None
            }
            values = [c for c, t in enumerate(texts) if t and not _blank(t) and _is_value(t)]
            row = _row_label(texts, spec, names, set(colmap))
            if row is None and hits and not values:
                if not in_header:
                    colmap = {}
                colmap.update(hits)
                reading.headers |= {cell.label for cell in hits.values()}
                in_header = True
                continue
            in_header = False
            if row is None:
                if values and not all(_furniture(t) for t in texts if t and not _is_value(t)):
                    reading.unknown += 1
                continue
            if row.key in reading.rows:
                reading.twice += 1
                reading.problems.append(
                    _problem(spec, row, None, "import_row_twice", {}, source, page, "warning")
                )
                continue
            reading.rows[row.key] = _figures(
                spec, row, texts, grid.origin[r], colmap, source, page, reading
            )


def _rejoined(grids: Sequence[Grid], columns: dict[str, Cell]) -> list[Grid]:
    """Return the fragments of a table with each row a page break split joined again: a
    fragment that begins with the rest of a label (no figures, no header) gives it back to the
    last row of the fragment before."""
    out: list[Grid] = []
    for grid in grids:
        first = grid.cells[0] if grid.cells else []
        last = out[-1].cells[-1] if out and out[-1].cells else []
        split = (
            len(first) == len(last)
            and any(t and key(t) for t in first)
            and not any(t and _is_value(t) and not _blank(t) for t in first)
            and not any(t and _match(t, columns) for t in first)
            and not all(_furniture(t) for t in first if t and key(t))
            and any(t and _is_value(t) and not _blank(t) for t in last)
        )
        if not split:
            out.append(grid)
            continue
        joined = [
            (a or "") + (b or "") if b and not _is_value(b) else a
            for a, b in zip(last, first, strict=True)
        ]
        out[-1] = Grid(
            [*out[-1].cells[:-1], joined], out[-1].origin, out[-1].page, pages=out[-1].pages
        )
        out.append(
            Grid(grid.cells[1:], grid.origin[1:], grid.page, grid.flat, pages=grid.pages[1:])
        )
    return out


def _match(text: str, choices: dict[str, Cell]) -> Cell | None:
    found = best(text, choices)
    return choices[found[0]] if found else None


def _furniture(text: str) -> bool:
    return best(text, _FURNITURE) is not None or key(text).startswith("第二十条")


def _row_label(
    texts: Sequence[str | None], spec: TableSpec, names: dict[str, RowSpec], used: set[int]
) -> RowSpec | None:
    """Return the row whose label the row prints: its most specific label (the rightmost
    label cell that names a row; the ones left of it are merged group labels). A row whose
    cells all hold its label (a title spanning the table) is no row of figures."""
    labels = [t for c, t in enumerate(texts) if t and c not in used and not _is_value(t) and key(t)]
    if len(set(labels)) == 1 and len(labels) == len(texts):
        return None
    for text in reversed(list(dict.fromkeys(labels))):
        found = _find_row(text, spec, names)
        if found is not None:
            return found
    return None


def _figures(
    spec: TableSpec,
    row: RowSpec,
    texts: Sequence[str | None],
    origin: Sequence[bool],
    colmap: dict[int, Cell],
    source: str,
    page: int | None,
    reading: TableReading,
) -> list[Figure]:
    """Return a row's figures: each under its column's header, or, without headers for all of
    them, the row's cells right of its label in the form's order."""
    placed: dict[Cell, list[int]] = {}
    for c, cell in colmap.items():
        placed.setdefault(cell, []).append(c)
    if all(cell in placed for cell in row.cells):
        out = []
        for cell in row.cells:
            spots = placed[cell]
            at = next((c for c in spots if origin[c]), spots[0])
            out.append(_read(spec, row, cell, texts[at] or "", source, page, reading))
        return out
    first = next((c for c, t in enumerate(texts) if t is not None and _is_value(t)), len(texts))
    cells = [t or "" for c, t in enumerate(texts) if c >= first and origin[c]]
    while cells and cells[-1] == "" and len(cells) > len(row.cells):
        cells.pop()
    if len(cells) != len(row.cells):
        reading.problems.append(_row_count(spec, row, len(cells), source, page))
        return []
    return [
        _read(spec, row, cell, text, source, page, reading)
        for cell, text in zip(row.cells, cells, strict=True)
    ]


def _read(
    spec: TableSpec,
    row: RowSpec,
    cell: Cell,
    text: str,
    source: str,
    page: int | None,
    reading: TableReading,
) -> Figure:
    found = figure(text, cell.kind, page)
    if found.value is None and not found.blank:
        reading.problems.append(
            _problem(
                spec, row, cell, "import_cell_unreadable", {"text": text.strip()}, source, page
            )
        )
    return found


def _flat(spec: TableSpec, grid: Grid, source: str, reading: TableReading) -> None:
    """Read a table copied as text: a row is its label and the cells after it, up to the next
    label (a row's, a group's, or a header)."""
    names = _row_names(spec)
    columns = _column_names(spec)
    tokens = [t or "" for t in grid.cells[0]]
    i = 0
    while i < len(tokens):
        found = None if _is_value(tokens[i]) else _find_row(tokens[i], spec, names)
        if found is None:
            i += 1
            continue
        row = found
        cells: list[str] = []
        j = i + 1
        while j < len(tokens) and len(cells) < len(row.cells):
            token = tokens[j]
            if not _is_value(token) and (
                _find_row(token, spec, names) or _furniture(token) or _match(token, columns)
            ):
                break  # the next row, a group or a header: this row has no more cells
            cells.append(token)
            j += 1
        while j < len(tokens) and _is_value(tokens[j]) and tokens[j].strip():
            cells.append(tokens[j])  # more figures than the row has columns
            j += 1
        i = j
        if not cells:
            continue  # a merged group label, or a header: no figures of its own
        if row.key in reading.rows:
            reading.twice += 1
            continue
        if len(cells) != len(row.cells):
            reading.problems.append(_row_count(spec, row, len(cells), source, grid.page))
            reading.rows[row.key] = []
            continue
        reading.rows[row.key] = [
            _read(spec, row, cell, text, source, grid.page, reading)
            for cell, text in zip(row.cells, cells, strict=True)
        ]


_GROUPS = {
    "行政复议": "review",
    "未经复议直接起诉": "lawsuit_direct",
    "复议后起诉": "lawsuit_after_review",
}


def _appeals(spec: TableSpec, grids: Sequence[Grid], source: str, reading: TableReading) -> None:
    """Read table 四: one row of 15 figures under two rows of headers (its groups, then the
    outcomes of each group)."""
    outcomes = {c.label: c for c in spec.rows[0].cells}
    for grid in grids:
        if grid.flat:
            values = [t or "" for t in grid.cells[0] if t is None or _is_value(t)]
            if values:
                _appeal_row(spec, values, None, source, grid.page, reading)
            continue
        group: dict[int, str] = {}
        outcome: dict[int, Cell] = {}
        for r, texts in enumerate(grid.cells):
            figures = [c for c, t in enumerate(texts) if t and not _blank(t) and _is_value(t)]
            hits = False
            for c, text in enumerate(texts):
                if not text or figures:
                    continue
                hit = best(text, _GROUPS)
                if hit:
                    group[c], hits = _GROUPS[hit[0]], True
                cell = _match(text, outcomes)
                if cell:
                    outcome[c], hits = cell, True
            if hits or not (group or outcome):
                continue  # a header row, or figures before table 四's headers (not this table)
            # the row under the headers: its figures, or its cells left blank
            cells = {
                (group.get(c), outcome.get(c)): t or ""
                for c, t in reversed(list(enumerate(texts)))
                if grid.origin[r][c]
            }
            placed = {
                (g, o.key): cells[(g, o)] for g, o in cells if g is not None and o is not None
            }
            positional = [t or "" for c, t in enumerate(texts) if grid.origin[r][c]]
            _appeal_row(spec, positional, placed, source, grid.row_page(r), reading)
            return


def _appeal_row(
    spec: TableSpec,
    positional: list[str],
    placed: dict[tuple[str, str], str] | None,
    source: str,
    page: int | None,
    reading: TableReading,
) -> None:
    size = len(spec.rows[0].cells)
    complete = placed is not None and all(
        (row.key, cell.key) in placed for row in spec.rows for cell in row.cells
    )
    if not complete and len(positional) != size * len(spec.rows):
        reading.problems.append(
            Problem(
                "import_appeals_count",
                {"table": spec.name, "found": len(positional), "expected": size * len(spec.rows)},
                file=source,
                path="appeals",
                label="四",
                page=page,
            )
        )
        return
    for n, row in enumerate(spec.rows):
        texts = (
            [placed[(row.key, cell.key)] for cell in row.cells]  # type: ignore[index]
            if complete
            else positional[n * size : (n + 1) * size]
        )
        reading.rows[row.key] = [
            _read(spec, row, cell, text, source, page, reading)
            for cell, text in zip(row.cells, texts, strict=True)
        ]

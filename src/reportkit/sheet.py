"""Spreadsheets: a county's figures out to one sheet (a row per agency) and back into its files.

`export` writes every table cell of every agency of a county folder as a column headed by its
official labels (for a county of another report kind, every number field of the kind, headed
by its label and unit) (.xlsx with openpyxl, with a second sheet explaining the columns; or .csv in
UTF-8 with a BOM). `import_sheet` reads such a sheet back: every cell it cannot read (blank,
text, negative, a fraction where a count belongs) is reported by sheet row and column header,
and then nothing is written; otherwise the figures that differ from the files are written into
the agencies' own data files with tomlkit, keeping their narrative, comments and layout.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomlkit

from reportkit.archive import measure
from reportkit.batch import agency_files
from reportkit.edit import add_row, number, parent, set_cell
from reportkit.errors import DataError, OutputError, Problem
from reportkit.load import NOT_INHERITED, SHARED, load, read, read_text, read_texts
from reportkit.messages import Msg
from reportkit.model import (
    APPEAL_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    DOCUMENT_COLUMNS,
    OUTCOME_COLUMNS,
    PROACTIVE_ROWS,
    Report,
)
from reportkit.output import csv_text, from_csv_text, write

AGENCY, DATA_FILE = "单位", "数据文件"


@dataclass(frozen=True)
class Column:
    """One figure of the report as a sheet column."""

    header: str  # the official labels, e.g. 三·一、本年新收政府信息公开申请数量·自然人
    table: str  # proactive, applications, appeals, part6
    row: str  # key path of the row within the table (or the figure)
    index: int | None  # position in the row's list, None for a single figure
    column: str  # column key, "" for a single figure
    amount: bool = False  # may have decimals
    signed: bool = False  # may be negative (a growth rate of another kind, say)

    @property
    def path(self) -> str:
        return ".".join(p for p in (self.table, self.row, self.column) if p)


def columns(kind: Any = None) -> list[Column]:
    """Return every figure of the report, in the paper form's order; for a `kind` of report
    made of files, every number field it declares, in its order."""
    if kind is not None:
        return [
            Column(
                spec.label_with_unit,
                "",
                spec.key,
                None,
                "",
                amount=spec.type == "decimal",
                signed=spec.minimum is None or spec.minimum < 0,
            )
            for spec in getattr(kind, "fields", ())
            if spec.type in ("integer", "decimal")
        ]
    out = []
    for row in PROACTIVE_ROWS[:2]:
        for i, c in enumerate(DOCUMENT_COLUMNS):
            out.append(Column(f"二·{row.label}·{c.label}", "proactive", row.key, i, c.key))
    for row in PROACTIVE_ROWS[2:]:
        unit = "本年收费金额（万元）" if row.key == "fees" else "本年处理决定数量"
        out.append(
            Column(
                f"二·{row.label}·{unit}", "proactive", row.key, None, "", amount=row.key == "fees"
            )
        )
    for row in APPLICATION_ROWS:
        for i, c in enumerate(APPLICANT_COLUMNS):
            out.append(
                Column(f"三·{row.group}{row.label}·{c.label}", "applications", row.key, i, c.key)
            )
    for row in APPEAL_ROWS:
        group = f"{row.group}·" if row.group else ""
        for i, c in enumerate(OUTCOME_COLUMNS):
            out.append(Column(f"四·{group}{row.label}·{c.label}", "appeals", row.key, i, c.key))
    out.append(Column("六·信息处理费（元）", "part6", "info_processing_fee", None, "", amount=True))
    return out


def value_of(report: Any, column: Column) -> int | Decimal:
    node: Any
    if not isinstance(report, Report):  # another kind: its fields by their dotted keys
        node = report.values()
        for part in column.path.split("."):
            node = node[part]
        return node  # type: ignore[no-any-return]
    node = getattr(report, column.table)
    for part in column.row.split("."):
        node = getattr(node, part)
    if column.column:
        node = getattr(node, column.column)
    return node  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# Export


def county_kind(county: Path) -> Any:
    """Return the report kind of a county folder's data files when they name another kind than
    the national report (the first file that reads as one decides), else None."""
    for data in agency_files(county):
        with contextlib.suppress(Exception):  # a file that cannot be read is reported later
            kind = read(data).kind
            if kind is not None:
                return kind
    return None


def _load(data: Path, kind: Any) -> tuple[str, Any]:
    """Return whose report a data file holds, and the report (totals computed); raise
    `DataError` with its problems when it cannot be read whole."""
    if kind is None:
        report = load(data).complete()
        return report.agency.name, report
    reading = read(data)
    if reading.report is None or reading.problems:
        raise DataError(reading.problems)
    if getattr(reading.kind, "name", None) != kind.name:
        raise DataError(Problem("sheet_mixed_kinds", {"kind": kind.name}, file=str(data)))
    return str(kind.subject(reading.report)), reading.report


def export(county: Path, target: Path) -> tuple[int, list[Problem]]:
    """Write the county's figures to `target` (.xlsx or .csv); return the number of agencies
    written and the problems of the files that could not be read (left out)."""
    if target.suffix.lower() not in (".xlsx", ".csv"):
        raise OutputError(Problem("output_suffix", {"suffix": ".xlsx / .csv"}, file=str(target)))
    kind = county_kind(county)
    cols = columns(kind)
    rows: list[list[Any]] = []
    problems: list[Problem] = []
    for data in agency_files(county):
        try:
            name, report = _load(data, kind)
        except DataError as exc:
            problems += exc.problems
            continue
        rows.append([name, data.name, *(value_of(report, c) for c in cols)])
    header = [AGENCY, DATA_FILE, *(c.header for c in cols)]
    if target.suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(
            [[csv_text(v) if isinstance(v, str) else _digits(v) for v in row] for row in rows]
        )
        write(buffer.getvalue().encode("utf-8-sig"), target)
    else:
        write(_workbook(header, rows, cols), target)
    return len(rows), problems


def _digits(value: int | Decimal) -> str:
    """Return a figure as its digits, every one of them (−0 as 0)."""
    if isinstance(value, Decimal):
        return f"{value.copy_abs() if value == 0 else value:f}"
    return str(value)


def _xlsx_value(value: int | Decimal) -> int | float | str:
    """Return a figure as an xlsx cell: a number where a spreadsheet's number (a double) holds
    it exactly, else its digits as text, so that no digit is lost on the way out and back."""
    if isinstance(value, int):
        return value if abs(value) < 2**53 else str(value)
    if value == value.to_integral() and abs(value) < 2**53:
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else _digits(value)


def _workbook(header: list[str], rows: list[list[Any]], cols: list[Column]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "数字"
    sheet.append(header)
    for row in rows:
        sheet.append([v if isinstance(v, str) else _xlsx_value(v) for v in row])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 16
    notes = book.create_sheet("说明")
    notes.append(["列名", "数据文件中的位置", "说明"])
    notes.append([AGENCY, "agency.name", "单位全称（只读：用于核对）"])
    notes.append([DATA_FILE, "", "该单位的数据文件名：导入时按此找到文件，请勿修改"])
    for c in cols:
        meaning = "金额，可有小数" if c.amount else "件数，非负整数"
        notes.append([c.header, c.path, meaning])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width = 60
    notes.column_dimensions["B"].width = 44
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Import


# A county's sheet has a row per agency and a column per figure: far below these. A sheet that
# claims more (an xlsx can say it spans a million rows in a few bytes) is refused, not read.
MAX_ROWS = 20_000
SPREADSHEET_ROWS = 1_048_576  # the last row number Excel and WPS have
MAX_COLUMNS = 1_000
# Rows and columns each within their limits can still be twenty million cells (a minute and more
# to read), and a cell can hold gigabytes of text unpacked from a file of a few hundred kilobytes:
# a county's sheet is some hundreds of rows of some hundreds of figures.
MAX_CELLS = 500_000
MAX_UNPACKED = 100 * 1024 * 1024


def read_rows(
    source: Path, formulas: bool = False
) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Return the sheet's header and its rows with their row numbers (as the sheet shows them).
    An xlsx cell holding a formula gives the value last computed and saved with it, or, with
    `formulas`, the formula itself (`=SUM(B2:B9)`).

    An xlsx is streamed (openpyxl's read-only mode, its claimed size ignored), a row and column
    at a time, and refused past `MAX_ROWS` rows that hold something, `MAX_COLUMNS`, `MAX_CELLS`
    or `MAX_UNPACKED` (measured before it is unpacked); a CSV field too long to be a figure is
    a problem at its line.
    """
    if source.suffix.lower() == ".csv":
        return _csv_rows(source)
    return _xlsx_rows(source, formulas)


def _xlsx_rows(source: Path, formulas: bool) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    # The file is ours to open and close: a row loop left early (a sheet too big) keeps
    # openpyxl's zip member open, and with it any file openpyxl opened itself, until collected.
    try:
        handle = source.open("rb")
    except FileNotFoundError as exc:
        raise DataError(Problem("file_not_found", file=str(source))) from exc
    except OSError as exc:
        raise DataError(
            Problem("sheet_unreadable", {"detail": type(exc).__name__}, file=str(source))
        ) from exc
    with handle:
        return _workbook_rows(source, handle, formulas)


def _workbook_rows(
    source: Path, handle: Any, formulas: bool
) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    try:
        unpacked = measure(handle).unpacked
        handle.seek(0)
        if unpacked > MAX_UNPACKED:
            limit = MAX_UNPACKED // (1024 * 1024)
            raise DataError(Problem("sheet_unpacks_too_big", {"limit": limit}, file=str(source)))
        book = load_workbook(handle, read_only=True, data_only=not formulas)
    except DataError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise DataError(
            Problem("sheet_unreadable", {"detail": type(exc).__name__}, file=str(source))
        ) from exc
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # read the rows there are, not the size the file claims
        first: list[Any] = []
        values: list[tuple[int, list[Any]]] = []  # the rows that hold something, numbered
        cells_read = 0
        # openpyxl yields an empty row for each row number a sheet skips: a stray cell far
        # down counts as one row, and no row beyond a spreadsheet's last is read
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if len(values) >= MAX_ROWS or number > SPREADSHEET_ROWS:
                raise DataError(Problem("sheet_too_big", {"limit": MAX_ROWS}, file=str(source)))
            cells = list(row)
            while cells and cells[-1] in (None, ""):
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                raise DataError(Problem("sheet_too_wide", {"limit": MAX_COLUMNS}, file=str(source)))
            cells_read += len(cells)
            if cells_read > MAX_CELLS:
                raise DataError(
                    Problem("sheet_too_many_cells", {"limit": MAX_CELLS}, file=str(source))
                )
            if number == 1:
                first = cells
            elif any(v not in (None, "") for v in cells):
                values.append((number, cells))
    except DataError:
        raise
    except Exception as exc:
        raise DataError(
            Problem("sheet_unreadable", {"detail": type(exc).__name__}, file=str(source))
        ) from exc
    finally:
        book.close()
    return [str(h) if h is not None else "" for h in first], values


def _csv_rows(source: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    reader = csv.reader(io.StringIO(read_text(source)))
    lines: list[list[str]] = []
    try:
        for line in reader:
            if len(lines) > MAX_ROWS:
                raise DataError(Problem("sheet_too_big", {"limit": MAX_ROWS}, file=str(source)))
            lines.append([from_csv_text(cell) for cell in line[: MAX_COLUMNS + 1]])
    except csv.Error as exc:  # a field over the csv module's limit (128 KB), or a broken quote
        raise DataError(
            Problem(
                "sheet_bad_line", {"line": reader.line_num}, file=str(source), line=reader.line_num
            )
        ) from exc
    rows = [(i, line) for i, line in enumerate(lines[1:], start=2) if any(line)]
    return (lines[0] if lines else []), rows


def import_sheet(
    source: Path, county: Path, notes: list[Problem] | None = None
) -> dict[str, list[str]]:
    """Write the sheet's figures into the county's data files; return, per data file, the key
    paths of the figures that changed. Raise `DataError` with one problem per bad cell or row
    (and write nothing) when any cannot be read. Columns reportkit does not know (a 备注 column,
    say) are left alone, each named in `notes`."""
    agency_files(county)  # the folder must be a county folder
    header, rows = read_rows(source)
    kind = county_kind(county)
    by_header = {c.header: c for c in columns(kind)}
    if notes is not None:
        notes += [
            Problem("sheet_unknown_column", {"header": h}, file=str(source), severity="warning")
            for h in header
            if h and h not in by_header and h not in (AGENCY, DATA_FILE)
        ]
    problems: list[Problem] = []
    if DATA_FILE not in header:
        problems.append(Problem("sheet_no_file_column", {"header": DATA_FILE}, file=str(source)))
        raise DataError(problems)
    file_at = header.index(DATA_FILE)
    agency_at = header.index(AGENCY) if AGENCY in header else None
    planned: list[tuple[Path, int, dict[Column, int | Decimal]]] = []
    blanks: list[tuple[int, int, int]] = []  # (problem, sheet row, column) of each blank cell
    seen: dict[str, int] = {}
    for line, row in rows:
        name = str(row[file_at] or "").strip() if file_at < len(row) else ""
        data = county / name
        # a row names a file of this county folder, by its bare name, once
        if (
            not name
            or name != Path(name).name
            or name == SHARED
            or ".." in name
            or not data.is_file()
        ):
            problems.append(
                Problem("sheet_unknown_file", {"row": line, "name": name}, file=str(source))
            )
            continue
        if name in seen:
            problems.append(
                Problem(
                    "sheet_duplicate_file",
                    {"row": line, "name": name, "first": seen[name]},
                    file=str(source),
                )
            )
            continue
        seen[name] = line
        if agency_at is not None and agency_at < len(row) and row[agency_at]:
            named = _load(data, kind)[0]
            if str(row[agency_at]).strip() != named:
                problems.append(
                    Problem(
                        "sheet_wrong_agency",
                        {
                            "row": line,
                            "name": name,
                            "found": str(row[agency_at]).strip(),
                            "expected": named,
                        },
                        file=str(source),
                    )
                )
                continue
        figures = {}
        for at, title in enumerate(header):
            column = by_header.get(title)
            if column is None:
                continue
            value, code = _read(row[at] if at < len(row) else None, column.amount, column.signed)
            if code == "sheet_blank":
                blanks.append((len(problems), line, at))
            if code:
                problems.append(
                    Problem(
                        code,
                        {
                            "row": line,
                            "header": title,
                            "found": _shown(row[at] if at < len(row) else None),
                        },
                        file=str(source),
                    )
                )
            else:
                figures[column] = value
        planned.append((data, line, figures))
    if blanks and source.suffix.lower() != ".csv":
        _explain_formulas(problems, blanks, source)
    if problems:
        raise DataError(problems)
    return _apply(planned, source, kind)


def _explain_formulas(
    problems: list[Problem], blanks: list[tuple[int, int, int]], source: Path
) -> None:
    """Tell, of each blank xlsx cell, whether it holds a formula whose value was never computed
    (a sheet written by a program, not saved in Excel or WPS): blank, but not empty-handed."""
    _, rows = read_rows(source, formulas=True)
    by_line = dict(rows)
    for index, line, at in blanks:
        row = by_line.get(line, [])
        formula = row[at] if at < len(row) else None
        if isinstance(formula, str) and formula.startswith("="):
            blank = problems[index]
            problems[index] = Problem(
                "sheet_formula_uncomputed",
                {**blank.params, "found": formula},
                file=blank.file,
            )


# The one rule for a figure in a sheet, as in a data file: a number, or text of plain ASCII digits
# with at most one decimal point. Not 1,5 (a decimal comma or a thousands separator?), not
# 1_000, not full-width digits, not 三: each is refused, never guessed.
_PLAIN_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")  # ASCII only: \d would take １２


def _read(raw: Any, amount: bool, signed: bool = False) -> tuple[int | Decimal, str]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 0, "sheet_blank"
    if isinstance(raw, bool):
        return 0, "sheet_text"
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return 0, "sheet_text"
        value = Decimal(repr(raw))  # the shortest digits that give this double back
    else:
        text = str(raw).strip()
        negative = text.startswith("-") and _PLAIN_NUMBER.fullmatch(text[1:])
        if negative and not signed:
            return 0, "sheet_negative"
        digits = text[1:] if negative else text
        if len(text) > 30:
            return 0, "sheet_text"
        if not _PLAIN_NUMBER.fullmatch(digits):
            # ３ or １２.５, typed with an input method in full-width mode: said as such
            narrow = unicodedata.normalize("NFKC", text)
            wide = narrow != text and _PLAIN_NUMBER.fullmatch(narrow)
            return 0, "sheet_full_width" if wide else "sheet_text"
        value = Decimal(text)
    if value < 0 and not signed:
        return 0, "sheet_negative"
    if value == 0:
        value = Decimal(0)  # −0 is 0
    if abs(value) > Decimal(10) ** 12:
        return 0, "sheet_too_large"
    if amount:
        return value.normalize() if value != value.to_integral() else int(value), ""
    if value != value.to_integral():
        return 0, "sheet_fraction"
    return int(value), ""


def _shown(raw: Any) -> str:
    return "（空）" if raw is None or str(raw).strip() == "" else str(raw)


def _apply(
    planned: Sequence[tuple[Path, int, dict[Column, int | Decimal]]], source: Path, kind: Any
) -> dict[str, list[str]]:
    """Work out every file's new text, check they all still load, then write them. A figure
    the data file refuses (too large, say) is reported at its sheet row and column."""
    changes: dict[str, list[str]] = {}
    texts: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    by_path = {c.path: c for c in columns(kind)}
    for data, line, figures in planned:
        current = _load(data, kind)[1]
        changed = [c for c, v in figures.items() if value_of(current, c) != v]
        if not changed:
            continue
        doc = tomlkit.parse(read_text(data))
        for column in changed:
            _set(doc, column, figures)
        text = tomlkit.dumps(doc)
        for problem in _refused(data, text):
            found: Column | None = by_path.get(problem.path) or next(
                (c for c in changed if problem.path.startswith(f"{c.table}.{c.row}")), None
            )
            header = found.header if found else problem.path
            problems.append(
                Problem(
                    "sheet_refused",
                    {"row": line, "header": header, "why": Msg(problem.code, problem.params)},
                    file=str(source),
                )
            )
        texts.append((data, text))
        changes[data.name] = [c.path for c in changed]
    if problems:
        raise DataError(problems)
    for data, text in texts:
        write(text.encode("utf-8"), data)
    return changes


def _refused(data: Path, text: str) -> list[Problem]:
    """Return what stops `text`, the new content of the data file `data`, being read (with the
    county's shared file it inherits), located in the data file itself."""
    shared = data.parent / SHARED
    layers = [(shared, read_text(shared))] if shared.is_file() else []
    reading = read_texts([*layers, (data, text)], drop=NOT_INHERITED)
    return [p for p in reading.problems if p.severity == "error"]


def _set(doc: Any, column: Column, figures: dict[Column, int | Decimal]) -> None:
    table, leaf = parent(
        doc, column.path if column.index is None else f"{column.table}.{column.row}"
    )
    if column.index is None:
        table[leaf] = number(figures[column])
    elif leaf in table:
        set_cell(table[leaf], column.index, column.column, figures[column])
    else:  # a row the file leaves out (the （七）总计 row may be): write it whole, from the sheet
        row = sorted(
            (c.index or 0, v)
            for c, v in figures.items()
            if c.table == column.table and c.row == column.row
        )
        add_row(table, leaf, [v for _, v in row])

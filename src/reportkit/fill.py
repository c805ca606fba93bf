"""Write the computed totals into a data file, keeping its comments and layout (tomlkit).

`reportkit check --fill` uses this: every 总计 the clerk left out (a row given with six numbers,
a group of table 四 with four, the （七）总计 row missing) is written in, computed from the
figures; totals already given are left exactly as they are, for the checks to judge.
"""

from __future__ import annotations

from pathlib import Path

import tomlkit

from reportkit.edit import add_row, parent, set_cell
from reportkit.load import parse, read_text
from reportkit.model import APPEAL_ROWS, APPLICANT_COLUMNS, APPLICATION_ROWS
from reportkit.output import write


def fill(path: Path | str) -> list[str]:
    """Return the key paths of the totals written into the data file at `path` (none: unchanged)."""
    text = read_text(path)
    report = parse(text, str(path))
    doc = tomlkit.parse(text)
    full = report.complete()
    filled = []
    for row in APPLICATION_ROWS:
        given = (
            report.applications.row(row.key) if row.key != "total" else report.applications.total
        )
        if given is not None and given.total is not None:
            continue
        value = full.applications.row(row.key)
        assert value is not None
        table, leaf = parent(doc["applications"], row.key)
        if given is None:  # the （七）总计 row is missing: add it before 四、结转下年度继续办理
            add_row(table, leaf, [value.value(c.key) for c in APPLICANT_COLUMNS])
        else:
            cells = table[leaf]
            set_cell(cells, len(cells), "total", value.total)
        filled.append(f"applications.{row.key}" + ("" if given is None else ".total"))
    for row in APPEAL_ROWS:
        if getattr(report.appeals, row.key).total is None:
            cells = doc["appeals"][row.key]
            set_cell(cells, len(cells), "total", getattr(full.appeals, row.key).total)
            filled.append(f"appeals.{row.key}.total")
    if filled:
        write(tomlkit.dumps(doc).encode("utf-8"), path)
    return filled

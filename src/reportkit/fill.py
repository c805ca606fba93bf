"""Write the computed totals into a data file, keeping its comments and layout (tomlkit).

`reportkit check --fill` uses this: every 总计 the clerk left out (a row given with six numbers,
a group of table 四 with four, the （七）总计 row missing) is written in, computed from the
figures; totals already given are left exactly as they are, for the checks to judge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomlkit

from reportkit.edit import add_row, append_cell
from reportkit.load import load, read_text
from reportkit.model import APPEAL_ROWS, APPLICANT_COLUMNS, APPLICATION_ROWS
from reportkit.output import write


def fill(path: Path | str) -> list[str]:
    """Return the key paths of the totals written into the data file at `path` (none: unchanged).

    A file in a county folder is read with the shared file it inherits; only rows written in
    the file itself are filled in (a row it inherits belongs to the shared file).
    """
    text = read_text(path)
    report = load(path)
    doc = tomlkit.parse(text)
    full = report.complete()
    filled = []
    apps = doc.get("applications")
    for row in APPLICATION_ROWS:
        given = report.applications.row(row.key)
        if apps is None or (given is not None and given.total is not None):
            continue
        value = full.applications.row(row.key)
        assert value is not None
        table, leaf = _holder(apps, row.key)
        if given is None:  # the （七）总计 row is missing: add it before 四、结转下年度继续办理
            add_row(apps, row.key, [value.value(c.key) for c in APPLICANT_COLUMNS], label=row.label)
        elif table is not None and leaf in table:
            append_cell(table, leaf, "total", value.total)
        else:
            continue  # inherited from the county's shared file
        filled.append(f"applications.{row.key}" + ("" if given is None else ".total"))
    appeals = doc.get("appeals")
    for row in APPEAL_ROWS:
        if appeals is None or row.key not in appeals:
            continue
        if getattr(report.appeals, row.key).total is None:
            append_cell(appeals, row.key, "total", getattr(full.appeals, row.key).total)
            filled.append(f"appeals.{row.key}.total")
    if filled:
        write(tomlkit.dumps(doc).encode("utf-8"), path)
    return filled


def _holder(table: Any, dotted: str) -> tuple[Any, str]:
    """Return the table holding the dotted key in the file (None: not written there)."""
    *parents, leaf = dotted.split(".")
    for part in parents:
        if part not in table:
            return None, leaf
        table = table[part]
    return table, leaf

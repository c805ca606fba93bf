"""Write the computed totals into a data file, keeping its comments and layout (tomlkit).

`reportkit check --fill` uses this: every 总计 the clerk left out (a row given with six numbers,
a group of table 四 with four, the （七）总计 row missing) is written in, computed from the
figures; totals already given are left exactly as they are, for the checks to judge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Array, Table

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
        table = doc["applications"]
        if given is None:  # the （七）总计 row is missing: add it before 四、结转下年度继续办理
            cells = [value.value(c.key) for c in APPLICANT_COLUMNS]
            _insert_before(table, "carried_forward", "total", _array(cells))
        else:
            _set_total(_node(table, row.key), value.total)
        filled.append(f"applications.{row.key}" + ("" if given is None else ".total"))
    for row in APPEAL_ROWS:
        if getattr(report.appeals, row.key).total is None:
            _set_total(doc["appeals"][row.key], getattr(full.appeals, row.key).total)
            filled.append(f"appeals.{row.key}.total")
    if filled:
        write(tomlkit.dumps(doc).encode("utf-8"), path)
    return filled


def _node(table: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        table = table[part]
    return table


def _set_total(node: Any, total: int | None) -> None:
    if isinstance(node, Array):
        node.append(total)
    else:
        node["total"] = total


def _array(values: Any) -> Array:
    array = tomlkit.array()
    array.extend(values)
    return array


def _insert_before(table: Table, before: str, key: str, value: Any) -> None:
    container = table.value
    keys = [k.key if k is not None else None for k, _ in container.body]
    if before in keys:
        # tomlkit has no public insert-at; its container keeps comments and order through this
        container._insert_at(keys.index(before), key, value)
    else:
        table[key] = value

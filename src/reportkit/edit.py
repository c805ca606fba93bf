"""Editing data files in place with tomlkit: the clerk's comments, order and layout are kept.

`check --fill`, `new --from`, `sheet import` and the county totals write figures into TOML
files; these helpers are the one way they reach into a file: find (or make) the table holding a
key, set one cell of a row however the row is written, add a missing row in its place, and
write an amount with exactly its digits.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import tomlkit
from tomlkit.items import Array


def table(doc: Any, key: str) -> Any:
    """Return the table `key` of `doc`, made (empty) if the file has none."""
    if key not in doc:
        doc[key] = tomlkit.table()
    return doc[key]


def parent(doc: Any, dotted: str) -> tuple[Any, str]:
    """Return the table holding the dotted key `dotted`, made if missing, and its last part."""
    *parents, leaf = dotted.split(".")
    for part in parents:
        doc = table(doc, part)
    return doc, leaf


def set_cell(row: Any, index: int, column: str, value: Any) -> None:
    """Set one cell of a row written as a list (by position; one past the end appends, as for
    a 总计 left off) or as a table keyed by column."""
    if isinstance(row, Array):
        if index < len(row):
            row[index] = number(value)
        else:
            row.append(number(value))
    else:
        row[column] = number(value)


def add_row(table: Any, key: str, values: list[Any], before: str = "carried_forward") -> None:
    """Add a row the file leaves out, in its place on the form: before the key `before`."""
    array = tomlkit.array()
    array.extend(number(v) for v in values)
    container = table.value
    keys = [k.key if k is not None else None for k, _ in container.body]
    if before in keys:
        # tomlkit has no public insert-at that keeps the comments and blank lines around the
        # row; Container._insert_at is private, so pyproject.toml caps tomlkit at the releases
        # the tests pass with
        container._insert_at(keys.index(before), key, array)
    else:
        table[key] = array


def number(value: Any) -> Any:
    """Return a figure as TOML writes it: an amount keeps exactly its digits (never a float's)."""
    if isinstance(value, Decimal):
        if value == value.to_integral():
            return int(value)
        return tomlkit.parse(f"v = {value:f}")["v"]
    return value

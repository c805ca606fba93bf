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


def append_cell(table: Any, key: str, column: str, value: Any) -> None:
    """Add the cell a row leaves off (its 总计): a list written on one line gets the number
    right-aligned like the one before it, its comment kept; a keyed row gets the key."""
    row = table[key]
    text = row.as_string().strip() if isinstance(row, Array) else ""
    if not (text.startswith("[") and text.endswith("]") and "\n" not in text and len(row)):
        set_cell(row, len(row), column, value)
        return
    width = len(text[1:-1].split(",")[-1])
    fresh = tomlkit.parse(f"x = {text[:-1]},{str(number(value)).rjust(width)}]")["x"]
    fresh.trivia.comment_ws = row.trivia.comment_ws
    fresh.trivia.comment = row.trivia.comment
    table[key] = fresh


def add_row(
    table: Any, key: str, values: list[Any], before: str = "carried_forward", label: str = ""
) -> None:
    """Add a row the file leaves out, in its place on the form (before the key `before`),
    laid out like that row: the key padded the same, each number right-aligned under the
    number above, and the row's label as its comment."""
    body = table.value.body
    keys = [k.key if k is not None else None for k, _ in body]
    if before not in keys:
        array = tomlkit.array()
        array.extend(number(v) for v in values)
        table[key] = array
        return
    index = keys.index(before)
    neighbour_key, neighbour = body[index]
    line = f"{key} = {_aligned(values, neighbour)}"
    width = len(neighbour_key.as_string())
    if width > len(key) and isinstance(neighbour, Array):
        line = f"{key:<{width}}= {_aligned(values, neighbour)}"
    if label:
        line += f"  # {label}"
    made = tomlkit.parse(line + "\n")
    new_key, new_value = made.body[0]
    insert(table, new_key, new_value, index)


def _aligned(values: list[Any], like: Any) -> str:
    """Return `values` as a TOML array, each number as wide as the one above it in `like`."""
    texts = [str(number(v)) for v in values]
    if not isinstance(like, Array):
        return "[" + ", ".join(texts) + "]"
    widths = [len(part) for part in like.as_string().strip()[1:-1].split(",")]
    if len(widths) != len(texts):
        return "[" + ", ".join(texts) + "]"
    cells = [text.rjust(width) for text, width in zip(texts, widths, strict=True)]
    return "[" + ",".join(cells) + "]"


def insert(table: Any, key: Any, item: Any, index: int | None) -> None:
    """Put `key = item` at position `index` of the table's body (None: at its end)."""
    if index is None:
        table[key] = item
    else:
        # tomlkit has no public insert-at that keeps the comments and blank lines around the
        # row; Container._insert_at is private, so pyproject.toml caps tomlkit at the releases
        # the tests pass with
        table.value._insert_at(index, key, item)


def number(value: Any) -> Any:
    """Return a figure as TOML writes it: an amount keeps exactly its digits (never a float's)."""
    if isinstance(value, Decimal):
        if value == value.to_integral():
            return int(value)
        return tomlkit.parse(f"v = {value:f}")["v"]
    return value

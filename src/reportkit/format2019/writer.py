"""The 2019 format's table 二 in a data file, as `reportkit import` writes it.

`reportkit.skeleton.data_text` writes a data file of either format; it asks this module for the
2019 format's table 二 (its blocks and columns differ from the 2021 format's) and for the hints
above the parts. Table 三 is written by the skeleton with this format's rows, table 四 as in the
2021 format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from reportkit.format2019.model import PROACTIVE_COLUMNS, PROACTIVE_ROWS

HINTS = {
    "part2": "表格前后的说明文字（2019 年版格式，表格数字在下面的 [proactive]）",
    "part6": "其他需要报告的事项（2019 年版格式没有信息处理费一项）",
}

_ZEROS = {"procurement": [0, 0]}


def proactive(
    w: Callable[[str], None], table: dict[str, Any] | None, notes: dict[str, str]
) -> None:
    """Write table 二 of the 2019 format: a row per item, its columns named above each block."""
    w("")
    w("# 二、主动公开政府信息情况 — 表格（2019 年版格式）")
    w("[proactive]")
    block = ""
    for row in PROACTIVE_ROWS:
        columns = PROACTIVE_COLUMNS[row.key]
        if row.group != block:
            block = row.group
            w(f"# {row.group}：" + " | ".join(c.label for c in columns))
        given = (table or {}).get(row.key)
        values = given if given is not None else _ZEROS.get(row.key, [0] * len(columns))
        note = notes.get(f"proactive.{row.key}")
        comment = f"# {row.label}" + (f"；{note}" if note else "")
        if f"!proactive.{row.key}" in notes:  # could not be read (see skeleton.data_text)
            w(f"# {row.key:<18} = [？]   {comment}；{notes[f'!proactive.{row.key}']}")
            continue
        w(f"{row.key:<20} = {_written(values)}   {comment}")


def _written(values: Sequence[Any] | dict[str, Any]) -> str:
    if isinstance(values, dict):  # 政府集中采购 with its unit
        inner = ", ".join(f"{k} = {_number(v)}" for k, v in values.items())
        return f"{{ {inner} }}"
    return "[" + ", ".join(_number(v) for v in values) + "]"


def _number(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)

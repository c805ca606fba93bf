"""County totals: the tables of many agencies summed into one data file of the same format.

The result is an ordinary data file (TOML, written with tomlkit so that it carries comments: which
agencies it includes, and the column names of each table), renderable and checkable like any
other. Only figures are summed; the narrative is left for the county to write.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomlkit

from reportkit.edit import number
from reportkit.model import (
    APPEAL_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    DOCUMENT_COLUMNS,
    OUTCOME_COLUMNS,
    Report,
)
from reportkit.output import write


def aggregate(reports: Sequence[Report]) -> dict[str, Any]:
    """Return the tables of `reports` summed, as the tables of a data file (totals filled)."""
    full = [r.complete() for r in reports]

    def total(get: Any) -> Any:
        return sum((get(r) for r in full), start=Decimal(0) if _is_amount(get, full) else 0)

    proactive: dict[str, Any] = {
        key: [
            total(lambda r, k=key, c=c.key: getattr(getattr(r.proactive, k), c))
            for c in DOCUMENT_COLUMNS
        ]
        for key in ("rules", "normative_documents")
    }
    for key in ("licensing", "penalties", "coercion", "fees"):
        proactive[key] = total(lambda r, k=key: getattr(r.proactive, k))
    applications: dict[str, Any] = {}
    for row in APPLICATION_ROWS:
        node = applications
        *parents, leaf = row.key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = [
            total(lambda r, k=row.key, c=c.key: _cell(r, k, c)) for c in APPLICANT_COLUMNS
        ]
    appeals = {
        row.key: [
            total(lambda r, k=row.key, c=c.key: getattr(getattr(r.appeals, k), c))
            for c in OUTCOME_COLUMNS
        ]
        for row in APPEAL_ROWS
    }
    fee = total(lambda r: r.part6.info_processing_fee)
    return {
        "proactive": proactive,
        "applications": applications,
        "appeals": appeals,
        "part6": {"info_processing_fee": fee},
    }


def _is_amount(get: Any, reports: Sequence[Report]) -> bool:
    return bool(reports) and isinstance(get(reports[0]), Decimal)


def _cell(report: Report, row: str, column: str) -> int:
    value = report.applications.row(row)
    assert value is not None
    return int(getattr(value, column))


def write_totals(
    path: Path, tables: dict[str, Any], head: dict[str, Any], included: Sequence[str]
) -> Path:
    """Write a data file holding `head` (year, date, agency…) and the summed `tables`."""
    doc = tomlkit.document()
    doc.add(tomlkit.comment("County totals written by `reportkit batch --totals`: the sum of the"))
    doc.add(
        tomlkit.comment(
            f"tables of these {len(included)} agencies, all of which passed the checks:"
        )
    )
    for name in included:
        doc.add(tomlkit.comment(f"  {name}"))
    doc.add(tomlkit.nl())
    for key, value in head.items():
        if not isinstance(value, dict):
            doc[key] = value
    for key, value in head.items():
        if isinstance(value, dict):
            doc[key] = value
    for key in ("proactive", "applications", "appeals"):
        table = tomlkit.table()
        table.add(tomlkit.comment(_COLUMNS[key]))
        _fill(table, tables[key])
        doc[key] = table
    part6 = tomlkit.table()
    part6["info_processing_fee"] = number(tables["part6"]["info_processing_fee"])
    doc["part6"] = part6
    write(tomlkit.dumps(doc).encode("utf-8"), path)
    return path


_COLUMNS = {
    "proactive": "rules, normative_documents: "
    + "、".join(c.label for c in DOCUMENT_COLUMNS)
    + "; fees: 万元",
    "applications": "columns: " + "、".join(c.label for c in APPLICANT_COLUMNS),
    "appeals": "columns: " + "、".join(c.label for c in OUTCOME_COLUMNS),
}


def _fill(table: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if isinstance(value, dict):
            sub = tomlkit.table()
            _fill(sub, value)
            table[key] = sub
        elif isinstance(value, list):
            table[key] = [number(v) for v in value]
        else:
            table[key] = number(value)

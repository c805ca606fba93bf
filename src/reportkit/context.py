"""Stage 3 (context): the template's variables, built from the report and its sentences.

This is the only module that knows the template's variable names. Every value it hands on is
plain text (figures already formatted); the renderer escapes them for XML, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reportkit.jinjaenv import amount
from reportkit.model import Block, OutcomeRow, Report
from reportkit.narrate import Narrative

Blocks = list[dict[str, str]]


def variables(report: Report, narrative: Narrative, marks: Sequence[str] = ()) -> dict[str, Any]:
    """Return the template variables for `report`; `marks` go in the header (e.g. 示例数据)."""
    full = report.complete()

    def first(slot: str) -> str:
        texts = narrative.paragraphs(slot)
        return texts[0] if texts else ""

    def generated(slot: str) -> Blocks:
        return _blocks(Block(text=t) for t in narrative.paragraphs(slot))

    return {
        "header_mark": "　".join(marks),
        "title": first("title"),
        "preamble": generated("preamble"),
        "part1": {"text": generated("part1") + _blocks(full.part1.text)},
        "part2": {
            "before": generated("part2") + _blocks(full.part2.text),
            "after": _blocks(full.part2.after_table),
        },
        "part3": {
            "before": generated("part3") + _blocks(full.part3.text),
            "after": _blocks(full.part3.after_table),
        },
        "part4": {
            "before": generated("part4") + _blocks(full.part4.text),
            "after": _blocks(full.part4.after_table),
        },
        "part5": {"text": generated("part5") + _blocks(full.part5.text)},
        "part6": {"text": generated("part6") + _blocks(full.part6.text)},
        "proactive": _proactive(full),
        "applications": _applications(full),
        "appeals": {
            "review": _counts(full.appeals.review),
            "lawsuit_direct": _counts(full.appeals.lawsuit_direct),
            "lawsuit_after_review": _counts(full.appeals.lawsuit_after_review),
        },
        "signature": first("signature"),
        "date": first("date"),
    }


def _blocks(blocks: Iterable[Block]) -> Blocks:
    return [{"heading": b.heading, "lead": b.lead, "text": b.text} for b in blocks]


def _counts(row: OutcomeRow | Any) -> dict[str, str]:
    return {key: str(value) for key, value in row.model_dump().items()}


def _proactive(report: Report) -> dict[str, Any]:
    p = report.proactive
    return {
        "rules": _counts(p.rules),
        "normative_documents": _counts(p.normative_documents),
        "licensing": str(p.licensing),
        "penalties": str(p.penalties),
        "coercion": str(p.coercion),
        "fees": amount(p.fees),
    }


def _applications(report: Report) -> dict[str, Any]:
    strings: dict[str, Any] = _stringify(report.applications.model_dump())
    return strings


def _stringify(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _stringify(v) for k, v in tree.items()}
    return str(tree)

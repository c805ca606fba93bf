"""Stage 2 (check): the tables' consistency rules (勾稽关系) and more, as located problems.

Each rule is a small function over the report (and last year's, where given) that yields
problems; `check` runs them all and returns every problem at once. The rules, with examples, are
listed in docs/checks.md:

  A   error    in every column of table 三: 一 + 二 = 三（七）总计 + 四
  B   error    in every column of table 三: the given （七）总计 = the sum of the 21 numbered rows
  C   error    in every row of table 三 but （七）: the given 总计 = 自然人 + the five 法人或其他组织
               columns (the （七）总计 row is B's, column by column)
  T4  error    in table 四: each given 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结
  X   error    this year's 二、上年结转 = last year's 四、结转下年度继续办理, per column
  R   warning  现行有效件数 = last year's + 本年制发件数 − 本年废止件数 (规章, 行政规范性文件)
  S   warning  a narrative paragraph (nearly) identical to one of last year's (雷同)
  D   error    the report's date falls after the report year
  DL  warning  the report's date is past the publication deadline for the agency's level
  P   warning  a figure stated in the narrative differs from the table
  DRAFT error  a part still holds last year's text (`draft = true`, set by `reportkit new --from`)
Where a rule uses a total that is itself checked (a row's 总计 by C, the （七）总计 row by B), it
uses the computed value, so one wrong figure is reported by the rule that owns it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from reportkit.errors import Problem, Severity
from reportkit.model import (
    APPEAL_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    DOCUMENT_COLUMNS,
    PROACTIVE_ROWS,
    Report,
    label_of,
)
from reportkit.narrate import sentence_problems

SIMILAR = 0.9  # paragraphs this similar to last year's are 雷同
SHORT = 30  # shorter paragraphs (sub-heads, set phrases) are not compared


@dataclass(frozen=True)
class Years:
    """What the rules look at: this year's report, completed, and last year's, if given."""

    given: Report  # as written: totals may be missing
    full: Report  # every total filled in (given ones kept)
    computed: Report  # every total computed, ignoring given ones
    previous: Report | None


Rule = Callable[[Years], Iterator[Problem]]


def check(report: Report, previous: Report | None = None) -> list[Problem]:
    """Return every problem found in `report`: errors and warnings, in rule order.

    `previous` is last year's report, for the rules across years (X, R, 雷同).
    """
    years = Years(report, report.complete(), report.recomputed(), previous)
    problems = [*report.notes, *sentence_problems(report, previous)]
    return problems + [problem for rule in RULES for problem in rule(years)]


def _at(
    report: Report,
    loc: tuple[str, ...],
    code: str,
    params: dict[str, Any],
    rule: str,
    severity: Severity = "error",
    label: str | None = None,
) -> Problem:
    return Problem(
        code,
        params,
        path=".".join(loc),
        **_place(report, *loc),
        label=label_of(loc) if label is None else label,
        rule=rule,
        severity=severity,
    )


def _place(report: Report, *keys: str) -> dict[str, Any]:
    file, line = report.where(*keys)
    return {"file": file, "line": line}


def _plus(values: list[int]) -> str:
    return " + ".join(str(v) for v in values)


# ---------------------------------------------------------------------------------------------
# Table 三 and 四 arithmetic


def rule_a(years: Years) -> Iterator[Problem]:
    """A: in every applicant column, 一 + 二 = 三（七）总计 + 四 (with （七） as computed)."""
    apps = years.computed.applications
    assert apps.total is not None
    for column in APPLICANT_COLUMNS[:-1]:
        received, carried = apps.received.value(column.key), apps.carried_over.value(column.key)
        handled, forward = apps.total.value(column.key), apps.carried_forward.value(column.key)
        assert None not in (received, carried, handled, forward)
        left, right = (received or 0) + (carried or 0), (handled or 0) + (forward or 0)
        if left != right:
            yield _at(
                years.given,
                ("applications",),  # the rule spans four rows of a column: no one cell is wrong
                "rule_a",
                {
                    "left": left,
                    "received": received,
                    "carried": carried,
                    "right": right,
                    "handled": handled,
                    "forward": forward,
                },
                "A",
                label=f"三 × {column.label}",
            )


def rule_b(years: Years) -> Iterator[Problem]:
    """B: a given （七）总计 row equals, column by column, the sum of the 21 numbered rows."""
    given = years.given.applications.total
    if given is None:
        return
    rows = [value for _, value in years.computed.applications.outcome_rows()]
    for column in APPLICANT_COLUMNS:
        found = given.value(column.key)
        if found is None:
            continue
        values = [r.value(column.key) or 0 for r in rows]
        if found != sum(values):
            yield _at(
                years.given,
                ("applications", "total", column.key),
                "rule_sum",
                {"expected": sum(values), "arithmetic": _plus(values), "found": found},
                "B",
            )


def rule_c(years: Years) -> Iterator[Problem]:
    """C: each given 总计 of table 三 is the sum of its row's six applicant columns."""
    apps = years.given.applications
    for row in APPLICATION_ROWS:
        if row.key == "total":  # the （七）总计 row is B's: its every column, total included
            continue
        value = apps.row(row.key)
        if value is not None and value.total is not None and value.total != value.computed_total():
            loc = ("applications", *row.key.split("."), "total")
            yield _at(
                years.given,
                loc,
                "rule_sum",
                {
                    "expected": value.computed_total(),
                    "arithmetic": _plus(list(value.parts())),
                    "found": value.total,
                },
                "C",
            )


def rule_t4(years: Years) -> Iterator[Problem]:
    """T4: each given 总计 of table 四 is the sum of its four outcomes."""
    for row in APPEAL_ROWS:
        value = getattr(years.given.appeals, row.key)
        if value.total is not None and value.total != value.computed_total():
            yield _at(
                years.given,
                ("appeals", row.key, "total"),
                "rule_sum",
                {
                    "expected": value.computed_total(),
                    "arithmetic": _plus(list(value.parts())),
                    "found": value.total,
                },
                "T4",
            )


# ---------------------------------------------------------------------------------------------
# Across years


def rule_x(years: Years) -> Iterator[Problem]:
    """X: 二、上年结转 equals last year's 四、结转下年度继续办理, per applicant column."""
    if years.previous is None:
        return
    last = years.previous.complete().applications.carried_forward
    this = years.computed.applications.carried_over
    for column in APPLICANT_COLUMNS[:-1]:
        expected, found = last.value(column.key), this.value(column.key)
        if expected != found:
            yield _at(
                years.given,
                ("applications", "carried_over", column.key),
                "rule_x",
                {"expected": expected, "found": found, "previous": _name(years.previous)},
                "X",
            )


def rule_r(years: Years) -> Iterator[Problem]:
    """R: 现行有效件数 continues from last year's, for 规章 and 行政规范性文件."""
    if years.previous is None:
        return
    for key in ("rules", "normative_documents"):
        this = getattr(years.given.proactive, key)
        last = getattr(years.previous.proactive, key)
        expected = last.in_force + this.issued - this.repealed
        if this.in_force != expected:
            yield _at(
                years.given,
                ("proactive", key, "in_force"),
                "rule_r",
                {
                    "expected": expected,
                    "last": last.in_force,
                    "issued": this.issued,
                    "repealed": this.repealed,
                    "found": this.in_force,
                },
                "R",
                severity="warning",
                label=f"二：{_row_label(key)} × {DOCUMENT_COLUMNS[2].label}",
            )


def _row_label(key: str) -> str:
    return next(r.label for r in PROACTIVE_ROWS if r.key == key)


def rule_similar(years: Years) -> Iterator[Problem]:
    """S (雷同): a narrative paragraph identical or nearly identical to one of last year's."""
    if years.previous is None:
        return
    old = [(path, plain(b.lead + b.text)) for path, b in years.previous.narrative()]
    old = [(path, text) for path, text in old if len(text) >= SHORT]
    for path, block in years.given.narrative():
        text = plain(block.lead + block.text)
        if len(text) < SHORT:
            continue
        for old_path, old_text in old:
            ratio = alike(text, old_text)
            if ratio:
                yield _similar(years.given, path, old_path, ratio, _name(years.previous))
                break


def _name(report: Report) -> str:
    return Path(report.source).name


def plain(text: str) -> str:
    """Return a paragraph without whitespace, as paragraphs are compared for 雷同."""
    return "".join(text.split())


def alike(text: str, other: str) -> float:
    """Return how alike two paragraphs are (difflib's ratio) when they are 雷同, else 0."""
    matcher = difflib.SequenceMatcher(None, text, other, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0  # the cheap upper bounds already rule it out
    ratio = matcher.ratio()
    return ratio if ratio >= SIMILAR else 0.0


def _similar(report: Report, path: str, old_path: str, ratio: float, source: str) -> Problem:
    part, rest = path.split(".", 1)
    field = rest.split("[", 1)[0]
    return Problem(
        "rule_similar",
        {"percent": int(ratio * 100), "previous": source, "where": old_path},
        path=path,
        **_place(report, part, field),
        rule="S",
        severity="warning",
    )


# ---------------------------------------------------------------------------------------------
# Dates

_GOVERNMENTS = {"county_government", "prefecture_government", "provincial_government"}
_DEPARTMENTS = {"county_department", "prefecture_department", "provincial_department"}


def deadline(report: Report) -> dt.date | None:
    """Return the publication deadline for the agency's level (None when set locally and not
    given): 31 January for departments at county level and up, 31 March for such governments."""
    if report.deadline is not None:
        return report.deadline
    if report.agency.level in _DEPARTMENTS:
        return dt.date(report.year + 1, 1, 31)
    if report.agency.level in _GOVERNMENTS:
        return dt.date(report.year + 1, 3, 31)
    return None


def rule_dates(years: Years) -> Iterator[Problem]:
    """D: the report is dated after its year; DL: and by the deadline for its level."""
    report = years.given
    if report.date <= dt.date(report.year, 12, 31):
        yield _at(report, ("date",), "rule_d", {"date": report.date, "year": report.year}, "D")
        return
    limit = deadline(report)
    if limit is not None and report.date > limit:
        yield _at(
            report,
            ("date",),
            "rule_dl",
            {"date": report.date, "deadline": limit},
            "DL",
            severity="warning",
        )


# ---------------------------------------------------------------------------------------------
# Prose against tables


@dataclass(frozen=True)
class Phrase:
    id: str
    pattern: re.Pattern[str]
    cells: tuple[str, ...]


@cache
def phrases(locale: str = "zh-CN") -> tuple[Phrase, ...]:
    """Return the phrases whose figures rule P checks, from the shipped data file."""
    text = (resources.files("reportkit") / "rulebooks" / f"prose-{locale}.toml").read_text("utf-8")
    return tuple(
        Phrase(p["id"], re.compile(p["pattern"]), tuple(p["cells"]))
        for p in tomllib.loads(text)["phrase"]
    )


def rule_prose(years: Years) -> Iterator[Problem]:
    """P: figures the narrative states beside the usual phrases agree with the tables."""
    report = years.full
    for path, block in years.given.narrative():
        text = block.lead + block.text
        for phrase in phrases(report.locale):
            for match in phrase.pattern.finditer(text):
                stated = int(match.group(1))
                table = sum(_figure(report, cell) for cell in phrase.cells)
                if stated != table:
                    part, rest = path.split(".", 1)
                    yield Problem(
                        "rule_prose",
                        {
                            "quote": match.group(0),
                            "stated": stated,
                            "table": table,
                            "cells": "、".join(label_of(tuple(c.split("."))) for c in phrase.cells),
                        },
                        path=path,
                        **_place(report, part, rest.split("[", 1)[0]),
                        rule="P",
                        severity="warning",
                    )


def _figure(report: Report, dotted: str) -> int:
    node: Any = report
    for part in dotted.split("."):
        node = getattr(node, part)
    return int(node)


def rule_draft(years: Years) -> Iterator[Problem]:
    """DRAFT: a part still holds last year's text, marked by `reportkit new --from`."""
    for number in range(1, 7):
        name = f"part{number}"
        if getattr(years.given, name).draft:
            yield _at(years.given, (name, "draft"), "rule_draft", {}, "DRAFT", label="")


RULES: tuple[Rule, ...] = (
    rule_a,
    rule_b,
    rule_c,
    rule_t4,
    rule_x,
    rule_r,
    rule_similar,
    rule_dates,
    rule_prose,
    rule_draft,
)

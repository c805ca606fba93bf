"""Stage 2 (check): the consistency rules (勾稽关系) of the three tables, as located problems.

Each rule is a small function over the report that yields problems; `check` runs them all and
returns every problem at once. Rules, named as in docs/checks.md:
  A   in every column of table 三: 一 + 二 = 三（七）总计 + 四
  B   in every column of table 三: 三（七）总计 = the sum of the 21 numbered rows
  C   in every row of table 三: 总计 = 自然人 + the five 法人或其他组织 columns
  T4  in table 四: each 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结
A total left out of the data is computed (so C and T4 hold for it by construction); a total
given is checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from reportkit.errors import Problem
from reportkit.model import (
    APPEAL_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    ApplicantRow,
    Report,
    label_of,
)
from reportkit.narrate import override_problems

Rule = Callable[[Report], Iterator[Problem]]


def check(report: Report) -> list[Problem]:
    """Return every problem found in `report` (errors and warnings): the consistency rules, and
    sentence ids the rulebook does not know."""
    problems = override_problems(report)
    return problems + [problem for rule in RULES for problem in rule(report)]


def _sum_text(values: list[int]) -> str:
    return " + ".join(str(v) for v in values)


def _problem(
    report: Report, loc: tuple[str, ...], rule: str, expected: int, arithmetic: str, found: int
) -> Problem:
    return Problem(
        "rule_mismatch",
        {"expected": expected, "arithmetic": arithmetic, "found": found},
        file=report.source,
        path=".".join(loc),
        line=report.line_of(*loc),
        label=label_of(loc),
        rule=rule,
    )


def rule_c(report: Report) -> Iterator[Problem]:
    """C: each row's 总计 is the sum of its six applicant columns."""
    apps = report.applications
    for row in APPLICATION_ROWS:
        value = apps.row(row.key)
        if value is None or value.total is None:
            continue
        if value.total != value.computed_total():
            loc = ("applications", *row.key.split("."), "total")
            yield _problem(
                report,
                loc,
                "C",
                value.computed_total(),
                _sum_text(list(value.parts())),
                value.total,
            )


def rule_t4(report: Report) -> Iterator[Problem]:
    """T4: each 总计 of table 四 is the sum of its four outcomes."""
    for row in APPEAL_ROWS:
        value = getattr(report.appeals, row.key)
        if value.total is not None and value.total != value.computed_total():
            yield _problem(
                report,
                ("appeals", row.key, "total"),
                "T4",
                value.computed_total(),
                _sum_text(list(value.parts())),
                value.total,
            )


def rule_b(report: Report) -> Iterator[Problem]:
    """B: in every column, （七）总计 is the sum of the 21 numbered rows above it."""
    given = report.applications.total
    if given is None:
        return
    rows = [value.filled() for _, value in report.applications.outcome_rows()]
    for column in APPLICANT_COLUMNS:
        found = given.filled().value(column.key)
        values = [r.value(column.key) or 0 for r in rows]
        if found != sum(values):
            yield _problem(
                report,
                ("applications", "total", column.key),
                "B",
                sum(values),
                _sum_text(values),
                found or 0,
            )


def rule_a(report: Report) -> Iterator[Problem]:
    """A: in every column, 一 + 二 = 三（七）总计 + 四."""
    full = report.complete().applications
    total: ApplicantRow = full.total or full.computed_total()
    for column in APPLICANT_COLUMNS:
        received = full.received.value(column.key) or 0
        carried = full.carried_over.value(column.key) or 0
        handled = total.value(column.key) or 0
        forward = full.carried_forward.value(column.key) or 0
        if received + carried != handled + forward:
            loc = ("applications", "carried_forward", column.key)
            yield Problem(
                "rule_a",
                {
                    "left": received + carried,
                    "received": received,
                    "carried": carried,
                    "right": handled + forward,
                    "handled": handled,
                    "forward": forward,
                },
                file=report.source,
                path=".".join(loc),
                line=report.line_of(*loc),
                label=f"三 × {column.label}",
                rule="A",
            )


RULES: tuple[Rule, ...] = (rule_a, rule_b, rule_c, rule_t4)

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
  FILL  error  a field the skeleton leaves for the clerk is still empty, or a required part has
               no text (not in sample data, `sample = true`)
  MAX   error  a computed total exceeds the largest figure a cell may hold
As published (a report read back by `reportkit.review`, `Years.printed` given), FILL and DRAFT
do not apply, and:
  BLANK error  a cell the document left blank (a report prints 0)
  ZERO  error  a total printed as 0 over figures that are not all 0 (said instead of B, C, T4)
Where a rule uses a total that is itself checked (a row's 总计 by C, the （七）总计 row by B), it
uses the computed value, so one wrong figure is reported by the rule that owns it.

A report kind names the rules that apply to it (`CHECKED_BY`: the 2019 format's in
`reportkit.format2019.rules`); they read the kind's own rows and labels.

Every rule declares the parts of the report it reads. A report read in part (some tables do not
fit the format: `reportkit.load.read`) is still checked by every rule whose parts were read; the
others are named in one warning, with the parts that stopped them.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from reportkit.errors import DataError, Problem, Severity
from reportkit.format2019.model import Report2019
from reportkit.load import INVISIBLE, AnyReport, is_published, last_year, read_any
from reportkit.messages import Msg
from reportkit.model import (
    APPEAL_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    DOCUMENT_COLUMNS,
    PROACTIVE_ROWS,
    Report,
)
from reportkit.narrate import sentence_problems
from reportkit.similar import SHORT as SHORT  # shorter paragraphs are not compared
from reportkit.similar import SIMILAR as SIMILAR  # paragraphs this alike are 雷同
from reportkit.similar import Index, similarity


@dataclass(frozen=True)
class Printed:
    """What a published document printed in its tables (as-published mode, `reportkit check
    REPORT.pdf`): the cells left blank, and the totals with the cells they add up, each by its
    key path in the data, with the form's label for messages."""

    blank: dict[str, str] = field(default_factory=dict)  # key path → label
    totals: dict[str, tuple[str, ...]] = field(default_factory=dict)  # total → its parts
    labels: dict[str, str] = field(default_factory=dict)  # key path → label


@dataclass(frozen=True)
class Years:
    """What the rules look at: this year's report, completed, and last year's, if given; and,
    for a published document checked as it stands, what it printed."""

    given: AnyReport  # as written: totals may be missing
    full: AnyReport  # every total filled in (given ones kept)
    computed: AnyReport  # every total computed, ignoring given ones
    previous: AnyReport | None
    printed: Printed | None = None


Mode = Literal["always", "data", "published"]


@dataclass(frozen=True)
class Rule:
    """A check: its name (as in docs/checks.md), the report fields it reads, and the check;
    `mode` says whether it checks data files only ("data": what a clerk must still fill in),
    published documents only ("published"), or both."""

    name: str
    needs: frozenset[str]
    run: Callable[[Years], Iterator[Problem]]
    mode: Mode = "always"


def check(
    data: AnyReport | Path | str, previous: AnyReport | Path | str | None = None
) -> list[Problem]:
    """Return every problem found in `data` (a report, or a data file): errors and warnings.

    `previous` is last year's report (or its file), for the rules across years (X, R, 雷同);
    by default the one the data names. A data file that does not fit the format is still
    checked by every rule that can run on what was read, so its problems all come at once.
    A report may be in either format (the 2019 format is checked by the rules it declares).
    A published report's file (.docx, .pdf, .html, .txt) is read and checked as published
    (`reportkit.check_document`).
    """
    problems: list[Problem] = []
    if isinstance(data, Report | Report2019):
        report = data
    elif is_published(data):  # a published report (Word, PDF, web page): checked as published
        from reportkit.review import check_document

        return check_document(data, previous)
    else:
        reading = read_any(data)
        problems += reading.problems
        if reading.report is None:
            return problems
        if reading.kind is not None:  # another kind of report: its own checks
            kind = reading.kind
            try:
                at = Path(previous) if isinstance(previous, Path | str) else None
                last = kind.last_year_of(reading.report, at)
            except DataError as exc:
                problems += exc.problems
                last = None
            found: list[Problem] = kind.check(reading.report, last)
            return problems + list(reading.report.notes) + found
        report = reading.report
    try:
        last = last_year(report, previous)
    except DataError as exc:
        problems += exc.problems
        last = None
    return problems + run_rules(report, last)


def run_rules(
    report: AnyReport, previous: AnyReport | None, printed: Printed | None = None
) -> list[Problem]:
    """Return the problems the rules find in `report`, given last year's (`previous`, or None:
    no checks across years). With `printed` (what a published document printed), the report
    is checked as published: blank cells and totals printed as 0 are errors, and what a clerk
    must still fill in in a data file is not asked for."""
    years = Years(report, report.complete(), report.recomputed(), previous, printed)
    problems = list(report.notes)
    if not report.broken and isinstance(report, Report):
        problems += sentence_problems(report, previous if isinstance(previous, Report) else None)
    skipped: list[str] = []
    blocked: set[str] = set()
    mode: Mode = "published" if printed is not None else "data"
    applies = type(report).CHECKED_BY
    for rule in RULES:
        if rule.mode not in ("always", mode) or (applies is not None and rule.name not in applies):
            continue
        unread = {need for need in rule.needs if not report.readable(need)}
        if unread:
            skipped.append(rule.name)
            blocked |= {_top(need) for need in unread}
            continue
        problems += rule.run(years)
    if printed is not None:
        problems = _printed_zero_once(problems)
    if report.broken:
        problems.append(
            Problem(
                "rules_skipped",
                {
                    "rules": [Msg("standard_sentences"), *skipped],
                    "parts": [
                        _field_label(f) for f in sorted(blocked or {_top(b) for b in report.broken})
                    ],
                },
                file=report.source,
                severity="warning",
            )
        )
    return problems


def _top(dotted: str) -> str:
    """Return the part of the form a place belongs to: its table, or its top-level key."""
    return dotted.split(".", 1)[0].split("[", 1)[0]


def _field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def _at(
    report: AnyReport,
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
        label=report.label(loc) if label is None else label,
        rule=rule,
        severity=severity,
    )


def _place(report: AnyReport, *keys: str) -> dict[str, Any]:
    file, line = report.where(*keys)
    return {"file": file, "line": line}


def _sum_problem(expected: int, values: list[int], found: int) -> tuple[str, dict[str, Any]]:
    """Return the message of a wrong total: its terms; of a long sum (the 21 rows of rule B),
    the non-zero terms and how many terms are zero."""
    terms = [v for v in values if v] if len(values) > 7 else values
    zeros = len(values) - len(terms)
    params: dict[str, Any] = {"expected": expected, "found": found, "zeros": zeros}
    if not any(terms):
        return "rule_sum_all_zero", {**params, "count": len(values)}
    params["arithmetic"] = " + ".join(str(v) for v in terms)
    return ("rule_sum_zeros" if zeros else "rule_sum"), params


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
            code, params = _sum_problem(sum(values), values, found)
            yield _at(years.given, ("applications", "total", column.key), code, params, "B")


def rule_c(years: Years) -> Iterator[Problem]:
    """C: each given 总计 of table 三 is the sum of its row's six applicant columns."""
    if not years.given.has("applications"):
        return
    apps = years.given.applications
    for row in apps.form_rows():
        if row.key == "total":  # the （七）总计 row is B's: its every column, total included
            continue
        value = apps.row(row.key)
        if value is not None and value.total is not None and value.total != value.computed_total():
            loc = ("applications", *row.key.split("."), "total")
            code, params = _sum_problem(value.computed_total(), list(value.parts()), value.total)
            yield _at(years.given, loc, code, params, "C")


def rule_t4(years: Years) -> Iterator[Problem]:
    """T4: each given 总计 of table 四 is the sum of its four outcomes."""
    if not years.given.has("appeals"):
        return
    for row in APPEAL_ROWS:
        if not years.given.appeals.has(row.key):
            continue
        value = getattr(years.given.appeals, row.key)
        if value.total is not None and value.total != value.computed_total():
            code, params = _sum_problem(value.computed_total(), list(value.parts()), value.total)
            yield _at(years.given, ("appeals", row.key, "total"), code, params, "T4")


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
    """R: 现行有效件数 continues from last year's, for 规章 and 行政规范性文件 (both years in
    the 2021 format: the 2019 format's table 二 has no 现行有效件数)."""
    if not isinstance(years.given, Report) or not isinstance(years.previous, Report):
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
    """S (雷同): a narrative paragraph identical or nearly identical to one of last year's (the
    first of last year's, in order, that is alike: see `reportkit.similar`)."""
    if years.previous is None:
        return
    old = [(path, plain(b.lead + b.text)) for path, b in years.previous.narrative()]
    new = [(path, plain(b.lead + b.text)) for path, b in years.given.narrative()]
    texts = Index([text for _, text in old] + [text for _, text in new])
    first: dict[int, tuple[int, float]] = {}  # this year's paragraph → last year's first alike
    for i, j, ratio in texts.pairs(range(len(old), len(old) + len(new))):
        if i < len(old) <= j and (j not in first or i < first[j][0]):
            first[j] = (i, ratio)
    for number, (path, _) in enumerate(new, start=len(old)):
        if number in first:
            other, ratio = first[number]
            yield _similar(years.given, path, old[other][0], ratio, _name(years.previous))


def _name(report: AnyReport) -> str:
    return Path(report.source).name


def plain(text: str) -> str:
    """Return a paragraph as paragraphs are compared for 雷同: NFKC (full- and half-width forms
    alike), without whitespace or characters that show nothing."""
    return "".join(INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).split())


def alike(text: str, other: str) -> float:
    """Return how alike two paragraphs are when they are 雷同, else 0 (normalised by `plain`;
    the measure is defined in `reportkit.similar`)."""
    return similarity(text, other)


def _similar(report: AnyReport, path: str, old_path: str, ratio: float, source: str) -> Problem:
    file, line = report.where_paragraph(path)
    return Problem(
        "rule_similar",
        {"percent": int(ratio * 100), "previous": source, "where": old_path},
        path=path,
        file=file,
        line=line,
        rule="S",
        severity="warning",
    )


# ---------------------------------------------------------------------------------------------
# Dates

_GOVERNMENTS = {"county_government", "prefecture_government", "provincial_government"}
_DEPARTMENTS = {"county_department", "prefecture_department", "provincial_department"}


def deadline(report: AnyReport) -> dt.date | None:
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
    if report.date > dt.date(report.year + 1, 12, 31):  # reports are published the year after
        yield _at(
            report, ("date",), "rule_d_late", {"date": report.date, "next": report.year + 1}, "D"
        )
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
                digits = match.group(1)
                # a figure of more digits than any cell holds differs from the table as it is
                # (and Python would refuse to read thousands of digits as a number)
                stated = int(digits) if len(digits) <= 12 else None
                table = sum(_figure(report, cell) for cell in phrase.cells)
                if stated != table:
                    file, line = years.given.where_paragraph(path)
                    quote = match.group(0)
                    yield Problem(
                        "rule_prose",
                        {
                            "quote": quote if len(quote) <= 60 else f"{quote[:57]}…",
                            "stated": digits if stated is None else stated,
                            "table": table,
                            "cells": "、".join(
                                report.label(tuple(c.split("."))) for c in phrase.cells
                            ),
                        },
                        path=path,
                        file=file,
                        line=line,
                        rule="P",
                        severity="warning",
                    )


def _figure(report: AnyReport, dotted: str) -> int:
    node: Any = report
    for part in dotted.split("."):
        node = getattr(node, part)
    return int(node)


def rule_draft(years: Years) -> Iterator[Problem]:
    """DRAFT: a part still holds last year's text, marked by `reportkit new --from`."""
    for number in range(1, 7):
        name = f"part{number}"
        if years.given.has(name) and getattr(years.given, name).draft:
            yield _at(years.given, (name, "draft"), "rule_draft", {}, "DRAFT", label="")


# ---------------------------------------------------------------------------------------------
# What a clerk must still fill in, and figures too large for a cell

# Agency fields `reportkit new` leaves empty for the clerk, and the levels that need them.
_TO_FILL = ("contact_office", "phone")
_COUNTY_LEVELS = {"town", "subdistrict", "county_department", "county_government"}
_REQUIRED_PARTS = ("part1", "part5")  # the parts with no table: their text is the content


def rule_fill(years: Years) -> Iterator[Problem]:
    """FILL: placeholders still empty, and parts without text (not in sample data)."""
    report = years.given
    if report.sample:
        return
    agency = report.agency
    if agency.level in _COUNTY_LEVELS and not agency.county.strip():
        yield _at(
            report, ("agency", "county"), "rule_fill", {"what": FIELD_LABELS["county"]}, "FILL"
        )
    for key in _TO_FILL:
        value = getattr(agency, key).strip()
        if not value or (key == "phone" and not value.strip("0-（）() ")):
            yield _at(report, ("agency", key), "rule_fill", {"what": FIELD_LABELS[key]}, "FILL")
    for name in _REQUIRED_PARTS:
        part = getattr(report, name)
        if not any((b.lead + b.text + b.heading).strip() for b in part.text):
            yield _at(
                report,
                (name, "text"),
                "rule_fill_part",
                {"part": FIELD_LABELS[name]},
                "FILL",
                label="",
            )


LARGEST = 10**9  # the largest count a cell holds (model.Count)


def rule_max(years: Years) -> Iterator[Problem]:
    """MAX: a computed total that no cell can hold (the given figures are each within limits)."""
    tables: list[tuple[str, Any]] = []
    if years.given.has("applications"):
        apps = years.computed.applications
        tables += [(f"applications.{row.key}", apps.row(row.key)) for row in apps.form_rows()]
    if years.given.has("appeals"):
        appeals = years.computed.appeals
        tables += [
            (f"appeals.{row.key}", getattr(appeals, row.key))
            for row in APPEAL_ROWS
            if appeals.has(row.key)
        ]
    for dotted, row in tables:
        if row is None:
            continue
        for column, value in row.model_dump().items():
            if value is not None and value > LARGEST:
                loc = (*dotted.split("."), column)
                yield _at(years.given, loc, "rule_max", {"found": value, "limit": LARGEST}, "MAX")


# ---------------------------------------------------------------------------------------------
# As published: a document is checked as it stands


def rule_blank(years: Years) -> Iterator[Problem]:
    """BLANK: a cell the document left blank (real reports print 0): one problem per row."""
    assert years.printed is not None
    rows: dict[str, list[str]] = {}
    for path in years.printed.blank:
        row, _, _column = path.rpartition(".")
        rows.setdefault(row, []).append(path)
    for row, cells in rows.items():
        labels = [years.printed.blank[c].rpartition(" × ")[2] for c in cells]
        first = years.printed.blank[cells[0]]
        yield Problem(
            "printed_blank",
            {"count": len(cells), "columns": "、".join(labels)},
            path=row if len(cells) > 1 else cells[0],
            **_place(years.given, *row.split(".")),
            label=first.rpartition(" × ")[0] if len(cells) > 1 else first,
            rule="BLANK",
        )


def rule_zero(years: Years) -> Iterator[Problem]:
    """ZERO: a total printed as 0 while the cells it adds up are not all 0."""
    assert years.printed is not None
    blank = years.printed.blank
    for total, parts in years.printed.totals.items():
        found = _printed_figure(years.given, total)
        if found != 0 or total in blank:
            continue
        values = [_printed_figure(years.given, p) for p in parts]
        if any(values):
            yield Problem(
                "printed_zero",
                {"expected": sum(values), "arithmetic": " + ".join(str(v) for v in values)},
                path=total,
                **_place(years.given, *total.split(".")),
                label=years.printed.labels.get(total, ""),
                rule="ZERO",
            )


def _printed_figure(report: AnyReport, dotted: str) -> int:
    node: Any = report
    for part in dotted.split("."):
        node = getattr(node, part, None)
    return node if isinstance(node, int) else 0


def _printed_zero_once(problems: list[Problem]) -> list[Problem]:
    """Return `problems` without the sums (B, C, T4) that ZERO has reported already."""
    zero = {p.path for p in problems if p.rule == "ZERO"}
    return [p for p in problems if not (p.rule in ("B", "C", "T4") and p.path in zero)]


FIELD_LABELS = {
    "contact_office": "联系科室",
    "phone": "联系电话",
    "county": "所在县（区）",
    "part1": "一、总体情况",
    "part2": "二、主动公开政府信息情况",
    "part3": "三、收到和处理政府信息公开申请情况",
    "part4": "四、政府信息公开行政复议、行政诉讼情况",
    "part5": "五、存在的主要问题及改进情况",
    "part6": "六、其他需要报告的事项",
    "proactive": "表二（主动公开）",
    "applications": "表三（依申请公开）",
    "appeals": "表四（复议、诉讼）",
    "agency": "[agency] 单位信息",
    "year": "year 报告年度",
    "date": "date 落款日期",
}


def _needs(*places: str) -> frozenset[str]:
    return frozenset(places)


_OUTCOME = tuple(f"applications.{r.key}" for r in APPLICATION_ROWS[2:-2])
_PARTS = tuple(f"part{n}" for n in range(1, 7))

# C, T4 and MAX look at each row that was read; S and DRAFT at each part that was read.
RULES: tuple[Rule, ...] = (
    Rule("MAX", _needs(), rule_max),
    Rule(
        "A",
        _needs(
            "applications.received",
            "applications.carried_over",
            "applications.carried_forward",
            *_OUTCOME,
        ),
        rule_a,
    ),
    Rule("B", _needs("applications.total", *_OUTCOME), rule_b),
    Rule("C", _needs(), rule_c),
    Rule("T4", _needs(), rule_t4),
    Rule("X", _needs("applications.carried_over"), rule_x),
    Rule("R", _needs("proactive.rules", "proactive.normative_documents"), rule_r),
    Rule("S", _needs(), rule_similar),
    Rule("D", _needs("year", "date", "agency", "deadline"), rule_dates),
    Rule("P", _needs("proactive", "applications", "appeals", *_PARTS), rule_prose),
    Rule("DRAFT", _needs(), rule_draft, mode="data"),
    Rule("FILL", _needs("agency", "part1", "part5", "sample"), rule_fill, mode="data"),
    Rule("BLANK", _needs(), rule_blank, mode="published"),
    Rule("ZERO", _needs(), rule_zero, mode="published"),
)

"""The whole pipeline in one call: load → check → narrate → render → write.

`render` is what the CLI's `reportkit render` does, for scripts; each stage is also public
(`load`, `check`, `narrate`, `document`, `write`) for scripts that want to go step by step.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportkit.check import check, run_rules
from reportkit.errors import DataError, OutputError, Problem, Sorted
from reportkit.load import last_year, read
from reportkit.model import Report
from reportkit.narrate import narrate
from reportkit.output import write
from reportkit.renderer import (
    Properties,
    document,
    fill,
    header_marks,
)


@dataclass
class Result(Sorted):
    """What a render produced: the file written and the problems found on the way."""

    output: Path
    problems: list[Problem] = field(default_factory=list)


def _check_output(output: Path, *inputs: Report | Path | str | None) -> None:
    """Refuse an output that is not a .docx, or that is one of the inputs (data, template,
    last year's file): a render must never overwrite what it reads."""
    if os.path.isdir(output):
        raise OutputError(Problem("output_is_dir", file=str(output)))
    if output.suffix.lower() != ".docx":
        raise OutputError(Problem("output_suffix", {"suffix": ".docx"}, file=str(output)))
    refuse_inputs(output, *inputs)


def refuse_inputs(output: Path, *inputs: Report | Path | str | None) -> None:
    """Raise `OutputError` when `output` is one of `inputs` (files, or reports' sources)."""
    target = output.resolve()
    for item in inputs:
        name = item.source if isinstance(item, Report) else item
        if name and Path(name).resolve() == target:
            raise OutputError(Problem("output_is_input", file=str(output)))


def default_output(data: Path | str) -> Path:
    """Return where a report goes by default: beside its data file, with `.docx`."""
    return Path(data).with_suffix(".docx")


def render(
    data: Report | Path | str,
    output: Path | str | None = None,
    *,
    template: Path | str | None = None,
    previous: Report | Path | str | None = None,
    force: bool = False,
    extra_marks: Sequence[str] = (),
) -> Result:
    """Return the result of rendering `data` (a report or a data file) into a .docx file.

    The report is checked first (against last year's, `previous`, when given or named in the
    data); if any check fails, `DataError` is raised with every problem and nothing is
    written, unless `force` is set: then the document is written and marked 「未通过校验」.
    A missing output folder is made.
    """
    report: Any = _whole(data, previous)
    if output is None:
        if not report.source:
            raise ValueError("output is required when rendering a Report not loaded from a file")
        output = default_output(report.source)
    _check_output(Path(output), report.source, template, previous)
    data_bytes, problems = render_bytes(
        report, template=template, previous=previous, force=force, extra_marks=extra_marks
    )
    return Result(write(data_bytes, output), problems)


def render_bytes(
    data: Report | OfKind | Path | str,
    *,
    template: Path | str | None = None,
    previous: Report | Path | str | None = None,
    force: bool = False,
    extra_marks: Sequence[str] = (),
) -> tuple[bytes, list[Problem]]:
    """Return the .docx bytes of `data` and the problems found, as `render` does, without
    writing a file (for a script that sends the document elsewhere)."""
    report = _whole(data, previous)
    if isinstance(report, OfKind):
        return _kind_bytes(report, template, previous, force, extra_marks)
    if template is not None:  # a restyled template: every problem of it, before any render
        from reportkit.lint import check_template

        check_template(template)
    try:
        last = last_year(report, previous)
    except DataError as exc:
        raise DataError(exc.problems + run_rules(report, None)) from exc
    problems = run_rules(report, last)
    errors = [p for p in problems if p.severity == "error"]
    if errors and not force:
        raise DataError(problems)
    marks = header_marks(report, bool(errors), extra_marks)
    # year-over-year sentences compare like with like: last year's report in the 2019 format
    # (a report on 2020) is checked against (rule X) but gives the sentences no figures
    same_format = last if isinstance(last, Report) else None
    return document(report, narrate(report, previous=same_format), template, marks), problems


@dataclass(frozen=True)
class OfKind:
    """A report of another kind than the 2021 national one, with its kind."""

    kind: Any
    report: Any

    @property
    def source(self) -> str:
        return str(self.report.source)


def _whole(
    data: Report | OfKind | Path | str, previous: Report | Path | str | None
) -> Report | OfKind:
    """Return the report `data` is or holds; raise `DataError` with every problem of a file
    that does not fit the format (the checks that can run on the rest included)."""
    if isinstance(data, Report | OfKind):
        return data
    reading = read(data)
    if reading.kind is not None:
        if reading.report is None or reading.problems:
            raise DataError(reading.problems)
        return OfKind(reading.kind, reading.report)
    if reading.report is None:
        raise DataError(reading.problems)
    if reading.problems:
        raise DataError(reading.problems + check(reading.report, previous))
    return reading.report


def _kind_bytes(
    of: OfKind,
    template: Path | str | None,
    previous: Report | Path | str | None,
    force: bool,
    extra_marks: Sequence[str],
) -> tuple[bytes, list[Problem]]:
    """Render a report of another kind: its checks, its sentences, its template."""
    kind, report = of.kind, of.report
    last = _last_of_kind(of, previous)
    problems = [*report.notes, *kind.check(report, last)]
    errors = [p for p in problems if p.severity == "error"]
    if errors and not force:
        raise DataError(problems)
    return kind_document(
        of, template, last, header_marks(report, bool(errors), extra_marks)
    ), problems


def kind_document(
    of: OfKind, template: Path | str | None, last: Any, marks: Sequence[str] = ()
) -> bytes:
    """Return the .docx bytes of a report of another kind, with last year's report (`last`)
    and the header's `marks`: its sentences, its variables, its template (or `template`)."""
    kind, report = of.kind, of.report
    path = Path(template) if template is not None else None
    if path is not None:  # a restyled template: every problem of it, before any render
        from reportkit.kinds import vocabulary_of
        from reportkit.lint import check_template

        check_template(path, vocabulary_of(kind))
    if path is None and hasattr(kind, "template_of"):
        path = kind.template_of(report)
    if path is None:
        path = kind.template(report.locale)
    values = kind.variables(report, kind.narrate(report, last), marks)
    when = _date_of(report)
    title = str(values.get("title") or kind.title)
    return fill(path, values, Properties(title, kind.subject(report), when))


def _last_of_kind(of: OfKind, previous: Report | Path | str | None) -> Any:
    """Return last year's report of the same kind: `previous`, or the file the data names."""
    if isinstance(previous, Report):
        return None  # a 2021 report is no last year of another kind
    return of.kind.last_year_of(of.report, Path(previous) if previous is not None else None)


def _date_of(report: Any) -> dt.date:
    """The report's date, for its properties: its `date`, else the end of its `year`."""
    for name in ("date", "published"):
        value = getattr(report, name, None) if not isinstance(report, dict) else report.get(name)
        if isinstance(value, dt.date):
            return value
    year = getattr(report, "year", None) if not isinstance(report, dict) else report.get("year")
    return dt.date(int(year), 12, 31) if isinstance(year, int) else dt.date(1980, 1, 1)

"""The whole pipeline in one call: load → check → narrate → render → write.

`render` is what the CLI's `reportkit render` does, for scripts; each stage is also public
(`load`, `check`, `narrate`, `document`, `write`) for scripts that want to go step by step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportkit.check import check
from reportkit.errors import DataError, OutputError, Problem, Sorted
from reportkit.load import last_year, load
from reportkit.model import Report
from reportkit.narrate import narrate
from reportkit.output import write
from reportkit.renderer import document, header_marks


@dataclass
class Result(Sorted):
    """What a render produced: the file written and the problems found on the way."""

    output: Path
    problems: list[Problem] = field(default_factory=list)


def _check_output(output: Path, source: str) -> None:
    """Refuse an output that is not a .docx, or that is the data file itself."""
    if output.is_dir():
        raise OutputError(Problem("output_is_dir", file=str(output)))
    if output.suffix.lower() != ".docx" or (source and output.resolve() == Path(source).resolve()):
        raise OutputError(Problem("output_suffix", {"suffix": ".docx"}, file=str(output)))


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
    data); if any check fails, `DataError` is raised and nothing is
    written, unless `force` is set: then the document is written and marked 「未通过校验」.
    """
    report = data if isinstance(data, Report) else load(data)
    if output is None:
        if not report.source:
            raise ValueError("output is required when rendering a Report not loaded from a file")
        output = default_output(report.source)
    last = last_year(report, previous)
    _check_output(Path(output), report.source)
    problems = check(report, last)
    errors = [p for p in problems if p.severity == "error"]
    if errors and not force:
        raise DataError(problems)
    marks = header_marks(report, bool(errors), extra_marks)
    data_bytes = document(report, narrate(report, previous=last), template, marks)
    return Result(write(data_bytes, output), problems)

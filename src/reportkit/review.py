"""Checking published reports as they stand: `reportkit check REPORT.pdf`, `batch --review`.

A published report (Word, PDF, web page, copied text) is imported (`reportkit.importer`), its
data read as a data file is, and every rule run on it in as-published mode
(`reportkit.check.run_rules` with what the document printed): a blank cell is an error
(「未填写」), not a total to compute; a total printed as 0 over figures that are not is an error;
a figure the text states against the table is quoted with its whole sentence; what a clerk
still has to fill in in a data file (contact fields, the county) is not asked for. Every
problem then points into the document: its page (PDF), its part and paragraph, or its table's
row and column, instead of a line of a data file nobody wrote.

For a whole folder (a county's reports as the departments sent them in Word), `review_folder`
does the same for every report and writes the summary table and a problem list per report, as
the county batch does (`reportkit.batch`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportkit import batch
from reportkit.check import run_rules
from reportkit.errors import DataError, Problem, Sorted
from reportkit.importer import MIXED, Imported, data_text, import_report, is_report_file
from reportkit.load import AnyReport, last_year, load_any, read_texts_any
from reportkit.output import write


@dataclass
class Review(Sorted):
    """A published report checked as it stands: what was read, and every problem."""

    source: Path
    imported: Imported | None = None
    report: AnyReport | None = None
    problems: list[Problem] = field(default_factory=list)


def review(
    path: Path | str,
    previous: AnyReport | Path | str | None = None,
    imported: Imported | None = None,
) -> Review:
    """Return the published report at `path` checked as published, against last year's
    (`previous`: a report, a data file, or last year's published report in any form);
    `imported` is the report already imported, if it is."""
    result = Review(Path(path))
    if imported is None:
        try:
            imported = import_report(path)
        except DataError as exc:
            result.problems = exc.problems
            return result
    result.imported = imported
    problems = list(imported.problems)
    if imported.layout == MIXED:
        # as published, the mixed layout is an error of the report (what the data file does
        # with the row, the import's warning, does not concern it)
        problems = [p for p in problems if p.code != "import_single_other"]
        place = imported.place("applications.other_handling")
        problems.append(
            Problem(
                "printed_mixed_layout",
                {"year": imported.data.get("year", "")},
                file=str(path),
                path="applications.other_handling",
                label="三：（六）其他处理",
                page=place.page if place else None,
                rule="LAYOUT",
            )
        )
    if "year" not in imported.data or not imported.data.get("agency", {}).get("name"):
        result.problems = problems
        return result  # nothing to check without the report's year and agency
    reading = read_texts_any([(str(path), data_text(imported))])
    found = list(reading.problems)
    if reading.report is not None:
        result.report = reading.report
        last = None
        try:
            last = _previous(reading.report, previous)
        except DataError as exc:
            problems += exc.problems
        found += run_rules(reading.report, last, printed=imported.printed)
    result.problems = problems + _relocated(found, imported, str(path), reading.report)
    return result


def check_document(
    path: Path | str, previous: AnyReport | Path | str | None = None
) -> list[Problem]:
    """Return every problem of the published report at `path`, checked as published."""
    return review(path, previous).problems


def previous_report(previous: AnyReport | Path | str | None) -> AnyReport | Path | str | None:
    """Return last year's report: a published one (any form reportkit imports) read whole
    (raise `DataError` with its problems when it cannot be), anything else as given."""
    if previous is None or not isinstance(previous, Path | str) or not is_report_file(previous):
        return previous
    imported = import_report(previous)
    errors = [p for p in imported.problems if p.severity == "error"]
    if errors or "year" not in imported.data:
        raise DataError(errors or imported.problems)
    return read_texts_any([(str(previous), data_text(imported))]).whole()


def _previous(report: AnyReport, previous: AnyReport | Path | str | None) -> AnyReport | None:
    if previous is None:
        return None  # a published report names no data file of last year
    return last_year(report, previous_report(previous))


def _relocated(
    problems: list[Problem], imported: Imported, source: str, report: AnyReport | None
) -> list[Problem]:
    """Return the problems found in the data read from a document, pointing into the document:
    no line of the data file written on the way, but the page and the place in the report;
    the whole sentence quoted where the text contradicts a table; and nothing said twice about
    what the import has already said could not be read."""
    said = {p.path for p in imported.problems} | imported.unread | {"date", "year", "agency.name"}
    out = []
    for problem in problems:
        if problem.file != source:
            out.append(problem)
            continue
        if problem.code == "missing" and any(
            problem.path == s or problem.path.startswith(f"{s}.") for s in said
        ):
            continue
        place = imported.place(problem.path)
        label = problem.label or (place.label if place else "")
        params = problem.params
        if problem.code == "rule_prose" and report is not None:
            params = {**params, "quote": _sentence(report, problem.path, str(params["quote"]))}
        out.append(
            dataclasses.replace(
                problem,
                line=None,
                page=place.page if place else None,
                label=label,
                params=params,
            )
        )
    return out


def _sentence(report: AnyReport, path: str, quote: str) -> str:
    """Return the whole sentence of the paragraph at `path` that holds `quote`."""
    for where, block in report.narrative():
        if where == path:
            for sentence in re.split(r"(?<=[。！？；])", block.lead + block.text):
                if quote.rstrip("…") in sentence:
                    return sentence
    return quote


# --------------------------------------------------------------------------------------------
# A folder of published reports


@dataclass
class Reviewed(batch.Agency):
    """One report of a folder under review (a row of the summary, as an agency of a batch)."""

    agency_name: str = ""
    reviewed: AnyReport | None = None

    @property
    def name(self) -> str:
        return self.agency_name or self.data.stem


@dataclass
class FolderReview:
    """The reviews of a folder's reports, and the files written."""

    agencies: list[Reviewed]
    out_dir: Path
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(a.status == "passed" for a in self.agencies)


def report_files(folder: Path) -> list[Path]:
    """Return the published reports of a folder (.docx, .pdf, .html, .htm, .txt), by name."""
    if not folder.is_dir():
        raise DataError(Problem("county_not_found", file=str(folder)))
    files = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and is_report_file(p) and not p.name.startswith("~$")
    )
    if not files:
        raise DataError(Problem("review_empty", file=str(folder)))
    return files


def review_folder(
    folder: Path,
    out_dir: Path,
    previous: Path | None = None,
    progress: Callable[[Reviewed], None] | None = None,
) -> FolderReview:
    """Return the reviews of every published report in `folder`; write into `out_dir` the data
    file read from each (to correct and render), a problem list for each report with problems,
    and the summary table (summary.csv). `previous` is last year's folder (published reports or
    data files), matched by agency name, for the checks across years."""
    if out_dir.exists() and not out_dir.is_dir():
        raise DataError(Problem("output_is_file", file=str(out_dir)))
    if out_dir.resolve() == folder.resolve():
        raise DataError(Problem("out_is_county", file=str(out_dir)))
    if previous is not None and not previous.is_dir():
        raise DataError(Problem("previous_dir_not_found", file=str(previous)))
    files = report_files(folder)
    last = _last_reports(previous) if previous is not None else {}
    result = FolderReview([], out_dir)
    written: dict[str, Path] = {}
    for file in files:
        agency = Reviewed(file)
        try:
            try:
                imported = import_report(file)
            except DataError as exc:
                imported = None
                agency.problems = exc.problems
            name = str(imported.data.get("agency", {}).get("name", "")) if imported else ""
            done = (
                review(file, last.get(name), imported)
                if imported is not None
                else Review(file, problems=agency.problems)
            )
            agency.reviewed, agency.agency_name = done.report, name
            agency.problems = done.problems
            agency.status = "passed" if not agency.errors and done.report is not None else "failed"
            if done.imported is not None and "year" in done.imported.data and name:
                target = out_dir / f"{batch.safe_name(name)}.toml"
                if target.name.casefold() in written:
                    target = out_dir / f"{batch.safe_name(file.stem)}.toml"
                written[target.name.casefold()] = target
                write(data_text(done.imported).encode("utf-8"), target)
                agency.output = target
        except Exception as exc:  # one report must never stop the folder
            agency.problems = [
                Problem(
                    "agency_crashed", {"detail": f"{type(exc).__name__}: {exc}"}, file=str(file)
                )
            ]
            agency.status = "failed"
        result.agencies.append(agency)
        if progress:
            progress(agency)
    try:
        batch.write_problem_reports(
            result.agencies, out_dir, heads=("review_report_head", "review_warning_head")
        )
        batch.write_summary(result.agencies, out_dir / batch.SUMMARY)
    except DataError as exc:
        result.problems += exc.problems
    return result


def _last_reports(folder: Path) -> dict[str, AnyReport]:
    """Return last year's reports of a folder (published reports or data files), by agency."""
    found: dict[str, AnyReport] = {}
    for file in sorted(folder.iterdir()):
        try:
            if is_report_file(file):
                report = previous_report(file)
            elif file.suffix == ".toml" and file.name != "county.toml":
                report = load_any(file)
            else:
                continue
        except DataError:
            continue  # an unreadable last-year file: its reports are checked without X
        if report is not None and not isinstance(report, Path | str):
            found.setdefault(report.agency.name, report)
    return found


def count(reviews: Sequence[Reviewed]) -> dict[str, int]:
    """Return how many reports passed and failed."""
    passed = sum(a.status == "passed" for a in reviews)
    return {"passed": passed, "failed": len(reviews) - passed}

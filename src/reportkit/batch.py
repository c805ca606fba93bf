"""The county batch: the same pipeline for every agency of a county folder, in parallel.

A county folder holds `county.toml` (values every agency shares) and one data file per agency,
which inherits the shared values and overrides any of them. `run` checks every agency, renders
every passing one (in worker processes, each compiling the template once), never stops at a
failing one, and writes into the output folder: the reports, `summary.csv`, one problem report
per failing agency, and a manifest of input hashes so that an unchanged agency is not rendered
again. Output names come from the agency's name, made safe for every file system; two agencies
that would write the same file stop the batch before anything is written.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import re
import signal
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Literal

from reportkit import distribution
from reportkit.aggregate import aggregate, write_totals
from reportkit.check import SHORT, alike, check, plain
from reportkit.errors import DataError, Problem, ReportkitError, Sorted
from reportkit.load import (
    SHARED,
    last_year,
    load,
    load_layers,
    parse_toml,
    read_text,
)
from reportkit.messages import translate
from reportkit.model import Report
from reportkit.narrate import narrate
from reportkit.output import remove_leftovers, write
from reportkit.renderer import default_template, document, header_marks

MANIFEST = ".reportkit-batch.json"
SUMMARY = "summary.csv"

Status = Literal["rendered", "unchanged", "forced", "failed"]


@dataclass
class Agency(Sorted):
    """One agency of the batch: its data file, what was found, and what became of it."""

    data: Path
    report: Report | None = None
    problems: list[Problem] = field(default_factory=list)
    last: Report | None = None  # last year's report, when there is one
    output: Path | None = None
    status: Status = "failed"
    digest: str = ""

    @property
    def name(self) -> str:
        return self.report.agency.name if self.report else self.data.stem


@dataclass
class Options:
    jobs: int = 1
    previous: Path | None = None
    force: bool = False
    rebuild: bool = False
    template: Path | None = None


@dataclass
class Result:
    agencies: list[Agency]
    out_dir: Path

    @property
    def ok(self) -> bool:
        """True when every agency has a report (rendered now or unchanged)."""
        return all(a.status in ("rendered", "unchanged") for a in self.agencies)


Progress = Callable[[Agency], None]


# ---------------------------------------------------------------------------------------------
# Reading the county folder


def agency_files(county: Path) -> list[Path]:
    """Return the agencies' data files of a county folder, sorted by name."""
    if not county.is_dir():
        raise DataError(Problem("county_not_found", file=str(county)))
    files = sorted(p for p in county.glob("*.toml") if p.name != SHARED)
    if not files:
        raise DataError(Problem("county_empty", file=str(county)))
    return files


def _last_year(agency: Agency, options: Options) -> Report | None:
    if options.previous is not None:
        last = options.previous / agency.data.name
        return load(last) if last.is_file() else None
    assert agency.report is not None
    return last_year(agency.report)


# ---------------------------------------------------------------------------------------------
# Names of output files

_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def safe_name(name: str) -> str:
    """Return `name` usable as a file name on Windows, macOS and Linux: no separators, no
    `..`, no characters Windows forbids, no reserved device names."""
    text = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip().strip(".")
    text = text.replace("..", "_")
    if not text or text.upper().split(".")[0] in _RESERVED:
        text = f"_{text}"
    return text[:120]


def _assign_outputs(agencies: list[Agency], out_dir: Path) -> None:
    seen: dict[str, Agency] = {}
    problems = []
    for agency in agencies:
        name = safe_name(agency.name) + ".docx"
        key = name.casefold()
        if key in seen:
            problems.append(
                Problem(
                    "same_output",
                    {"other": str(seen[key].data), "output": name},
                    file=str(agency.data),
                )
            )
        seen[key] = agency
        agency.output = out_dir / name
    if problems:
        raise DataError(problems)


# ---------------------------------------------------------------------------------------------
# Inputs, hashed


@functools.cache
def _common_digest(template: Path) -> bytes:
    """Hash what every agency's document depends on: the template, the rulebook, and the
    versions of reportkit and its document libraries."""
    h = hashlib.sha256(template.read_bytes())
    h.update((resources.files("reportkit") / "rulebooks" / "zh-CN.toml").read_bytes())
    for name in (distribution.NAME, "docxtpl", "python-docx", "Jinja2", "lxml"):
        h.update(f"{name}={metadata.version(name)};".encode())
    return h.digest()


def _digest(agency: Agency, options: Options, template: Path) -> str:
    """Return the hash of every input of an agency's document."""
    last = agency.last
    h = hashlib.sha256(_common_digest(template))
    inputs = [agency.data, agency.data.parent / SHARED]
    if agency.report is not None and agency.report.rulebook:
        inputs.append(Path(agency.report.where("rulebook")[0]).parent / agency.report.rulebook)
    if last is not None:
        inputs += [Path(last.source), Path(last.source).parent / SHARED]
    for path in inputs:
        h.update(str(path.name).encode())
        h.update(path.read_bytes() if path.is_file() else b"-")
    h.update(json.dumps([options.force, str(agency.output.name if agency.output else "")]).encode())
    return h.hexdigest()


def _read_manifest(out_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# ---------------------------------------------------------------------------------------------
# 雷同 across agencies


def similar_across(agencies: Sequence[Agency], inherited: set[str]) -> None:
    """Add a warning to each agency whose narrative paragraph is (nearly) the same as another
    agency's; paragraphs inherited from the county's shared file (`inherited`) are left out."""
    seen: list[tuple[str, Agency, str]] = []
    for agency in agencies:
        if agency.report is None:
            continue
        for path, block in agency.report.narrative():
            text = plain(block.lead + block.text)
            if len(text) < SHORT or text in inherited:
                continue
            for other_text, other, other_path in seen:
                if other is agency:
                    continue
                ratio = alike(text, other_text)
                if ratio:
                    file, line = agency.report.where(*path.split("[")[0].split("."))
                    agency.problems.append(
                        Problem(
                            "similar_agency",
                            {
                                "other": other.name,
                                "where": other_path,
                                "percent": int(ratio * 100),
                            },
                            file=file,
                            path=path,
                            line=line,
                            rule="S",
                            severity="warning",
                        )
                    )
                    break
            seen.append((text, agency, path))


# ---------------------------------------------------------------------------------------------
# Rendering, in worker processes


@dataclass(frozen=True)
class Job:
    data: Path
    output: Path
    marks: tuple[str, ...]
    template: Path | None
    previous: Path | None = None  # last year's data file, for the year-over-year sentences


def render_job(job: Job) -> list[Problem]:
    """Render one agency's report (in a worker process); return the problems that stopped it."""
    try:
        report = load(job.data)
        last = load(job.previous) if job.previous else None
        write(document(report, narrate(report, previous=last), job.template, job.marks), job.output)
    except ReportkitError as exc:
        return exc.problems
    return []


def run(
    county: Path, out_dir: Path, options: Options | None = None, progress: Progress | None = None
) -> Result:
    """Return the outcome of the batch over the county folder `county` into `out_dir`."""
    options = options or Options()
    _check_options(county, out_dir, options)
    files = agency_files(county)
    agencies = [Agency(data) for data in files]
    inherited = shared_paragraphs(county / SHARED)
    for agency in agencies:
        try:
            agency.report = load(agency.data)  # county.toml beside it is inherited
            agency.last = _last_year(agency, options)
            agency.problems = check(agency.report, agency.last)
        except DataError as exc:
            agency.problems = exc.problems
    similar_across(agencies, inherited)
    _assign_outputs(agencies, out_dir)
    remove_leftovers(out_dir)

    last_run = _read_manifest(out_dir).get("agencies", {})
    manifest = {} if options.rebuild else last_run
    jobs: list[tuple[Agency, Job]] = []
    for agency in agencies:
        if agency.report is None or (agency.errors and not options.force):
            agency.status = "failed"
            _remove_stale(agency, out_dir, last_run)
            continue
        assert agency.output is not None
        template = options.template or default_template(agency.report.locale)
        agency.digest = _digest(agency, options, template)
        entry = manifest.get(agency.data.name, {})
        if entry.get("digest") == agency.digest and agency.output.is_file():
            agency.status = "unchanged"
            continue
        marks = header_marks(agency.report, bool(agency.errors))
        agency.status = "rendered"  # planned; the job's outcome decides
        last = Path(agency.last.source) if agency.last else None
        job = Job(agency.data, agency.output, tuple(marks), options.template, last)
        jobs.append((agency, job))

    planned = {id(agency) for agency, _ in jobs}
    for agency in agencies:
        if id(agency) not in planned and progress:
            progress(agency)
    for (agency, _), problems in zip(
        jobs, _execute([j for _, j in jobs], options.jobs), strict=True
    ):
        if problems:
            agency.problems += problems
            agency.status = "failed"
        else:
            agency.status = "forced" if agency.errors else "rendered"
        if progress:
            progress(agency)

    _write_problem_reports(agencies, out_dir)
    _write_manifest(agencies, out_dir)
    write_summary(agencies, out_dir / SUMMARY)
    return Result(agencies, out_dir)


def _check_options(county: Path, out_dir: Path, options: Options) -> None:
    """Refuse, before anything is read or written, options that cannot work."""
    problems = []
    if not out_dir.is_dir():
        problems.append(Problem("output_dir_missing", file=str(out_dir)))
    elif county.is_dir() and out_dir.resolve() == county.resolve():
        problems.append(Problem("out_is_county", file=str(out_dir)))
    if options.previous is not None and not options.previous.is_dir():
        problems.append(Problem("previous_dir_not_found", file=str(options.previous)))
    if options.template is not None and not options.template.is_file():
        problems.append(Problem("template_not_found", file=str(options.template)))
    if problems:
        raise DataError(problems)


def _remove_stale(agency: Agency, out_dir: Path, last_run: dict[str, Any]) -> None:
    """Remove the report an earlier run made for an agency that now fails, so that no out of
    date report sits beside its problem report (only files the manifest says the batch made)."""
    made = last_run.get(agency.data.name, {}).get("output")
    if made and safe_name(made) == made:
        for stale in (out_dir / made, (out_dir / made).with_suffix(".pdf")):
            if stale.is_file():
                stale.unlink()


def shared_paragraphs(path: Path) -> set[str]:
    """Return the narrative paragraphs a county's shared file gives every agency."""
    if not path.is_file():
        return set()
    data = parse_toml(read_text(path), str(path))
    found = set()
    for name, part in data.items():
        if not (name.startswith("part") and isinstance(part, dict)):
            continue
        for block in [*part.get("text", []), *part.get("after_table", [])]:
            if isinstance(block, str):
                found.add(plain(block))
            elif isinstance(block, dict):
                found.add(plain(str(block.get("lead", "")) + str(block.get("text", ""))))
    return found


def _execute(jobs: list[Job], workers: int) -> Iterable[list[Problem]]:
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield render_job(job)
        return
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), initializer=_worker_init)
    try:
        yield from pool.map(render_job, jobs)
    except BaseException:
        # interrupted: reports being written are finished whole, the others are not started
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _worker_init() -> None:
    # Ctrl-C reaches every process of the terminal: only the main process acts on it, so that
    # a worker never stops half-way through a report.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# ---------------------------------------------------------------------------------------------
# What the batch leaves in the output folder

_STATUS_LABEL = {
    "rendered": "status_rendered",
    "unchanged": "status_unchanged",
    "forced": "status_forced",
    "failed": "status_failed",
}


def status_text(agency: Agency, lang: str = "zh") -> str:
    return translate(_STATUS_LABEL[agency.status], lang)


def write_summary(agencies: Sequence[Agency], path: Path, lang: str = "zh") -> None:
    """Write the summary table as CSV in UTF-8 with a BOM, which Excel and WPS open correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            translate(c, lang)
            for c in (
                "col_agency",
                "col_status",
                "col_errors",
                "col_warnings",
                "col_output",
                "col_data",
            )
        ]
    )
    for a in agencies:
        output = a.output.name if a.output and a.status != "failed" else ""
        writer.writerow(
            [a.name, status_text(a, lang), len(a.errors), len(a.warnings), output, a.data.name]
        )
    write(buffer.getvalue().encode("utf-8-sig"), path)


def problem_report_path(agency: Agency, out_dir: Path) -> Path:
    return out_dir / f"问题清单-{safe_name(agency.name)}.txt"


def _write_problem_reports(agencies: Sequence[Agency], out_dir: Path) -> None:
    for agency in agencies:
        path = problem_report_path(agency, out_dir)
        if agency.status != "failed":
            if path.is_file():
                path.unlink()
            continue
        lines = [
            translate("problem_report_head", "zh", agency=agency.name, file=agency.data.name),
            "",
        ]
        lines += [p.format("zh") for p in agency.problems]
        write(("\n".join(lines) + "\n").encode("utf-8-sig"), path)


def _write_manifest(agencies: Sequence[Agency], out_dir: Path) -> None:
    entries = {
        a.data.name: {"digest": a.digest, "output": a.output.name}
        for a in agencies
        if a.status in ("rendered", "unchanged") and a.output is not None
    }
    write(
        json.dumps({"agencies": entries}, ensure_ascii=False, indent=1).encode("utf-8"),
        out_dir / MANIFEST,
    )


# ---------------------------------------------------------------------------------------------
# County totals


def write_county_totals(result: Result, county: Path) -> tuple[Path, list[Problem], list[str]]:
    """Write the county's aggregate data file (the tables of every agency that passed) into the
    output folder; return its path, the problems its own checks find, and the agencies in it."""
    passed = [
        a
        for a in result.agencies
        if a.report is not None and not a.errors and a.status in ("rendered", "unchanged")
    ]
    if not passed:
        raise DataError(Problem("totals_none", file=str(county)))
    reports = [a.report for a in passed if a.report is not None]
    first = reports[0]
    shared = county / SHARED
    settings = (
        parse_toml(read_text(shared), str(shared)).get("totals", {}) if shared.is_file() else {}
    )
    county_name = first.agency.county or county.name
    agency = {
        "name": f"{county_name}（汇总）",
        "short_name": county_name,
        "level": "other",
        "county": first.agency.county,
        "prefecture": first.agency.prefecture,
        "province": first.agency.province,
        "contact_office": "—",
        "phone": "—",
        **settings.get("agency", {}),
    }
    head = {"year": first.year, "date": first.date, "agency": agency}
    path = result.out_dir / f"{safe_name(agency['name'])}.toml"
    names = [a.name for a in passed]
    write_totals(path, aggregate(reports), head, names)
    report = load_layers([path])
    return path, check(report), names

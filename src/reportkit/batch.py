"""The county batch: the same pipeline for every agency of a county folder, in parallel.

A county folder holds `county.toml` (values every agency shares) and one data file per agency,
which inherits the shared values and overrides any of them. `run` checks every agency (in
worker processes for a large county), renders every passing one (in the workers, each compiling
the template once, from the report the check read), never stops at a failing one, and writes
into the output folder: the reports, `summary.csv`, one problem report per failing agency, and
a manifest of input hashes so that an unchanged agency is not rendered again. Output names come from the agency's name, made safe for every file system; two agencies
that would write the same file stop the batch before anything is written.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import hashlib
import io
import json
import os
import re
import signal
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Literal

from reportkit import distribution, similar, webpage
from reportkit.aggregate import aggregate, write_totals
from reportkit.api import OfKind, kind_document
from reportkit.check import check, plain
from reportkit.errors import DataError, OutputError, Problem, ReportkitError, Sorted
from reportkit.lint import check_template
from reportkit.load import (
    INVISIBLE,
    SHARED,
    AnyReport,
    last_year,
    load,
    load_any,
    load_layers,
    parse_toml,
    read,
    read_text,
)
from reportkit.locate import KeyLines
from reportkit.messages import translate
from reportkit.model import Report
from reportkit.narrate import narrate
from reportkit.output import csv_text, remove_leftovers, write
from reportkit.pdf import Standard, convert
from reportkit.preview import previews
from reportkit.records import FolderLock, Record, Records, file_digest
from reportkit.renderer import default_template, document, header_marks
from reportkit.similar import SHORT

TABLE_RULES = frozenset({"A", "B", "C", "T4", "MAX"})
SUMMARY = "summary.csv"

Status = Literal["rendered", "unchanged", "forced", "failed", "passed"]  # passed: reviewed


@dataclass
class Agency(Sorted):
    """One agency of the batch: its data file, what was found, and what became of it."""

    data: Path
    report: Report | None = None  # the national report (the kind a data file names by default)
    problems: list[Problem] = field(default_factory=list)
    last: Any = None  # last year's report, when there is one
    other: OfKind | None = None  # a report of another kind, with its kind
    named: str = ""  # whose report it is, as the last run found (a county that did not change)
    output: Path | None = None
    status: Status = "failed"
    digest: str = ""
    similar: dict[str, Any] = field(default_factory=dict)  # 雷同 signature, for its record

    @property
    def name(self) -> str:
        if self.named:
            return self.named
        if self.other is not None:
            return str(self.other.kind.subject(self.other.report))
        return self.report.agency.name if self.report else self.data.stem

    @property
    def read(self) -> Any:
        """The report read from the data file, of whatever kind (None when it was not)."""
        return self.other.report if self.other is not None else self.report


@dataclass
class Options:
    jobs: int = 1
    previous: Path | None = None
    force: bool = False
    rebuild: bool = False
    template: Path | None = None
    pdf: bool = False  # also a PDF of every report, converted with LibreOffice
    pdf_standard: Standard = "pdfa-2b"
    html: bool = False  # also a web page of every report
    preview: bool = False  # also a page-1 image of every report (needs the PDFs), in summary.csv


@dataclass
class Result:
    agencies: list[Agency]
    out_dir: Path
    problems: list[Problem] = field(default_factory=list)  # of the run, not of one agency
    pdfs: list[Path] = field(default_factory=list)  # made in this run
    pages: list[Path] = field(default_factory=list)
    previews: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every agency has a report (rendered now or unchanged) and the run wrote
        everything it had to."""
        return not self.problems and all(
            a.status in ("rendered", "unchanged") for a in self.agencies
        )

    def counts(self) -> dict[str, int]:
        """Return how many agencies ended in each status."""
        counts = dict.fromkeys(("rendered", "unchanged", "forced", "failed"), 0)
        for agency in self.agencies:
            counts[agency.status] += 1
        return counts


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


def _last_year(agency: Agency, options: Options) -> AnyReport | None:
    assert agency.report is not None
    if options.previous is not None:
        last = options.previous / agency.data.name
        return last_year(agency.report, last) if os.path.isfile(last) else None
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
    text = INVISIBLE.sub("", unicodedata.normalize("NFC", name))
    text = _UNSAFE.sub("_", text).strip().strip(".")
    text = text.replace("..", "_")
    if not text or text.upper().split(".")[0] in _RESERVED:
        text = f"_{text}"
    return shorten(text, NAME_BYTES)


# File systems limit a name to 255 bytes (not characters: a Chinese character is 3 in UTF-8).
# Names made here get a prefix (问题清单-, 15 bytes) or a suffix (.docx, .pdf, .txt) and, while
# written, a temporary suffix: 180 bytes leaves room for all of them.
NAME_BYTES = 180


def shorten(text: str, limit: int) -> str:
    """Return `text` within `limit` bytes of UTF-8: cut at a character, and marked with a
    hash of the whole, so that two long names that share a beginning stay two names."""
    if len(text.encode("utf-8")) <= limit:
        return text
    tag = "-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    keep = text.encode("utf-8")[: limit - len(tag)].decode("utf-8", "ignore")
    return keep + tag


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

_LIBRARIES = (distribution.NAME, "docxtpl", "python-docx", "Jinja2", "lxml")


def common_digest(template: Path) -> bytes:
    """Return the hash of what every agency's document depends on: the template, the shipped
    rulebooks, and the versions of reportkit and its document libraries (read anew each run:
    a template edited between two runs in one process is seen)."""
    h = hashlib.sha256(template.read_bytes())
    for book in sorted(resources.files("reportkit").joinpath("rulebooks").iterdir(), key=str):
        h.update(book.read_bytes())
    for name in _LIBRARIES:
        h.update(f"{name}={metadata.version(name)};".encode())
    return h.digest()


def _digest(agency: Agency, options: Options, common: bytes) -> str:
    """Return the hash of every input of an agency's document."""
    h = hashlib.sha256(common)
    for path in _inputs(agency):
        h.update(str(path.name).encode())
        h.update(path.read_bytes() if os.path.isfile(path) else b"-")
    h.update(json.dumps([options.force, str(agency.output.name if agency.output else "")]).encode())
    return h.hexdigest()


def _inputs(agency: Agency) -> list[Path]:
    """Return the files an agency's document is made from."""
    last = agency.last
    inputs = [agency.data, agency.data.parent / SHARED]
    if agency.report is not None and agency.report.rulebook:
        inputs.append(Path(agency.report.where("rulebook")[0]).parent / agency.report.rulebook)
    folder = getattr(agency.other.kind, "folder", None) if agency.other else None
    if folder is not None:  # a kind made of files: its definition, rulebook and templates
        inputs += sorted(p for p in Path(folder).rglob("*") if p.is_file())
    if last is not None:
        inputs += [Path(last.source), Path(last.source).parent / SHARED]
    return inputs


# ---------------------------------------------------------------------------------------------
# 雷同 across agencies


SIMILAR_KEY = "similar"  # where an agency's record (Record.extra) keeps its 雷同 signature


def similar_across(
    agencies: Sequence[Agency], inherited: set[str], records: Records | None = None
) -> None:
    """Add a warning to each agency whose narrative paragraph is (nearly) the same as an earlier
    agency's (the first such paragraph, in the agencies' order); paragraphs inherited from the
    county's shared file (`inherited`) are left out. What "the same" means is defined in
    `reportkit.similar`.

    Texts are compared once however many agencies have them. With `records` (the output
    folder's, from earlier runs), an agency whose paragraphs are as its record's signature says
    is not compared again: its record lists, for each of its texts, the other texts found alike
    to it. Only the texts of agencies that changed (or have no record) are compared, with every
    text, through the index. This finds every pair: of two texts, the one that appeared later
    was compared with the other when it appeared (its agency had changed), and the pair was
    kept in that agency's record. Each agency's `similar` is what its record keeps next.
    """
    present = [a for a in agencies if a.report is not None]
    paragraphs: dict[str, list[tuple[str, str]]] = {}  # (path, text digest), by data file
    texts: dict[str, str] = {}  # normalised text, by digest
    for agency in present:
        assert agency.report is not None
        kept = []
        for path, block in agency.report.narrative():
            text = plain(block.lead + block.text)
            if len(text) >= SHORT and text not in inherited:
                digest = similar.text_digest(text)
                texts[digest] = text
                kept.append((path, digest))
        paragraphs[agency.data.name] = kept
    signatures = {name: similar.signature(kept) for name, kept in paragraphs.items()}

    alike: dict[str, dict[str, float]] = {}  # text digest → alike text digests → ratio

    def link(one: str, other: str, ratio: float) -> None:
        alike.setdefault(one, {})[other] = ratio
        alike.setdefault(other, {})[one] = ratio

    known: set[str] = set()  # texts whose alike texts are all known, from records
    for name in paragraphs:
        record = records.get(name) if records is not None else None
        cached = record.extra.get(SIMILAR_KEY) if record is not None else None
        if isinstance(cached, dict) and cached.get("signature") == signatures[name]:
            try:
                pairs = [
                    (digest, str(other), float(ratio))
                    for digest, found in dict(cached.get("alike", {})).items()
                    for other, ratio in found
                ]
            except (TypeError, ValueError):  # a record not as the batch writes it: compare
                continue
            known.update(digest for _, digest in paragraphs[name])
            for digest, other, ratio in pairs:
                if other in texts:  # texts of this run only
                    link(digest, other, ratio)
    unknown = [digest for digest in texts if digest not in known]
    if unknown:
        digests = list(texts)
        numbers = {digest: i for i, digest in enumerate(digests)}
        index = similar.index([texts[digest] for digest in digests])
        for i, j, ratio in index.pairs(numbers[digest] for digest in unknown):
            link(digests[i], digests[j], ratio)

    # a paragraph's warning names the first alike paragraph of an earlier agency, in order
    first: dict[str, tuple[int, int, str]] = {}  # text digest → its first (agency, paragraph)
    for position, agency in enumerate(present):
        for number, (path, digest) in enumerate(paragraphs[agency.data.name]):
            first.setdefault(digest, (position, number, path))
    for position, agency in enumerate(present):
        assert agency.report is not None
        name = agency.data.name
        for path, digest in paragraphs[name]:
            earlier = [
                (*first[other], ratio)
                for other, ratio in [(digest, 1.0), *alike.get(digest, {}).items()]
                if first[other][0] < position
            ]
            if not earlier:
                continue
            where, _, other_path, ratio = min(earlier)
            file, line = agency.report.where_paragraph(path)
            agency.problems.append(
                Problem(
                    "similar_agency",
                    {
                        "other": present[where].name,
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
        agency.similar = {
            "signature": signatures[name],
            "alike": {
                digest: sorted([other, ratio] for other, ratio in alike[digest].items())
                for digest in sorted({d for _, d in paragraphs[name]})
                if digest in alike
            },
        }


# ---------------------------------------------------------------------------------------------
# Rendering, in worker processes


@dataclass(frozen=True)
class Job:
    data: Path
    output: Path
    marks: tuple[str, ...]
    template: Path | None
    previous: Path | None = None  # last year's data file, for the year-over-year sentences
    digest: str = ""  # of the inputs, for the agency's record
    extra: dict[str, Any] = field(default_factory=dict)  # kept with the record (Record.extra)
    # the national report as the batch read and checked it, with last year's (else read again)
    report: Report | None = None
    last: Report | None = None


def render_job(job: Job) -> list[Problem]:
    """Render one agency's report (in a worker process) and record it; return the problems
    that stopped it. Its record is dropped before the report is replaced and written after,
    so that however the run ends no record vouches for a report it did not see written."""
    records = Records(job.output.parent)
    try:
        old = records.get(job.data.name)
        records.drop(job.data.name)
        for made in old.derived.values() if old is not None else ():
            # what was made from the report being replaced (PDF, page, image) is stale now
            with contextlib.suppress(OSError):
                (job.output.parent / made["name"]).unlink()
        write(_document(job), job.output)
        records.written(job.data.name, job.digest, job.output, **job.extra)
    except ReportkitError as exc:
        return exc.problems
    except Exception as exc:  # a bug, or the machine: this agency's problem, not the county's
        return [_crashed(job.data, exc)]
    return []


def _document(job: Job) -> bytes:
    """Return the .docx bytes of a job's report, of whatever kind its data file names."""
    if job.report is not None:
        return document(job.report, narrate(job.report, previous=job.last), job.template, job.marks)
    reading = read(job.data)
    if reading.kind is not None:
        if reading.report is None or reading.problems:
            raise DataError(reading.problems)
        of = OfKind(reading.kind, reading.report)
        last = of.kind.last_year_of(of.report, job.previous)
        return kind_document(of, job.template, last, job.marks)
    report = load(job.data)
    last = load_any(job.previous) if job.previous else None
    last = last if isinstance(last, Report) else None  # 2019 format: no yoy sentences
    return document(report, narrate(report, previous=last), job.template, job.marks)


def _crashed(data: Path, exc: BaseException) -> Problem:
    return Problem("agency_crashed", {"detail": f"{type(exc).__name__}: {exc}"}, file=str(data))


def _died(data: Path, exc: BaseException) -> Problem:
    """The problem of an agency whose work killed its worker process, even alone."""
    return Problem("worker_died", {"detail": str(exc)}, file=str(data))


def run(
    county: Path, out_dir: Path, options: Options | None = None, progress: Progress | None = None
) -> Result:
    """Return the outcome of the batch over the county folder `county` into `out_dir`.

    Every agency is checked and every passing one rendered (the unchanged ones, whose inputs
    and report on disk match their record, are left as they are); an agency that fails, in any
    way, is that agency's row of the summary and never stops the others. The output folder is
    made if missing, and locked for the run: a second batch into it is refused.
    """
    options = options or Options()
    _check_options(county, out_dir, options)
    files = agency_files(county)
    if not options.rebuild and Records(out_dir).run() is not None:  # else nothing to lock yet
        with FolderLock(out_dir):
            done = _unchanged_run(county, files, out_dir, options, progress)
        if done is not None:
            return done
    with Workers(options.jobs) as workers:
        agencies = _read_all([Agency(data) for data in files], county, options, workers)
        inherited = shared_paragraphs(county / SHARED)
        similar_across(agencies, inherited, None if options.rebuild else Records(out_dir))
        _assign_outputs(agencies, out_dir)  # two agencies writing one file stop the run here
        if options.template is not None:  # a report must never be written over the template
            template = options.template.resolve()
            if any(a.output is not None and a.output.resolve() == template for a in agencies):
                raise OutputError(Problem("output_is_input", file=str(options.template)))
        with FolderLock(out_dir):
            return _write(agencies, out_dir, options, progress, workers)


def _write(
    agencies: list[Agency],
    out_dir: Path,
    options: Options,
    progress: Progress | None,
    workers: Workers,
) -> Result:
    """Render what changed into the locked output folder; write the lists and the summary."""
    remove_leftovers(out_dir)
    records = Records(out_dir)
    records.drop_run()  # before anything changes: an interrupted run leaves none
    records.forget_old_manifest()
    result = Result(agencies, out_dir)

    jobs: list[tuple[Agency, Job]] = []
    commons: dict[Path, bytes] = {}
    for agency in agencies:
        if agency.read is None or (agency.errors and not options.force):
            agency.status = "failed"
            _remove_stale(agency, records)
            agency.output = None  # no report of its own in the output folder
            continue
        assert agency.output is not None
        template = options.template or _template(agency)
        if template not in commons:
            commons[template] = common_digest(template)
        agency.digest = _digest(agency, options, commons[template])
        record = None if options.rebuild else records.get(agency.data.name)
        if (
            record is not None
            and record.digest == agency.digest
            and record.output == agency.output.name
            and record.holds(out_dir)
        ):
            agency.status = "unchanged"
            if agency.similar and record.extra.get(SIMILAR_KEY) != agency.similar:
                record.extra[SIMILAR_KEY] = agency.similar  # its pairs changed with others
                records.put(record)
            continue
        marks = header_marks(agency.read, bool(agency.errors))
        agency.status = "rendered"  # planned; the job's outcome decides
        last = Path(agency.last.source) if agency.last else None
        extra = {SIMILAR_KEY: agency.similar} if agency.similar else {}
        job = Job(
            agency.data,
            agency.output,
            tuple(marks),
            options.template,
            last,
            agency.digest,
            extra,
            report=agency.report,  # None for another kind: the job reads its file
            last=agency.last if isinstance(agency.last, Report) else None,  # 2019: no yoy
        )
        jobs.append((agency, job))

    planned = {id(agency) for agency, _ in jobs}
    for agency in agencies:
        if id(agency) not in planned and progress:
            progress(agency)
    done = workers.map(render_job, [j for _, j in jobs], died=_worker_died, failed=_job_failed)
    for (agency, _), problems in zip(jobs, done, strict=True):
        if problems:
            agency.problems += problems
            agency.status = "failed"
            agency.output = None
        else:
            agency.status = "forced" if agency.errors else "rendered"
        if progress:
            progress(agency)

    _publish(agencies, records, out_dir, options, result)
    _write_lists(result, options)
    rendered = [agency for agency, _ in jobs]
    if not result.problems and all(a.status != "failed" for a in rendered):
        _remember_run(agencies, out_dir, options)
    return result


def _template(agency: Agency) -> Path:
    """Return the template an agency's report is rendered into when the batch names none."""
    if agency.other is None:
        assert agency.report is not None
        return default_template(agency.report.locale)
    kind, report = agency.other.kind, agency.other.report
    named = kind.template_of(report) if hasattr(kind, "template_of") else None
    return Path(named) if named is not None else Path(kind.template(report.locale))


# ---------------------------------------------------------------------------------------------
# A county that did not change, answered without reading it
#
# A run that ended well records every input file of every agency (with the last-year files
# each agency would look for, present or not), the options, and what it found. The next run
# hashes those files: when every one is as recorded, every report on disk is the one its
# record describes (and every PDF, page and image asked for), and the county's files are the
# same ones, the county has not changed, and the findings are the recorded ones (the checks
# and 雷同 depend on nothing else). Any difference, or any doubt, and the county is read.

RUN_VERSION = 1


def _run_key(county: Path, files: Sequence[Path], options: Options, templates: list[str]) -> str:
    """Return the hash of what a run's findings depend on besides the agencies' files."""
    commons = [common_digest(Path(t)).hex() for t in templates]
    settings = [options.force, options.pdf, options.pdf_standard, options.html, options.preview]
    places = [str(county.resolve()), str(options.template), str(options.previous)]
    text = json.dumps([RUN_VERSION, commons, settings, places, [f.name for f in files]])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _run_inputs(agency: Agency, options: Options) -> list[Path]:
    """Return an agency's input files, and the last-year files it would look for."""
    assert agency.report is not None
    inputs = _inputs(agency)
    if options.previous is not None:
        inputs.append(options.previous / agency.data.name)
    elif agency.report.previous:
        inputs.append(agency.data.parent / agency.report.previous)
    return inputs


def _remember_run(agencies: Sequence[Agency], out_dir: Path, options: Options) -> None:
    """Record the run that just ended (see above), when every agency was read as a national
    report and every finding can be stored; otherwise the next run reads the county again."""
    if any(a.report is None or a.other is not None for a in agencies):
        return
    files: dict[str, Any] = {}
    entries = []
    templates: set[str] = set()
    try:
        for agency in agencies:
            for path in _run_inputs(agency, options):
                key = str(path.resolve())
                if key not in files:
                    files[key] = file_digest(path)
            if agency.output is not None:
                templates.add(str(options.template or _template(agency)))
            entries.append(
                {
                    "data": agency.data.name,
                    "name": agency.name,
                    "failed": agency.status == "failed",
                    "digest": agency.digest,
                    "output": agency.output.name if agency.output is not None else None,
                    "problems": [p.to_record() for p in agency.problems],
                }
            )
    except (OSError, TypeError):
        return
    county = agencies[0].data.parent if agencies else out_dir
    key = _run_key(county, [a.data for a in agencies], options, sorted(templates))
    record = {"key": key, "templates": sorted(templates), "files": files, "agencies": entries}
    with contextlib.suppress(ReportkitError):
        Records(out_dir).put_run(record)


def _unchanged_run(
    county: Path,
    files: Sequence[Path],
    out_dir: Path,
    options: Options,
    progress: Progress | None,
) -> Result | None:
    """Return the outcome of a run over a county that did not change since the last run, from
    that run's record; None when anything differs or cannot be verified."""
    records = Records(out_dir)
    stored = records.run()
    try:
        if stored is None or stored["key"] != _run_key(county, files, options, stored["templates"]):
            return None
        for path, digest in stored["files"].items():
            found = file_digest(Path(path))
            if (list(found) if found is not None else None) != digest:
                return None
        agencies = []
        for entry in stored["agencies"]:
            agency = Agency(
                county / entry["data"],
                problems=[Problem.from_record(p) for p in entry["problems"]],
                named=entry["name"],
                status="failed" if entry["failed"] else "unchanged",
                digest=entry["digest"],
            )
            if entry["output"] is not None:
                record = records.get(entry["data"])
                if not (
                    record is not None
                    and record.digest == entry["digest"]
                    and record.output == entry["output"]
                    and record.holds(out_dir)
                    and _derived_hold(record, out_dir, options)
                ):
                    return None
                agency.output = out_dir / entry["output"]
            agencies.append(agency)
    except (KeyError, TypeError, ValueError, OSError):
        return None
    if [a.data.name for a in agencies] != [f.name for f in files]:
        return None
    for agency in agencies:
        if progress:
            progress(agency)
    result = Result(agencies, out_dir)
    _write_lists(result, options)
    return result


def _write_lists(result: Result, options: Options) -> None:
    """Write the failing agencies' problem lists and the summary (with each report's page-1
    image, when asked for); a folder that cannot be written is the run's problem."""
    agencies, out_dir = result.agencies, result.out_dir
    images = {
        a.output: a.output.with_suffix(".png")
        for a in agencies
        if options.preview and a.output is not None and a.output.with_suffix(".png").is_file()
    }
    try:
        write_problem_reports(agencies, out_dir)
    except ReportkitError as exc:  # say so, keep going
        result.problems += exc.problems
    try:
        write_summary(agencies, out_dir / SUMMARY, previews=images)
    except ReportkitError as exc:
        result.problems += exc.problems


def _derived_hold(record: Record, out_dir: Path, options: Options) -> bool:
    """True when every file the options ask to be made from the report is there and current."""
    return (
        (not options.html or record.derived_holds("html", out_dir))
        and (
            not (options.pdf or options.preview)
            or record.derived_holds("pdf", out_dir, options.pdf_standard)
        )
        and (not options.preview or record.derived_holds("png", out_dir))
    )


# Reading and checking an agency takes some milliseconds: a county this large is read in the
# workers (whose start-up, importing the libraries, costs about half a second).
READ_IN_WORKERS = 100


def _read_all(
    agencies: list[Agency], county: Path, options: Options, workers: Workers
) -> list[Agency]:
    """Return the agencies read and checked (see `_read`), in the workers for a large county.
    An agency whose report could not be sent back is read here; one whose reading killed its
    worker, even alone, fails with that."""
    own_rulebooks = agency_rulebooks_allowed(county)
    if len(agencies) < READ_IN_WORKERS:
        for agency in agencies:
            _read(agency, options, own_rulebooks)
        return agencies

    items = [_ReadJob(agency, options, own_rulebooks) for agency in agencies]
    done = workers.map(_read_job, items, died=_read_died, failed=_read_here)
    return [job.agency for job in done]


@dataclass(frozen=True)
class _ReadJob:
    agency: Agency
    options: Options
    own_rulebooks: bool


def _read_job(job: _ReadJob) -> _ReadJob:
    _read(job.agency, job.options, job.own_rulebooks)
    return job


def _read_here(job: _ReadJob, exc: BaseException) -> _ReadJob:
    """Read an agency in the main process (its report could not be sent back from a worker)."""
    return _read_job(job)


def _read_died(job: _ReadJob, exc: BaseException) -> _ReadJob:
    job.agency.problems = [_died(job.agency.data, exc)]
    return job


def _read(agency: Agency, options: Options, own_rulebooks: bool = False) -> None:
    """Load and check one agency, whatever goes wrong: its problems say it. A rulebook the
    agency's own file names is run only when the county allows it (`own_rulebooks`)."""
    try:
        reading = read(agency.data)  # county.toml beside it is inherited
        if reading.kind is not None and reading.report is not None and not reading.problems:
            _read_of_kind(agency, OfKind(reading.kind, reading.report), options)
            return
        if reading.report is None or reading.problems:
            found = check(agency.data)  # everything, from what could be read
            # and why it could not be read for rendering (a file in the 2019 format, say)
            agency.problems = [p for p in reading.problems if p not in found] + found
            # the summary row and problem list name whose report failed, when the file says
            agency.named = _agency_name(reading.report)
            return
        report = reading.report
        if report.rulebook and not own_rulebooks:
            file, line = report.where("rulebook")  # (finding a line reads the file's layout)
            if file == str(agency.data):
                agency.problems = [
                    Problem("rulebook_not_allowed", file=file, path="rulebook", line=line)
                ]
                return
        agency.report = report
        try:
            agency.last = _last_year(agency, options)
        except DataError as exc:
            agency.problems = exc.problems
        agency.problems += check(agency.report, agency.last)
    except Exception as exc:  # one agency must never stop the county
        agency.report = None
        agency.problems = [_crashed(agency.data, exc)]


def _agency_name(report: Any) -> str:
    """Return the agency's name from a report read in part ("" when its [agency] was not)."""
    name = getattr(getattr(report, "agency", None), "name", "")
    return name if isinstance(name, str) else ""


def _read_of_kind(agency: Agency, of: OfKind, options: Options) -> None:
    """Check one agency whose data file names another kind of report, by the kind's checks."""
    agency.other = of
    previous = None
    if options.previous is not None:
        previous = options.previous / agency.data.name
        previous = previous if previous.is_file() else None
        if previous is None:  # the batch's last-year folder has no file for this agency
            agency.problems = [*of.report.notes, *of.kind.check(of.report, None)]
            return
    try:
        agency.last = of.kind.last_year_of(of.report, previous)
    except DataError as exc:
        agency.problems = list(exc.problems)
    agency.problems += [*of.report.notes, *of.kind.check(of.report, agency.last)]


def _publish(
    agencies: Sequence[Agency], records: Records, out_dir: Path, options: Options, result: Result
) -> None:
    """Make what each report is published as (PDF, web page, page-1 image) where it is missing
    or was made from another version of the report; record each with the hash of the report it
    was made from, so a later run knows it is current."""
    current = []
    for agency in agencies:
        if agency.output is None or agency.status == "failed":
            continue
        record = records.get(agency.data.name)
        if record is not None and record.holds(out_dir):
            current.append((agency, record))
    if options.html:
        for agency, record in current:
            if record.derived_holds("html", out_dir):
                continue
            try:
                locale = agency.report.locale if agency.report else "zh-CN"
                page = webpage.write_page(out_dir / record.output, lang=locale)
            except ReportkitError as exc:
                result.problems += exc.problems
                continue
            record.derive("html", page)
            records.put(record)
            result.pages.append(page)
    if options.pdf or options.preview:
        standard = options.pdf_standard
        todo = [r for _, r in current if not r.derived_holds("pdf", out_dir, standard)]
        try:
            convert([out_dir / r.output for r in todo], out_dir, standard=standard)
        except ReportkitError as exc:
            result.problems += exc.problems
        for record in todo:
            pdf = out_dir / Path(record.output).with_suffix(".pdf")
            if pdf.is_file():
                record.derive("pdf", pdf, standard)
                records.put(record)
                result.pdfs.append(pdf)
    if options.preview:
        todo = [
            r
            for _, r in current
            if r.derived_holds("pdf", out_dir) and not r.derived_holds("png", out_dir)
        ]
        try:
            made = previews([out_dir / Path(r.output).with_suffix(".pdf") for r in todo])
        except ReportkitError as exc:
            result.problems += exc.problems
            made = {}
        for record in todo:
            image = made.get(out_dir / Path(record.output).with_suffix(".pdf"))
            if image is not None:
                record.derive("png", image)
                records.put(record)
                result.previews.append(image)


def _check_options(county: Path, out_dir: Path, options: Options) -> None:
    """Refuse, before anything is read or written, options that cannot work."""
    problems = []
    if out_dir.exists() and not out_dir.is_dir():
        problems.append(Problem("output_is_file", file=str(out_dir)))
    elif county.is_dir() and out_dir.resolve() == county.resolve():
        problems.append(Problem("out_is_county", file=str(out_dir)))
    if options.previous is not None and not options.previous.is_dir():
        problems.append(Problem("previous_dir_not_found", file=str(options.previous)))
    if options.template is not None and not options.template.is_file():
        problems.append(Problem("template_not_found", file=str(options.template)))
    if problems:
        raise DataError(problems)
    if options.template is not None:  # every problem of a restyled template, before any report
        check_template(options.template)


def _remove_stale(agency: Agency, records: Records) -> None:
    """Remove the report (and PDF) an earlier run made for an agency that now fails, so that no
    out of date report sits beside its problem list (only files its record says the batch made)."""
    record = records.get(agency.data.name)
    if record is None:
        return
    records.drop(agency.data.name)
    for made in (record.output, *(d.get("name", "") for d in record.derived.values())):
        if made and safe_name(Path(made).stem) + Path(made).suffix == made:
            with contextlib.suppress(OSError):
                (records.out_dir / made).unlink()


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


class Workers:
    """The batch's worker processes: started when first given work, shared by its stages
    (reading the county, rendering), shut down when the run ends. A worker that dies (killed,
    out of memory) breaks the pool: the items not done are then run each alone, in a pool of
    one, so that only an item that kills its worker fails."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        # interrupted or not, items being worked on are finished whole, the others not started
        if self._pool is not None:
            self._pool.shutdown(wait=not self._broken, cancel_futures=True)

    def map(
        self,
        work: Callable[[Any], Any],
        items: Sequence[Any],
        died: Callable[[Any, BaseException], Any],
        failed: Callable[[Any, BaseException], Any] | None = None,
    ) -> Iterable[Any]:
        """Yield `work(item)` for each item, in order, done in the workers when there are
        several. An item whose worker died gives `died(item, error)`; one whose work raised
        (or whose result could not be sent back) gives `failed(item, error)`, or raises."""
        if self.count <= 1 or len(items) <= 1:
            yield from (work(item) for item in items)
            return
        if self._broken and self._pool is not None:
            # a worker died in an earlier stage: its items were run alone; this stage's items
            # have killed nothing yet, and get a new pool
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool, self._broken = None, False
        if self._pool is None:
            self._pool = _pool(min(self.count, len(items)))
        futures: list[Future[Any] | None] = []
        for item in items:
            try:
                futures.append(None if self._broken else self._pool.submit(work, item))
            except BrokenProcessPool:  # a worker died while the stage was being handed out
                self._broken = True
                futures.append(None)
        for item, future in zip(items, futures, strict=True):
            try:
                result = self._result(future, work, item, died)
            except Exception as exc:
                if failed is None:
                    raise
                result = failed(item, exc)
            yield result

    def _result(
        self,
        future: Future[Any] | None,
        work: Callable[[Any], Any],
        item: Any,
        died: Callable[[Any, BaseException], Any],
    ) -> Any:
        if future is not None and not self._broken:
            try:
                return future.result()
            except BrokenProcessPool:
                self._broken = True
        return _alone(work, item, died)


def _pool(count: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=count, initializer=_worker_init, initargs=(os.getpid(),))


def _alone(work: Callable[[Any], Any], item: Any, died: Callable[[Any, BaseException], Any]) -> Any:
    with _pool(1) as pool:
        try:
            return pool.submit(work, item).result()
        except BrokenProcessPool as exc:
            return died(item, exc)


def _worker_died(job: Job, exc: BaseException) -> list[Problem]:
    return [_died(job.data, exc)]


def _job_failed(job: Job, exc: BaseException) -> list[Problem]:
    """The problems of a job whose outcome could not be sent back from its worker."""
    return [_crashed(job.data, exc)]


def _worker_init(parent: int) -> None:
    # Ctrl-C reaches every process of the terminal: only the main process acts on it, so that
    # a worker never stops half-way through a report.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker dies with the main process, however that ends (kill -9, a closed terminal):
    # Linux can tell the kernel so; everywhere, a thread watches for the parent to go.
    _die_with_parent()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(1)


# ---------------------------------------------------------------------------------------------
# What the batch leaves in the output folder

_STATUS_LABEL = {
    "rendered": "status_rendered",
    "unchanged": "status_unchanged",
    "forced": "status_forced",
    "failed": "status_failed",
    "passed": "status_passed",
}


def status_text(agency: Agency, lang: str = "zh") -> str:
    return translate(_STATUS_LABEL[agency.status], lang)


def write_summary(
    agencies: Sequence[Agency],
    path: Path,
    lang: str = "zh",
    previews: dict[Path, Path] | None = None,
) -> None:
    """Write the summary table as CSV in UTF-8 with a BOM, which Excel and WPS open correctly;
    with `previews` (report → page-1 image), a last column names each report's image."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = ["col_agency", "col_status", "col_errors", "col_warnings", "col_output", "col_data"]
    writer.writerow([translate(c, lang) for c in columns + (["col_preview"] if previews else [])])
    for a in agencies:
        output = a.output.name if a.output else ""
        row = [csv_text(a.name), status_text(a, lang), len(a.errors), len(a.warnings)]
        row += [csv_text(output), csv_text(a.data.name)]
        if previews:
            image = previews.get(a.output) if a.output else None
            row.append(image.name if image else "")
        writer.writerow(row)
    write(buffer.getvalue().encode("utf-8-sig"), path)


def problem_report_path(agency: Agency, out_dir: Path) -> Path:
    return out_dir / f"问题清单-{safe_name(agency.name)}.txt"


def write_problem_reports(
    agencies: Sequence[Agency],
    out_dir: Path,
    heads: tuple[str, str] = ("problem_report_head", "warning_report_head"),
) -> None:
    """Write a problem list for every agency with any problem, errors or warnings: a failing
    agency's says its report was not made; the others' list what to look at (`heads`: the
    messages that open the lists of failing and of passing agencies)."""
    for agency in agencies:
        path = problem_report_path(agency, out_dir)
        if not agency.problems:
            if path.is_file():
                path.unlink()
            continue
        head = heads[0] if agency.status == "failed" else heads[1]
        lines = [translate(head, "zh", agency=agency.name, file=agency.data.name), ""]
        lines += [p.format("zh") for p in agency.problems]
        write(("\n".join(lines) + "\n").encode("utf-8-sig"), path)


# ---------------------------------------------------------------------------------------------
# County settings and totals


def county_table(county: Path, *keys: str) -> dict[str, Any]:
    """Return the table at `keys` of the county's shared file (e.g. ``totals.agency``), {} when
    it has none; raise `DataError`, located, when the key holds something else than a table."""
    shared = county / SHARED
    if not os.path.isfile(shared):
        return {}
    text = read_text(shared)
    node: Any = parse_toml(text, str(shared))
    for depth, key in enumerate(keys, start=1):
        node = node.get(key, {}) if isinstance(node, dict) else node
        if not isinstance(node, dict):
            line = KeyLines(text).find(keys[:depth])
            raise DataError(
                Problem(
                    "county_setting",
                    {"key": ".".join(keys[:depth]), "expected": "[table]"},
                    file=str(shared),
                    line=line,
                )
            )
    return dict(node)


def agency_rulebooks_allowed(county: Path) -> bool:
    """True when the county's shared file lets agencies name rulebooks of their own
    (``[batch] agency_rulebooks = true``): a rulebook is code, run for every report."""
    allowed = county_table(county, "batch").get("agency_rulebooks", False)
    if not isinstance(allowed, bool):
        shared = county / SHARED
        line = KeyLines(read_text(shared)).find(("batch", "agency_rulebooks"))
        raise DataError(
            Problem(
                "county_setting",
                {"key": "batch.agency_rulebooks", "expected": "true / false"},
                file=str(shared),
                line=line,
            )
        )
    return allowed


def write_county_totals(result: Result, county: Path) -> tuple[Path, list[Problem], list[str]]:
    """Write the county's aggregate data file (the tables of every agency that passed) into the
    output folder; return its path, the problems its own checks find, and the agencies in it."""
    passed = [
        a
        for a in result.agencies
        if a.other is None and not a.errors and a.status in ("rendered", "unchanged")
    ]
    other = next((a.other.kind.name for a in result.agencies if a.other is not None), None)
    if not passed and other is not None:  # the county's totals are the national tables'
        raise DataError(Problem("totals_other_kind", {"kind": other}, file=str(county)))
    if not passed:
        raise DataError(Problem("totals_none", file=str(county)))
    # a county that did not change was not read (its reports are read here)
    reports = [a.report if a.report is not None else load(a.data) for a in passed]
    first = reports[0]
    named = county_table(county, "totals", "agency")
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
        **named,
    }
    if not isinstance(agency["name"], str) or not agency["name"].strip():
        shared = county / SHARED
        line = KeyLines(read_text(shared)).find(("totals", "agency", "name"))
        raise DataError(
            Problem(
                "county_setting",
                {"key": "totals.agency.name", "expected": "text"},
                file=str(shared),
                line=line,
            )
        )
    head = {"year": first.year, "date": first.date, "agency": agency}
    path = result.out_dir / f"{safe_name(agency['name'])}.toml"
    names = [a.name for a in passed]
    write_totals(path, aggregate(reports), head, names)
    report = load_layers([path])
    # the figures are checked; the narrative is the county's to write
    return path, [p for p in check(report) if p.rule in TABLE_RULES], names

"""Stage 5b (pdf): convert rendered .docx files to PDF (PDF/A-2b by default) with LibreOffice.

LibreOffice's start-up costs about a second, so files are converted many to a start, by several
LibreOffice processes at once (one per core by default). Each process has its own user profile
(so processes never wait on each other, and a LibreOffice the user has open is not disturbed);
all of them take their files from one queue, a share at a time. A process that dies or stops
making progress (no new PDF within `timeout` seconds) is ended; the file it was on is retried
once in a new process with the rest of its share, and fails only if it fails again. `workers=1`
converts everything in one process.

A LibreOffice profile takes over a second to create on a first start, so one is made once per
LibreOffice installation, kept in the user's cache folder (`$XDG_CACHE_HOME/reportkit`), and
copied for each process.

Each process is given reportkit's fontconfig file (see `reportkit.fonts`), so the official
fonts that are missing are set in free Simplified Chinese faces, role by role. PDFs are written
into a private temporary folder and then moved into place: a failed conversion leaves no partial
file. soffice exits 0 even when a conversion fails, so every PDF is checked for.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from reportkit.errors import OutputError, Problem

_CANDIDATES = {
    "win32": [
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    ],
    "darwin": ["/Applications/LibreOffice.app/Contents/MacOS/soffice"],
}

Standard = Literal["pdfa-2b", "none"]
STANDARDS: tuple[Standard, ...] = ("pdfa-2b", "none")
# LibreOffice's PDF export options (writer_pdf_Export), as --convert-to takes them since 7.4.
# SelectPdfVersion 2 is PDF/A-2b: every font embedded, XMP metadata with pdfaid part 2, B.
_FILTER_OPTIONS: dict[Standard, dict[str, dict[str, object]]] = {
    "pdfa-2b": {"SelectPdfVersion": {"type": "long", "value": "2"}},
    "none": {},
}
MAX_SHARE = 40  # files a process converts before it is started afresh
POLL = 0.05  # seconds between looks at a running process


def find_soffice() -> str | None:
    """Return the LibreOffice executable: on PATH, or at its usual Windows or macOS place."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _CANDIDATES.get(sys.platform, []):
        if Path(candidate).is_file():
            return candidate
    return None


def default_workers() -> int:
    """Return how many LibreOffice processes convert at once by default: one per core."""
    return max(1, os.cpu_count() or 1)


@dataclass
class _Run:
    """The state of one conversion: the queue of files, and what became of each."""

    work: Path
    exe: str
    env: dict[str, str]
    target: str
    timeout: float
    queue: deque[Path]
    share: int
    copies: dict[Path, Path]  # the copy LibreOffice is given → the user's document
    profile: Path | None = None  # a ready profile to copy for each process
    lock: threading.Lock = field(default_factory=threading.Lock)
    made: dict[Path, Path] = field(default_factory=dict)
    failed: dict[Path, str] = field(default_factory=dict)
    retried: set[Path] = field(default_factory=set)
    stopping: bool = False

    def take(self) -> list[Path]:
        with self.lock:
            if self.stopping:
                return []
            count = min(self.share, len(self.queue))
            return [self.queue.popleft() for _ in range(count)]


def convert(
    documents: Sequence[Path],
    outdir: Path | None = None,
    timeout: float = 120,
    *,
    standard: Standard = "pdfa-2b",
    workers: int | None = None,
    on_done: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Return the PDFs made from `documents` (beside each, or in `outdir`), in their order.

    `standard` is "pdfa-2b" (the archive's PDF/A-2b) or "none" (plain PDF); `workers` is the
    number of LibreOffice processes (default: one per core); `timeout` is how long a process may
    work on one file. Raises `OutputError` naming every file that could not be converted; the
    PDFs of the others are written all the same."""
    if not documents:
        return []
    if standard not in _FILTER_OPTIONS:
        raise ValueError(f"unknown PDF standard {standard!r}; expected one of {STANDARDS}")
    exe = find_soffice()
    if exe is None:
        raise OutputError(Problem("soffice_missing"))
    count = max(1, min(workers or default_workers(), len(documents)))
    options = _FILTER_OPTIONS[standard]
    target = "pdf" + (f":writer_pdf_Export:{json.dumps(options)}" if options else "")
    with tempfile.TemporaryDirectory(prefix="reportkit-pdf-") as temp:
        work = Path(temp)
        from reportkit.fonts import write_fontconfig  # when converting, not when the CLI starts

        env = {**os.environ, "HOME": temp, **write_fontconfig(work)}
        copies = {_staged(doc, work / "in" / str(n)): doc for n, doc in enumerate(documents)}
        run = _Run(
            work=work,
            exe=exe,
            env=env,
            target=target,
            timeout=timeout,
            queue=deque(copies),
            share=min(MAX_SHARE, math.ceil(len(documents) / count)),
            copies=copies,
            profile=_ready_profile(exe, env),
        )
        threads = [
            threading.Thread(target=_worker, args=(run, n, on_done), daemon=True)
            for n in range(count)
        ]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.2)
        except BaseException:
            run.stopping = True  # interrupted: the workers end their processes
            for thread in threads:
                thread.join()
            raise
        results: list[Path] = []
        missing = []
        for copy, doc in copies.items():
            made = run.made.get(copy)
            if made is None:
                detail = run.failed.get(copy, doc.name)
                missing.append(Problem("pdf_failed", {"detail": detail}, file=str(doc)))
                continue
            target_path = (outdir or doc.parent) / (doc.stem + ".pdf")
            partial = target_path.with_suffix(".pdf.tmp")
            shutil.move(str(made), str(partial))
            os.replace(partial, target_path)
            results.append(target_path)
        if missing:
            raise OutputError(missing)
        return results


def _ready_profile(exe: str, env: dict[str, str]) -> Path | None:
    """Return a LibreOffice profile made for `exe` by an earlier run (cached), or make one now;
    None where none can be made (the processes then make their own)."""
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    stat = os.stat(exe)
    key = hashlib.sha256(f"{Path(exe).resolve()}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    cached = Path(home) / "reportkit" / f"libreoffice-profile-{key.hexdigest()[:16]}"
    if (cached / "user" / "registrymodifications.xcu").is_file():
        return cached
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".profile-", dir=cached.parent) as temp:
            made = Path(temp) / "profile"
            start = ["--headless", "--norestore", "--terminate_after_init"]
            subprocess.run(
                [exe, f"-env:UserInstallation={made.as_uri()}", *start],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=120,
                env=env,
                check=False,
            )
            if not (made / "user" / "registrymodifications.xcu").is_file():
                return None
            with contextlib.suppress(OSError):  # another run may have made it meanwhile
                os.replace(made, cached)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return cached if cached.is_dir() else None


def _staged(doc: Path, folder: Path) -> Path:
    """Return a copy of `doc` in a folder of its own (same name): documents of one name from
    different folders convert side by side, and LibreOffice never writes beside the user's."""
    folder.mkdir(parents=True)
    copy = folder / doc.name
    shutil.copyfile(doc, copy)
    return copy


def _worker(run: _Run, number: int, on_done: Callable[[Path], None] | None) -> None:
    """Convert shares from the queue in LibreOffice processes that use profile `number`."""
    folder = run.work / f"profile-{number}"
    if run.profile is not None:
        with contextlib.suppress(OSError):
            shutil.copytree(run.profile, folder)
    profile = folder.as_uri()
    while share := run.take():
        pending = list(share)
        while pending and not run.stopping:
            outdir = run.work / f"out-{number}"
            outdir.mkdir(exist_ok=True)
            problem = _soffice(run, profile, pending, outdir, on_done)
            pending = [doc for doc in pending if doc not in run.made]
            if not pending:
                break
            if problem is None:  # the process ended normally but left files unconverted
                for doc in pending:
                    run.failed[doc] = f"{doc.name}: LibreOffice made no PDF"
                break
            # the process died or hung on the first file it did not finish: retry it once
            culprit = pending[0]
            if culprit in run.retried:
                run.failed[culprit] = f"{culprit.name}: {problem}"
                pending = pending[1:]
            else:
                run.retried.add(culprit)


def _soffice(
    run: _Run,
    profile: str,
    documents: list[Path],
    outdir: Path,
    on_done: Callable[[Path], None] | None,
) -> str | None:
    """Run one LibreOffice process over `documents`; record each PDF as it is completed.
    Return None when the process ended by itself, else why it ended or was stopped."""
    command = [
        run.exe,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        "--nologo",
        "--convert-to",
        run.target,
        "--outdir",
        str(outdir),
        *[str(d) for d in documents],
    ]
    expected = {outdir / (doc.stem + ".pdf"): doc for doc in documents}
    # a file of the same name from an earlier process would look converted
    for old in expected:
        old.unlink(missing_ok=True)
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=run.env,
            start_new_session=True,  # so a hung LibreOffice can be ended with its children
        )
    except OSError as exc:
        return str(exc)
    progress = time.monotonic()
    try:
        while True:
            ended = process.poll() is not None
            # LibreOffice writes each PDF in place: it is done when it ends with its trailer
            for pdf, doc in expected.items():
                if doc not in run.made and _complete(pdf):
                    _record(run, doc, pdf, on_done)
                    progress = time.monotonic()
            if ended:
                return None if process.returncode == 0 else f"exit {process.returncode}"
            if run.stopping:
                return "interrupted"
            if time.monotonic() - progress > run.timeout:
                return f"no progress in {run.timeout:g} s"
            time.sleep(POLL)
    finally:
        if process.poll() is None:
            _end(process)


def _complete(pdf: Path) -> bool:
    """Return whether `pdf` is a whole PDF file: its last bytes hold the %%EOF marker."""
    try:
        with pdf.open("rb") as file:
            file.seek(0, os.SEEK_END)
            size = file.tell()
            file.seek(max(0, size - 64))
            return size > 0 and b"%%EOF" in file.read()
    except OSError:
        return False


def _record(run: _Run, doc: Path, pdf: Path, on_done: Callable[[Path], None] | None) -> None:
    with run.lock:
        run.made[doc] = pdf
        run.failed.pop(doc, None)
    if on_done is not None:
        on_done(doc)


def _end(process: subprocess.Popen[bytes]) -> None:
    """End a LibreOffice process and the processes it started."""
    with contextlib.suppress(OSError):
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # Windows
            process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)

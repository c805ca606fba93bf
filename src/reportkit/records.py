"""What a batch knows of its earlier runs into an output folder: one record per agency.

A record says which inputs (their digest) made the agency's report, and the report's own hash
and size (and its PDF's, with the hash of the .docx the PDF was made from). Each record is its
own small file, written atomically right after the report it describes, and removed before that
report is replaced: whatever stops a run (kill -9, Ctrl-C, a crash, a full disk), a record never
vouches for a file it did not see written. A report is trusted as 「未变化」 only when its record's
digest matches today's inputs and the file on disk still has the recorded hash and size.

`FolderLock` keeps two batches from writing into one output folder at once: the second is refused
with the first one's process id, and a lock left by a killed run is released with its process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from reportkit.errors import OutputError, Problem
from reportkit.output import make_folder, write

RECORDS = ".reportkit-batch"  # the folder of records, inside the output folder
LOCK = ".reportkit-batch.lock"
OLD_MANIFEST = ".reportkit-batch.json"  # reportkit 0.1's single manifest, written at the end
RUN = "run.json"  # the last whole run's inputs and findings (an agency's record ends .toml.json)


def file_digest(path: Path) -> tuple[str, int] | None:
    """Return the SHA-256 and size of the file at `path` (None if there is none)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest(), len(data)


@dataclass
class Record:
    """An agency's report as the batch wrote it: inputs' digest, output's hash and size."""

    data: str  # the agency's data file name (the record's key)
    digest: str  # hash of every input
    output: str  # the report's file name
    sha256: str
    size: int
    # what was made from the report, by kind (pdf, html, png): name, sha256, size, the hash of
    # the report it was made from (source), and how (variant: the PDF standard)
    derived: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # cached by later stages (signatures)

    def holds(self, out_dir: Path) -> bool:
        """True when the report on disk is exactly the one this record describes."""
        return file_digest(out_dir / self.output) == (self.sha256, self.size)

    def derive(self, kind: str, path: Path, variant: str = "") -> None:
        """Note that `path` was just made from this record's report."""
        found = file_digest(path)
        if found is not None:
            self.derived[kind] = {
                "name": path.name,
                "sha256": found[0],
                "size": found[1],
                "source": self.sha256,
                "variant": variant,
            }

    def derived_holds(self, kind: str, out_dir: Path, variant: str | None = None) -> bool:
        """True when the file of `kind` on disk was made from this record's report (in
        `variant`, when given) and is whole."""
        made = self.derived.get(kind)
        if not made or made.get("source") != self.sha256:
            return False
        if variant is not None and made.get("variant") != variant:
            return False
        return file_digest(out_dir / made["name"]) == (made["sha256"], made["size"])


class Records:
    """The records of one output folder."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.folder = out_dir / RECORDS

    def _path(self, data_name: str) -> Path:
        # a data file's bare name is safe as a file name (it is one); the suffix marks ours
        return self.folder / f"{data_name}.json"

    def get(self, data_name: str) -> Record | None:
        """Return the record of the agency whose data file is `data_name`, if readable."""
        try:
            raw = json.loads(self._path(data_name).read_text(encoding="utf-8"))
            return Record(**raw)
        except (OSError, ValueError, TypeError):
            return None

    def drop(self, data_name: str) -> None:
        """Remove the agency's record (before its report is replaced or removed)."""
        with contextlib.suppress(FileNotFoundError):
            self._path(data_name).unlink()

    def put(self, record: Record) -> None:
        """Write the agency's record, atomically."""
        make_folder(self.folder)
        text = json.dumps(record.__dict__, ensure_ascii=False, sort_keys=True)
        write(text.encode("utf-8"), self._path(record.data))

    def written(self, data_name: str, digest: str, output: Path, **extra: Any) -> Record:
        """Record the report just written to `output` for the agency, and return the record."""
        found = file_digest(output)
        if found is None:
            raise OutputError(Problem("output_failed", {"reason": "missing"}, file=str(output)))
        record = Record(data_name, digest, output.name, found[0], found[1], extra=extra)
        self.put(record)
        return record

    def run(self) -> dict[str, Any] | None:
        """Return the record of the last whole run (see `batch`), if there is a readable one."""
        try:
            raw = json.loads((self.folder / RUN).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return raw if isinstance(raw, dict) else None

    def put_run(self, run: dict[str, Any]) -> None:
        """Write the record of the run that just ended, atomically."""
        make_folder(self.folder)
        write(json.dumps(run, ensure_ascii=False).encode("utf-8"), self.folder / RUN)

    def drop_run(self) -> None:
        """Remove the record of the last run (before a run changes anything)."""
        with contextlib.suppress(FileNotFoundError):
            (self.folder / RUN).unlink()

    def forget_old_manifest(self) -> None:
        """Remove reportkit 0.1's manifest: written only at the end of a run, it cannot be
        trusted (its reports are rendered again once)."""
        with contextlib.suppress(FileNotFoundError):
            (self.out_dir / OLD_MANIFEST).unlink()


class FolderLock:
    """An exclusive lock on an output folder for the length of a batch (a context manager).

    The lock is the operating system's lock on an open file, so it goes away with the process
    that holds it, however that process ends; the file itself names the holder for the message.
    """

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / LOCK
        self.file: IO[str] | None = None

    def __enter__(self) -> FolderLock:
        make_folder(self.path.parent)
        try:
            self.file = open(self.path, "a+", encoding="utf-8")  # held open: the lock lives on it
        except OSError as exc:
            raise OutputError(
                Problem("output_failed", {"reason": exc.strerror or str(exc)}, file=str(self.path))
            ) from exc
        if not _try_lock(self.file):
            self.file.seek(0)
            holder = self.file.read().strip() or "?"
            self.file.close()
            self.file = None
            raise OutputError(
                Problem("batch_locked", {"holder": holder}, file=str(self.path.parent))
            )
        self.file.seek(0)
        self.file.truncate()
        self.file.write(f"{socket.gethostname()} {os.getpid()}")
        self.file.flush()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.file is not None:
            with contextlib.suppress(OSError):
                self.file.seek(0)
                self.file.truncate()
            self.file.close()
            self.file = None


def _try_lock(file: IO[str]) -> bool:
    """Take the lock on `file` without waiting; False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True

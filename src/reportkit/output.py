"""Stage 5 (write): put bytes in a file atomically, so a failed run never leaves half a file.

The bytes go to a temporary file in the target folder, which is then renamed over the target:
the old file stays whole until the new one is complete, and a failure (an interrupt included)
removes the temporary file. A run killed outright leaves it behind; the next write of the same
file, or the next batch into the folder, removes it, but only once its owner is gone: the
temporary file's name holds the host and process that write it, and another process's file is
left alone while that process lives (or, from another machine on a shared drive, for a day).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import tempfile
import time
from pathlib import Path

from reportkit.errors import OutputError, Problem

TEMP_SUFFIX = ".reportkit.tmp"
STALE_AFTER = 24 * 3600  # seconds after which another machine's temporary file is abandoned
_HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"


def _stem(name: str) -> str:
    """Return the part of a file's name its temporary files carry: the name, cut short so that
    a name near the file system's limit still has room for the temporary suffix."""
    return name.encode("utf-8")[:120].decode("utf-8", "ignore")


def remove_leftovers(folder: Path, name: str = "*") -> list[Path]:
    """Remove the temporary files killed runs left in `folder` (for the file `name`, or all);
    those of a process still writing are left alone."""
    removed: list[Path] = []
    prefix = "." if name == "*" else f".{_stem(name)}."
    try:  # names compared as text: a folder of thousands of reports is scanned at each write
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(TEMP_SUFFIX)]
    except OSError:
        return removed
    for leftover in (folder / n for n in names):
        if _owner_alive(leftover):
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed.append(leftover)
    return removed


def _owner_alive(temp: Path) -> bool:
    """True when the process that writes the temporary file `temp` may still be at it."""
    match = re.search(
        r"\.(?P<host>[A-Za-z0-9-]+)~(?P<pid>\d+)~[^.]*" + re.escape(TEMP_SUFFIX) + "$", temp.name
    )
    if match is None:  # an older name, without its owner: only a stale one is removed
        return _younger_than(temp, STALE_AFTER)
    if match.group("host") != _HOST:
        return _younger_than(temp, STALE_AFTER)
    pid = int(match.group("pid"))
    if pid == os.getpid():
        return False  # ours, from an earlier write that failed
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _younger_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime < seconds
    except OSError:
        return False


def make_folder(folder: Path) -> Path:
    """Return `folder`, made (with its parents) if missing; raise `OutputError` when a file
    stands in its way or it cannot be made."""
    if folder.is_dir():
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        blocker = next(
            (p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder
        )
        raise OutputError(Problem("output_is_file", file=str(blocker))) from exc
    except OSError as exc:
        raise OutputError(
            Problem("output_failed", {"reason": exc.strerror or str(exc)}, file=str(folder))
        ) from exc
    return folder


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write(data: bytes, path: Path | str) -> Path:
    """Return `path` after writing `data` to it atomically; raise `OutputError` on failure."""
    target = Path(path)
    if os.path.isdir(target):
        raise OutputError(Problem("output_is_dir", file=str(target)))
    folder = target.parent
    make_folder(folder)
    remove_leftovers(folder, target.name)
    temp = None
    try:
        owner = f".{_stem(target.name)}.{_HOST}~{os.getpid()}~"
        fd, name = tempfile.mkstemp(prefix=owner, suffix=TEMP_SUFFIX, dir=folder)
        temp = Path(name)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private (0600); give it the mode a new file gets, or the
        # mode of the file it replaces, so colleagues on a shared drive can open it
        os.chmod(
            temp, target.stat().st_mode & 0o777 if os.path.exists(target) else _new_file_mode()
        )
        os.replace(temp, target)
        temp = None
    except OSError as exc:
        raise OutputError(
            Problem("output_failed", {"reason": exc.strerror or str(exc)}, file=str(target))
        ) from exc
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink()
    return target


# A spreadsheet reads a cell that starts with one of these as a formula (or a DDE command): text
# from a data file (an agency's name) must never become one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> object:
    """Return a CSV cell that Excel and WPS show as the text it is: text that would start a
    formula gets a leading ' (which they hide); numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def from_csv_text(value: str) -> str:
    """Return the text `csv_text` made a cell of: the leading ' it added taken off again."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value

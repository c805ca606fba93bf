"""Stage 5 (write): put bytes in a file atomically, so a failed run never leaves half a file.

The bytes go to a temporary file in the target folder, which is then renamed over the target:
the old file stays whole until the new one is complete, and a failure (an interrupt included)
removes the temporary file. A run killed outright leaves it behind; the next write of the same
file, or the next batch into the folder, removes it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from reportkit.errors import OutputError, Problem

TEMP_SUFFIX = ".reportkit.tmp"


def remove_leftovers(folder: Path, name: str = "*") -> list[Path]:
    """Remove the temporary files a killed run left in `folder` (for the file `name`, or all)."""
    removed = []
    for leftover in folder.glob(f".{name}.*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed.append(leftover)
    return removed


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
    if target.is_dir():
        raise OutputError(Problem("output_is_dir", file=str(target)))
    folder = target.parent
    make_folder(folder)
    remove_leftovers(folder, target.name)
    temp = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
        temp = Path(name)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private (0600); give it the mode a new file gets, or the
        # mode of the file it replaces, so colleagues on a shared drive can open it
        os.chmod(temp, target.stat().st_mode & 0o777 if target.exists() else _new_file_mode())
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

"""Stage 5 (write): put bytes in a file atomically, so a failed run never leaves half a file.

The bytes go to a temporary file in the target folder, which is then renamed over the target:
the old file stays whole until the new one is complete, and a failure removes the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from reportkit.errors import OutputError, Problem


def write(data: bytes, path: Path | str) -> Path:
    """Return `path` after writing `data` to it atomically; raise `OutputError` on failure."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(Problem("output_is_dir", file=str(target)))
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(Problem("output_dir_missing", file=str(target)))
    temp = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        temp = Path(name)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
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

"""Zip archives from users (templates, Word reports, workbooks), measured before anything
unpacks them: a zip bomb of a few hundred kilobytes would otherwise take gigabytes of memory in
an XML tree. Each reader turns what it measures into its own problem."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# What a Word document's zip may hold: far more than any report or template does.
MAX_ENTRIES = 2000
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200  # unpacked size over packed size, of any one member


@dataclass(frozen=True)
class Archive:
    """What a zip holds, from its directory alone (nothing unpacked)."""

    names: frozenset[str]
    entries: int
    unpacked: int  # bytes, all members together
    ratio: float  # the highest of its members' unpacked size over packed size

    def too_large(self) -> bool:
        """True when it would unpack past any Word document's limits above."""
        return self.entries > MAX_ENTRIES or self.unpacked > MAX_UNPACKED or self.ratio > MAX_RATIO


def measure(file: Path | IO[bytes]) -> Archive:
    """Return what the zip `file` holds; raise `zipfile.BadZipFile` or `OSError` when it is not
    a readable zip."""
    with zipfile.ZipFile(file) as archive:
        entries = archive.infolist()
    return Archive(
        names=frozenset(e.filename for e in entries),
        entries=len(entries),
        unpacked=sum(e.file_size for e in entries),
        ratio=max((e.file_size / max(e.compress_size, 1) for e in entries), default=0),
    )

"""Stage 5d (preview): page-1 images of converted reports, for a county's review table.

Each image is made by poppler's `pdftoppm` beside its PDF (same name, `.png`), written to a
temporary name first and renamed, so a failed run leaves no partial image.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from reportkit.errors import OutputError, Problem

RESOLUTION = 60  # dots per inch: an A4 page of 496 × 702 pixels, readable in a table


def previews(pdfs: Sequence[Path], resolution: int = RESOLUTION) -> dict[Path, Path]:
    """Return each PDF's page-1 PNG (written beside it); raise `OutputError` naming every PDF
    that could not be drawn, after drawing the others."""
    if not pdfs:
        return {}
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise OutputError(Problem("pdftoppm_missing"))
    made: dict[Path, Path] = {}
    problems = []
    for pdf in pdfs:
        target = pdf.with_suffix(".png")
        options = ["-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile"]
        with tempfile.TemporaryDirectory(prefix=".reportkit-png-", dir=pdf.parent) as temp:
            prefix = Path(temp) / "page"
            try:
                done = subprocess.run(
                    [exe, *options, str(pdf), str(prefix)],
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=False,
                )
                detail = done.stderr.strip() or f"exit {done.returncode}"
            except (OSError, subprocess.TimeoutExpired) as exc:
                detail = str(exc)
            image = prefix.with_suffix(".png")
            if not image.is_file():
                problems.append(Problem("preview_failed", {"detail": detail}, file=str(pdf)))
                continue
            os.replace(image, target)
            made[pdf] = target
    if problems:
        raise OutputError(problems)
    return made

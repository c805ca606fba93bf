"""Stage 5b (pdf): convert rendered .docx files to PDF with LibreOffice, all in one start.

LibreOffice's start-up costs about a second, so a batch is converted by one `soffice` run. It
writes into a private temporary folder (its own user profile too, so a running LibreOffice is
not disturbed) and each PDF is then moved into place, so a failed conversion leaves no partial
file. soffice exits 0 even when a conversion fails, so every PDF is checked for.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from reportkit.errors import OutputError, Problem

_CANDIDATES = {
    "win32": [
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    ],
    "darwin": ["/Applications/LibreOffice.app/Contents/MacOS/soffice"],
}


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


def convert(
    documents: Sequence[Path], outdir: Path | None = None, timeout: float = 600
) -> list[Path]:
    """Return the PDFs made from `documents` (beside each, or in `outdir`) by one soffice run."""
    if not documents:
        return []
    exe = find_soffice()
    if exe is None:
        raise OutputError(Problem("soffice_missing"))
    with tempfile.TemporaryDirectory(prefix="reportkit-pdf-") as temp:
        work = Path(temp)
        profile = (work / "profile").as_uri()
        command = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            *[str(d) for d in documents],
        ]
        try:
            subprocess.run(
                command,
                capture_output=True,
                timeout=timeout,
                check=False,
                env={**os.environ, "HOME": temp},
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise OutputError(Problem("pdf_failed", {"detail": str(exc)})) from exc
        results = []
        missing = []
        for doc in documents:
            made = work / "out" / (doc.stem + ".pdf")
            if not made.is_file() or made.stat().st_size == 0:
                missing.append(Problem("pdf_failed", {"detail": doc.name}, file=str(doc)))
                continue
            target = (outdir or doc.parent) / made.name
            shutil.move(str(made), str(target.with_suffix(".pdf.tmp")))
            os.replace(target.with_suffix(".pdf.tmp"), target)
            results.append(target)
        if missing:
            raise OutputError(missing)
        return results

"""Test helpers: a text projection of a .docx and LibreOffice conversion."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
DATA = Path(__file__).resolve().parent / "data"


def xml_part(docx: bytes | Path | str, name: str = "word/document.xml") -> etree._Element:
    data = docx if isinstance(docx, bytes) else Path(docx).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def paragraph_text(p: etree._Element) -> str:
    out = []
    for el in p.iter(f"{W}t", f"{W}br", f"{W}tab"):
        if el.tag == f"{W}t":
            out.append(el.text or "")
        elif el.tag == f"{W}br":
            out.append("\n")
        else:
            out.append("\t")
    return "".join(out)


def projection(docx: bytes | Path | str) -> list[str]:
    """Return the document as text: paragraphs in order, then table cells row by row, each
    merged cell once (a vertically merged cell where its merge starts)."""
    body = xml_part(docx).find(f"{W}body")
    lines: list[str] = []
    for child in body:
        if child.tag == f"{W}p":
            text = paragraph_text(child)
            if text.strip():
                lines.append(text)
        elif child.tag == f"{W}tbl":
            for row in child.iter(f"{W}tr"):
                for cell in row.findall(f"{W}tc"):
                    vmerge = cell.find(f"{W}tcPr/{W}vMerge")
                    if vmerge is not None and vmerge.get(f"{W}val") != "restart":
                        continue
                    lines.append("\n".join(paragraph_text(p) for p in cell.findall(f"{W}p")))
    return lines


def normalise(text: str) -> str:
    """NFKC with all whitespace removed: how the seed is compared."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice (soffice) is required: .ci/run installs libreoffice-writer-nogui"
    return found


def to_pdf(docx: Path, outdir: Path) -> Path:
    """Convert with LibreOffice headless in a private profile; return the PDF, asserting it exists."""
    profile = outdir / "lo-profile"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(outdir)},
    )
    pdf = outdir / (docx.stem + ".pdf")
    assert pdf.is_file() and pdf.stat().st_size > 0, f"LibreOffice wrote no PDF for {docx}"
    return pdf


def pdf_text(pdf: Path) -> str:
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext is required: .ci/run installs poppler-utils"
    return subprocess.run(
        [exe, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `python -m reportkit ARGS` as a user would; return what it did."""
    return subprocess.run(
        [sys.executable, "-m", "reportkit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )

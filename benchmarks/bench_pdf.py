"""PDF conversion speed: one LibreOffice start per file, one process, N processes, same run.

Run by hand (not part of the test suite), from the repository root:

    python benchmarks/bench_pdf.py              # 30 reports, 2 processes (this machine's cores)
    python benchmarks/bench_pdf.py -n 60 -j 4

It renders N reports (the fixture county's towns, renamed, with varied figures), then converts
them, each way in a fresh temporary folder so that no way reuses another's LibreOffice profile:
  (a) one soffice start per file, one after another (what converting by hand amounts to);
  (b) reportkit.pdf.convert(..., workers=1): every file in one LibreOffice process;
  (c) reportkit.pdf.convert(..., workers=N): N processes, each with its own profile, one queue;
and prints the wall time, milliseconds per report, and the ratios against (a) and (b). PDF/A-2b
(the default) is used throughout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_render import make_county  # noqa: E402

import reportkit  # noqa: E402
from reportkit.fonts import write_fontconfig  # noqa: E402
from reportkit.pdf import _FILTER_OPTIONS, convert, default_workers, find_soffice  # noqa: E402


def render_all(folder: Path, n: int) -> list[Path]:
    county = folder / "county"
    county.mkdir()
    files = make_county(county, n)
    out = folder / "docx"
    out.mkdir()
    return [reportkit.render(f, out / f"{f.stem}.docx").output for f in files]


def copies(docs: list[Path], folder: Path) -> list[Path]:
    folder.mkdir()
    made = []
    for doc in docs:
        target = folder / doc.name
        shutil.copy(doc, target)
        made.append(target)
    return made


def one_start_per_file(docs: list[Path], folder: Path) -> float:
    """(a): soffice --convert-to once per file, with the same fonts and PDF/A options."""
    exe = find_soffice()
    assert exe

    target = "pdf:writer_pdf_Export:" + json.dumps(_FILTER_OPTIONS["pdfa-2b"])
    folder.mkdir()
    env = {**os.environ, "HOME": str(folder), **write_fontconfig(folder)}
    profile = (folder / "profile").as_uri()
    start = time.perf_counter()
    for doc in docs:
        options = ["--headless", "--norestore", "--convert-to", target, "--outdir"]
        subprocess.run(
            [exe, f"-env:UserInstallation={profile}", *options, str(folder / "out"), str(doc)],
            capture_output=True,
            check=True,
            env=env,
        )
    elapsed = time.perf_counter() - start
    assert len(list((folder / "out").glob("*.pdf"))) == len(docs)
    return elapsed


def timed_convert(docs: list[Path], workers: int) -> float:
    start = time.perf_counter()
    made = convert(docs, workers=workers)
    elapsed = time.perf_counter() - start
    assert len(made) == len(docs)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="reports to convert (default 30)")
    parser.add_argument(
        "-j", type=int, default=default_workers(), help="processes for (c) (default: cores)"
    )
    parser.add_argument(
        "--per-file", type=int, default=8, help="files for (a), which is slow (default 8)"
    )
    args = parser.parse_args()
    if find_soffice() is None:
        sys.exit("LibreOffice (soffice) is required")
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{subprocess.run([find_soffice() or 'soffice', '--version'], capture_output=True, text=True).stdout.strip()}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as temp:
        folder = Path(temp)
        docs = render_all(folder, args.n)
        per_file_docs = docs[: args.per_file]
        a = one_start_per_file(per_file_docs, folder / "a") / len(per_file_docs)
        b = timed_convert(copies(docs, folder / "b"), 1) / len(docs)
        c = timed_convert(copies(docs, folder / "c"), args.j) / len(docs)
    print(f"N = {args.n} reports (a: the first {len(per_file_docs)})")
    print(f"{'way':<44}{'ms/report':>10}{'vs (a)':>9}{'vs (b)':>9}")
    print(f"{'(a) one soffice start per file':<44}{a * 1000:>10.1f}{1:>9.2f}{'':>9}")
    print(f"{'(b) one process (workers=1)':<44}{b * 1000:>10.1f}{a / b:>9.2f}{1:>9.2f}")
    print(
        f"{f'(c) {args.j} processes (workers={args.j})':<44}{c * 1000:>10.1f}{a / c:>9.2f}{b / c:>9.2f}"
    )


if __name__ == "__main__":
    main()

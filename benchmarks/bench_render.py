"""Rendering speed and memory, measured against docxtpl's documented use in the same run.

Run by hand (not part of the test suite), from the repository root:

    python benchmarks/bench_render.py            # N = 40 reports, 8 for the PDF comparison
    python benchmarks/bench_render.py -n 100 --pdf-files 10

It builds a county folder of N towns with varied figures (from fixtures/mouding-2022) and times:
  (a) docxtpl's documented use per report: DocxTemplate(path), render(context, jinja_env), save()
  (b) reportkit's engine in one process (template read, preprocessed and compiled once)
  (c) `reportkit batch -j 2` over the folder, as a county office runs it (a fresh process:
      start-up, checks and writing files included)
  (d) PDF conversion of the batch in one soffice start, against one soffice start per file
and prints milliseconds per report and the ratios a/b and d. Peak memory (max RSS) of the engine
is measured in separate processes for N = 100 and N = 1000.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from docxtpl import DocxTemplate  # noqa: E402

from reportkit import load, narrate  # noqa: E402
from reportkit.context import variables  # noqa: E402
from reportkit.jinjaenv import environment  # noqa: E402
from reportkit.pdf import find_soffice  # noqa: E402
from reportkit.renderer import _escaped, default_template, document  # noqa: E402

COUNTY = REPO / "fixtures" / "mouding-2022"
VALID = ["anle", "fengtun", "gonghe", "jiangpo", "panmao", "xinqiao"]


def make_county(folder: Path, n: int) -> list[Path]:
    """Write a county folder of `n` towns, each a fixture town renamed, with its own figures."""
    shutil.copy(COUNTY / "county.toml", folder / "county.toml")
    files = []
    for i in range(n):
        base = VALID[i % len(VALID)]
        text = (COUNTY / f"{base}.toml").read_text(encoding="utf-8")
        text = re.sub(
            r'^name = ".*"$', f'name = "示例{i:04d}镇人民政府"', text, count=1, flags=re.M
        )
        text = re.sub(r"^licensing = \d+", f"licensing = {100 + i}", text, count=1, flags=re.M)
        path = folder / f"town{i:04d}.toml"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def per_report(seconds: float, n: int) -> float:
    return seconds / n * 1000


def bench_docxtpl(contexts: list[dict], template: Path) -> float:
    env = environment(autoescape=True)
    start = time.perf_counter()
    for context in contexts:
        doc = DocxTemplate(str(template))
        doc.render(context, jinja_env=env)
        doc.save(io.BytesIO())
    return time.perf_counter() - start


def bench_engine(reports: list, narratives: list) -> float:
    start = time.perf_counter()
    for report, narrative in zip(reports, narratives, strict=True):
        document(report, narrative)
    return time.perf_counter() - start


def bench_batch(folder: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "reportkit",
            "batch",
            str(folder),
            "-o",
            str(out),
            "-j",
            "2",
            "--rebuild",
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def bench_pdf(docs: list[Path], work: Path) -> tuple[float, float]:
    soffice = find_soffice()
    if soffice is None:
        raise SystemExit("LibreOffice is needed for (d)")

    def convert(files: list[Path], outdir: Path) -> None:
        profile = (work / "profile").as_uri()
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
        )

    convert(docs[:1], work / "warm")  # the first start creates the profile: not counted
    start = time.perf_counter()
    convert(docs, work / "one")
    one = time.perf_counter() - start
    start = time.perf_counter()
    for doc in docs:
        convert([doc], work / "each")
    each = time.perf_counter() - start
    assert len(list((work / "one").glob("*.pdf"))) == len(docs)
    return one, each


def memory(n: int) -> int:
    """Peak RSS (KiB) of a fresh process rendering `n` reports with the engine."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(n)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def memory_child(n: int) -> None:
    with tempfile.TemporaryDirectory() as temp:
        files = make_county(Path(temp), min(n, 60))
        reports = [load(f) for f in files]
        narratives = [narrate(r) for r in reports]
        for i in range(n):
            document(reports[i % len(reports)], narratives[i % len(reports)])
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument("--pdf-files", type=int, default=8)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--memory-child", type=int)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    n = args.n
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f", {platform.platform()}"
    )
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        (work / "county").mkdir()
        files = make_county(work / "county", n)
        reports = [load(f) for f in files]
        narratives = [narrate(r) for r in reports]
        marks = [["示例数据"] if r.sample else [] for r in reports]
        contexts = [
            _escaped(variables(r, t, m)) for r, t, m in zip(reports, narratives, marks, strict=True)
        ]
        template = default_template()
        document(reports[0], narratives[0])  # the engine's one-off preparation, as in a worker
        a = per_report(bench_docxtpl(contexts, template), n)
        b = per_report(bench_engine(reports, narratives), n)
        (work / "out").mkdir()
        c = per_report(bench_batch(work / "county", work / "out"), n)
        print(f"(a) docxtpl, documented use      {a:8.1f} ms/report")
        print(f"(b) reportkit engine, one process {b:8.1f} ms/report   a/b = {a / b:.1f}x")
        print(f"(c) reportkit batch -j 2          {c:8.1f} ms/report   (N = {n}, whole command)")
        docs = sorted((work / "out").glob("*.docx"))[: args.pdf_files]
        one, each = bench_pdf(docs, work)
        k = len(docs)
        print(f"(d) PDF, one soffice start        {per_report(one, k):8.1f} ms/report")
        print(
            f"    PDF, one start per file       {per_report(each, k):8.1f} ms/report   "
            f"ratio = {each / one:.1f}x   ({k} files)"
        )
    if not args.no_memory:
        m100, m1000 = memory(100), memory(1000)
        print(
            f"peak memory, engine: N=100 {m100 / 1024:.1f} MiB, N=1000 {m1000 / 1024:.1f} MiB, "
            f"ratio {m1000 / m100:.2f}"
        )


if __name__ == "__main__":
    main()

"""A county of N agencies, stage by stage, against issue 15's targets and docxtpl, in one run.

Run by hand (not part of the test suite), from the repository root:

    python benchmarks/bench_county.py                    # N = 30, 1,000 and 5,000; 3 rounds
    python benchmarks/bench_county.py --sizes 30,1000 --rounds 5
    python benchmarks/bench_county.py --large-batches     # also `batch` of 5,000 (minutes)

It writes a synthetic county (tests/synthetic.py: seeded; varied figures, names, villages and
narrative; a deliberate near copy in about one agency of 40) and prints, each a median of the
rounds, with the load of the machine (`uptime`) before and after:

- for each N, in a fresh process: each stage's time (load: read and validate every data file;
  check: every rule; 雷同: the copy detection across agencies, from nothing; render: narrate
  and the engine, in one process; write: the files) and the process's peak memory; PDF for the
  smallest N;
- the whole `reportkit batch -j 2` for N = 30, 100, 1,000 (and the largest N), then again with
  nothing changed, and `batch --pdf` for 30;
- docxtpl's documented use (DocxTemplate, render, save) per report against the engine, and the
  ratio; `reportkit render FILE` and `reportkit check FILE`, start-up included; rule S on a
  paragraph of 56,000 characters also in last year's file.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO)]

from tests.synthetic import make_county  # noqa: E402

TARGETS = {  # issue 15
    "batch 30": 1.0,
    "batch 100": 1.5,
    "batch 1000": 5.0,
    "batch 1000 unchanged": 1.0,
    "batch --pdf 30": 5.0,
    "render FILE": 0.5,
    "check FILE": 0.3,
    "雷同 56,000 characters": 1.0,
}


def median(values: list[float]) -> float:
    return statistics.median(values)


def uptime() -> str:
    return Path("/proc/loadavg").read_text().split(" ")[:3].__str__()


def stages(n: int, pdf: bool) -> dict[str, float]:
    """Return each stage's seconds for a county of `n` (run in a fresh process) and its peak
    memory in MiB."""
    from reportkit import batch
    from reportkit.check import check
    from reportkit.load import SHARED, read
    from reportkit.narrate import narrate
    from reportkit.output import write
    from reportkit.renderer import document

    with tempfile.TemporaryDirectory(prefix="bench-county-") as temp:
        folder = Path(temp)
        county = make_county(folder / "county", n)
        times: dict[str, float] = {}
        start = time.perf_counter()
        reports = [read(f).report for f in county.files]
        times["load"] = time.perf_counter() - start
        start = time.perf_counter()
        for report in reports:
            assert report is not None
            check(report)
        times["check"] = time.perf_counter() - start
        agencies = [batch.Agency(f, report=r) for f, r in zip(county.files, reports, strict=True)]
        inherited = batch.shared_paragraphs(county.folder / SHARED)
        start = time.perf_counter()
        batch.similar_across(agencies, inherited)
        times["雷同"] = time.perf_counter() - start
        found = sum(p.code == "similar_agency" for a in agencies for p in a.problems)
        times["雷同 found"] = found
        out = folder / "out"
        out.mkdir()
        documents = []
        render = written = 0.0
        for agency in agencies:
            assert agency.report is not None
            start = time.perf_counter()
            body = document(agency.report, narrate(agency.report), marks=["示例数据"])
            render += time.perf_counter() - start
            start = time.perf_counter()
            documents.append(write(body, out / f"{agency.data.stem}.docx"))
            written += time.perf_counter() - start
        times["render"], times["write"] = render, written
        if pdf:
            from reportkit.pdf import convert

            start = time.perf_counter()
            convert(documents, workers=2)
            times["PDF"] = time.perf_counter() - start
    times["peak MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return times


def in_child(n: int, pdf: bool) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--stages-child", str(n), *(["--pdf"] if pdf else [])],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def command(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "reportkit", *args], check=False, capture_output=True, cwd=REPO
    )
    return time.perf_counter() - start


def batch_times(n: int, rounds: int, folder: Path, pdf: bool = False) -> tuple[float, float]:
    """Return the medians of a whole batch into a new folder, and of the same batch again."""
    county = make_county(folder / f"county{n}", n).folder
    first, again = [], []
    for r in range(rounds):
        out = folder / f"out{n}-{r}{'-pdf' if pdf else ''}"
        options = ["-j", "2", "-q", *(["--pdf"] if pdf else [])]
        first.append(command("batch", str(county), "-o", str(out), *options))
        again.append(command("batch", str(county), "-o", str(out), *options))
    return median(first), median(again)


def engine_against_docxtpl(rounds: int) -> tuple[float, float]:
    """Return docxtpl's documented use and the engine, ms per report (medians)."""
    from docxtpl import DocxTemplate

    import reportkit
    from reportkit.context import variables
    from reportkit.jinjaenv import environment
    from reportkit.renderer import _escaped, default_template, document

    report = reportkit.load(REPO / "fixtures" / "mouding-2022" / "jiangpo.toml")
    narrative = reportkit.narrate(report)
    context = _escaped(variables(report, narrative, []))
    env = environment(autoescape=True)
    document(report, narrative)  # the engine's one-off preparation, as in a worker

    def docxtpl() -> None:
        made = DocxTemplate(str(default_template()))
        made.render(context, jinja_env=env)
        made.save(io.BytesIO())

    def timed(run: object, times: int) -> float:
        values = []
        for _ in range(times):
            start = time.perf_counter()
            run()  # type: ignore[operator]
            values.append(time.perf_counter() - start)
        return median(values) * 1000

    a = timed(docxtpl, 5 * rounds)
    b = timed(lambda: document(report, narrative), 50 * rounds)
    return a, b


def yoy_56k(folder: Path) -> tuple[float, float]:
    """Return the seconds of `check` on a report whose 56,000-character paragraph is also, with
    one figure changed, in last year's file: the whole call (reading both files included), and
    rule S alone."""
    from reportkit.check import Years, check, rule_similar
    from reportkit.load import load

    rng = random.Random(56)
    chars = [chr(0x4E00 + i) for i in range(3000)]
    long = "".join(rng.choice(chars) for _ in range(56_000))
    seed = (REPO / "fixtures" / "huaian-2024.toml").read_text("utf-8")
    files = []
    for year, paragraph in ((2023, long), (2024, long[:30_000] + "7" + long[30_001:])):
        text = seed.replace("year = 2024", f"year = {year}").replace(
            "date = 2025-", f"date = {year + 1}-"
        )
        start = text.index("[part5]\ntext = [") + len("[part5]\ntext = [")
        path = folder / f"{year}.toml"
        path.write_text(text[:start] + f'\n  "{paragraph}",' + text[start:], "utf-8")
        files.append(path)
    start = time.perf_counter()
    problems = check(files[1], previous=files[0])
    whole = time.perf_counter() - start
    assert any(p.rule == "S" for p in problems)
    this, last = load(files[1]), load(files[0])
    start = time.perf_counter()
    found = list(rule_similar(Years(this, this, this, last)))
    alone = time.perf_counter() - start
    assert found
    return whole, alone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,1000,5000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stages-child", type=int)
    parser.add_argument("--pdf", action="store_true")
    parser.add_argument(
        "--large-batches", action="store_true", help="also the whole batch for N over 1,000"
    )
    args = parser.parse_args()
    if args.stages_child:
        print(json.dumps(stages(args.stages_child, args.pdf)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}; load before: {uptime()}"
    )
    results: dict[str, float] = {}
    print("\nstages, seconds (median of rounds; 5,000: one round), peak memory of the process")
    print(
        f"{'N':>6} {'load':>7} {'check':>7} {'雷同':>7} {'render':>7} {'write':>7} {'PDF':>7}"
        f" {'found':>6} {'peak MiB':>9}"
    )
    for n in sizes:
        rounds = [in_child(n, pdf=n == min(sizes)) for _ in range(1 if n >= 5000 else args.rounds)]
        row = {k: median([r[k] for r in rounds]) for k in rounds[0]}
        pdf = f"{row['PDF']:7.2f}" if "PDF" in row else f"{'':>7}"
        print(
            f"{n:>6} {row['load']:7.2f} {row['check']:7.2f} {row['雷同']:7.2f} "
            f"{row['render']:7.2f} {row['write']:7.2f} {pdf} {int(row['雷同 found']):>6} "
            f"{row['peak MiB']:9.1f}",
            flush=True,
        )
    a, b = engine_against_docxtpl(args.rounds)
    print(f"\ndocxtpl, documented use {a:7.1f} ms/report; engine {b:5.2f} ms/report: {a / b:.1f}x")
    with tempfile.TemporaryDirectory(prefix="bench-county-") as temp:
        folder = Path(temp)
        fixture = REPO / "fixtures" / "jiangpo-2022.toml"
        results["render FILE"] = median(
            [command("render", str(fixture), "-o", str(folder / "j.docx")) for _ in range(5)]
        )
        results["check FILE"] = median([command("check", str(fixture)) for _ in range(5)])
        yoy = [yoy_56k(folder) for _ in range(3)]
        results["雷同 56,000 characters"] = median([alone for _, alone in yoy])
        results["check, 56,000 characters"] = median([whole for whole, _ in yoy])
        for n in sorted({30, 100, 1000, *sizes}):
            rounds = 1 if n >= 5000 else args.rounds
            if n > 1000 and not args.large_batches:
                continue
            first, again = batch_times(n, rounds, folder)
            results[f"batch {n}"], results[f"batch {n} unchanged"] = first, again
            print(f"batch {n:>5}: {first:7.2f} s, again unchanged {again:6.2f} s", flush=True)
            shutil.rmtree(folder / f"county{n}", ignore_errors=True)
        results["batch --pdf 30"], _ = batch_times(30, args.rounds, folder, pdf=True)
    print("\ntarget                        measured   target   met")
    for name, value in results.items():
        target = TARGETS.get(name)
        met = "" if target is None else ("yes" if value <= target else "no")
        shown = f"≤ {target:g} s" if target is not None else ""
        print(f"{name:<28} {value:8.2f} s {shown:>8}   {met}")
    print(
        f"engine vs docxtpl             {a / b:8.1f} x    ≥ 20 x   {'yes' if a / b >= 20 else 'no'}"
    )
    print(f"load after: {uptime()}")


if __name__ == "__main__":
    main()

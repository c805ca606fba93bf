"""The batch under faults: killed runs, damaged outputs, concurrent runs, crashing agencies.

Each test makes the fault happen for real (kill -9, truncating a file, three processes at once)
and then checks what a county office relies on: a report called 「未变化」 is the one its inputs
make, and one agency's trouble is that agency's row, never the county's.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import reportkit
from reportkit import batch
from reportkit.records import Records
from tests.helpers import FIXTURES, projection, run_cli

COUNTY = FIXTURES / "mouding-2022"


@pytest.fixture
def county(tmp_path: Path) -> Path:
    folder = tmp_path / "mouding-2022"
    shutil.copytree(COUNTY, folder)
    return folder


def big_county(folder: Path, count: int) -> Path:
    """A county of `count` towns made from one fixture town, each of its own name."""
    folder.mkdir()
    shutil.copy(COUNTY / "county.toml", folder)
    base = (COUNTY / "gonghe.toml").read_text(encoding="utf-8")
    for i in range(count):
        (folder / f"t{i:03d}.toml").write_text(
            re.sub(r'^name = ".*"$', f'name = "测试{i:03d}镇人民政府"', base, count=1, flags=re.M),
            encoding="utf-8",
        )
    return folder


def statuses(result: batch.Result) -> dict[str, str]:
    return {a.data.name: a.status for a in result.agencies}


def start_batch(county: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "reportkit", "batch", str(county), "-o", str(out), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(condition: object, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)
    assert condition(), "timed out"  # type: ignore[operator]


# ---------------------------------------------------------------------------------------------
# Incremental state that cannot go stale


def test_kill_9_then_a_reverted_input_is_rendered_again(tmp_path: Path) -> None:
    county = big_county(tmp_path / "county", 40)
    out = tmp_path / "out"
    first = batch.run(county, out)
    assert set(statuses(first).values()) == {"rendered"}
    # t000 changes; the run that renders the change is killed after t000's report is replaced
    target = county / "t000.toml"
    original = target.read_text(encoding="utf-8")
    target.write_text(original.replace("penalties = 0", "penalties = 7"), encoding="utf-8")
    for other in sorted(county.glob("t0[1-3]*.toml")):  # more work after t000, so the kill lands
        other.write_text(
            other.read_text("utf-8").replace("coercion  = 0", "coercion  = 1"), "utf-8"
        )
    before = (out / "测试000镇人民政府.docx").stat().st_mtime_ns
    process = start_batch(county, out, "-j", "1")
    wait_for(lambda: (out / "测试000镇人民政府.docx").stat().st_mtime_ns != before)
    process.kill()
    process.communicate(timeout=60)
    # the clerk takes the change back: the interrupted run's report must not be kept
    target.write_text(original, encoding="utf-8")
    again = batch.run(county, out)
    assert statuses(again)["t000.toml"] == "rendered"
    fresh = tmp_path / "fresh.docx"
    reportkit.render(reportkit.load(target), fresh, extra_marks=())
    assert projection(out / "测试000镇人民政府.docx") == projection(fresh)


def test_finished_reports_are_unchanged_after_an_interrupt(tmp_path: Path) -> None:
    county = big_county(tmp_path / "county", 100)
    out = tmp_path / "out"
    process = start_batch(county, out, "-j", "1")
    records = out / ".reportkit-batch"
    # interrupted after its first report: 99 more are a wide margin on a loaded machine
    wait_for(lambda: records.is_dir() and any(records.glob("*.json")))
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert (process.returncode, "已中断" in err.decode()) == (130, True), err.decode()
    finished = {p.name.removesuffix(".json") for p in records.glob("*.json")}
    assert 1 <= len(finished) < 100
    again = batch.run(county, out)
    done = statuses(again)
    assert {name for name, status in done.items() if status == "unchanged"} == finished
    assert {status for name, status in done.items() if name not in finished} == {"rendered"}


def test_a_damaged_report_is_rendered_again(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch.run(county, out)
    damaged = out / "江坡镇人民政府.docx"
    whole = damaged.read_bytes()
    damaged.write_bytes(whole[: len(whole) // 2])  # truncated, as a full disk or a copy leaves it
    emptied = out / "安乐乡人民政府.docx"
    emptied.write_bytes(b"")
    result = batch.run(county, out)
    assert statuses(result)["jiangpo.toml"] == "rendered"
    assert statuses(result)["anle.toml"] == "rendered"
    assert statuses(result)["gonghe.toml"] == "unchanged"
    assert result.ok is False  # 戌街乡 still fails its checks
    for path in (damaged, emptied):
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None


def test_a_pdf_is_made_again_when_its_report_changed(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = batch.run(county, out, batch.Options(pdf=True))
    assert len(first.pdfs) == 6
    pdf = out / "共和镇人民政府.pdf"
    old = pdf.read_bytes()
    gonghe = county / "gonghe.toml"
    gonghe.write_text(gonghe.read_text("utf-8").replace("coercion  = 0", "coercion  = 2"), "utf-8")
    batch.run(county, out)  # without --pdf: the old PDF would no longer match its report
    assert not pdf.exists()
    third = batch.run(county, out, batch.Options(pdf=True))
    assert third.pdfs == [pdf]  # only the one whose report changed
    record = Records(out).get("gonghe.toml")
    assert record is not None and record.derived["pdf"]["source"] == record.sha256
    assert pdf.read_bytes() != old


def test_a_second_run_in_one_process_sees_an_edited_template(county: Path, tmp_path: Path) -> None:
    template = tmp_path / "t.docx"
    shutil.copy(reportkit.renderer.default_template(), template)
    out = tmp_path / "out"
    batch.run(county, out, batch.Options(template=template))
    with zipfile.ZipFile(template) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        "主动公开政府信息情况".encode(), "主动公开政府信息的情况".encode(), 1
    )
    with zipfile.ZipFile(template, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    again = batch.run(county, out, batch.Options(template=template))
    assert set(statuses(again).values()) == {"rendered", "failed"}
    assert "二、主动公开政府信息的情况" in projection(out / "江坡镇人民政府.docx")


# ---------------------------------------------------------------------------------------------
# Concurrency and faults


def test_three_batches_at_once_never_break_each_other(tmp_path: Path) -> None:
    county = big_county(tmp_path / "county", 30)
    out = tmp_path / "out"
    runs = [start_batch(county, out, "-j", "1") for _ in range(3)]
    outcomes = []
    for p in runs:
        _, err = p.communicate(timeout=300)
        outcomes.append((p.returncode, err.decode()))
    done = [err for code, err in outcomes if code == 0]
    refused = [err for code, err in outcomes if code != 0]
    assert len(done) >= 1
    for err in refused:  # refused at once, saying why; never an agency failed half-way
        assert "另一个 reportkit batch" in err and "正在写入这个输出文件夹" in err
    final = batch.run(county, out)
    assert set(statuses(final).values()) == {"unchanged"}
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_sighup_ends_the_batch_cleanly(tmp_path: Path) -> None:
    county = big_county(tmp_path / "county", 120)  # a wide margin after the first report
    out = tmp_path / "out"
    process = start_batch(county, out, "-j", "2")
    wait_for(lambda: list(out.glob("*.docx")))
    process.send_signal(signal.SIGHUP)
    _, err = process.communicate(timeout=120)
    assert (process.returncode, "已中断" in err.decode()) == (130, True), err.decode()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_an_interrupt_lost_in_a_finalizer_still_stops_the_batch_at_its_next_report() -> None:
    from reportkit import cli

    printer = cli.Printer("zh")
    try:
        with printer.progress("x", 3) as advance:
            advance(None)
            # the handler's KeyboardInterrupt, raised inside a __del__, is printed and dropped
            with contextlib.suppress(KeyboardInterrupt):
                cli._terminate(signal.SIGINT, None)
            with pytest.raises(KeyboardInterrupt):
                advance(None)
    finally:
        cli._signalled.clear()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the workers")
def test_workers_die_with_a_killed_main_process(tmp_path: Path) -> None:
    county = big_county(tmp_path / "county", 200)
    out = tmp_path / "out"
    process = start_batch(county, out, "-j", "2")
    wait_for(lambda: len(_children(process.pid)) >= 2)
    workers = _children(process.pid)
    assert len(workers) >= 2
    process.kill()
    process.communicate(timeout=60)

    def gone() -> bool:
        alive = []
        for pid in workers:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.append(pid)
        return not alive

    wait_for(gone, seconds=30)
    assert gone(), f"workers {workers} outlived their killed main process"


def test_one_crashing_agency_is_its_own_row(
    county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = batch.document

    def crash_on_gonghe(report, *args, **kwargs):  # type: ignore[no-untyped-def]
        if report.agency.name == "共和镇人民政府":
            raise RecursionError("maximum recursion depth exceeded")
        return real(report, *args, **kwargs)

    monkeypatch.setattr(batch, "document", crash_on_gonghe)
    out = tmp_path / "out"
    result = batch.run(county, out, batch.Options(jobs=1))
    gonghe = next(a for a in result.agencies if a.data.name == "gonghe.toml")
    assert gonghe.status == "failed" and gonghe.output is None
    assert [p.code for p in gonghe.problems][-1] == "agency_crashed"
    assert statuses(result)["jiangpo.toml"] == "rendered"
    assert "RecursionError" in (out / "问题清单-共和镇人民政府.txt").read_text("utf-8-sig")
    assert (out / "summary.csv").is_file()


def test_a_fifo_named_toml_is_skipped_with_a_problem(county: Path, tmp_path: Path) -> None:
    os.mkfifo(county / "pipe.toml")
    result = run_cli("batch", str(county), "-o", str(tmp_path / "out"), timeout=120)
    assert result.returncode == 1
    assert "pipe.toml: 这不是普通文件（可能是管道或设备），未读取" in result.stderr
    assert "共 8 个单位：已生成 6" in result.stdout


def test_an_output_folder_that_refuses_writes_still_gives_a_summary(
    county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the tests run as root, who may write anywhere: the refusal is simulated at the OS call
    import reportkit.output as output

    real = output.tempfile.mkstemp

    def refused(*args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(kwargs.get("dir", "")).resolve() == (tmp_path / "out").resolve():
            raise PermissionError(13, "Permission denied")
        return real(*args, **kwargs)

    monkeypatch.setattr(output.tempfile, "mkstemp", refused)
    result = batch.run(county, tmp_path / "out", batch.Options(jobs=1))
    assert {a.status for a in result.agencies} == {"failed"}
    assert not result.ok and result.problems  # the summary could not be written: said so
    assert all(
        any("Permission denied" in p.format() for p in a.problems)
        for a in result.agencies
        if a.data.name != "xujie.toml"
    )


def _die_on_three(item: int) -> int:
    if item == 3:
        os._exit(9)  # as a worker killed with kill -9, or by the out-of-memory killer
    return item * 2


def test_a_worker_killed_in_one_stage_leaves_the_next_stage_working() -> None:
    # the reading stage's pool broke: the render stage must not submit to it (it raised
    # BrokenProcessPool, the whole batch an internal error)
    with batch.Workers(2) as workers:
        first = list(workers.map(_die_on_three, [1, 2, 3, 4, 5], died=lambda item, exc: -item))
        second = list(workers.map(_die_on_three, [6, 7, 8], died=lambda item, exc: -item))
    assert first == [2, 4, -3, 8, 10]
    assert second == [12, 14, 16]

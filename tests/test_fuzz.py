"""Fuzzing the loader and the renderer, and stopping a batch half-way."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reportkit
from reportkit.errors import ReportkitError
from reportkit.load import CONTROL, parse
from reportkit.model import Block
from reportkit.pdf import convert
from tests.helpers import FIXTURES

SEED = (FIXTURES / "jiangpo-2022.toml").read_text(encoding="utf-8")
TOKENS = [
    *"[]{}=\",.\n #'0123456789-_abcdeyrtx年区镇",
    "true",
    "nan",
    "inf",
    "year",
    "agency",
    "1.5e9",
    "[agency]",
    "[applications]",
    "received = ",
    "2023-01-10",
    '"""',
    "\u0007",
]
TOML_ISH = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.one_of(TOML_ISH, st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace"))))
def test_arbitrary_text_is_a_report_or_a_reportkit_error(text: str) -> None:
    try:
        report = parse(text, "fuzz.toml")
    except ReportkitError as exc:
        assert exc.problems and all(p.message() for p in exc.problems)
    else:
        assert isinstance(report, reportkit.Report)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_a_report_or_a_reportkit_error(tmp_path_factory, data: bytes) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("fuzz") / "data.toml"
    path.write_bytes(data)
    try:
        reportkit.load(path)
    except ReportkitError as exc:
        assert exc.problems


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1), min_size=1, max_size=3))
def test_mutated_seed_lines_never_crash(lines: list[str]) -> None:
    text = SEED
    for i, line in enumerate(lines):
        text = text.replace("\n", "\n" + line + "\n", 1) if i % 2 else text + "\n" + line
    try:
        parse(text, "fuzz.toml")
    except ReportkitError as exc:
        assert exc.problems


def expected_text(text: str) -> str:
    return CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def test_arbitrary_narrative_renders_intact_and_converts(tmp_path: Path) -> None:
    seed = reportkit.load(FIXTURES / "jiangpo-2022.toml")
    rendered: list[Path] = []

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.text(min_size=1, max_size=200).filter(lambda t: expected_text(t).strip()))
    def render(text: str) -> None:
        report = seed.model_copy(
            update={"part2": seed.part2.model_copy(update={"text": [Block(text=text)]})}
        )
        out = tmp_path / f"fuzz-{len(rendered)}.docx"
        reportkit.write(reportkit.document(report, reportkit.narrate(report)), out)
        paragraphs = [p.text for p in Document(str(out)).paragraphs]
        assert expected_text(text) in paragraphs
        rendered.append(out)

    render()
    sample = rendered[:: max(1, len(rendered) // 5)][:5]
    pdfs = convert(sample)  # one soffice start for the sample
    assert [p.stem for p in pdfs] == [d.stem for d in sample]
    assert all(p.stat().st_size > 0 for p in pdfs)


def test_sigterm_during_a_batch_leaves_every_report_whole(tmp_path: Path) -> None:
    county = tmp_path / "county"
    county.mkdir()
    shutil.copy(FIXTURES / "mouding-2022" / "county.toml", county)
    base = (FIXTURES / "mouding-2022" / "gonghe.toml").read_text(encoding="utf-8")
    for i in range(240):
        (county / f"t{i:03d}.toml").write_text(
            re.sub(r'^name = ".*"$', f'name = "测试{i:03d}镇人民政府"', base, count=1, flags=re.M),
            encoding="utf-8",
        )
    out = tmp_path / "out"
    out.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "reportkit", "batch", str(county), "-o", str(out), "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob("*.docx")) and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err.decode()
    assert "已中断" in err.decode()
    reports = list(out.glob("*.docx"))
    assert 0 < len(reports) < 240
    for report in reports:
        with zipfile.ZipFile(report) as z:
            assert z.testzip() is None
        Document(str(report))
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]

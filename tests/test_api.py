"""The library's public surface, and the docs' example kept true."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import reportkit
from tests.helpers import REPO


def test_all_is_sorted_and_complete() -> None:
    assert reportkit.__all__ == sorted(reportkit.__all__)
    public = {
        n
        for n in vars(reportkit)
        if not n.startswith("_") and n not in {"annotations", "version", "PackageNotFoundError"}
    }
    modules = {n for n in public if type(getattr(reportkit, n)).__name__ == "module"}
    lazy = set(reportkit._LAZY)  # loaded when first asked for
    assert set(reportkit.__all__) - {"__version__"} == (public - modules) | lazy
    assert all(callable(getattr(reportkit, name)) for name in lazy)
    assert reportkit.__version__ == "0.1.0"


def test_stage_by_stage_equals_one_call(tmp_path: Path) -> None:
    report = reportkit.load(REPO / "fixtures" / "huaian-2024.toml")
    assert reportkit.check(report) == []
    narrative = reportkit.narrate(report)
    assert (
        narrative.sentences["part6.info_processing_fee"] == "2024年，本机关共收取信息处理费3940元。"
    )
    staged = reportkit.write(
        reportkit.document(report, narrative, marks=["示例数据"]), tmp_path / "a.docx"
    )
    whole = reportkit.render(report, tmp_path / "b.docx").output
    assert staged.read_bytes() == whole.read_bytes()


def test_library_example_in_docs_runs(tmp_path: Path) -> None:
    doc = (REPO / "docs" / "library.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", doc, re.DOTALL)
    assert blocks, "docs/library.md has no python example"
    (tmp_path / "fixtures").mkdir()
    for name in ("jiangpo-2022.toml", "huaian-2024.toml"):
        (tmp_path / "fixtures" / name).write_bytes((REPO / "fixtures" / name).read_bytes())
    shutil.copytree(REPO / "fixtures" / "mouding-2022", tmp_path / "fixtures" / "mouding-2022")
    for code in blocks:
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "jiangpo-2022.docx").is_file()
    assert reportkit.check(tmp_path / "huaian-read.toml") == []  # a published report, read back
    assert (tmp_path / "out" / "江坡镇人民政府.docx").is_file()
    assert (tmp_path / "figures.xlsx").is_file()
    assert reportkit.load(tmp_path / "jiangpo-2023.toml").part1.draft
    # a fresh skeleton loads, and the checks say what is still to be filled in
    assert {(p.rule, p.path) for p in reportkit.check(tmp_path / "xinqiao-2024.toml")} == {
        ("FILL", "agency.contact_office"),
        ("FILL", "agency.phone"),
        ("FILL", "agency.county"),
        ("FILL", "part1.text"),
        ("FILL", "part5.text"),
    }

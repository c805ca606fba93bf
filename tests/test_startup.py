"""Start-up: a command loads only what it needs (checked in sys.modules, not timed)."""

from __future__ import annotations

import json
import subprocess
import sys

import cn2an
import pytest

from reportkit import jinjaenv
from tests.helpers import FIXTURES, REPO

# Libraries that `import reportkit.cli` and `reportkit check` must not load: the document
# libraries (the renderer loads them with a template), spreadsheets, Markdown, the numerals
# packages (a table covers the counts reports use), the similarity library (loaded to compare).
HEAVY = [
    "docx",
    "docxtpl",
    "lxml",
    "openpyxl",
    "num2words",
    "cn2an",
    "rapidfuzz",
    "tomlkit",
    "markdown_it",
    "rich.progress",
]


def loaded(code: str) -> list[str]:
    """Return the HEAVY modules loaded after running `code` in a fresh interpreter."""
    script = f"import sys\n{code}\nprint(__import__('json').dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True
    )
    modules = set(json.loads(out.stdout.strip().splitlines()[-1]))
    return [name for name in HEAVY if name in modules]


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    assert loaded("import reportkit.cli") == []


def test_check_runs_without_the_heavy_libraries() -> None:
    fixture = FIXTURES / "jiangpo-2022.toml"
    code = (
        "import reportkit.cli\n"
        "try:\n"
        f"    reportkit.cli.main(['check', {str(fixture)!r}])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
    )
    assert loaded(code) == []


def test_rendering_loads_the_document_libraries_when_it_needs_them() -> None:
    code = f"import reportkit\nreportkit.document(*(lambda r: (r, reportkit.narrate(r)))(reportkit.load({str(FIXTURES / 'jiangpo-2022.toml')!r})))"
    assert {"docx", "docxtpl", "lxml"} <= set(loaded(code))


@pytest.mark.parametrize("number", range(100))
def test_the_small_numeral_table_writes_what_cn2an_writes(number: int) -> None:
    assert jinjaenv.cn_number(number) == cn2an.an2cn(number, "low")


@pytest.mark.parametrize("number", [100, 101, 110, 1000, 10_001, 123_456_789, -3])
def test_other_numbers_are_written_by_cn2an(number: int) -> None:
    assert jinjaenv.cn_number(number) == cn2an.an2cn(number, "low")

"""Every shell command the docs show runs as written, in a fresh folder, as a user would run it.

Each document's ```sh blocks run in order in one folder holding a copy of `fixtures/`. An HTML
comment before a block (invisible on the rendered page) may prepare it, standing in for what the
reader does by hand between two commands (editing a file, say), or say which exit code a
command shown failing has:

    <!-- doc-test: setup cp fixtures/jiangpo-2022.toml 江坡镇-2022.toml -->
    <!-- doc-test: exit 1 -->
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

BLOCK = re.compile(r"((?:<!-- doc-test: [^\n]*-->\n)*)```(?:sh|bash)\n(.*?)```", re.DOTALL)
DIRECTIVE = re.compile(r"<!-- doc-test: (setup|exit) (.*?) -->")
DOCS = sorted((REPO / "docs").glob("*.md"))


def steps(doc: Path) -> list[tuple[list[str], int, list[str]]]:
    """Return each block of `doc`: its setup commands, expected exit code, and commands."""
    found = []
    for directives, body in BLOCK.findall(doc.read_text(encoding="utf-8")):
        setup, code = [], 0
        for kind, value in DIRECTIVE.findall(directives):
            if kind == "setup":
                setup.append(value)
            else:
                code = int(value)
        commands = [line for line in body.splitlines() if line.strip() and not line.startswith("#")]
        found.append((setup, code, commands))
    return found


@pytest.mark.parametrize("doc", [d for d in DOCS if steps(d)], ids=lambda d: d.name)
def test_the_doc_s_shell_commands_run_as_written(doc: Path, tmp_path: Path) -> None:
    shutil.copytree(REPO / "fixtures", tmp_path / "fixtures")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    env["REPORTKIT_REPO"] = str(REPO)  # for a setup that makes an input with the tests' helpers
    env.pop("REPORTKIT_LANG", None)
    assert shutil.which("reportkit", path=env["PATH"]), "the reportkit command is installed"
    for setup, code, commands in steps(doc):
        for command in setup:
            done = subprocess.run(
                command,
                shell=True,
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, (command, done.stderr)
        for command in commands:
            done = subprocess.run(
                command,
                shell=True,
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == code, (command, done.stdout, done.stderr)
            assert "Traceback" not in done.stdout + done.stderr

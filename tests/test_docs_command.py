"""`reportkit docs` and `reportkit template export`: what a user of the wheel has instead of the
repository's docs/ and templates/ folders. Exit code first, then the output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reportkit.bundled import doc_topics, read_doc, topic_of
from reportkit.renderer import default_template
from tests.helpers import FIXTURES, REPO, projection
from tests.helpers import run_cli as run


def test_docs_lists_every_document_with_its_title() -> None:
    result = run("docs")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "使用说明（用 reportkit docs 主题 查看）："
    shipped = sorted(p.stem for p in (REPO / "docs").glob("*.md"))
    assert [line.split()[0] for line in lines[1:]] == shipped
    assert "  data-format  The data file (2021 national format)" in lines


def test_docs_prints_a_document_as_markdown_when_piped() -> None:
    result = run("docs", "cli")
    assert result.returncode == 0, result.stderr
    source = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert result.stdout == read_doc("cli", for_terminal=True)
    assert result.stdout.startswith("# The command line\n")
    # links to other documents become the command that shows them
    assert "[batch.md](batch.md)" in source
    assert "[batch.md](batch.md)" not in result.stdout
    assert "batch.md (`reportkit docs batch`)" in result.stdout
    workflow = run("docs", "workflow").stdout
    assert "编号见 `reportkit docs data-format`。" in workflow
    assert "docs/" not in workflow


@pytest.mark.parametrize(
    "name", ["data-format", "data-format.md", "docs/data-format.md", "DATA-FORMAT"]
)
def test_a_topic_may_be_named_as_its_file(name: str) -> None:
    assert topic_of(name) == "data-format"


def test_an_unknown_topic_is_a_usage_error_listing_the_topics() -> None:
    result = run("--lang", "en", "docs", "tutorial")
    assert result.returncode == 2
    assert "there is no document 'tutorial'; the topics are: batch, checks, cli" in result.stderr
    assert "Traceback" not in result.stderr


def test_docs_renders_markdown_on_a_terminal() -> None:
    env = {**os.environ, "FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    result = subprocess.run(
        [sys.executable, "-m", "reportkit", "docs", "checks"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b[" in result.stdout  # styled by rich
    assert "# The checks" not in result.stdout  # the heading is rendered, not shown as source
    assert "The checks" in result.stdout


def test_every_shipped_document_has_a_title() -> None:
    topics = doc_topics()
    assert set(topics) == {p.stem for p in (REPO / "docs").glob("*.md")}
    assert all(topics.values())


# ---------------------------------------------------------------------------------------------
# template export


def test_template_export_writes_the_builtin_template_in_the_current_folder(tmp_path: Path) -> None:
    result = run("template", "export", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "gov-info-disclosure-2021.docx"
    assert written.read_bytes() == default_template().read_bytes()
    assert "已导出模板 gov-info-disclosure-2021.docx" in result.stdout
    assert [p.name for p in tmp_path.iterdir()] == [written.name]


def test_template_export_never_overwrites_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "restyled.docx"
    target.write_bytes(b"my restyled template")
    refused = run("--lang", "en", "template", "export", "-o", str(target))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"{target}: the file exists and was not overwritten; add --force to replace it"
    )
    assert target.read_bytes() == b"my restyled template"
    forced = run("template", "export", "-o", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_bytes() == default_template().read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["restyled.docx"]  # no temp file left


@pytest.mark.parametrize("name", ["jiangpo-2022.toml", "template"])
def test_template_export_writes_only_a_docx(tmp_path: Path, name: str) -> None:
    data = tmp_path / name
    data.write_bytes(b"year = 2022\n")
    result = run("template", "export", "-o", str(data), "--force")
    assert result.returncode == 1
    assert "输出文件应以 .docx 结尾" in result.stderr
    assert data.read_bytes() == b"year = 2022\n"


def test_template_export_english(tmp_path: Path) -> None:
    result = run("template", "export", "--locale", "en", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    exported = tmp_path / "gov-info-disclosure-2021.en.docx"
    assert exported.read_bytes() == default_template("en").read_bytes()


def test_an_exported_template_renders_like_the_builtin_one(tmp_path: Path) -> None:
    template = tmp_path / "mine.docx"
    assert run("template", "export", "-o", str(template)).returncode == 0
    ours = tmp_path / "ours.docx"
    builtin = tmp_path / "builtin.docx"
    data = str(FIXTURES / "jiangpo-2022.toml")
    assert run("render", data, "-o", str(ours), "--template", str(template)).returncode == 0
    assert run("render", data, "-o", str(builtin)).returncode == 0
    assert projection(ours) == projection(builtin)

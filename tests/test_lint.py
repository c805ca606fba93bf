"""Template lint: every problem of a restyled template at once, each where its author finds it.

Each broken template is the official one with one thing done to it as Word or a careless edit
does: a misspelt variable, a cell's tag deleted, curly quotes, a tag cut by a line break, a block
never closed. The lint must name each, at its paragraph or table cell, and nothing else.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

import reportkit
from reportkit.errors import TemplateError
from reportkit.lint import lint
from reportkit.renderer import default_template
from tests.helpers import FIXTURES, run_cli


def broken(tmp_path: Path, *changes: tuple[str, str], name: str = "t.docx") -> Path:
    """The official template with text replaced in its document part (each change once)."""
    source = default_template().read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                for before, after in changes:
                    assert before in text, before
                    text = text.replace(before, after, 1)
                data = text.encode("utf-8")
            new.writestr(item, data)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def codes(problems: list[reportkit.Problem]) -> list[str]:
    return [p.code for p in problems]


def test_the_official_templates_pass() -> None:
    assert lint(default_template("zh-CN")) == []
    assert lint(default_template("en")) == []


def test_a_misspelt_variable_is_named_with_the_right_one_at_its_cell(tmp_path: Path) -> None:
    path = broken(tmp_path, ("proactive.licensing", "proactive.licencing"))
    found = lint(path)
    assert codes(found) == ["lint_unknown", "lint_missing"]
    message = found[0].format()
    assert "正文第 1 个表格" in message and "行第" in message
    assert "报告中没有变量「proactive.licencing」，是否应为「proactive.licensing」？" in message
    assert "「proactive.licensing」（二：行政许可）" in found[1].format()


def test_a_deleted_cell_is_missing_with_its_label(tmp_path: Path) -> None:
    path = broken(tmp_path, ("{{ applications.total.natural }}", ""))
    [problem] = lint(path)
    assert problem.code == "lint_missing"
    assert problem.format() == (
        f"{path}: 模板中没有用到「applications.total.natural」（三：（七）总计 × 自然人）："
        "生成的报告会缺少这一项"
    )


def test_word_s_curly_quotes_and_split_tags_are_found(tmp_path: Path) -> None:
    path = broken(
        tmp_path,
        ("{{ proactive.fees }}", "{{ proactive.fees | default(“0”) }}"),
        ("{{ signature }}", "{{ signa</w:t></w:r></w:p><w:p><w:r><w:t>ture }}"),
    )
    found = lint(path)
    assert set(codes(found)) >= {"lint_curly", "lint_split"}
    curly = next(p for p in found if p.code == "lint_curly")
    assert "中文弯引号" in curly.format() and "proactive.fees" in curly.format()


def test_a_block_never_closed_and_one_closed_twice(tmp_path: Path) -> None:
    path = broken(tmp_path, ("{%p endfor %}", ""))
    found = [p for p in lint(path) if p.code == "lint_unclosed_block"]
    assert len(found) == 1
    assert (
        "{% for b in preamble %} 没有对应的结束标签（「{%p for b in preamble %}」）"
        in found[0].format()
    )
    twice = broken(tmp_path, ("{%p endif %}", "{%p endif %}{%p endif %}"), name="u.docx")
    assert "lint_stray" in codes(lint(twice)) or "lint_paragraph_tag" in codes(lint(twice))


def test_a_syntax_error_and_a_row_tag_outside_a_table(tmp_path: Path) -> None:
    path = broken(
        tmp_path,
        ("{{ proactive.coercion }}", "{{ proactive.coercion | }}"),
        ("{%p for b in preamble %}", "{%tr for b in preamble %}"),
    )
    found = lint(path)
    assert "lint_syntax" in codes(found) and "lint_row_tag" in codes(found)
    row = next(p for p in found if p.code == "lint_row_tag")
    assert "正文第 " in row.format() and "只能写在表格的单元格中" in row.format()


def test_every_problem_at_once_and_render_refuses_before_rendering(tmp_path: Path) -> None:
    path = broken(
        tmp_path,
        ("proactive.licensing", "proactive.licencing"),
        ("{{ applications.total.natural }}", ""),
        ("{{ proactive.fees }}", "{{ proactive.fees | default(“0”) }}"),
    )
    found = lint(path)
    assert len(found) >= 4
    with pytest.raises(TemplateError) as caught:
        reportkit.render(FIXTURES / "jiangpo-2022.toml", tmp_path / "x.docx", template=path)
    assert codes(caught.value.problems) == codes(found)
    assert not (tmp_path / "x.docx").exists()
    result = run_cli("template", "lint", str(path), "--format", "json")
    assert result.returncode == 1
    assert [p["code"] for p in json.loads(result.stdout)] == codes(found)
    ok = run_cli("template", "lint", str(default_template()))
    assert ok.returncode == 0 and "模板检查通过" in ok.stdout

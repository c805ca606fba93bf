"""The command line, run as a user runs it: exit code first, then what it printed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import FIXTURES, projection
from tests.helpers import run_cli as run


def test_render_writes_beside_the_data_file_by_default(tmp_path: Path) -> None:
    data = tmp_path / "jiangpo-2022.toml"
    data.write_bytes((FIXTURES / "jiangpo-2022.toml").read_bytes())
    result = run("render", str(data))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "jiangpo-2022.docx"
    assert "已生成" in result.stdout and str(out) in result.stdout
    assert "2022年度无收取行政事业性收费情况。" in projection(out)


def test_render_missing_file_is_one_line_without_traceback(tmp_path: Path) -> None:
    result = run("render", str(tmp_path / "nope.toml"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"{tmp_path / 'nope.toml'}: 找不到文件"
    assert "Traceback" not in result.stderr + result.stdout
    assert list(tmp_path.iterdir()) == []


def test_render_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('year = 2022\n[agency\nname = "x"\n', encoding="utf-8")
    result = run("--lang", "en", "render", str(bad))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{bad}:2: TOML syntax error")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "bad.docx").exists()


def test_render_refuses_failing_checks_then_force_marks_it(tmp_path: Path) -> None:
    text = (FIXTURES / "huaian-2024.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        text.replace(
            "[ 3001,    53,     0,     0,    61,     4,  3119]",
            "[ 3001,    53,     0,     0,    61,     4,  3120]",
        ),
        encoding="utf-8",
    )
    result = run("render", str(bad))
    assert result.returncode == 1
    assert (
        "applications.received.total 三：一、本年新收政府信息公开申请数量 × 总计" in result.stderr
    )
    assert "应为 3119（= 3001 + 53 + 0 + 0 + 61 + 4），实为 3120 [C]" in result.stderr
    assert "未生成文件" in result.stderr
    assert not (tmp_path / "bad.docx").exists()
    forced = run("render", "--force", str(bad))
    assert forced.returncode == 0
    assert (tmp_path / "bad.docx").exists() and "未通过校验" in forced.stderr


def test_check_reports_json_for_other_tools(tmp_path: Path) -> None:
    ok = run("check", "--format", "json", str(FIXTURES / "jiangpo-2022.toml"))
    assert ok.returncode == 0 and json.loads(ok.stdout) == []
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (FIXTURES / "jiangpo-2022.toml")
        .read_text(encoding="utf-8")
        .replace("licensing = 0", "licensing = -1"),
        encoding="utf-8",
    )
    result = run("--lang", "en", "check", "--format", "json", str(bad))
    assert result.returncode == 1
    [problem] = json.loads(result.stdout)
    assert problem["path"] == "proactive.licensing" and problem["line"] == 56
    assert problem["message"] == "must not be negative, found -1"


def test_usage_error_exits_2_and_help_is_chinese_or_english() -> None:
    assert run("render").returncode == 2
    zh = run("render", "--help")
    assert zh.returncode == 0 and "校验数据文件并生成报告" in zh.stdout
    en = run("--lang", "en", "render", "--help")
    assert en.returncode == 0 and "check a data file and write its report" in en.stdout


def test_schema_describes_the_data_file() -> None:
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert {"agency", "applications", "appeals", "proactive", "part6", "year"} <= set(
        schema["properties"]
    )
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) >= {"year", "date", "agency", "applications"}


def test_render_never_writes_over_a_data_file(tmp_path: Path) -> None:
    data = tmp_path / "j.toml"
    data.write_bytes((FIXTURES / "jiangpo-2022.toml").read_bytes())
    for target in (data, tmp_path / "other.toml"):
        result = run("render", str(data), "-o", str(target))
        assert result.returncode == 1
        assert "输出文件应以 .docx 结尾" in result.stderr
    assert data.read_bytes() == (FIXTURES / "jiangpo-2022.toml").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j.toml"]


def test_an_agency_file_of_a_county_folder_checks_on_its_own(tmp_path: Path) -> None:
    """A town re-checks its file after fixing its 问题清单: county.toml beside it is inherited."""
    county = tmp_path / "county"
    shutil.copytree(FIXTURES / "mouding-2022", county)
    assert run("check", str(county / "jiangpo.toml")).returncode == 0
    result = run("check", str(county / "xujie.toml"))
    assert result.returncode == 1 and "[C]" in result.stdout and "缺少必填项" not in result.stdout

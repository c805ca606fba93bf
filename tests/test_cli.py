"""The command line, run as a user runs it: exit code first, then what it printed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
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
    assert result.stderr.strip().splitlines() == [
        f"{tmp_path / 'nope.toml'}: 找不到文件",
        "有错误，未生成文件",
    ]
    assert "Traceback" not in result.stderr + result.stdout
    assert list(tmp_path.iterdir()) == []


def test_render_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('year = 2022\n[agency\nname = "x"\n', encoding="utf-8")
    result = run("--lang", "en", "render", str(bad))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{bad}:2: TOML syntax error (column 8)")
    assert lines[1] == "errors found, nothing was written"
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
    assert forced.returncode == 1  # written, but the data still fails: as batch --force does
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
    problems = json.loads(result.stdout)
    [problem] = [p for p in problems if p["severity"] == "error"]
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


# ---------------------------------------------------------------------------------------------
# Every word a clerk reads is Chinese by default: click's own words too


def test_click_speaks_chinese_by_default_and_english_when_asked() -> None:
    missing = run("render")
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[0] == "用法： reportkit render [选项] 数据文件"
    assert "错误：缺少参数「数据文件」。" in missing.stderr or "错误：缺少参数" in missing.stderr
    typo = run("rendr")
    assert typo.returncode == 2 and "没有「rendr」这个命令。" in typo.stderr
    assert "是否应为 'render'？" in typo.stderr or "是否应为 render？" in typo.stderr
    year = run("new", "--agency", "江坡镇人民政府", "--year", "2020")
    assert year.returncode == 2 and "2020 不在允许的范围" in year.stderr
    helped = run("batch", "--help")
    assert helped.returncode == 0
    assert helped.stdout.startswith("用法： reportkit batch [选项] 县文件夹")
    assert "\n选项:\n" in helped.stdout
    assert "[必填]" in helped.stdout
    for english in ("Usage:", "Options", "[required]", "[default:", "Missing argument"):
        assert english not in helped.stdout + missing.stderr
    en = run("--lang", "en", "render")
    assert en.returncode == 2 and en.stderr.startswith("Usage: reportkit render [OPTIONS] DATA")


def test_lang_and_quiet_work_after_the_subcommand(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (FIXTURES / "jiangpo-2022.toml")
        .read_text("utf-8")
        .replace("licensing = 0", "licensing = -1"),
        encoding="utf-8",
    )
    result = run("check", "--lang", "en", str(bad))
    assert result.returncode == 1 and "must not be negative, found -1" in result.stdout
    quiet = run("check", "-q", str(FIXTURES / "jiangpo-2022.toml"))
    assert quiet.returncode == 0 and quiet.stdout == ""


def test_a_gbk_console_gets_every_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    result = subprocess.run(
        [sys.executable, "-m", "reportkit", "check", str(FIXTURES / "invalid" / "r-in-force.toml")],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode("gbk", "replace")
    out = result.stdout.decode("gbk")
    assert "Traceback" not in out + result.stderr.decode("gbk", "replace")
    assert "（= 上年 0 + 本年制发 1 - 本年废止 0），实为 0 [R]" in out  # U+2212: ASCII minus
    assert "共发现 0 个错误、1 个警告" in out


def test_render_to_standard_output_and_from_standard_input(tmp_path: Path) -> None:
    data = (FIXTURES / "jiangpo-2022.toml").read_bytes()
    made = subprocess.run(
        [sys.executable, "-m", "reportkit", "render", "-", "-o", "-"],
        input=data,
        capture_output=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr.decode()
    out = tmp_path / "out.docx"
    out.write_bytes(made.stdout)
    assert "2022年度无收取行政事业性收费情况。" in projection(out)
    checked = subprocess.run(
        [sys.executable, "-m", "reportkit", "check", "-"],
        input=data.replace(b"licensing = 0", b"licensing = x"),
        capture_output=True,
        timeout=120,
    )
    assert checked.returncode == 1 and "<stdin>:" in checked.stdout.decode()


def test_an_internal_error_exits_3(tmp_path: Path) -> None:
    code = (
        "import sys, reportkit.cli as cli, reportkit.api as api\n"
        "def boom(*a, **k): raise RuntimeError('boom')\n"
        "api.render = boom\n"
        "cli.main(['render', sys.argv[1], '-o', sys.argv[2]])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(FIXTURES / "jiangpo-2022.toml"), str(tmp_path / "x.docx")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3
    assert "内部错误" in result.stderr and "RuntimeError: boom" in result.stderr
    assert "Traceback" not in result.stderr


def test_english_counts_agree_with_their_nouns() -> None:
    from reportkit.messages import translate

    assert translate("problems_found", "en", errors=1, warnings=2) == "1 error, 2 warnings"
    assert translate("problems_found", "en", errors=0, warnings=1) == "0 errors, 1 warning"
    assert translate("batch_done", "en", total=1, rendered=1, unchanged=0, failed=0).startswith(
        "1 agency:"
    )
    assert translate("sheet_exported", "en", count=3, path="x.csv").endswith("3 agencies to x.csv")
    assert translate("problems_found", "zh", errors=1, warnings=2) == "共发现 1 个错误、2 个警告"


def test_new_from_last_year_refuses_names_it_would_ignore(tmp_path: Path) -> None:
    last = tmp_path / "江坡镇-2022.toml"
    shutil.copy(FIXTURES / "jiangpo-2022.toml", last)
    result = run("new", "--from", str(last), "--agency", "别的镇", cwd=tmp_path)
    assert result.returncode == 2
    assert "--agency" in result.stderr and "去年" in result.stderr
    assert not (tmp_path / "江坡镇-2023.toml").exists()

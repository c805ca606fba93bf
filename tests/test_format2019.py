"""The 2019 format (国办公开办函〔2019〕60号): read, checked (A, B, C, T4, MAX, X), not rendered."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

import reportkit
from reportkit.check import check
from reportkit.errors import DataError
from reportkit.format2019.model import APPLICATION_ROWS_2019, FORMAT_2019, Report2019, label_of
from reportkit.load import load, load_any, read_texts_any
from reportkit.skeleton import data_text
from tests.helpers import FIXTURES
from tests.helpers import run_cli as run

SHANGHAI = FIXTURES / "format2019" / "shanghai-office-2019.toml"


def shanghai(**replace: str) -> str:
    text = SHANGHAI.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def codes(
    text: str, name: str = "x.toml", previous: Path | None = None
) -> list[tuple[str, str, str]]:
    reading = read_texts_any([(name, text)])
    assert reading.report is not None
    found = reading.problems + check(reading.report, previous)
    return [(p.code, p.rule, p.path) for p in found]


def test_the_fixture_reads_as_the_2019_format_and_passes_its_checks() -> None:
    report = load_any(SHANGHAI)
    assert isinstance(report, Report2019) and report.format == FORMAT_2019
    assert len(APPLICATION_ROWS_2019) == 23  # 三、本年度办理结果 spans 20 rows: 19 + （七）
    assert report.applications.other_handling.natural == 0  # （六）其他处理: one row of figures
    assert report.proactive.procurement.amount == Decimal(251000)
    assert report.proactive.procurement.unit == "元"
    assert check(SHANGHAI) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "total                            = [767,",
            "total                            = [760,",
            ("rule_sum_zeros", "B", "applications.total.natural"),
            id="B-seventh-row",
        ),
        pytest.param(
            "other_handling                   = [0, 0, 0, 0, 0, 0]",
            "other_handling                   = [0, 0, 0, 0, 0, 0, 3]",
            ("rule_sum_all_zero", "C", "applications.other_handling.total"),
            id="C-single-other-row",
        ),
        pytest.param(
            "review               = [5, 0, 0, 2, 7]",
            "review               = [5, 0, 0, 2, 0]",
            ("rule_sum", "T4", "appeals.review.total"),
            id="T4",
        ),
        pytest.param(
            "carried_forward                  = [72, 0, 0, 0, 0, 0, 72]",
            "carried_forward                  = [70, 0, 0, 0, 0, 0]",
            ("rule_a", "A", "applications"),
            id="A",
        ),
    ],
)
def test_the_rules_read_the_2019_rows(old: str, new: str, expected: tuple[str, str, str]) -> None:
    assert expected in codes(shanghai(**{old: new}))


def test_labels_name_the_2019_rows_and_columns() -> None:
    assert label_of(("applications", "other_handling", "natural")) == "三：（六）其他处理 × 自然人"
    assert label_of(("proactive", "fees", "change")) == "二：行政事业性收费 × 本年增/减"
    assert label_of(("proactive", "procurement", "amount")) == "二：政府集中采购 × 采购总金额"
    found = read_texts_any(
        [("x.toml", shanghai(**{"coercion             = [0, 0, 0]": "coercion = [0, 0]"}))]
    )
    (problem,) = found.problems
    assert problem.label == "二：行政强制" and problem.code == "row_length_exact"


def test_a_change_may_be_negative_but_a_count_may_not() -> None:
    text = shanghai(**{"coercion             = [0, 0, 0]": "coercion = [3, -2, 0]"})
    assert read_texts_any([("x.toml", text)]).problems == []
    text = shanghai(**{"coercion             = [0, 0, 0]": "coercion = [-3, 0, 0]"})
    (problem,) = read_texts_any([("x.toml", text)]).problems
    assert (problem.code, problem.path) == ("negative", "proactive.coercion")
    assert problem.label == "二：行政强制 × 上一年项目数量"


def test_the_2019_format_is_for_reports_on_2019_and_2020() -> None:
    text = shanghai(**{"year = 2019": "year = 2022", "date = 2020-01-31": "date = 2023-01-31"})
    (problem,) = read_texts_any([("x.toml", text)]).problems
    assert problem.code == "year_not_2019_format" and "2019、2020" in problem.format()
    assert "2019 and 2020" in problem.format("en")


def test_render_refuses_the_2019_format_with_a_located_problem(tmp_path: Path) -> None:
    with pytest.raises(DataError) as raised:
        reportkit.render(SHANGHAI, tmp_path / "x.docx")
    (problem,) = raised.value.problems
    assert problem.code == "format_2019_check_only"
    assert (problem.path, problem.line) == ("format", 7)
    assert not (tmp_path / "x.docx").exists()
    done = run("render", str(SHANGHAI), "-o", str(tmp_path / "x.docx"))
    assert done.returncode == 1
    assert "2019 年版格式" in done.stderr and "不能生成" in done.stderr
    assert not (tmp_path / "x.docx").exists()
    with pytest.raises(DataError):
        load(SHANGHAI)  # the 2021 format's loader (what render, batch and sheet use)


def test_check_passes_a_2019_file_on_the_command_line() -> None:
    done = run("check", str(SHANGHAI))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "校验通过" in done.stdout


def test_a_year_before_2021_in_the_2021_format_points_to_the_2019_format() -> None:
    text = (
        (FIXTURES / "jiangpo-2022.toml")
        .read_text(encoding="utf-8")
        .replace("year = 2022", "year = 2020")
    )
    problem = next(p for p in read_texts_any([("x.toml", text)]).problems if p.path == "year")
    assert problem.code == "year_before_2021"
    assert 'format = "gov-info-disclosure-2019"' in problem.format()


def _2021_after(tmp_path: Path, carried: str) -> Path:
    """A 2021 report whose last year's report is the 2020 one, in the 2019 format."""
    last = tmp_path / "office-2020.toml"
    last.write_text(
        shanghai(**{"year = 2019": "year = 2020", "date = 2020-01-31": "date = 2021-01-31"}),
        encoding="utf-8",
    )
    text = (FIXTURES / "huaian-2024.toml").read_text(encoding="utf-8")
    text = text.replace("year = 2024", "year = 2021").replace(
        "date = 2025-03-28", "date = 2022-03-28"
    )
    text = text.replace("sample = true", 'sample = true\nprevious = "office-2020.toml"')
    text = text.replace(
        "carried_over                       = [   34,     0,     0,     0,     0,     0,    34]",
        f"carried_over = {carried}",
    )
    this = tmp_path / "city-2021.toml"
    this.write_text(text, encoding="utf-8")
    return this


def test_x_compares_2021_with_last_year_s_report_in_the_2019_format(tmp_path: Path) -> None:
    # last year's 结转下年度继续办理 is [72, 0, 0, 0, 0, 0]; this year carries over 34
    this = _2021_after(tmp_path, "[34, 0, 0, 0, 0, 0, 34]")
    found = [(p.code, p.rule, p.path) for p in check(this)]
    assert ("rule_x", "X", "applications.carried_over.natural") in found
    assert not any(p[1] == "R" for p in found)  # R needs 现行有效件数 in both years


def test_x_passes_when_the_carry_over_matches_across_the_formats(tmp_path: Path) -> None:
    this = _2021_after(tmp_path, "[72, 0, 0, 0, 0, 0, 72]")
    found = [(p.rule, p.path) for p in check(this)]
    assert not any(rule == "X" for rule, _ in found), found


def test_x_within_the_2019_format(tmp_path: Path) -> None:
    last = tmp_path / "2019.toml"
    last.write_text(shanghai(), encoding="utf-8")
    this = shanghai(
        **{
            "year = 2019": "year = 2020",
            "date = 2020-01-31": "date = 2021-01-31",
            "carried_over                     = [18, 0, 0, 0, 0, 0, 18]": "carried_over = [18, 0, 0, 0, 0, 0, 18]",
        }
    )
    found = codes(this, str(tmp_path / "2020.toml"), last)
    assert ("rule_x", "X", "applications.carried_over.natural") in found  # 18, not 72


def test_the_writer_writes_a_2019_data_file_that_reads_back_the_same() -> None:
    data = tomllib.loads(SHANGHAI.read_text(encoding="utf-8"), parse_float=Decimal)
    text = data_text(data, ["# 2019"])
    assert "第二十条第（九）项：采购项目数量 | 采购总金额" in text
    assert "info_processing_fee" not in text
    again = read_texts_any([("x.toml", text)])
    assert again.problems == []
    assert again.report is not None
    assert again.report.model_dump() == load_any(SHANGHAI).model_dump()

"""Published reports checked as they stand: `reportkit check REPORT`, `batch --review`.

The defects real published reports have (format-2021.md): a 总计 column left blank, 0 printed
as the total of 11 appeals, a （七）总计 row that disagrees with its sub-rows, a figure in the
text against the table. Each is an error of the document, located in it: its page, its part and
paragraph, or its table's row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import reportkit
from reportkit.model import Block, Report
from reportkit.pdf import convert
from reportkit.review import check_document, review, review_folder
from tests.helpers import FIXTURES
from tests.helpers import run_cli as run
from tests.published import figures, handmade_docx, report_2019_html, web_page

HUAIAN = FIXTURES / "huaian-2024.toml"


def huaian() -> Report:
    return reportkit.load(HUAIAN)


def page_with(
    tmp_path: Path, change: Any = None, report: Report | None = None, name: str = "page.html"
) -> Path:
    """Return a portal page of the huaian figures, `change` applied to its printed rows."""
    report = report or huaian()
    rows = figures(report)
    if change is not None:
        change(rows)
    return web_page(tmp_path / name, report, rows)


def found(path: Path, previous: Any = None) -> list[tuple[str, str, str]]:
    return [(p.rule, p.code, p.label) for p in check_document(path, previous)]


def test_a_correct_published_report_passes(tmp_path: Path) -> None:
    assert check_document(page_with(tmp_path)) == []
    done = run("check", str(page_with(tmp_path)))
    assert done.returncode == 0, done.stdout
    assert "校验通过" in done.stdout


def test_a_blank_total_column_is_an_error_not_a_total_to_compute(tmp_path: Path) -> None:
    def blank_totals(rows: dict[str, Any]) -> None:
        for values in rows.values():
            if len(values) == 7:
                values[-1] = None

    problems = check_document(page_with(tmp_path, blank_totals))
    blank = [p for p in problems if p.rule == "BLANK"]
    assert len(blank) == 25  # every row of table 三
    first = blank[0]
    assert first.format() == (
        f"{tmp_path / 'page.html'}: applications.received.total "
        "三：一、本年新收政府信息公开申请数量 × 总计: "
        "1 个单元格未填写（总计）：报告中的数字不能空着，没有的应填 0 [BLANK]"
    )
    assert all(p.severity == "error" for p in blank)
    assert [p for p in problems if p.rule != "BLANK"] == []  # computed totals add up


def test_a_total_printed_as_0_over_figures_that_are_not_is_an_error(tmp_path: Path) -> None:
    def zero(rows: dict[str, Any]) -> None:
        rows["review"] = [10, 1, 0, 0, 0]  # as a 2023 district report printed it

    problems = check_document(page_with(tmp_path, zero))
    (problem,) = [p for p in problems if p.path == "appeals.review.total"]
    assert (problem.rule, problem.code, problem.severity) == ("ZERO", "printed_zero", "error")
    assert problem.label == "四：行政复议 × 总计"
    assert "总计印为 0，但各项之和为 11（= 10 + 1 + 0 + 0）" in problem.format()
    assert "printed as 0, but its cells add up to 11" in problem.format("en")


def test_a_seventh_row_that_disagrees_with_its_sub_rows_is_an_error(tmp_path: Path) -> None:
    def wrong(rows: dict[str, Any]) -> None:
        rows["total"][0] = 2926  # the sub-rows add up to 2932

    problems = check_document(page_with(tmp_path, wrong))
    assert ("B", "rule_sum_zeros", "三：（七）总计 × 自然人") in [
        (p.rule, p.code, p.label) for p in problems
    ]


def test_a_row_total_printed_wrong_is_found_by_its_row_and_column(tmp_path: Path) -> None:
    def wrong(rows: dict[str, Any]) -> None:
        rows["disclosed"][-1] = 1363

    problems = check_document(page_with(tmp_path, wrong))
    (problem,) = [p for p in problems if p.rule == "C"]
    assert problem.label == "三：（一）予以公开 × 总计" and problem.line is None


def test_text_against_the_table_is_quoted_with_its_sentence_and_paragraph(tmp_path: Path) -> None:
    report = huaian()
    part3 = report.part3.model_copy(
        update={
            "text": [Block(text="本年度共收到政府信息公开申请3100件，均按时答复。全年无超期。")]
        }
    )
    page = page_with(tmp_path, report=report.model_copy(update={"part3": part3}))
    (problem,) = [p for p in check_document(page) if p.rule == "P"]
    assert problem.label == "三、收到和处理政府信息公开申请情况 第 1 段"
    assert problem.params["quote"] == "本年度共收到政府信息公开申请3100件，均按时答复。"
    assert problem.severity == "warning"


@pytest.mark.libreoffice
def test_problems_in_a_pdf_name_their_page(tmp_path: Path) -> None:
    report = huaian()
    appeals = report.appeals.model_copy(
        update={"review": report.appeals.review.model_copy(update={"total": 0})}
    )
    made = handmade_docx(tmp_path / "handmade.docx", report.model_copy(update={"appeals": appeals}))
    (pdf,) = convert([made], standard="none")
    problems = check_document(pdf)
    (problem,) = [p for p in problems if p.rule == "ZERO"]
    assert problem.page is not None and problem.page >= 2
    assert (
        f"handmade.pdf（第 {problem.page} 页）: appeals.review.total 四：行政复议 × 总计"
        in problem.format()
    )
    assert f"(page {problem.page})" in problem.format("en")
    (docx_problem,) = [p for p in check_document(made) if p.rule == "ZERO"]
    assert docx_problem.page is None  # a Word file has no fixed pages


def test_a_report_with_the_old_single_other_row_is_an_error_as_published(tmp_path: Path) -> None:
    page = report_2019_html(tmp_path / "2019.html")
    text = page.read_text(encoding="utf-8").replace("2019年", "2023年").replace("2020年", "2024年")
    start, end = text.index("<table"), text.index("</table>") + len("</table>")
    page.write_text(text[:start] + _table_two_2021() + text[end:], encoding="utf-8")
    problems = check_document(page)
    (layout,) = [p for p in problems if p.rule == "LAYOUT"]
    assert layout.label == "三：（六）其他处理" and layout.severity == "error"
    assert "2023 年度的报告应按 2021 年版格式把（六）分为 3 项" in layout.format()
    assert not any(p.code == "import_single_other" for p in problems)


def _table_two_2021() -> str:
    return (
        "<table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        "<tr><td>规章</td><td>0</td><td>0</td><td>3</td></tr>"
        "<tr><td>行政规范性文件</td><td>2</td><td>1</td><td>9</td></tr>"
        "<tr><td>信息内容</td><td colspan='3'>本年处理决定数量</td></tr>"
        "<tr><td>行政许可</td><td colspan='3'>5</td></tr>"
        "<tr><td>行政处罚</td><td colspan='3'>6</td></tr>"
        "<tr><td>行政强制</td><td colspan='3'>7</td></tr>"
        "<tr><td>信息内容</td><td colspan='3'>本年收费金额（单位：万元）</td></tr>"
        "<tr><td>行政事业性收费</td><td colspan='3'>1.5</td></tr></table>"
    )


def test_a_2019_format_report_is_checked_as_published(tmp_path: Path) -> None:
    problems = check_document(report_2019_html(tmp_path / "2019.html"))
    assert {p.rule for p in problems} == {"BLANK"}  # its arithmetic holds; its blanks do not
    assert any(p.label == "三：（六）其他处理" for p in problems)


# --------------------------------------------------------------------------------------------
# Last year's published report


def _last_year(tmp_path: Path, carried_forward: list[int], kind: str) -> Path:
    """Last year's report of the same agency, published as `kind` (docx, html, txt)."""
    report = huaian()
    apps = report.applications.model_copy(
        update={"carried_forward": report.applications.carried_forward.model_copy(
            update=dict(zip(("natural", "business", "research", "public_interest", "legal_services", "other"), carried_forward, strict=True))
            | {"total": sum(carried_forward)}
        )}
    )  # fmt: skip
    last = report.model_copy(
        update={"year": 2023, "date": dt.date(2024, 3, 20), "applications": apps}
    )
    if kind == "html":
        return web_page(tmp_path / "last.html", last)
    data = tmp_path / "last.docx"
    reportkit.render(last, data, force=True)  # its own arithmetic is not this test's
    return data


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_previous_accepts_last_year_s_published_report(tmp_path: Path, kind: str) -> None:
    this = page_with(tmp_path)  # carries over [34, 0, 0, 0, 0, 0]
    matching = _last_year(tmp_path, [34, 0, 0, 0, 0, 0], kind)
    assert [p for p in check_document(this, matching) if p.rule == "X"] == []
    other = _last_year(tmp_path, [30, 0, 0, 0, 0, 0], kind)
    (problem,) = [p for p in check_document(this, other) if p.rule == "X"]
    assert problem.label == "三：二、上年结转政府信息公开申请数量 × 自然人"
    assert f"上年报告（{other.name}）" in problem.format()
    done = run("check", str(this), "--previous", str(other))
    assert done.returncode == 1 and "[X]" in done.stdout


def test_a_data_file_is_checked_against_last_year_s_published_report(tmp_path: Path) -> None:
    last = _last_year(tmp_path, [30, 0, 0, 0, 0, 0], "html")
    done = run("check", str(HUAIAN), "--previous", str(last))
    assert done.returncode == 1
    assert "applications.carried_over.natural" in done.stdout and "[X]" in done.stdout


def test_x_across_2020_and_2021_with_published_reports(tmp_path: Path) -> None:
    last = report_2019_html(tmp_path / "2020.html", year=2020, agency="淮安市人民政府")
    # the 2020 report carries 72 forward to the 2021 one
    report = huaian().model_copy(update={"year": 2021, "date": dt.date(2022, 3, 28)})
    rows = figures(report)
    this = web_page(tmp_path / "2021.html", report, rows)
    (problem,) = [p for p in check_document(this, last) if p.rule == "X"]
    assert "72" in problem.format() and problem.path == "applications.carried_over.natural"


# --------------------------------------------------------------------------------------------
# The command line


def test_json_lists_the_problems_with_their_place(tmp_path: Path) -> None:
    def zero(rows: dict[str, Any]) -> None:
        rows["review"] = [10, 1, 0, 0, 0]

    done = run("check", str(page_with(tmp_path, zero)), "--format", "json")
    assert done.returncode == 1
    problems = json.loads(done.stdout)
    (zero_total,) = [p for p in problems if p["rule"] == "ZERO"]
    assert zero_total["path"] == "appeals.review.total"
    assert zero_total["label"] == "四：行政复议 × 总计"
    assert zero_total["line"] is None and "page" in zero_total
    assert zero_total["file"].endswith("page.html")


def test_fill_is_refused_for_a_published_report(tmp_path: Path) -> None:
    done = run("check", "--fill", str(page_with(tmp_path)))
    assert done.returncode == 2
    assert "不能用于已发布的报告" in done.stderr


def test_review_a_folder_of_reports_writes_the_summary_and_a_problem_list_each(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "received"
    folder.mkdir()
    handmade_docx(folder / "淮安市人民政府.docx", huaian())

    def zero(rows: dict[str, Any]) -> None:
        rows["review"] = [10, 1, 0, 0, 0]

    other = huaian().model_copy(
        update={
            "agency": huaian().agency.model_copy(
                update={"name": "淮安市财政局", "short_name": "财政局"}
            )
        }
    )
    page_with(folder, zero, report=other, name="财政局.html")
    report_2019_html(folder / "办公厅-2019.html")
    (folder / "damaged.pdf").write_bytes(b"not a pdf")
    (folder / "notes.xlsx").write_bytes(b"")  # not a report: left alone
    out = tmp_path / "review"
    done = run("batch", "--review", str(folder), "-o", str(out))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "共 4 份报告：通过 1，未通过 3" in done.stdout
    with (out / "summary.csv").open(encoding="utf-8-sig") as handle:
        rows = {row["数据文件"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"淮安市人民政府.docx", "财政局.html", "办公厅-2019.html", "damaged.pdf"}
    assert rows["淮安市人民政府.docx"]["状态"] == "通过"
    assert rows["财政局.html"]["状态"] == "未通过" and rows["财政局.html"]["单位"] == "淮安市财政局"
    assert rows["damaged.pdf"]["状态"] == "未通过"
    problems = (out / "问题清单-淮安市财政局.txt").read_text(encoding="utf-8-sig")
    assert problems.startswith("淮安市财政局（财政局.html）的报告有以下问题，请修改后重新报送：")
    assert "四：行政复议 × 总计: 总计印为 0" in problems
    assert (out / "问题清单-damaged.txt").is_file()
    # the data read from each report, to correct and render
    assert (out / "淮安市财政局.toml").is_file()
    assert 'format = "gov-info-disclosure-2019"' in (out / "上海市人民政府办公厅.toml").read_text(
        encoding="utf-8"
    )


def test_review_folder_matches_last_year_by_agency(tmp_path: Path) -> None:
    folder, last = tmp_path / "2024", tmp_path / "2023"
    folder.mkdir()
    last.mkdir()
    page_with(folder, name="city.html")
    _last_year(last, [30, 0, 0, 0, 0, 0], "html")
    result = review_folder(folder, tmp_path / "out", previous=last)
    (agency,) = result.agencies
    assert [p.rule for p in agency.errors] == ["X"]
    assert {p.rule for p in agency.warnings} == {"R", "S"}  # the same text as last year: 雷同
    assert review(folder / "city.html").problems == []  # without last year's: nothing across years

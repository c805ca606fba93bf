"""The web page: the same text as the .docx, the form's tables with their merged cells, and
nothing a portal's CMS would refuse (scripts, outside resources)."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pytest

import reportkit
from reportkit.model import PART_HEADINGS
from reportkit.webpage import page
from tests.helpers import FIXTURES, projection, run_cli

FIXTURE_FILES = ["jiangpo-2022", "huaian-2024", "jiangpo-2022.en"]


def rendered(name: str, folder: Path) -> Path:
    return reportkit.render(FIXTURES / f"{name}.toml", folder / f"{name}.docx").output


def html_projection(document: lxml.html.HtmlElement) -> list[str]:
    """Return the page as text the way tests.helpers.projection reads a .docx: headings and
    paragraphs in order, then table cells row by row, each merged cell once."""
    lines: list[str] = []
    article = document.find(".//article")
    for element in article.iter("h1", "h2", "h3", "p", "td", "th"):
        if element.get("class") == "mark":
            continue  # the header mark is in the document's header, not its body
        text = _text(element)
        if element.tag in ("td", "th") or text.strip():
            lines.append(text)
    return lines


def _text(element: lxml.html.HtmlElement) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == "br" else _text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def docx_projection(docx: Path) -> list[str]:
    lines = projection(docx)
    # the 署名 and date are placed by leading spaces in the document, by CSS on the page
    return [line.strip("\u3000\u2002") for line in lines]


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_page_says_what_the_docx_says(name: str, tmp_path: Path) -> None:
    docx = rendered(name, tmp_path)
    document = lxml.html.fromstring(page(docx.read_bytes()))
    assert html_projection(document) == docx_projection(docx)


@pytest.fixture(scope="module")
def huaian(tmp_path_factory: pytest.TempPathFactory) -> lxml.html.HtmlElement:
    docx = rendered("huaian-2024", tmp_path_factory.mktemp("html"))
    return lxml.html.fromstring(page(docx.read_bytes()))


def test_page_is_semantic_and_self_contained(huaian: lxml.html.HtmlElement) -> None:
    assert huaian.get("lang") == "zh-CN"
    assert huaian.find(".//meta[@charset]").get("charset") == "utf-8"
    assert [_text(h) for h in huaian.iter("h1")] == [
        "淮安市人民政府\n2024年政府信息公开工作年度报告"
    ]
    assert [_text(h) for h in huaian.iter("h2")] == list(PART_HEADINGS)
    assert huaian.findtext(".//title") == "淮安市人民政府2024年政府信息公开工作年度报告"
    leads = [_text(s) for s in huaian.iter("strong") if s.get("class") == "lead"]
    assert leads[:2] == ["（一）主动公开。", "（二）依申请公开。"]  # run-in lead phrases
    assert not list(huaian.iter("script", "link", "img", "iframe", "object", "embed"))
    for element in huaian.iter():
        for attribute in ("src", "href", "onload", "onclick"):
            assert element.get(attribute) is None, (element.tag, attribute)
    style = huaian.findtext(".//style")
    assert "@media print" in style and "@page" in style and "url(" not in style
    footer = huaian.find(".//footer")
    assert [p.get("class") for p in footer.iter("p")] == ["signature", "date"]


def cells(table: lxml.html.HtmlElement, section: str) -> list[list[tuple[str, int, int, str]]]:
    """Return a table section's rows: each cell as (text, colspan, rowspan, tag + scope)."""
    rows = []
    for tr in table.find(section).iter("tr"):
        rows.append(
            [
                (
                    _text(c),
                    int(c.get("colspan", "1")),
                    int(c.get("rowspan", "1")),
                    c.tag + (f":{c.get('scope')}" if c.get("scope") else ""),
                )
                for c in tr
            ]
        )
    return rows


def test_table_two_has_the_form_s_merged_cells(huaian: lxml.html.HtmlElement) -> None:
    tables = list(huaian.iter("table"))
    assert len(tables) == 3
    table = tables[0]
    head = cells(table, "thead")
    assert head == [
        [("第二十条第（一）项", 4, 1, "th:colgroup")],
        [
            ("信息内容", 1, 1, "th:col"),
            ("本年制发件数", 1, 1, "th:col"),
            ("本年废止件数", 1, 1, "th:col"),
            ("现行有效件数", 1, 1, "th:col"),
        ],
    ]
    body = cells(table, "tbody")
    assert [len(r) for r in body] == [4, 4, 1, 2, 2, 1, 2, 2, 2, 1, 2, 2]
    # every value cell of a one-figure block spans the 3 columns to its right, as does the
    # header above it: the table has no empty cell
    for label in ("行政许可", "行政处罚", "行政强制", "行政事业性收费"):
        row = next(r for r in body if r[0][0] == label)
        assert row[0][3] == "th:row" and row[1][1:] == (3, 1, "td")
    for title in ("第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"):
        row = next(r for r in body if r[0][0] == title)
        assert row == [(title, 4, 1, "th:colgroup")]
    assert sum(c[1] * c[2] for r in head + body for c in r) == 4 * 14
    assert all(c[0] for r in head + body for c in r)


def test_table_three_has_the_form_s_merged_cells(huaian: lxml.html.HtmlElement) -> None:
    table = list(huaian.iter("table"))[1]
    head = cells(table, "thead")
    assert head[0] == [
        (
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            3,
            3,
            "th:colgroup",
        ),
        ("申请人情况", 7, 1, "th:colgroup"),
    ]
    assert head[1] == [
        ("自然人", 1, 2, "th:col"),
        ("法人或其他组织", 5, 1, "th:colgroup"),
        ("总计", 1, 2, "th:col"),
    ]
    assert [c[0] for c in head[2]] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    body = cells(table, "tbody")
    assert len(body) == 25  # 25 rows of 7 numbers
    assert all(sum(1 for c in r if c[3] == "td") == 7 for r in body)
    assert body[0][0] == ("一、本年新收政府信息公开申请数量", 3, 1, "th:row")
    assert body[2][0] == ("三、本年度办理结果", 1, 22, "th:rowgroup")
    groups = {c[0]: c[2] for r in body for c in r if c[3] == "th:rowgroup"}
    assert groups == {
        "三、本年度办理结果": 22,
        "（三）不予公开": 8,
        "（四）无法提供": 3,
        "（五）不予处理": 5,
        "（六）其他处理": 3,
    }
    assert body[-2][0] == ("（七）总计", 2, 1, "th:row")
    assert body[-1][0] == ("四、结转下年度继续办理", 3, 1, "th:row")
    # the grid is whole: 10 columns in every row, counting the cells merged from above
    covered = [0] * len(body)
    for number, row in enumerate(body):
        for cell in row:
            for below in range(number, number + cell[2]):
                covered[below] += cell[1]
    assert covered == [10] * 25


def test_table_four_has_the_form_s_merged_cells(huaian: lxml.html.HtmlElement) -> None:
    table = list(huaian.iter("table"))[2]
    head = cells(table, "thead")
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert head[0] == [("行政复议", 5, 1, "th:colgroup"), ("行政诉讼", 10, 1, "th:colgroup")]
    assert head[1] == [(t, 1, 2, "th:col") for t in outcomes] + [
        ("未经复议直接起诉", 5, 1, "th:colgroup"),
        ("复议后起诉", 5, 1, "th:colgroup"),
    ]
    assert head[2] == [(t, 1, 1, "th:col") for t in outcomes * 2]
    body = cells(table, "tbody")
    assert [c[0] for c in body[0]] == [
        "72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20",
    ]  # fmt: skip
    assert all(c[3] == "td" for c in body[0])


def test_render_and_batch_write_pages(tmp_path: Path) -> None:
    data = tmp_path / "j.toml"
    shutil.copy(FIXTURES / "jiangpo-2022.toml", data)
    done = run_cli("render", str(data), "--html")
    assert done.returncode == 0, done.stderr
    assert "j.html" in done.stdout
    text = (tmp_path / "j.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "江坡镇人民政府" in text
    county = tmp_path / "county"
    shutil.copytree(FIXTURES / "mouding-2022", county)
    out = tmp_path / "out"
    out.mkdir()
    batch = run_cli("batch", str(county), "-o", str(out), "--html")
    assert batch.returncode == 1  # one town fails its checks, on purpose
    pages = sorted(p.stem for p in out.glob("*.html"))
    assert pages == sorted(p.stem for p in out.glob("*.docx")) and len(pages) >= 6
    # an unchanged batch run again leaves the pages as they are
    before = {p: p.stat().st_mtime_ns for p in out.glob("*.html")}
    again = run_cli("batch", str(county), "-o", str(out), "--html")
    assert again.returncode == 1
    assert {p: p.stat().st_mtime_ns for p in out.glob("*.html")} == before

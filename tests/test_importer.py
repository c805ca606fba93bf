"""reportkit import: published reports read back into data files.

Round trips: every fixture rendered, then imported from the .docx and from LibreOffice's PDF of
it, gives the fixture's figures, narrative and sentences again; the cleaned seed text gives
fixtures/jiangpo-2022.toml. Other agencies' layouts: a Word file made by hand, its PDF, a portal
page, a report in the 2019 format. And what cannot be read is a located problem, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import reportkit
from reportkit.format2019.model import FORMAT_2019, Report2019
from reportkit.importer import MIXED, data_text, import_report
from reportkit.load import AnyReport, load, load_any, read_texts_any
from reportkit.model import FORMAT_2021, Report
from reportkit.pdf import convert
from tests.helpers import DATA, FIXTURES
from tests.helpers import run_cli as run
from tests.published import SHANGHAI_2019, handmade_docx, report_2019_html, web_page

SEED = DATA / "seed-jiangpo-2022.txt"
# every fixture reportkit renders in Chinese (the English one is a translation for reading;
# the importer reads the Chinese forms)
RENDERED = [
    FIXTURES / "jiangpo-2022.toml",
    FIXTURES / "huaian-2024.toml",
    *sorted(p for p in (FIXTURES / "mouding-2022").glob("*.toml") if p.name != "county.toml"),
]


def read_back(path: Path) -> AnyReport:
    """Return the report `reportkit import` reads from `path`, through its data file."""
    imported = import_report(path)
    assert imported.errors == [], [p.format() for p in imported.problems]
    return read_texts_any([(str(path), data_text(imported))]).whole()


def figures(report: AnyReport) -> dict[str, Any]:
    full = report.complete()
    return {
        "proactive": full.proactive.model_dump(),
        "applications": full.applications.model_dump(),
        "appeals": full.appeals.model_dump(),
    }


def narrative(report: AnyReport, lossy: bool = False) -> list[tuple[str, str, str, str]]:
    """Return the report's paragraphs; `lossy` leaves punctuation out (see `test_pdf_...`)."""

    def text(value: str) -> str:
        return _no_punctuation(value) if lossy else value

    return [(path, text(b.lead), text(b.text), text(b.heading)) for path, b in report.narrative()]


def _no_punctuation(text: str) -> str:
    return "".join(c for c in text if not unicodedata.category(c).startswith("P"))


def assert_same(got: AnyReport, expected: Report, lossy: bool = False) -> None:
    """The import gives what the document was made from: figures, narrative, sentences,
    and what the document says of the agency, its year and date."""
    assert figures(got) == figures(expected)
    assert narrative(got, lossy) == narrative(expected, lossy)
    assert isinstance(got, Report)
    if lossy:
        assert {k: _no_punctuation(str(v)) for k, v in got.sentences.items()} == {
            k: _no_punctuation(str(v)) for k, v in expected.sentences.items()
        }
    else:
        assert got.sentences == expected.sentences
    assert (got.year, got.date, got.legal_basis) == (
        expected.year,
        expected.date,
        expected.legal_basis,
    )
    assert got.part6.info_processing_fee == expected.part6.info_processing_fee
    for field in ("name", "short_name", "contact_office", "phone", "fax", "address", "postcode"):
        assert getattr(got.agency, field) == getattr(expected.agency, field), field


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every fixture rendered, a hand-made Word file, and LibreOffice's PDF of each."""
    out = tmp_path_factory.mktemp("published")
    made = {}
    for fixture in RENDERED:
        # with force: one county fixture fails its checks on purpose (its figures are as given)
        made[fixture.stem] = reportkit.render(
            fixture, out / f"{fixture.stem}.docx", force=True
        ).output
    made["handmade"] = handmade_docx(out / "handmade.docx", load(FIXTURES / "huaian-2024.toml"))
    for pdf in convert(list(made.values()), standard="none"):
        made[f"{pdf.stem}.pdf"] = pdf
    return made


# --------------------------------------------------------------------------------------------
# Round trips


def test_the_seed_text_gives_the_fixture_s_figures_narrative_and_sentences() -> None:
    got = read_back(SEED)
    expected = load(FIXTURES / "jiangpo-2022.toml")
    assert_same(got, expected)
    assert got.agency.level == "town"  # guessed from the name, as the fixture says
    # what the copied text does not hold: the county and above
    assert (got.agency.county, expected.agency.county) == ("", "牟定县")


@pytest.mark.libreoffice
@pytest.mark.parametrize("fixture", RENDERED, ids=lambda p: p.stem)
def test_render_then_import_of_the_docx_gives_the_fixture_again(
    fixture: Path, documents: dict[str, Path]
) -> None:
    assert_same(read_back(documents[fixture.stem]), load(fixture))


@pytest.mark.libreoffice
@pytest.mark.parametrize("fixture", RENDERED, ids=lambda p: p.stem)
def test_render_then_pdf_then_import_gives_the_fixture_again(
    fixture: Path, documents: dict[str, Path]
) -> None:
    # LibreOffice's PDF loses a full stop or comma where a line ends with one that may not
    # begin the next (避头尾): e.g. 「二是宣传不够。」 on page 7 of jiangpo-2022 has no 。 in the
    # PDF at all (pdftotext finds none either). The figures and every word must come back; the
    # punctuation is compared in the .docx round trip above.
    assert_same(read_back(documents[f"{fixture.stem}.pdf"]), load(fixture), lossy=True)


def test_the_data_file_is_written_like_the_skeleton_and_says_where_it_came_from() -> None:
    imported = import_report(SEED)
    text = data_text(imported)
    assert text.startswith("# 江坡镇人民政府 2022年政府信息公开工作年度报告 — 数据文件\n")
    assert "由 reportkit import 从 seed-jiangpo-2022.txt 读出" in text
    assert "2021 年版格式（国办公开办函〔2021〕30号）" in text
    assert 'format = "gov-info-disclosure-2021"' in text
    for line in (
        "[agency]",
        "[sentences]",
        "[part1]",
        "[proactive]",
        "[applications]",
        "[appeals]",
    ):
        assert f"\n{line}\n" in text
    assert '# "part3.received" = true' in text  # the sentences not set, as `new` lists them
    assert (
        "info_processing_fee = 0   # 本年收取的信息处理费（元）   # 原报告没有写本年收取的信息处理费"
        in text
    )


# --------------------------------------------------------------------------------------------
# Other agencies' layouts


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", ["handmade", "handmade.pdf"])
def test_a_hand_made_word_file_and_its_pdf_are_read_by_their_labels(
    kind: str, documents: dict[str, Path]
) -> None:
    imported = import_report(documents[kind])
    assert imported.problems == [], [p.format() for p in imported.problems]
    got = read_texts_any([(kind, data_text(imported))]).whole()
    expected = load(FIXTURES / "huaian-2024.toml")
    # 总计 printed as the first column, figures typed as 「1 288」, a typo in 2.其他法律行政法规
    # 禁止公开, the title over two paragraphs, sub-heads in bold runs: all read by their labels
    assert figures(got) == figures(expected)
    assert narrative(got, lossy=kind.endswith("pdf")) == narrative(
        expected, lossy=kind.endswith("pdf")
    )
    assert got.agency.name == "淮安市人民政府" and got.year == 2024
    assert got.date == expected.date
    assert (got.agency.contact_office, got.agency.phone) == (
        "淮安市人民政府办公室",
        "0517-83606000",
    )
    assert isinstance(got, Report)
    # its own preamble is kept as it is worded; the sentences it lacks are switched off
    assert got.sentences["preamble.compiled"].startswith(
        "本报告根据《中华人民共和国政府信息公开条例》"
    )
    assert got.sentences["preamble.period"] is False
    assert got.sentences["part6.admin_fees"] is False
    assert "part6.info_processing_fee" not in got.sentences  # its fee sentence is reportkit's own


def test_a_portal_page_is_read_from_its_tables_and_paragraphs(tmp_path: Path) -> None:
    expected = load(FIXTURES / "huaian-2024.toml")
    page = web_page(tmp_path / "page.html", expected)
    got = read_back(page)
    assert figures(got) == figures(expected)
    assert narrative(got) == narrative(expected)  # menus and footer left out
    assert got.agency.name == "淮安市人民政府" and got.date == expected.date


def test_a_report_in_the_2019_format_is_read_as_that_format(tmp_path: Path) -> None:
    page = report_2019_html(tmp_path / "2019.html")
    imported = import_report(page)
    assert imported.layout == FORMAT_2019
    assert imported.errors == []
    text = data_text(imported)
    assert 'format = "gov-info-disclosure-2019"' in text
    assert "2019 年版格式（国办公开办函〔2019〕60号）" in text
    got = read_texts_any([("x", text)]).whole()
    assert isinstance(got, Report2019)
    assert got.applications.other_handling.total is None  # printed blank: computed
    assert got.applications.received.model_dump() == {
        "natural": 821, "business": 35, "research": 0, "public_interest": 0,
        "legal_services": 2, "other": 1, "total": 859,
    }  # fmt: skip
    assert got.proactive.coercion.change == -2
    assert (got.proactive.procurement.amount, got.proactive.procurement.unit) == (
        Decimal(251000),
        "元",
    )
    assert got.appeals.review.model_dump() == {
        "upheld": 5, "corrected": 0, "other": 0, "pending": 2, "total": 7,
    }  # fmt: skip
    # the blank cells are said in the data file, row by row
    assert "原报告此行未填写：科研机构、社会公益组织" in text
    assert figures(got) == figures(
        load_any(FIXTURES / "format2019" / "shanghai-office-2019.toml")
    ) | {"proactive": got.proactive.model_dump()}


def test_a_2021_report_that_kept_the_single_other_row_is_read_and_said(tmp_path: Path) -> None:
    rows = {k: v for k, v in SHANGHAI_2019.items()}
    page = report_2019_html(tmp_path / "mixed.html", rows=rows)
    # a 2021-format table 二 over the 2019 format's table 三, on a report for 2023
    text = page.read_text(encoding="utf-8")
    start, end = text.index("<table"), text.index("</table>") + len("</table>")
    table_two = (
        "<table><tr><td colspan='4'>第二十条第（一）项</td></tr>"
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        "<tr><td>规章</td><td>0</td><td>0</td><td>3</td></tr>"
        "<tr><td>行政规范性文件</td><td>2</td><td>1</td><td>9</td></tr>"
        "<tr><td>信息内容</td><td colspan='3'>本年处理决定数量</td></tr>"
        "<tr><td>行政许可</td><td colspan='3'>5</td></tr>"
        "<tr><td>行政处罚</td><td colspan='3'>6</td></tr>"
        "<tr><td>行政强制</td><td colspan='3'>7</td></tr>"
        "<tr><td>信息内容</td><td colspan='3'>本年收费金额（单位：万元）</td></tr>"
        "<tr><td>行政事业性收费</td><td colspan='3'>1.5</td></tr></table>"
    )
    text = (
        (text[:start] + table_two + text[end:])
        .replace("2019年", "2023年")
        .replace("2020年", "2024年")
    )
    page.write_text(text, encoding="utf-8")
    imported = import_report(page)
    assert imported.layout == MIXED and imported.format == FORMAT_2021
    (problem,) = [p for p in imported.problems if p.code == "import_single_other"]
    assert (problem.label, problem.severity) == ("三：（六）其他处理", "warning")
    got = read_texts_any([("x", data_text(imported))]).whole()
    assert isinstance(got, Report)
    assert got.proactive.licensing == 5 and got.year == 2023
    assert got.applications.other_handling.other.natural == 0  # the single row, under 3.其他


# --------------------------------------------------------------------------------------------
# What cannot be read


def _seed_with(old: str, new: str, tmp_path: Path, count: int = 1) -> Path:
    text = SEED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "seed.txt"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def test_a_table_s_last_rows_on_the_next_page_are_read_as_part_of_it(tmp_path: Path) -> None:
    # LibreOffice's PDF of a short report puts table 二's 行政事业性收费 row (with its two header
    # rows) at the top of page 2: a fragment printing one of the table's labels only
    from reportkit.importer.assemble import assemble
    from reportkit.importer.document import Grid
    from reportkit.importer.read_docx import read_docx

    expected = load(FIXTURES / "huaian-2024.toml")
    document = read_docx(reportkit.render(expected, tmp_path / "huaian.docx").output)
    at, whole = next(
        (i, item)
        for i, item in enumerate(document.items)
        if isinstance(item, Grid) and any("行政事业性收费" in (c or "") for c in item.cells[-1])
    )
    cut = len(whole.cells) - 3
    top = Grid(whole.cells[:cut], whole.origin[:cut], 1, pages=[1] * cut)
    rest = Grid(whole.cells[cut:], whole.origin[cut:], 2, pages=[2] * 3)
    own = Grid.of_rows([["序号", "事项"], ["1", "政务公开培训"]], page=3)  # the report's own
    document.items[at : at + 1] = [top, rest, own]
    found = assemble(document)
    assert found.data["proactive"]["fees"] == expected.proactive.fees
    assert found.data["proactive"]["licensing"] == expected.proactive.licensing
    assert [p.code for p in found.problems if p.code.startswith("import_")] == [
        "import_other_table"
    ]


def test_a_row_with_a_number_missing_is_a_located_problem_not_a_guess(tmp_path: Path) -> None:
    # the cells of 三（四）2 lose one figure (a copy that dropped a cell)
    text = SEED.read_text(encoding="utf-8")
    row = "2.没有现成信息需要另行制作 |\n" + "0 |\n" * 7
    assert row in text
    path = tmp_path / "seed.txt"
    path.write_text(
        text.replace(row, "2.没有现成信息需要另行制作 |\n" + "0 |\n" * 6), encoding="utf-8"
    )
    imported = import_report(path)
    (problem,) = imported.errors
    assert problem.code == "import_row_count"
    assert problem.format() == (
        f"{path}: applications.unavailable.needs_creation "
        "三：（四）无法提供2.没有现成信息需要另行制作: "
        "表三的这一行找到 6 个数，应有 7 个：无法确定每个数属于哪一列，未读取"
    )
    assert "found 6 numbers in this row of table 三, expected 7" in problem.format("en")
    text = data_text(imported)
    assert "# unavailable.needs_creation" in text and "未能从原报告中读出" in text
    reading = read_texts_any([("x.toml", text)])
    assert [(p.code, p.path) for p in reading.problems] == [
        ("missing", "applications.unavailable.needs_creation")
    ]


def test_a_cell_that_is_not_a_number_is_named(tmp_path: Path) -> None:
    path = _seed_with("行政许可 |\n0 |", "行政许可 |\n约 12 件 |", tmp_path)
    imported = import_report(path)
    (problem,) = imported.errors
    assert problem.code == "import_cell_unreadable"
    assert (problem.path, problem.label) == ("proactive.licensing", "二：行政许可")
    assert "「约 12 件」不是数字" in problem.format()
    assert "proactive.licensing" in imported.unread


def test_a_row_not_found_is_named(tmp_path: Path) -> None:
    path = _seed_with("3.其他 |", "3.其它情况说明 |", tmp_path)
    problems = [(p.code, p.path) for p in import_report(path).errors]
    assert ("import_row_missing", "applications.other_handling.other") in problems


def test_figures_with_spaces_and_units_are_read_and_others_are_not() -> None:
    from reportkit.importer.tables import figure

    assert figure(" 1 288 ", "count").value == 1288
    assert figure("１２", "count").value == 12
    assert figure("3,119", "count").value == 3119
    assert figure("96171.6", "amount").value == Decimal("96171.6")
    assert figure("251000元", "amount").unit == "元"
    assert figure("+1036", "change").value == 1036
    assert figure("减少2", "change").value == -2
    assert figure("—", "count").blank and figure("", "count").blank
    assert figure("十二", "count").value is None and not figure("十二", "count").blank
    assert figure("1.5", "count").value is None  # a count is whole


def test_labels_are_matched_leniently_but_not_loosely() -> None:
    from reportkit.importer.labels import best, part_number

    rows = ["2.其他法律行政法规禁止公开", "1.属于国家秘密", "3.其他"]
    assert best("2、其他法律行政止公开", rows) == (
        "2.其他法律行政法规禁止公开",
        pytest.approx(0.88),
    )
    assert best(
        "（二）部分公开（区分处理的，只计这一情 形，不\n计其他情形）",
        ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
    )
    assert best("其他", rows) is None
    assert best("结果 纠正", ["结果纠正", "结果维持"]) == ("结果纠正", 1.0)
    assert part_number("五、政府信息公开工作存在的主要问题及改进情况") == 5
    assert part_number("三、本年度办理结果") is None
    assert part_number("一、本年新收政府信息公开申请数量") is None


def test_an_unreadable_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not a pdf")
    done = run("import", str(bad))
    assert done.returncode == 1
    assert "无法读取这个文件" in done.stderr and "Traceback" not in done.stderr
    done = run("import", str(tmp_path / "report.odt"))
    assert done.returncode == 1 and "不能读取 .odt 文件" in done.stderr


@pytest.mark.libreoffice
def test_a_file_without_text_is_one_problem_saying_so(tmp_path: Path) -> None:
    import docx

    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.html").write_text("\n  \n", encoding="utf-8")
    (tmp_path / "menu.html").write_text(
        "<html><head><title>x</title></head><body><script>var a;</script></body></html>",
        encoding="utf-8",
    )
    docx.Document().save(str(tmp_path / "blank.docx"))
    convert([tmp_path / "blank.docx"], tmp_path)  # a PDF with a page and no text, as a scan
    for name in ("empty.txt", "blank.html", "menu.html", "blank.docx", "blank.pdf"):
        assert_empty(tmp_path / name)
        checked = run("check", str(tmp_path / name))
        assert checked.returncode == 1 and "文件中没有可读的文字" in checked.stdout, name


def assert_empty(path: Path) -> None:
    """`reportkit import` says, in one problem, that the file holds no text."""
    done = run("import", str(path))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"{path}: 文件中没有可读的文字（空文件，或没有文字层的扫描件）；"
        "请换用报告的 Word 文件、网页或可复制文字的 PDF"
    ], path.name


def test_a_binary_file_named_html_is_unreadable_not_a_page_missing_every_part(
    tmp_path: Path,
) -> None:
    # random bytes named .html were read as a page of mojibake: a list of fifteen problems,
    # every part, table and date "not found"
    import random

    junk = tmp_path / "junk.html"
    junk.write_bytes(random.Random(7).randbytes(100_000))
    done = run("import", str(junk))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"{junk}: 无法读取这个文件（encoding）：它可能已损坏、加密，或不是扩展名所说的格式"
    ]
    page = tmp_path / "utf16.html"  # a page saved by an editor as UTF-16 is still a page
    page.write_bytes("<html><body><p>本机关2022年主动公开</p></body></html>".encode("utf-16"))
    assert "无法读取这个文件" not in run("import", str(page)).stderr


def test_a_file_of_no_bytes_is_empty_whatever_its_extension(tmp_path: Path) -> None:
    # Windows' New > Microsoft Word Document makes a .docx of 0 bytes: empty, not damaged
    for name in ("new.docx", "new.pdf", "new.htm"):
        (tmp_path / name).write_bytes(b"")
        assert_empty(tmp_path / name)


# --------------------------------------------------------------------------------------------
# The command


def test_import_writes_a_data_file_that_check_and_render_accept(tmp_path: Path) -> None:
    out = tmp_path / "jiangpo.toml"
    done = run("import", str(SEED), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "表格的格式为2021 年版格式" in done.stderr
    english = run("--lang", "en", "import", str(SEED), "-o", str(tmp_path / "en.toml"))
    assert "its tables are in the 2021 format (国办公开办函〔2021〕30号)" in english.stderr
    assert "已生成数据文件" in done.stdout
    # the county is not in the published text: the data file's check asks for it
    checked = run("check", str(out))
    assert checked.returncode == 1
    assert "「所在县（区）」尚未填写 [FILL]" in checked.stdout
    text = out.read_text(encoding="utf-8").replace('county = ""', 'county = "牟定县"')
    out.write_text(text, encoding="utf-8")
    assert run("check", str(out)).returncode == 0
    rendered = run("render", str(out), "-o", str(tmp_path / "jiangpo.docx"))
    assert rendered.returncode == 0, rendered.stderr
    again = read_back(tmp_path / "jiangpo.docx")
    assert figures(again) == figures(load(FIXTURES / "jiangpo-2022.toml"))


def test_import_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "x.toml"
    out.write_text("keep", encoding="utf-8")
    done = run("import", str(SEED), "-o", str(out))
    assert done.returncode == 1 and "文件已存在" in done.stderr
    assert out.read_text(encoding="utf-8") == "keep"
    assert run("import", str(SEED), "-o", str(out), "--force").returncode == 0
    assert out.read_text(encoding="utf-8").startswith("# 江坡镇人民政府")
    done = run("import", str(SEED), "-o", str(tmp_path / "x.docx"))
    assert done.returncode == 1 and "输出文件应以 .toml 结尾" in done.stderr


def test_import_of_a_report_with_gaps_writes_the_file_and_says_what_to_complete(
    tmp_path: Path,
) -> None:
    path = _seed_with("行政许可 |\n0 |", "行政许可 |\n? |", tmp_path)
    done = run("import", str(path), "-o", str(tmp_path / "x.toml"))
    assert done.returncode == 1
    assert "有 1 处未能读出" in done.stdout
    assert "「?」不是数字" in done.stderr
    assert re.search(
        r"^# licensing = .*未能从原报告中读出",
        (tmp_path / "x.toml").read_text(encoding="utf-8"),
        re.M,
    )


def test_a_table_of_the_report_s_own_is_said_not_read(tmp_path: Path) -> None:
    expected = load(FIXTURES / "huaian-2024.toml")
    page = web_page(tmp_path / "page.html", expected)
    text = page.read_text(encoding="utf-8").replace(
        "<p>二、主动公开政府信息情况</p>",
        "<table><tr><td>类别</td><td>条数</td></tr><tr><td>政策文件</td><td>120</td></tr></table>"
        "<p>二、主动公开政府信息情况</p>",
    )
    page.write_text(text, encoding="utf-8")
    imported = import_report(page)
    (problem,) = imported.problems
    assert (problem.code, problem.label, problem.severity) == (
        "import_other_table",
        "一、总体情况",
        "warning",
    )
    got = read_texts_any([("x", data_text(imported))]).whole()
    assert figures(got) == figures(expected) and narrative(got) == narrative(expected)

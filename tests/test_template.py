"""The template: official page layout, fonts and tables, asserted in the rendered XML."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import reportkit
from reportkit.renderer import default_template
from tests.helpers import REPO, projection, xml_part

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tpl") / "huaian.docx"
    reportkit.render(REPO / "fixtures" / "huaian-2024.toml", out)
    return out


def style(styles, style_id: str):  # type: ignore[no-untyped-def]
    found = [s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == style_id]
    assert len(found) == 1, style_id
    return found[0]


def test_page_is_a4_with_gbt9704_margins_and_line_grid(rendered: Path) -> None:
    sect = xml_part(rendered).find(f"{W}body/{W}sectPr")
    size = sect.find(f"{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")
    margins = sect.find(f"{W}pgMar")
    mm = {
        k: round(int(margins.get(f"{W}{k}")) * 25.4 / 1440)
        for k in ("top", "bottom", "left", "right")
    }
    assert mm == {"top": 37, "bottom": 35, "left": 28, "right": 26}
    grid = sect.find(f"{W}docGrid")
    assert grid.get(f"{W}type") == "lines"
    pitch = int(grid.get(f"{W}linePitch"))
    text_height = 16838 - int(margins.get(f"{W}top")) - int(margins.get(f"{W}bottom"))
    assert text_height // pitch == 22  # 22 lines a page
    # the declared character pitch gives 28 characters a line of the 156 mm text block
    char_pitch_pt = 16 + int(grid.get(f"{W}charSpace")) / 4096
    text_width_pt = (11906 - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))) / 20
    assert int(text_width_pt / char_pitch_pt) == 28


def test_fonts_are_declared_as_east_asian_with_zh_cn(rendered: Path) -> None:
    styles = xml_part(rendered, "word/styles.xml")
    expected = {
        "Normal": "仿宋_GB2312",
        "Heading1": "黑体",
        "Heading2": "楷体_GB2312",
        "RKLead": "楷体_GB2312",
        "RKTitle": "方正小标宋简体",
    }
    for style_id, font in expected.items():
        rpr = style(styles, style_id).find(f"{W}rPr")
        assert rpr.find(f"{W}rFonts").get(f"{W}eastAsia") == font, style_id
        assert rpr.find(f"{W}rFonts").get(f"{W}ascii") == "Times New Roman"
        assert rpr.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
    sizes = {
        s: style(styles, s).find(f"{W}rPr/{W}sz").get(f"{W}val")
        for s in ("Normal", "RKTitle", "RKPageNumber")
    }
    assert sizes == {"Normal": "32", "RKTitle": "44", "RKPageNumber": "28"}  # 3号, 2号, 4号
    body = style(styles, "Normal").find(f"{W}pPr")
    assert body.find(f"{W}spacing").get(f"{W}lineRule") == "exact"
    assert body.find(f"{W}ind").get(f"{W}firstLineChars") == "200"
    outline = style(styles, "Heading1").find(f"{W}pPr/{W}outlineLvl").get(f"{W}val")
    assert outline == "0"


def test_page_numbers_sit_on_the_outer_side(rendered: Path) -> None:
    settings = xml_part(rendered, "word/settings.xml")
    assert settings.find(f"{W}evenAndOddHeaders") is not None
    sect = xml_part(rendered).find(f"{W}body/{W}sectPr")
    rels = {
        r.get("Id"): r.get("Target") for r in xml_part(rendered, "word/_rels/document.xml.rels")
    }
    footers = {
        ref.get(f"{W}type"): rels[
            ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        ]
        for ref in sect.findall(f"{W}footerReference")
    }
    for kind, align in (("default", "right"), ("even", "left")):
        footer = xml_part(rendered, "word/" + footers[kind])
        p = footer.find(f"{W}p")
        assert p.find(f"{W}pPr/{W}jc").get(f"{W}val") == align
        text = "".join(t.text for t in p.iter(f"{W}t"))
        assert text.startswith("— ") and text.endswith(" —")
        assert "PAGE" in "".join(t.text for t in p.iter(f"{W}instrText"))


def test_tables_have_the_format_s_rows_columns_and_merges(rendered: Path) -> None:
    tables = list(xml_part(rendered).iter(f"{W}tbl"))
    assert len(tables) == 3
    grid_columns = [len(t.findall(f"{W}tblGrid/{W}gridCol")) for t in tables]
    assert grid_columns == [4, 10, 15]
    assert [len(t.findall(f"{W}tr")) for t in tables] == [14, 28, 4]
    note = tables[1].find(f"{W}tr/{W}tc")
    assert note.find(f"{W}tcPr/{W}gridSpan").get(f"{W}val") == "3"
    assert note.find(f"{W}tcPr/{W}vMerge").get(f"{W}val") == "restart"
    # 三、本年度办理结果 is one cell merged down its 22 rows
    first_cells = [tr.find(f"{W}tc") for tr in tables[1].findall(f"{W}tr")[5:27]]
    merges = [c.find(f"{W}tcPr/{W}vMerge") for c in first_cells]
    assert merges[0].get(f"{W}val") == "restart"
    assert all(m is not None and m.get(f"{W}val") is None for m in merges[1:])
    # every row spans the full grid
    for table, width in zip(tables, grid_columns, strict=True):
        for tr in table.findall(f"{W}tr"):
            spans = [
                int(tc.find(f"{W}tcPr/{W}gridSpan").get(f"{W}val"))
                if tc.find(f"{W}tcPr/{W}gridSpan") is not None
                else 1
                for tc in tr.findall(f"{W}tc")
            ]
            assert sum(spans) == width
    # table widths fit the text block
    margins = xml_part(rendered).find(f"{W}body/{W}sectPr/{W}pgMar")
    text_width = 11906 - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))
    for table in tables:
        assert sum(int(c.get(f"{W}w")) for c in table.iter(f"{W}gridCol")) <= text_width


def test_table_figures_land_in_their_cells(rendered: Path) -> None:
    lines = projection(rendered)
    start = lines.index("一、本年新收政府信息公开申请数量")
    assert lines[start : start + 8] == [
        "一、本年新收政府信息公开申请数量",
        "3001",
        "53",
        "0",
        "0",
        "61",
        "4",
        "3119",
    ]
    end = lines.index("四、结转下年度继续办理")
    assert lines[end + 1 : end + 8] == ["103", "0", "0", "0", "0", "0", "103"]
    appeals = lines[lines.index("复议后起诉") + 11 :][:15]
    assert appeals == [
        "72",
        "64",
        "178",
        "37",
        "351",
        "13",
        "4",
        "8",
        "1",
        "26",
        "12",
        "1",
        "1",
        "6",
        "20",
    ]


@pytest.mark.parametrize(
    ("lang", "name"),
    [("zh-CN", "gov-info-disclosure-2021.docx"), ("en", "gov-info-disclosure-2021.en.docx")],
)
def test_committed_template_is_what_the_build_script_makes(
    tmp_path: Path, lang: str, name: str
) -> None:
    built = tmp_path / "built.docx"
    subprocess.run(
        [sys.executable, str(REPO / "templates" / "build_template.py"), lang, str(built)],
        check=True,
        capture_output=True,
    )
    assert built.read_bytes() == (REPO / "templates" / name).read_bytes()
    assert default_template(lang).read_bytes() == built.read_bytes()

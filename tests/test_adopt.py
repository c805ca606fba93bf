"""Adopting a province's blank form: its layout kept, the report's figures in the right cells."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from docx import Document

import reportkit
from reportkit.adopt import adopt
from reportkit.errors import TemplateError
from reportkit.lint import lint
from reportkit.model import APPEAL_ROWS, APPLICANT_COLUMNS, APPLICATION_ROWS, OUTCOME_COLUMNS
from tests.forms import make_form
from tests.helpers import FIXTURES, normalise, run_cli, xml_part

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def paragraphs_and_cells(docx: Path) -> tuple[list[str], Counter[str]]:
    """The body's paragraphs in order, and the tables' non-empty cells as a multiset."""
    body = xml_part(docx).find(f"{W}body")
    paragraphs, cells = [], Counter()
    for child in body:
        if child.tag == f"{W}p":
            text = normalise("".join(t.text or "" for t in child.iter(f"{W}t")))
            if text:
                paragraphs.append(text)
        elif child.tag == f"{W}tbl":
            for line in projection_cells(child):
                cells[line] += 1
    return paragraphs, cells


def projection_cells(table: object) -> list[str]:
    out = []
    for cell in table.iter(f"{W}tc"):  # type: ignore[attr-defined]
        merge = cell.find(f"{W}tcPr/{W}vMerge")
        if merge is not None and merge.get(f"{W}val") != "restart":
            continue
        text = normalise("".join(t.text or "" for t in cell.iter(f"{W}t")))
        if text:
            out.append(text)
    return out


def test_a_national_form_renders_the_seed_as_the_official_template_does(tmp_path: Path) -> None:
    form = make_form(tmp_path / "form.docx")
    template = tmp_path / "adopted.docx"
    adoption = adopt(form, template)
    assert lint(template) == []
    assert "填报说明：本表由各单位填写，数字一律填阿拉伯数字，没有的填 0。"[:40] in adoption.removed
    ours = tmp_path / "ours.docx"
    theirs = tmp_path / "theirs.docx"
    reportkit.render(FIXTURES / "jiangpo-2022.toml", ours)
    reportkit.render(FIXTURES / "jiangpo-2022.toml", theirs, template=template)
    assert paragraphs_and_cells(theirs) == paragraphs_and_cells(ours)
    # the form's own look is kept: its table widths and fonts, not reportkit's
    table = Document(str(theirs)).tables[0]
    assert round(table.columns[0].cells[2].width.cm, 1) == 5.5


def test_a_flat_form_with_typos_gets_every_figure_in_its_cell(tmp_path: Path) -> None:
    form = make_form(tmp_path / "form.docx", layout="flat", typos=True)
    template = tmp_path / "adopted.docx"
    adoption = adopt(form, template)
    assert any("表中写作" in line and "行政止公开" in line for line in adoption.mapped)
    out = tmp_path / "out.docx"
    report = reportkit.load(FIXTURES / "huaian-2024.toml")
    reportkit.render(report, out, template=template)
    full = report.complete()
    tables = Document(str(out)).tables
    applications = tables[1]
    for r, row in enumerate(APPLICATION_ROWS, start=1):
        figures = [applications.cell(r, 2 + i).text for i in range(len(APPLICANT_COLUMNS))]
        value = full.applications.row(row.key)
        assert value is not None
        assert figures == [str(value.value(c.key)) for c in APPLICANT_COLUMNS], row.label
    appeals = tables[2]
    figures = [appeals.cell(2, i).text for i in range(15)]
    expected = [
        str(getattr(getattr(full.appeals, g.key), c.key))
        for g in APPEAL_ROWS
        for c in OUTCOME_COLUMNS
    ]
    assert figures == expected


def test_a_form_lacking_a_row_and_a_heading_is_refused_whole(tmp_path: Path) -> None:
    form = make_form(tmp_path / "form.docx")
    doc = Document(str(form))
    for p in doc.paragraphs:
        if p.text == "五、存在的主要问题及改进情况":
            p.text = "五、其他"
    table = doc.tables[1]
    row = next(r for r in table.rows if any("2.重复申请" in c.text for c in r.cells))
    row._tr.getparent().remove(row._tr)
    doc.save(str(form))
    with pytest.raises(TemplateError) as caught:
        adopt(form, tmp_path / "adopted.docx")
    found = [p.format() for p in caught.value.problems]
    assert any("找不到标题「五、存在的主要问题及改进情况」" in f for f in found)
    assert not (tmp_path / "adopted.docx").exists()
    doc = Document(str(form))
    for p in doc.paragraphs:
        if p.text == "五、其他":
            p.text = "五、存在的主要问题及改进情况"
    doc.save(str(form))
    with pytest.raises(TemplateError) as caught:
        adopt(form, tmp_path / "adopted.docx")
    assert [p.format() for p in caught.value.problems] == [
        f"{form}: 表三中找不到「（五）不予处理2.重复申请」这一行"
    ]


def test_the_command_says_what_it_mapped_and_never_overwrites(tmp_path: Path) -> None:
    form = make_form(tmp_path / "form.docx")
    result = run_cli("template", "adopt", str(form), "-o", str(tmp_path / "t.docx"))
    assert result.returncode == 0, result.stderr
    assert "已对应：三：（七）总计" in result.stdout and "已删去：（文字描述）" in result.stdout
    again = run_cli("template", "adopt", str(form), "-o", str(tmp_path / "t.docx"))
    assert again.returncode == 1 and "文件已存在" in again.stderr

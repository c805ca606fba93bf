"""Blank forms of the 2021 format as provinces hand them out, made with python-docx.

Each is laid out unlike reportkit's own template: its own fonts and column widths, a
「填报说明」 paragraph, placeholders under the headings, and (in the "flat" layout) a table 三
with one header row instead of three and a table 四 with its groups side by side. `typos`
puts in the kind of slips real forms carry: a character missing, spaces inside a label.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reportkit.model import (
    APPLICANT_COLUMNS,
    APPLICATION_NOTE,
    APPLICATION_ROWS,
    OUTCOME_COLUMNS,
    PART_HEADINGS,
)

PLACEHOLDER = "（文字描述）"


def _font(run: object, name: str, size: float) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)  # type: ignore[attr-defined]


def _para(doc: Document, text: str, size: float = 15, font: str = "宋体") -> None:
    p = doc.add_paragraph()
    _font(p.add_run(text), font, size)


def _fill(cell: object, text: str) -> None:
    cell.text = text  # type: ignore[attr-defined]
    for p in cell.paragraphs:  # type: ignore[attr-defined]
        for run in p.runs:
            _font(run, "宋体", 9)


def make_form(path: Path, layout: str = "national", typos: bool = False) -> Path:
    """Write a blank form to `path`: "national" merges as the national layout does; "flat"
    puts each table's headers on one row."""
    doc = Document()
    _para(doc, "XX省政府信息公开工作年度报告（模板）", 20, "方正小标宋简体")
    doc.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "填报说明：本表由各单位填写，数字一律填阿拉伯数字，没有的填 0。", 10)
    for number, heading in enumerate(PART_HEADINGS, start=1):
        _para(doc, heading, 16, "黑体")
        if number not in (2, 3, 4):
            _para(doc, PLACEHOLDER)
        if number == 2:
            _proactive(doc)
        elif number == 3:
            _applications(doc, layout, typos)
        elif number == 4:
            _appeals(doc, layout)
        _para(doc, "")
    doc.save(str(path))
    return path


def _proactive(doc: Document) -> None:
    table = doc.add_table(rows=14, cols=4)
    table.style = "Table Grid"
    spans = {
        0: "第二十条第（一）项",
        4: "第二十条第（五）项",
        7: "第二十条第（六）项",
        11: "第二十条第（八）项",
    }
    for row, text in spans.items():
        merged = table.cell(row, 0).merge(table.cell(row, 3))
        _fill(merged, text)
    _fill(table.cell(1, 0), "信息内容")
    for i, label in enumerate(("本年制发件数", "本年废止件数", "现行有效件数"), start=1):
        _fill(table.cell(1, i), label)
    _fill(table.cell(2, 0), "规章")
    _fill(table.cell(3, 0), "行政规范性文件")
    for header, unit in (
        (5, "本年处理决定数量"),
        (8, "本年处理决定数量"),
        (12, "本年收费金额（单位：万元）"),
    ):
        _fill(table.cell(header, 0), "信息内容")
        _fill(table.cell(header, 1).merge(table.cell(header, 3)), unit)
    for row, label in ((6, "行政许可"), (9, "行政处罚"), (10, "行政强制"), (13, "行政事业性收费")):
        _fill(table.cell(row, 0), label)
        table.cell(row, 1).merge(table.cell(row, 3))
    for column, width in enumerate((Cm(5.5), Cm(3), Cm(3), Cm(3))):
        for cell in table.columns[column].cells:
            cell.width = width


def _applications(doc: Document, layout: str, typos: bool) -> None:
    def label(text: str) -> str:
        if not typos:
            return text
        return {
            "2.其他法律行政法规禁止公开": "2.其他法律行政止公开",
            "一、本年新收政府信息公开申请数量": "一、本年新收政府信息公开申请 数量",
        }.get(text, text)

    rows = [r for r in APPLICATION_ROWS]
    if layout == "flat":
        table = doc.add_table(rows=1 + len(rows), cols=2 + len(APPLICANT_COLUMNS))
        table.style = "Table Grid"
        _fill(table.cell(0, 0).merge(table.cell(0, 1)), APPLICATION_NOTE)
        for i, column in enumerate(APPLICANT_COLUMNS, start=2):
            _fill(table.cell(0, i), column.label)
        for r, row in enumerate(rows, start=1):
            _fill(table.cell(r, 0), row.group or "")
            _fill(table.cell(r, 1), label(row.label))
        return
    # the national layout: three header rows, 三、本年度办理结果 merged down, groups merged down
    table = doc.add_table(rows=3 + len(rows), cols=10)
    table.style = "Table Grid"
    _fill(table.cell(0, 0).merge(table.cell(2, 2)), APPLICATION_NOTE)
    _fill(table.cell(0, 3).merge(table.cell(0, 9)), "申请人情况")
    _fill(table.cell(1, 3).merge(table.cell(2, 3)), "自然人")
    _fill(table.cell(1, 4).merge(table.cell(1, 8)), "法人或其他组织")
    _fill(table.cell(1, 9).merge(table.cell(2, 9)), "总计")
    for i, column in enumerate(APPLICANT_COLUMNS[1:6], start=4):
        _fill(table.cell(2, i), column.label)
    first = 3
    results = [
        i
        for i, r in enumerate(rows)
        if r.key not in ("received", "carried_over", "carried_forward")
    ]
    _fill(
        table.cell(first + results[0], 0).merge(table.cell(first + results[-1], 0)),
        "三、本年度办理结果",
    )
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        if row.group:
            groups.setdefault(row.group, []).append(i)
    for i, row in enumerate(rows):
        r = first + i
        if row.key in ("received", "carried_over", "carried_forward"):
            _fill(table.cell(r, 0).merge(table.cell(r, 2)), label(row.label))
        elif not row.group:
            _fill(table.cell(r, 1).merge(table.cell(r, 2)), label(row.label))
        else:
            _fill(table.cell(r, 2), label(row.label))
    for group, members in groups.items():
        _fill(table.cell(first + members[0], 1).merge(table.cell(first + members[-1], 1)), group)


def _appeals(doc: Document, layout: str) -> None:
    labels = [c.label for c in OUTCOME_COLUMNS]
    if layout == "flat":
        table = doc.add_table(rows=3, cols=15)
        table.style = "Table Grid"
        for g, name in enumerate(("行政复议", "未经复议直接起诉", "复议后起诉")):
            _fill(table.cell(0, g * 5).merge(table.cell(0, g * 5 + 4)), name)
            for i, text in enumerate(labels):
                _fill(table.cell(1, g * 5 + i), text)
        return
    table = doc.add_table(rows=4, cols=15)
    table.style = "Table Grid"
    _fill(table.cell(0, 0).merge(table.cell(0, 4)), "行政复议")
    _fill(table.cell(0, 5).merge(table.cell(0, 14)), "行政诉讼")
    for i, text in enumerate(labels):
        _fill(table.cell(1, i).merge(table.cell(2, i)), text)
    _fill(table.cell(1, 5).merge(table.cell(1, 9)), "未经复议直接起诉")
    _fill(table.cell(1, 10).merge(table.cell(1, 14)), "复议后起诉")
    for g in (5, 10):
        for i, text in enumerate(labels):
            _fill(table.cell(2, g + i), text)

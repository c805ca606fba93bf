"""Published reports as other agencies make them, built for the import tests.

- `handmade_docx`: a Word file a clerk makes by hand (python-docx): the title over two
  paragraphs, sub-heads in bold runs, table 二 with its title rows unmerged, table 三 with two
  label columns (no 三、本年度办理结果 column), 总计 as its first column of figures, numbers typed
  as text with spaces (「1 288」), one typo in a row label, and the signature and date at the end;
- `web_page`: a portal's page: menus around the report, the title in an <h1>, the text in <p>s
  and the tables as <table> markup with rowspan and colspan;
- `report_2019_html`: a report on 2019 in the 2019 format, as the page of a real one printed it
  (most zero cells left blank; its 行政强制 本年增/减 is set to -2 here, to read a sign).

The figures come from a `Report` (a fixture), so a test knows what the import must give.
"""

from __future__ import annotations

import html
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from reportkit.format2019.model import APPLICATION_ROWS_2019
from reportkit.model import (
    APPEAL_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    OUTCOME_COLUMNS,
    PART_HEADINGS,
    Block,
    Report,
)

TYPO = ("2.其他法律行政法规禁止公开", "2.其他法律行政止公开")  # as a real report printed it


def figures(report: Report) -> dict[str, Any]:
    """Return a report's rows of figures by dotted key (totals included)."""
    full = report.complete()
    out: dict[str, Any] = {}
    for row in APPLICATION_ROWS:
        value = full.applications.row(row.key)
        assert value is not None
        out[row.key] = [value.value(c.key) for c in APPLICANT_COLUMNS]
    for row in APPEAL_ROWS:
        value = getattr(full.appeals, row.key)
        out[row.key] = [value.value(c.key) for c in OUTCOME_COLUMNS]
    return out


def spaced(value: Any) -> str:
    """Return a figure typed by hand: thousands set apart by a space (1 288), padded."""
    text = f"{value:,}".replace(",", " ") if isinstance(value, int) else str(value)
    return f" {text} "


def _paragraph(document: Any, block: Block | str, bold_lead: bool = True) -> None:
    if isinstance(block, str):
        document.add_paragraph(block)
        return
    if block.heading:
        document.add_paragraph().add_run(block.heading).bold = True
        return
    paragraph = document.add_paragraph()
    run = paragraph.add_run(block.lead)
    run.bold = bold_lead
    paragraph.add_run(block.text)


def handmade_docx(path: Path, report: Report, typo: bool = True) -> Path:
    """Write `report` as a clerk's own Word file (see the module docstring)."""
    document = docx.Document()
    for line in (report.agency.name, f"{report.year}年政府信息公开工作年度报告"):
        title = document.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = title.add_run(line)
        run.bold, run.font.size = True, Pt(22)
    agency = report.agency
    document.add_paragraph(
        f"本报告根据《中华人民共和国政府信息公开条例》要求编制。如对本报告有疑问，请与"
        f"{agency.contact_office}联系，电话：{agency.phone}。"
    )
    rows = figures(report)
    for number, heading in enumerate(PART_HEADINGS, start=1):
        document.add_paragraph().add_run(heading).bold = True
        part = getattr(report, f"part{number}")
        if number == 6:
            document.add_paragraph(
                f"{report.year}年，本机关共收取信息处理费{part.info_processing_fee}元。"
            )
        for block in part.text:
            _paragraph(document, block)
        if number == 2:
            _proactive_docx(document, report)
        elif number == 3:
            _applications_docx(document, rows, typo)
        elif number == 4:
            _appeals_docx(document, rows)
        for block in getattr(part, "after_table", []):
            _paragraph(document, block)
    for line in (agency.name, f"{report.date.year}年{report.date.month}月{report.date.day}日"):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(str(path))
    return path


def _proactive_docx(document: Any, report: Report) -> None:
    p = report.proactive
    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"

    def row(*cells: str) -> Any:
        made = table.add_row().cells
        for cell, text in zip(made, cells, strict=False):
            cell.text = text
        return made

    row("第二十条第（一）项")  # a title row left unmerged: the other cells stay empty
    row("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
    row("规章", *(spaced(v) for v in (p.rules.issued, p.rules.repealed, p.rules.in_force)))
    docs = p.normative_documents
    row("行政规范性文件", *(spaced(v) for v in (docs.issued, docs.repealed, docs.in_force)))
    for title, head, items in (
        ("第二十条第（五）项", "本年处理决定数量", (("行政许可", p.licensing),)),
        (
            "第二十条第（六）项",
            "本年处理决定数量",
            (("行政处罚", p.penalties), ("行政强制", p.coercion)),
        ),
        ("第二十条第（八）项", "本年收费金额（单位：万元）", (("行政事业性收费", p.fees),)),
    ):
        row(title)
        cells = row("信息内容", head)
        cells[1].merge(cells[3])
        for label, value in items:
            cells = row(label, spaced(value))
            cells[1].merge(cells[3])


def _applications_docx(document: Any, rows: dict[str, Any], typo: bool) -> None:
    # two label columns, then 总计 first, then the six applicant columns
    table = document.add_table(rows=2, cols=9)
    table.style = "Table Grid"
    head = table.rows[0].cells
    head[0].text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    head[0].merge(table.rows[1].cells[1])
    head[2].text = "总计"
    head[2].merge(table.rows[1].cells[2])
    head[3].text = "自然人"
    head[3].merge(table.rows[1].cells[3])
    head[4].text = "法人或其他组织"
    head[4].merge(head[8])
    for cell, label in zip(
        table.rows[1].cells[4:],
        ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"),
        strict=True,
    ):
        cell.text = label
    group_start: dict[str, Any] = {}
    for row in APPLICATION_ROWS:
        values = rows[row.key]
        cells = table.add_row().cells
        label = TYPO[1] if typo and row.label == TYPO[0] else row.label
        if row.group:
            cells[1].text = label
            if row.group in group_start:
                group_start[row.group].merge(cells[0])
            else:
                cells[0].text = row.group
                group_start[row.group] = cells[0]
        else:
            cells[0].text = label
            cells[0].merge(cells[1])
        cells[2].text = spaced(values[-1])
        for cell, value in zip(cells[3:], values[:-1], strict=True):
            cell.text = spaced(value)


def _appeals_docx(document: Any, rows: dict[str, Any]) -> None:
    table = document.add_table(rows=4, cols=15)
    table.style = "Table Grid"
    top, middle, bottom, data = (table.rows[i].cells for i in range(4))
    top[0].text = "行政复议"
    top[0].merge(top[4])
    top[5].text = "行政诉讼"
    top[5].merge(top[14])
    outcomes = ("结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计")
    for i, label in enumerate(outcomes):
        middle[i].text = label
        middle[i].merge(bottom[i])
    middle[5].text = "未经复议直接起诉"
    middle[5].merge(middle[9])
    middle[10].text = "复议后起诉"
    middle[10].merge(middle[14])
    for i, label in enumerate(outcomes * 2):
        bottom[5 + i].text = label
    values = rows["review"] + rows["lawsuit_direct"] + rows["lawsuit_after_review"]
    for cell, value in zip(data, values, strict=True):
        cell.text = str(value)


# --------------------------------------------------------------------------------------------
# Web pages


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _blocks_html(blocks: list[Block]) -> str:
    out = []
    for block in blocks:
        if block.heading:
            out.append(f"<p><strong>{_e(block.heading)}</strong></p>")
        elif block.lead:
            out.append(f"<p><strong>{_e(block.lead)}</strong>{_e(block.text)}</p>")
        else:
            out.append(f"<p>{_e(block.text)}</p>")
    return "\n".join(out)


def web_page(path: Path, report: Report, rows: dict[str, Any] | None = None) -> Path:
    """Write `report` as a portal's web page (see the module docstring); `rows` are the
    figures of tables 三 and 四 as printed (None: a blank cell), by default the report's."""
    rows = rows or figures(report)
    p = report.proactive
    parts = []
    for number, heading in enumerate(PART_HEADINGS, start=1):
        part = getattr(report, f"part{number}")
        body = [f"<p>{_e(heading)}</p>", _blocks_html(part.text)]
        if number == 6:
            body.insert(
                1, f"<p>{report.year}年，本机关共收取信息处理费{part.info_processing_fee}元。</p>"
            )
        if number == 2:
            body.append(
                "<table border='1'><tbody>"
                "<tr><td colspan='4'>第二十条第（一）项</td></tr>"
                "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
                f"<tr><td>规章</td><td>{p.rules.issued}</td><td>{p.rules.repealed}</td><td>{p.rules.in_force}</td></tr>"
                f"<tr><td>行政规范性文件</td><td>{p.normative_documents.issued}</td>"
                f"<td>{p.normative_documents.repealed}</td><td>{p.normative_documents.in_force}</td></tr>"
                "<tr><td colspan='4'>第二十条第（五）项</td></tr>"
                "<tr><td>信息内容</td><td colspan='3'>本年处理决定数量</td></tr>"
                f"<tr><td>行政许可</td><td colspan='3'>{p.licensing}</td></tr>"
                "<tr><td colspan='4'>第二十条第（六）项</td></tr>"
                "<tr><td>信息内容</td><td colspan='3'>本年处理决定数量</td></tr>"
                f"<tr><td>行政处罚</td><td colspan='3'>{p.penalties}</td></tr>"
                f"<tr><td>行政强制</td><td colspan='3'>{p.coercion}</td></tr>"
                "<tr><td colspan='4'>第二十条第（八）项</td></tr>"
                "<tr><td>信息内容</td><td colspan='3'>本年收费金额<br>（单位：万元）</td></tr>"
                f"<tr><td>行政事业性收费</td><td colspan='3'>{p.fees}</td></tr>"
                "</tbody></table>"
            )
        elif number == 3:
            body.append(_applications_html(rows, APPLICATION_ROWS))
        elif number == 4:
            body.append(_appeals_html(rows))
        body.append(_blocks_html(getattr(part, "after_table", [])))
        parts.append("\n".join(body))
    agency = report.agency
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{_e(agency.name)}{report.year}年政府信息公开工作年度报告_政府信息公开专栏</title></head>
<body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/xxgk">政府信息公开</a> &gt; 年报</div>
<div class="main">
<h1 class="title">{_e(agency.name)}{report.year}年政府信息公开工作年度报告</h1>
<div class="info">发布日期：{report.date.isoformat()} 浏览次数：123</div>
<div class="content">
<p>本报告根据《中华人民共和国政府信息公开条例》要求编制。如对本报告有疑问，请与{_e(agency.contact_office)}联系，电话：{_e(agency.phone)}。</p>
{"".join(parts)}
<p style="text-align: right">{_e(agency.name)}</p>
<p style="text-align: right">{report.date.year}年{report.date.month}月{report.date.day}日</p>
</div></div>
<div class="footer"><p>主办：{_e(agency.name)}　网站标识码：1234567890</p><p>关闭窗口 打印本页</p></div>
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path


def _applications_html(
    rows: dict[str, Any], layout: tuple[Any, ...], blank_zeros: bool = False
) -> str:
    def cell(value: Any) -> str:
        blank = value is None or value == "" or (blank_zeros and value == 0)
        return "<td>&nbsp;</td>" if blank else f"<td>{value}</td>"

    out = [
        "<table border='1'><tbody>",
        "<tr><td colspan='3' rowspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
        "<td colspan='7'>申请人情况</td></tr>",
        "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td><td rowspan='2'>总计</td></tr>",
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>",
    ]
    outcome = [r for r in layout if r.key not in ("received", "carried_over", "carried_forward")]
    groups: dict[str, int] = {}
    for row in layout:
        if row.group:
            groups[row.group] = groups.get(row.group, 0) + 1
    seen: set[str] = set()
    for row in layout:
        values = rows[row.key]
        label = ""
        if row is outcome[0]:
            label += f"<td rowspan='{len(outcome)}'>三、本年度办理结果</td>"
        if row.group:
            if row.group not in seen:
                seen.add(row.group)
                label += f"<td rowspan='{groups[row.group]}'>{row.group}</td>"
            label += f"<td>{_e(row.label)}</td>"
        elif row in outcome:
            label += f"<td colspan='2'>{_e(row.label)}</td>"
        else:
            label += f"<td colspan='3'>{_e(row.label)}</td>"
        out.append("<tr>" + label + "".join(cell(v) for v in values) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _appeals_html(rows: dict[str, Any], blank_zeros: bool = False) -> str:
    def cell(value: Any) -> str:
        blank = value is None or (blank_zeros and value == 0)
        return "<td>&nbsp;</td>" if blank else f"<td>{value}</td>"

    outcomes = "".join(
        f"<td>{o}</td>" for o in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    )
    values = rows["review"] + rows["lawsuit_direct"] + rows["lawsuit_after_review"]
    return (
        "<table border='1'><tbody>"
        "<tr><td colspan='5'>行政复议</td><td colspan='10'>行政诉讼</td></tr>"
        "<tr>"
        + "".join(
            f"<td rowspan='2'>{o}</td>"
            for o in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
        )
        + "<td colspan='5'>未经复议直接起诉</td><td colspan='5'>复议后起诉</td></tr>"
        f"<tr>{outcomes}{outcomes}</tr>"
        "<tr>" + "".join(cell(v) for v in values) + "</tr></tbody></table>"
    )


# --------------------------------------------------------------------------------------------
# A report in the 2019 format


# The figures of the 2019 report of 上海市人民政府办公厅 (fixtures/format2019/), as printed:
# None where the page left the cell blank.
SHANGHAI_2019: dict[str, list[int | None]] = {
    "received": [821, 35, None, None, 2, 1, 859],
    "carried_over": [18, None, None, None, None, None, 18],
    "disclosed": [258, 12, None, None, 1, 1, None],
    "partly_disclosed": [3, None, None, None, None, None, None],
    "withheld.state_secret": [14, None, None, None, None, None, None],
    "withheld.prohibited_by_law": [None] * 7,
    "withheld.security_stability": [None] * 7,
    "withheld.third_party_rights": [None] * 7,
    "withheld.internal_affairs": [5, None, None, None, None, None, None],
    "withheld.process_information": [3, 1, None, None, None, None, None],
    "withheld.enforcement_files": [None] * 7,
    "withheld.inquiry_matters": [10, 2, None, None, None, None, None],
    "unavailable.not_held": [252, 12, None, None, 1, None, None],
    "unavailable.needs_creation": [44, 3, None, None, None, None, None],
    "unavailable.still_unclear": [25, None, None, None, None, None, None],
    "not_processed.complaint": [148, 1, None, None, None, None, None],
    "not_processed.repeated": [5, 4, None, None, None, None, None],
    "not_processed.publication": [None] * 7,
    "not_processed.excessive": [None] * 7,
    "not_processed.confirmation": [None] * 7,
    "other_handling": [None] * 7,
    "total": [767, 35, None, None, 2, 1, 805],
    "carried_forward": [72, None, None, None, None, None, 72],
    "review": [5, None, None, 2, 7],
    "lawsuit_direct": [8, None, None, 1, 9],
    "lawsuit_after_review": [None] * 5,
}


def report_2019_html(
    path: Path,
    year: int = 2019,
    rows: dict[str, list[int | None]] | None = None,
    agency: str = "上海市人民政府办公厅",
) -> Path:
    """Write a report in the 2019 format as a web page, blank cells as the original left them."""
    rows = rows or SHANGHAI_2019

    def cell(value: int | Decimal | str | None) -> str:
        return "<td>&nbsp;</td>" if value is None else f"<td>{value}</td>"

    def table_three() -> str:
        return _applications_html(rows, APPLICATION_ROWS_2019)

    appeals = rows["review"] + rows["lawsuit_direct"] + rows["lawsuit_after_review"]
    outcomes = "".join(
        f"<td>{o}</td>" for o in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    )
    page = f"""<html><head><meta charset="utf-8"><title>{year}年{agency}政府信息公开工作年度报告</title></head>
<body><div id="content">
<p style="text-align: center;font-weight: bold;">{year}年{agency}政府信息公开工作年度报告</p>
<p>本年度报告根据《中华人民共和国政府信息公开条例》的要求编制。本年度报告中所列数据统计期限从{year}年1月1日到12月31日止。</p>
<p>一、总体情况</p>
<p>{year}年，本机关按照修订后的条例，依法做好政府信息公开工作。</p>
<p>二、主动公开政府信息情况</p>
<table border="1"><tbody>
<tr><td colspan="5">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年新<br />制作数量</td><td colspan="2">本年新<br />公开数量</td><td>对外公开总数量</td></tr>
<tr><td>规章</td><td>13</td><td colspan="2">13</td><td>524</td></tr>
<tr><td>规范性文件</td><td>60</td><td colspan="2">60</td><td>368</td></tr>
<tr><td colspan="5">第二十条第（五）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td colspan="2">本年增/减</td><td>处理决定数量</td></tr>
<tr><td>行政许可</td><td colspan="2">0</td><td>0</td><td>0</td></tr>
<tr><td>其他对外管理服务事项</td><td colspan="2">0</td><td>0</td><td>0</td></tr>
<tr><td colspan="5">第二十条第（六）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td colspan="2">本年增/减</td><td>处理决定数量</td></tr>
<tr><td>行政处罚</td><td colspan="2">0</td><td>0</td><td>0</td></tr>
<tr><td>行政强制</td><td colspan="2">0</td><td>-2</td><td>0</td></tr>
<tr><td colspan="5">第二十条第（八）项</td></tr>
<tr><td>信息内容</td><td colspan="2">上一年项目数量</td><td colspan="2">本年增/减</td></tr>
<tr><td>行政事业性收费</td><td colspan="2">0</td><td colspan="2">0</td></tr>
<tr><td colspan="5">第二十条第（九）项</td></tr>
<tr><td>信息内容</td><td colspan="2">采购项目数量</td><td colspan="2">采购总金额</td></tr>
<tr><td>政府集中采购</td><td colspan="2">6</td><td colspan="2">251000元</td></tr>
</tbody></table>
<p>三、收到和处理政府信息公开申请情况</p>
{table_three()}
<p><br />四、政府信息公开行政复议、行政诉讼情况</p>
<table border="1"><tbody>
<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr>{"".join(f'<td rowspan="2">{o}</td>' for o in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))}<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr>{outcomes}{outcomes}</tr>
<tr>{"".join(cell(v) for v in appeals)}</tr>
</tbody></table>
<p>五、政府信息公开工作存在的主要问题及改进情况</p>
<p>（一）主要问题</p>
<p>政策解读的方式还不够多元。</p>
<p>（二）改进措施</p>
<p>丰富解读形式，提升精准解读效果。</p>
<p>六、其他需要报告的事项</p>
<p>无。</p>
<p style="text-align: right">{agency}</p>
<p style="text-align: right">{year + 1}年1月31日</p>
</div></body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path

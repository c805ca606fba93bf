"""Build bulletin.docx, the county-statistical-bulletin kind's template, with python-docx.

The template is an ordinary Word document with docxtpl tags: made here by a script so that it
can be rebuilt and reviewed, but it could as well be written in Word (docs/kinds.md). Run:
    python kinds/county-bulletin/make_template.py
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
BUILT = dt.date(2024, 1, 1)

ROWS = [  # label, unit, value, growth
    ("地区生产总值", "亿元", "gdp", "gdp_growth"),
    ("第一产业增加值", "亿元", "primary", "primary_growth"),
    ("第二产业增加值", "亿元", "secondary", "secondary_growth"),
    ("第三产业增加值", "亿元", "tertiary", "tertiary_growth"),
    ("一般公共预算收入", "亿元", "revenue", "revenue_growth"),
    ("年末户籍人口", "万人", "population", ""),
    ("年末常住人口", "万人", "resident", ""),
    ("常住人口城镇化率", "%", "urbanization", ""),
]


def _font(run: object, name: str, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)  # type: ignore[attr-defined]


def paragraph(
    doc: Document,
    text: str,
    size: float = 16,
    font: str = "仿宋_GB2312",
    *,
    bold: bool = False,
    center: bool = False,
) -> None:
    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), font, size, bold)


def loop(doc: Document, slot: str) -> None:
    paragraph(doc, f"{{%p for s in sentences.{slot} %}}")
    paragraph(doc, "{{ s }}")
    paragraph(doc, "{%p endfor %}")


def build(output: Path) -> Path:
    doc = Document()
    paragraph(doc, "{%p if header_mark %}")
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(p.add_run("{{ header_mark }}"), "黑体", 12, bold=True)
    paragraph(doc, "{%p endif %}")
    paragraph(
        doc,
        "{{ county }}{{ year }}年国民经济和社会发展统计公报（摘要）",
        22,
        "方正小标宋简体",
        bold=True,
        center=True,
    )
    paragraph(doc, "{{ bureau }}　{{ published }}", 16, "楷体_GB2312", center=True)
    paragraph(doc, "一、综合", 16, "黑体")
    loop(doc, "summary")
    loop(doc, "industry")
    paragraph(doc, "二、主要指标", 16, "黑体")
    table = doc.add_table(rows=1 + len(ROWS), cols=4)
    table.style = "Table Grid"
    for i, text in enumerate(("指标", "单位", "数值", "比上年增长（%）")):
        table.cell(0, i).text = text
    for r, (label, unit, value, rate) in enumerate(ROWS, start=1):
        table.cell(r, 0).text = label
        table.cell(r, 1).text = unit
        table.cell(r, 2).text = f"{{{{ {value} }}}}"
        table.cell(r, 3).text = f"{{{{ {rate} }}}}" if rate else "—"
    paragraph(doc, "三、财政", 16, "黑体")
    loop(doc, "finance")
    paragraph(doc, "四、人口", 16, "黑体")
    loop(doc, "population")
    paragraph(doc, "{%p for t in text %}")
    paragraph(doc, "{{ t }}")
    paragraph(doc, "{%p endfor %}")
    # saved as reportkit saves its own templates: the same bytes every time it is built
    sys.path.insert(0, str(HERE.parent.parent / "src"))
    from reportkit.renderer import Properties, core_properties, save_deterministic

    core = core_properties(
        Properties("县国民经济和社会发展统计公报（摘要）模板", "reportkit", BUILT)
    )
    save_deterministic(doc, output, core=core)
    return output


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "bulletin.docx"))

"""Build `gov-info-disclosure-2021.docx`, the docxtpl template of the 2021 national format.

Run from the repository root:  python templates/build_template.py   (builds both languages)

The template is built from code so it can be rebuilt and reviewed, and committed so a user can
open it in Word or WPS, restyle it and keep its tags. It holds:
  * the page layout of GB/T 9704-2012: A4, margins 37/35/28/26 mm, a document grid of 22 lines
    of 28 characters, 「— N —」 page numbers on the outer side (odd pages right, even pages left);
  * styles with East Asian fonts declared for zh-CN: body 仿宋_GB2312 3号 with fixed line spacing
    and a 2-character first-line indent, title 方正小标宋简体 2号, 一、 headings in 黑体, （一）
    sub-heads in 楷体_GB2312, tables in 宋体 5号/小五;
  * the six parts, each with loops over its paragraphs, and the three tables of the format with
    every merged cell, filled by `{{ … }}` tags;
  * a header line for marks such as 「未通过校验」 or 「示例数据」.
The variable names used here are the ones `reportkit.context` provides.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

HERE = Path(__file__).resolve().parent
OUTPUTS = {
    "zh-CN": HERE / "gov-info-disclosure-2021.docx",
    "en": HERE / "gov-info-disclosure-2021.en.docx",
}

# The English template's labels, as large Chinese cities' English versions of this report put
# them. The Chinese labels come from reportkit.model (rows) or are written here (headers).
EN = {
    "一、总体情况": "I. Overview",
    "二、主动公开政府信息情况": "II. Proactive Disclosure of Government Information",
    "三、收到和处理政府信息公开申请情况": "III. Receipt and Handling of Applications for Government Information Disclosure",
    "四、政府信息公开行政复议、行政诉讼情况": "IV. Administrative Reconsideration and Litigation Concerning Government Information "
    "Disclosure",
    "五、存在的主要问题及改进情况": "V. Main Problems and Improvements",
    "六、其他需要报告的事项": "VI. Other Matters to Report",
    "第二十条第（一）项": "Article 20 (1)",
    "第二十条第（五）项": "Article 20 (5)",
    "第二十条第（六）项": "Article 20 (6)",
    "第二十条第（八）项": "Article 20 (8)",
    "信息内容": "Information",
    "本年制发件数": "Issued this year",
    "本年废止件数": "Repealed this year",
    "现行有效件数": "In force",
    "规章": "Rules",
    "行政规范性文件": "Normative documents",
    "本年处理决定数量": "Decisions this year",
    "行政许可": "Administrative licensing",
    "行政处罚": "Administrative penalties",
    "行政强制": "Administrative coercion",
    "本年收费金额（单位：万元）": "Amount charged this year (10,000 yuan)",
    "行政事业性收费": "Administrative fees",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）": "(In this column, item 1 plus item 2 equals item 3 plus item 4)",
    "申请人情况": "Applicants",
    "自然人": "Natural persons",
    "法人或其他组织": "Legal persons or other organisations",
    "总计": "Total",
    "商业企业": "Firms",
    "科研机构": "Research",
    "社会公益组织": "Public interest",
    "法律服务机构": "Legal services",
    "其他": "Others",
    "一、本年新收政府信息公开申请数量": "1. New applications received this year",
    "二、上年结转政府信息公开申请数量": "2. Applications carried over from last year",
    "三、本年度办理结果": "3. Results this year",
    "（一）予以公开": "(1) Disclosed",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "(2) Partly disclosed (counted here only)",
    "（三）不予公开": "(3) Not disclosed",
    "1.属于国家秘密": "1. State secrets",
    "2.其他法律行政法规禁止公开": "2. Prohibited by other laws and regulations",
    "3.危及“三安全一稳定”": "3. Endangering the 'three securities and one stability'",
    "4.保护第三方合法权益": "4. Protecting third parties' rights and interests",
    "5.属于三类内部事务信息": "5. Internal affairs information",
    "6.属于四类过程性信息": "6. Process information",
    "7.属于行政执法案卷": "7. Law enforcement files",
    "8.属于行政查询事项": "8. Administrative inquiry matters",
    "（四）无法提供": "(4) Cannot be provided",
    "1.本机关不掌握相关政府信息": "1. Not held by this agency",
    "2.没有现成信息需要另行制作": "2. Would have to be newly produced",
    "3.补正后申请内容仍不明确": "3. Still unclear after correction",
    "（五）不予处理": "(5) Not processed",
    "1.信访举报投诉类申请": "1. Petitions, reports and complaints",
    "2.重复申请": "2. Repeated applications",
    "3.要求提供公开出版物": "3. Requests for published materials",
    "4.无正当理由大量反复申请": "4. Large numbers of repeated applications without good reason",
    "5.要求行政机关确认或重新出具已获取信息": "5. Requests to confirm or re-issue information obtained",
    "（六）其他处理": "(6) Otherwise handled",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": "1. Not supplemented in time without good reason; no longer processed",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": "2. Fees not paid in time; no longer processed",
    "3.其他": "3. Other",
    "（七）总计": "(7) Total",
    "四、结转下年度继续办理": "4. Carried forward to next year",
    "行政复议": "Administrative reconsideration",
    "行政诉讼": "Administrative litigation",
    "结果维持": "Upheld",
    "结果纠正": "Revised",
    "其他结果": "Other results",
    "尚未审结": "Pending",
    "未经复议直接起诉": "Filed directly",
    "复议后起诉": "Filed after reconsideration",
}
_LANG = {"value": "zh-CN"}


def L(label: str) -> str:
    """Return a label of the form in the language being built."""
    return EN[label] if _LANG["value"] == "en" else label


W = nsdecls("w")

# --- page geometry (twentieths of a point) ---------------------------------------------------
MM = 1440 / 25.4
PAGE_W, PAGE_H = 11906, 16838  # A4
TOP, BOTTOM, LEFT, RIGHT = (round(v * MM) for v in (37, 35, 28, 26))
TEXT_W = PAGE_W - LEFT - RIGHT  # 156 mm
TEXT_H = PAGE_H - TOP - BOTTOM  # 225 mm
LINES, CHARS = 22, 28
LINE_PITCH = TEXT_H // LINES  # 579 twips ≈ 28.95 pt
BODY_PT = 16
# 28 characters of 16 pt are 448 pt, wider than the 442 pt text block: the characters must be
# set 0.2 pt closer. Word's "lines and characters" grid (w:type="linesAndChars") would do that,
# but LibreOffice lays a 16 pt character on a 15.8 pt grid cell across two cells (14 characters
# a line). So the grid fixes the lines (w:type="lines", 22 a page) and a tracking of -0.25 pt on
# every run fits 28 characters a line in Word, WPS and LibreOffice alike. The character pitch is
# still declared (w:charSpace) so Word's 文档网格 dialog shows 28 characters a line.
CHAR_SPACE = math.floor((TEXT_W / 20 / CHARS - BODY_PT) * 4096)  # 1/4096 pt, vs the 16 pt body
TRACKING = -5  # twentieths of a point
FOOTER_FROM_EDGE = round(23 * MM)  # the number's line sits 7 mm below the text block
HEADER_FROM_EDGE = round(15 * MM)

FANGSONG, HEITI, KAITI, SONGTI = "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
TITLE_FONT = "方正小标宋简体"
LATIN = "Times New Roman"


def fonts(east_asia: str, size_pt: float, bold: bool = False, color: str = "") -> str:
    """Run properties, in the element order of ECMA-376's CT_RPr (Word refuses another order:
    rFonts, b, bCs, color, spacing, sz, szCs, lang)."""
    size = round(size_pt * 2)
    return (
        f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:cs="{LATIN}" w:eastAsia="{east_asia}"/>'
        + ("<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>')
        + (f'<w:color w:val="{color}"/>' if color else "")
        + f'<w:spacing w:val="{TRACKING}"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        + '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
    )


# --- styles ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Style:
    id: str
    name: str
    kind: str  # paragraph | character
    ppr: str = ""
    rpr: str = ""
    outline: int | None = None


EXACT = f'<w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH}" w:lineRule="exact"/>'
# East Asian line breaking (避头尾), declared on every paragraph style, before spacing and
# indents as CT_PPr orders them: no line starts with 。，、；：？！）》” or ends with （《“
# (kinsoku); a quarter-character space between Chinese and Latin letters or digits
# (autoSpaceDE/DN, on as in Word's and WPS's defaults, and as LibreOffice always sets it).
# overflowPunct is on, Word's and WPS's own default (「允许标点溢出边界」): LibreOffice reads the
# property inverted, keeps punctuation inside the text block with it on, and with it off hangs
# a line's last 。 past the margin and drops it from its PDFs (LibreOffice 7.4: a report
# converted there lost 「二是宣传不够。」's 。). Word may hang a final 。 in the margin, as
# it does in any document; no word processor loses it.
LINE_BREAKING = (
    '<w:kinsoku w:val="1"/><w:overflowPunct w:val="1"/>'
    '<w:autoSpaceDE w:val="1"/><w:autoSpaceDN w:val="1"/>'
)
INDENT_2 = '<w:ind w:firstLineChars="200" w:firstLine="640"/>'
NO_INDENT = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'
TABLE_PPR = (
    LINE_BREAKING + '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" '
    'w:lineRule="auto"/>' + NO_INDENT + '<w:jc w:val="center"/>'
)

STYLES = [
    Style(
        "Normal",
        "Normal",
        "paragraph",
        LINE_BREAKING + EXACT + INDENT_2 + '<w:jc w:val="both"/>',
        fonts(FANGSONG, BODY_PT),
    ),
    # the last paragraph before a table: kept on the page of the table it introduces
    Style(
        "RKLeadIn",
        "RK Lead-in",
        "paragraph",
        "<w:keepNext/>" + LINE_BREAKING + EXACT + INDENT_2 + '<w:jc w:val="both"/>',
        fonts(FANGSONG, BODY_PT),
    ),
    Style(
        "RKTitle",
        "RK Title",
        "paragraph",
        "<w:keepNext/>"
        + LINE_BREAKING
        + '<w:spacing w:before="0" w:after="579" w:line="700" w:lineRule="exact"/>'
        + NO_INDENT
        + '<w:jc w:val="center"/>',
        fonts(TITLE_FONT, 22),
    ),
    Style(
        "Heading1",
        "heading 1",
        "paragraph",
        "<w:keepNext/>" + LINE_BREAKING + EXACT + INDENT_2 + '<w:jc w:val="left"/>',
        fonts(HEITI, BODY_PT),
        outline=0,
    ),
    Style(
        "Heading2",
        "heading 2",
        "paragraph",
        "<w:keepNext/>" + LINE_BREAKING + EXACT + INDENT_2 + '<w:jc w:val="left"/>',
        fonts(KAITI, BODY_PT),
        outline=1,
    ),
    Style("RKLead", "RK Lead", "character", rpr=fonts(KAITI, BODY_PT)),
    # 署名 and 成文日期: left-aligned, placed by the leading spaces reportkit.context computes,
    # and kept together with the blank line above them
    Style(
        "RKSignature",
        "RK Signature",
        "paragraph",
        "<w:keepNext/>" + LINE_BREAKING + EXACT + NO_INDENT + '<w:jc w:val="left"/>',
        fonts(FANGSONG, BODY_PT),
    ),
    Style("RKTable", "RK Table", "paragraph", TABLE_PPR, fonts(SONGTI, 10.5)),
    Style("RKTableSmall", "RK Table Small", "paragraph", TABLE_PPR, fonts(SONGTI, 9)),
    Style(
        "RKPageNumber",
        "RK Page Number",
        "paragraph",
        LINE_BREAKING
        + '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0"/>'
        + NO_INDENT,
        fonts(SONGTI, 14),
    ),
    Style(
        "RKHeaderMark",
        "RK Header Mark",
        "paragraph",
        LINE_BREAKING + '<w:snapToGrid w:val="0"/>' + NO_INDENT + '<w:jc w:val="center"/>',
        fonts(HEITI, 14, bold=True, color="C00000"),
    ),
]


# English words do not break like Chinese characters: the English template sets its tables
# smaller, so that labels such as "Upheld" fit table 四's 15 columns.
EN_SIZES = {"RKTable": 9.0, "RKTableSmall": 7.5}
# The English signature and date are right-aligned 2 characters from the margin: the widths of
# proportional Latin text cannot be counted in characters, as context does for Chinese.
EN_SIGNATURE = (
    "<w:keepNext/>"
    + LINE_BREAKING
    + EXACT
    + '<w:ind w:right="640" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="right"/>'
)


def install_styles(doc: Document, lang: str = "zh-CN") -> None:  # type: ignore[valid-type]
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    styles.insert(
        0,
        parse_xml(
            f"<w:docDefaults {W}><w:rPrDefault><w:rPr>{fonts(FANGSONG, BODY_PT)}</w:rPr></w:rPrDefault>"
            f"<w:pPrDefault><w:pPr>{LINE_BREAKING}{EXACT}</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )
    for style in STYLES:
        if lang == "en" and style.id in EN_SIZES:
            style = Style(
                style.id,
                style.name,
                style.kind,
                style.ppr,
                fonts(SONGTI, EN_SIZES[style.id]),
                style.outline,
            )
        if lang == "en" and style.id == "RKSignature":
            style = Style(style.id, style.name, style.kind, EN_SIGNATURE, style.rpr)
        old = [s for s in styles.findall(qn("w:style")) if s.get(qn("w:styleId")) == style.id]
        for s in old:
            styles.remove(s)
        outline = f'<w:outlineLvl w:val="{style.outline}"/>' if style.outline is not None else ""
        based = (
            '<w:basedOn w:val="Normal"/>'
            if style.id != "Normal" and style.kind == "paragraph"
            else ""
        )
        ppr = f"<w:pPr>{style.ppr}{outline}</w:pPr>" if style.kind == "paragraph" else ""
        default = ' w:default="1"' if style.id == "Normal" else ""
        styles.append(
            parse_xml(
                f'<w:style {W} w:type="{style.kind}"{default} w:styleId="{style.id}">'
                f'<w:name w:val="{style.name}"/>{based}<w:qFormat/>{ppr}<w:rPr>{style.rpr}</w:rPr></w:style>'
            )
        )


# --- paragraphs ------------------------------------------------------------------------------
def para(style: str, *runs: tuple[str, str]) -> str:
    """A paragraph of the given style; each run is (character style or '', text)."""
    body = "".join(
        "<w:r>"
        + (f'<w:rPr><w:rStyle w:val="{rstyle}"/></w:rPr>' if rstyle else "")
        + f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
        for rstyle, text in runs
    )
    return f'<w:p {W}><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{body}</w:p>'


def tag(text: str) -> str:
    """A docxtpl paragraph tag ({%p … %}): the paragraph vanishes when rendered."""
    return para("Normal", ("", "{%p " + text + " %}"))


def blocks(var: str, lead_in: bool = False) -> list[str]:
    """Paragraphs looping over a list of narrative blocks (heading, or lead + text). With
    `lead_in`, the last paragraph is kept on the page of the table that follows it."""
    text = [para("Normal", ("RKLead", "{{ b.lead }}"), ("", "{{ b.text }}"))]
    if lead_in:
        text = [
            tag("if loop.last"),
            para("RKLeadIn", ("RKLead", "{{ b.lead }}"), ("", "{{ b.text }}")),
            tag("else"),
            *text,
            tag("endif"),
        ]
    return [
        tag(f"for b in {var}"),
        tag("if b.heading"),
        para("Heading2", ("", "{{ b.heading }}")),
        tag("else"),
        *text,
        tag("endif"),
        tag("endfor"),
    ]


def title() -> str:
    """The title: one run per line (reportkit.context breaks it), a line break between."""
    run = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'
    return (
        f'<w:p {W}><w:pPr><w:pStyle w:val="RKTitle"/></w:pPr>'
        + run.format("{%r for line in title_lines %}")
        + run.format("{{ line }}")
        + run.format("{%r if not loop.last %}")
        + "<w:r><w:br/></w:r>"
        + run.format("{%r endif %}")
        + run.format("{%r endfor %}")
        + "</w:p>"
    )


def signature() -> list[str]:
    """One blank line, then 署名 and 成文日期 (GB/T 9704-2012 §7.3.5.2), each led by the spaces
    reportkit.context computes from their widths (a computed indent would have to be a tag
    inside an attribute, which no longer validates as OOXML)."""
    return [
        para("RKSignature"),
        para("RKSignature", ("", "{{ signature_lead }}"), ("", "{{ signature }}")),
        para("RKSignature", ("", "{{ date_lead }}"), ("", "{{ date }}")),
    ]


# --- tables ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    text: str
    span: int = 1
    vmerge: str = ""  # "restart" starts a vertical merge, "continue" continues one


def table(
    widths: list[int],
    rows: list[list[Cell]],
    style: str,
    header_rows: int = 0,
    keep: frozenset[int] = frozenset(),
) -> str:
    """A fixed-layout table; its first `header_rows` rows repeat on every page it spans. No row
    splits across pages (cantSplit); the rows numbered in `keep` (and the header rows) stay on
    the page of the row after them (keepNext on their paragraphs, as Word keeps rows)."""
    assert sum(widths) <= TEXT_W, (sum(widths), TEXT_W)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [
        f'<w:tbl {W}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        '<w:jc w:val="center"/><w:tblBorders>'
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar>'
        '<w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
    ]
    for number, row in enumerate(rows):
        assert sum(c.span for c in row) == len(widths), row
        header = "<w:tblHeader/>" if number < header_rows else ""
        keep_next = "<w:keepNext/>" if number < header_rows or number in keep else ""
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>")
        col = 0
        for cell in row:
            width = sum(widths[col : col + cell.span])
            col += cell.span
            span = f'<w:gridSpan w:val="{cell.span}"/>' if cell.span > 1 else ""
            vmerge = (
                '<w:vMerge w:val="restart"/>'
                if cell.vmerge == "restart"
                else "<w:vMerge/>"
                if cell.vmerge == "continue"
                else ""
            )
            text = "" if cell.vmerge == "continue" else escape(cell.text)
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{vmerge}'
                '<w:vAlign w:val="center"/></w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep_next}</w:pPr>'
                + (f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else "")
                + "</w:p></w:tc>"
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def proactive_table() -> str:
    """Table of part 二: four columns, a title row per article item."""
    quarter = (TEXT_W - 2844) // 3
    widths = [TEXT_W - 3 * quarter, quarter, quarter, quarter]

    def title(text: str) -> list[Cell]:
        return [Cell(text, 4)]

    def one(label: str, var: str) -> list[Cell]:
        return [Cell(label), Cell(f"{{{{ proactive.{var} }}}}", 3)]

    def docs(label: str, var: str) -> list[Cell]:
        return [Cell(label)] + [
            Cell(f"{{{{ proactive.{var}.{c} }}}}") for c in ("issued", "repealed", "in_force")
        ]

    rows = [
        title(L("第二十条第（一）项")),
        [
            Cell(L("信息内容")),
            Cell(L("本年制发件数")),
            Cell(L("本年废止件数")),
            Cell(L("现行有效件数")),
        ],
        docs(L("规章"), "rules"),
        docs(L("行政规范性文件"), "normative_documents"),
        title(L("第二十条第（五）项")),
        [Cell(L("信息内容")), Cell(L("本年处理决定数量"), 3)],
        one(L("行政许可"), "licensing"),
        title(L("第二十条第（六）项")),
        [Cell(L("信息内容")), Cell(L("本年处理决定数量"), 3)],
        one(L("行政处罚"), "penalties"),
        one(L("行政强制"), "coercion"),
        title(L("第二十条第（八）项")),
        [Cell(L("信息内容")), Cell(L("本年收费金额（单位：万元）"), 3)],
        one(L("行政事业性收费"), "fees"),
    ]
    # each article's title row and the header under it stay with the figures they head
    return table(widths, rows, "RKTable", keep=frozenset({0, 1, 4, 5, 7, 8, 11, 12}))


APPLICANT_KEYS = (
    "natural",
    "business",
    "research",
    "public_interest",
    "legal_services",
    "other",
    "total",
)


def applications_table() -> str:
    """Table of part 三: 3 label columns and 7 number columns, 3 header rows, 25 data rows."""
    from reportkit.model import (  # the labels live in one place
        APPLICATION_NOTE,
        APPLICATION_RESULTS_LABEL,
        APPLICATION_ROWS,
    )

    number = 760 if _LANG["value"] == "en" else 620  # English labels need wider columns
    label_a, label_b = 600, 1050
    widths = [label_a, label_b, TEXT_W - label_a - label_b - 7 * number] + [number] * 7

    def numbers(key: str) -> list[Cell]:
        return [Cell(f"{{{{ applications.{key}.{c} }}}}") for c in APPLICANT_KEYS]

    rows: list[list[Cell]] = [
        [Cell(L(APPLICATION_NOTE), 3, "restart"), Cell(L("申请人情况"), 7)],
        [
            Cell("", 3, "continue"),
            Cell(L("自然人"), 1, "restart"),
            Cell(L("法人或其他组织"), 5),
            Cell(L("总计"), 1, "restart"),
        ],
        [Cell("", 3, "continue"), Cell("", 1, "continue")]
        + [Cell(L(t)) for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")]
        + [Cell("", 1, "continue")],
    ]
    results = [
        r for r in APPLICATION_ROWS if r.key not in ("received", "carried_over", "carried_forward")
    ]
    first_result = True
    previous_group = None
    for row in APPLICATION_ROWS:
        if row.key in ("received", "carried_over", "carried_forward"):
            rows.append([Cell(L(row.label), 3), *numbers(row.key)])
            continue
        lead = Cell(L(APPLICATION_RESULTS_LABEL), 1, "restart" if first_result else "continue")
        first_result = False
        if row.group:
            group = Cell(L(row.group), 1, "continue" if row.group == previous_group else "restart")
            rows.append([lead, group, Cell(L(row.label)), *numbers(row.key)])
        else:
            rows.append([lead, Cell(L(row.label), 2), *numbers(row.key)])
        previous_group = row.group
    assert len(results) == 22 and len(rows) == 3 + 25
    return table(widths, rows, "RKTableSmall", header_rows=3)


def appeals_table() -> str:
    """Table of part 四: 15 number columns under three header rows."""
    widths = [TEXT_W // 15] * 15
    widths[0] += TEXT_W - sum(widths)
    outcomes = tuple(L(t) for t in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
    keys = ("upheld", "corrected", "other", "pending", "total")
    rows = [
        [Cell(L("行政复议"), 5), Cell(L("行政诉讼"), 10)],
        [Cell(t, 1, "restart") for t in outcomes]
        + [Cell(L("未经复议直接起诉"), 5), Cell(L("复议后起诉"), 5)],
        [Cell("", 1, "continue")] * 5 + [Cell(t) for t in outcomes] * 2,
        [
            Cell(f"{{{{ appeals.{group}.{key} }}}}")
            for group in ("review", "lawsuit_direct", "lawsuit_after_review")
            for key in keys
        ],
    ]
    return table(widths, rows, "RKTableSmall", header_rows=3)


# --- document --------------------------------------------------------------------------------
PARTS = (
    ("一、总体情况", "part1", None),
    ("二、主动公开政府信息情况", "part2", proactive_table),
    ("三、收到和处理政府信息公开申请情况", "part3", applications_table),
    ("四、政府信息公开行政复议、行政诉讼情况", "part4", appeals_table),
    ("五、存在的主要问题及改进情况", "part5", None),
    ("六、其他需要报告的事项", "part6", None),
)


def body() -> list[str]:
    out = [tag("if title_lines"), title(), tag("endif"), *blocks("preamble")]
    for heading, var, make_table in PARTS:
        out.append(para("Heading1", ("", L(heading))))
        if make_table is None:
            out += blocks(f"{var}.text")
        else:
            out += blocks(f"{var}.before", lead_in=True)
            out.append(make_table())
            out += blocks(f"{var}.after")
    return out + signature()


def page_number(align: str) -> str:
    indent = '<w:ind w:right="280"/>' if align == "right" else '<w:ind w:left="280"/>'
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    return (
        f'<w:p {W}><w:pPr><w:pStyle w:val="RKPageNumber"/>{indent}<w:jc w:val="{align}"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">— </w:t></w:r>{field}'
        '<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>'
    )


STALE_RELATIONSHIPS = (
    # Word 2010's copy of styles.xml in python-docx's default template: it no longer matches
    # the styles built here, and Word reports such a file as unreadable content
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    # the default template's thumbnail, a picture of another document
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
)


def drop_stale_parts(doc) -> None:  # type: ignore[no-untyped-def]
    """Remove the parts of python-docx's default template that do not describe this one."""
    for rels in (doc.part.rels, doc.part.package.rels):
        for key, rel in list(rels.items()):
            if rel.reltype in STALE_RELATIONSHIPS:
                del rels[key]


def fill(part_element, paragraphs: list[str]) -> None:  # type: ignore[no-untyped-def]
    for child in list(part_element):
        part_element.remove(child)
    for xml in paragraphs:
        part_element.append(parse_xml(xml))


def build(output: Path | None = None, lang: str = "zh-CN") -> Path:
    _LANG["value"] = lang
    output = output or OUTPUTS[lang]
    doc = Document()
    drop_stale_parts(doc)
    install_styles(doc, lang)
    doc.settings.odd_and_even_pages_header_footer = True
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    # punctuation compression (标点挤压): a line may close up its full-width punctuation
    # rather than let it hang past the margin
    spacing_control = settings.find(qn("w:characterSpacingControl"))
    if spacing_control is not None:
        spacing_control.set(qn("w:val"), "compressPunctuation")

    body_el = doc.element.body
    sect = body_el.find(qn("w:sectPr"))
    for child in list(body_el):
        if child is not sect:
            body_el.remove(child)
    for xml in body():
        sect.addprevious(parse_xml(xml))

    section = doc.sections[0]
    header_mark = [para("RKHeaderMark", ("", "{{ header_mark }}"))]
    fill(section.header._element, header_mark)
    fill(section.even_page_header._element, header_mark)
    fill(section.footer._element, [page_number("right")])
    fill(section.even_page_footer._element, [page_number("left")])

    for tag_name in ("w:pgSz", "w:pgMar", "w:cols", "w:docGrid"):
        for old in sect.findall(qn(tag_name)):
            sect.remove(old)
    sect.append(parse_xml(f'<w:pgSz {W} w:w="{PAGE_W}" w:h="{PAGE_H}"/>'))
    sect.append(
        parse_xml(
            f'<w:pgMar {W} w:top="{TOP}" w:right="{RIGHT}" w:bottom="{BOTTOM}" w:left="{LEFT}" '
            f'w:header="{HEADER_FROM_EDGE}" w:footer="{FOOTER_FROM_EDGE}" w:gutter="0"/>'
        )
    )
    sect.append(parse_xml(f'<w:cols {W} w:space="425"/>'))
    sect.append(
        parse_xml(
            f'<w:docGrid {W} w:type="lines" w:linePitch="{LINE_PITCH}" w:charSpace="{CHAR_SPACE}"/>'
        )
    )

    title = (
        "Annual Report on Government Information Disclosure (2021 format), template"
        if lang == "en"
        else "政府信息公开工作年度报告（2021年版格式）模板"
    )

    sys.path.insert(0, str(HERE.parent / "src"))
    from reportkit.renderer import save_deterministic

    # the properties are written whole, not through python-docx, whose namespace table another
    # installed package (docxcompose) may have rewritten: the same bytes on every machine
    save_deterministic(doc, output, core=_core(title))
    return output


def _core(title: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><dc:subject/><dc:creator>reportkit</dc:creator>"
        "<cp:keywords/><dc:description>docxtpl template; rebuild with "
        "templates/build_template.py</dc:description><cp:lastModifiedBy>reportkit"
        "</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2021-01-01T00:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2021-01-01T00:00:00Z</dcterms:modified>'
        "<cp:category/></cp:coreProperties>"
    ).encode()


if __name__ == "__main__":
    # python templates/build_template.py [zh-CN|en [OUTPUT]]; with no argument, builds both
    sys.path.insert(0, str(HERE.parent / "src"))
    if len(sys.argv) > 1:
        print(build(Path(sys.argv[2]) if len(sys.argv) > 2 else None, sys.argv[1]))
    else:
        for language in OUTPUTS:
            print(build(lang=language))

"""Stage 5c (webpage): the rendered .docx as one self-contained HTML page for the portal.

The page is made from the rendered document itself, so it says exactly what the .docx says:
the title as `<h1>` (its lines as the document breaks them), the parts as `<h2>`, sub-heads as
`<h3>`, paragraphs as `<p>` with their run-in lead phrase as `<strong class="lead">`, and the
three tables as real tables: header rows in `<thead>`, labels as `<th>` with `scope`, and every
merged cell of the form as one cell with `rowspan`/`colspan`. It carries its own CSS (screen
and print, A4 with GB/T 9704 margins), `lang="zh-CN"`, and no script or outside resource, so a
clerk can paste it into the CMS editor of the 政府信息公开专栏 or save it as it is.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from lxml import etree

from reportkit.errors import OutputError, Problem
from reportkit.output import write

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DC = "{http://purl.org/dc/elements/1.1/}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_HEADINGS = {"RKTitle": "h1", "Heading1": "h2", "Heading2": "h3"}


@dataclass
class Cell:
    """A table cell as the page shows it: merged cells once, with their spans."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    scope: str = ""


@dataclass
class Row:
    cells: list[Cell] = field(default_factory=list)
    head: bool = False  # a header row of the table (repeated on each page in the document)


def _text(element: etree._Element) -> str:
    out = []
    for el in element.iter(f"{W}t", f"{W}br", f"{W}tab"):
        if el.tag == f"{W}t":
            out.append(el.text or "")
        elif el.tag == f"{W}br":
            out.append("\n")
        else:
            out.append("\t")
    return "".join(out)


def _style(p: etree._Element) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val", "") if style is not None else ""


def table_rows(tbl: etree._Element) -> list[Row]:
    """Return the rows of a Word table with each merged cell once, spans counted: a vertical
    merge (w:vMerge) becomes the rowspan of the cell where it starts."""
    starts: dict[int, Cell] = {}  # grid column → the cell whose vertical merge is open there
    rows = []
    for tr in tbl.findall(f"{W}tr"):
        row = Row(head=tr.find(f"{W}trPr/{W}tblHeader") is not None)
        column = 0
        for tc in tr.findall(f"{W}tc"):
            span_el = tc.find(f"{W}tcPr/{W}gridSpan")
            span = int(span_el.get(f"{W}val", "1")) if span_el is not None else 1
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            if merge is not None and merge.get(f"{W}val") != "restart" and column in starts:
                starts[column].rowspan += 1
            else:
                text = "\n".join(_text(p) for p in tc.findall(f"{W}p"))
                cell = Cell(text, colspan=span)
                row.cells.append(cell)
                if merge is not None:
                    starts[column] = cell
                else:
                    starts.pop(column, None)
            column += span
        rows.append(row)
    _mark_headers(rows)
    return rows


def _mark_headers(rows: list[Row]) -> None:
    """Decide which cells are headers: every cell of a header row, of a leading row of labels
    (the title rows of table 二), or of a row within the body with no figure in it; and each
    label before the figures of a data row."""
    leading = True
    for row in rows:
        figures = {id(c) for c in row.cells if _NUMBER.fullmatch(c.text.strip())}
        if not figures and not row.head and leading:
            row.head = True
        leading = leading and row.head
        for cell in row.cells:
            if row.head or not figures:
                cell.header = True
                cell.scope = "colgroup" if cell.colspan > 1 else "col"
            elif id(cell) not in figures:
                cell.header = True
                cell.scope = "rowgroup" if cell.rowspan > 1 else "row"


@dataclass
class Block:
    """A block of the page: a heading or paragraph (tag, text, lead) or a table."""

    tag: str
    text: str = ""
    lead: str = ""
    css: str = ""
    rows: list[Row] = field(default_factory=list)


def blocks(docx: bytes) -> tuple[list[Block], dict[str, str]]:
    """Return the blocks of a rendered .docx and its header marks and properties."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")
        core = etree.fromstring(archive.read("docProps/core.xml"))
        marks = [
            _text(etree.fromstring(archive.read(name))).strip()
            for name in sorted(archive.namelist())
            if re.fullmatch(r"word/header\d*\.xml", name)
        ]
    props = {
        "title": core.findtext(f"{DC}title") or "",
        "author": core.findtext(f"{DC}creator") or "",
        "mark": next((m for m in marks if m), ""),
    }
    found: list[Block] = []
    signature = 0
    for child in body:
        if child.tag == f"{W}tbl":
            found.append(Block("table", rows=table_rows(child)))
            continue
        if child.tag != f"{W}p":
            continue
        style = _style(child)
        text = _text(child)
        if not text.strip():
            continue
        if style in _HEADINGS:
            found.append(Block(_HEADINGS[style], text))
        elif style == "RKSignature":
            found.append(Block("p", text.strip(), css=("signature", "date")[min(signature, 1)]))
            signature += 1
        else:
            lead = "".join(
                _text(r)
                for r in child.findall(f"{W}r")
                if (s := r.find(f"{W}rPr/{W}rStyle")) is not None and s.get(f"{W}val") == "RKLead"
            )
            found.append(Block("p", text[len(lead) :] if text.startswith(lead) else text, lead))
    return found, props


CSS = """
:root { color: #000; background: #fff; }
body { margin: 2em auto; max-width: 44em; padding: 0 1em; font-size: 18px; line-height: 1.8;
  font-family: "仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong",
  "Noto Serif CJK SC", "Noto Serif SC", "Source Han Serif SC", serif; }
h1 { font-family: "方正小标宋简体", "方正小标宋_GBK", "Noto Serif CJK SC", "Noto Serif SC",
  "Source Han Serif SC", "SimSun", serif; font-size: 1.6em; font-weight: bold;
  text-align: center; line-height: 1.5; margin: 0 0 1.2em; }
h2 { font-family: "黑体", "SimHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
  sans-serif; font-size: 1em; font-weight: normal; margin: 0; text-indent: 2em; }
h3, .lead { font-family: "楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti",
  "LXGW WenKai", serif; font-size: 1em; font-weight: normal; }
h3 { margin: 0; text-indent: 2em; }
p { margin: 0; text-indent: 2em; text-align: justify; line-break: strict; }
.mark { text-indent: 0; text-align: center; color: #c00000; font-weight: bold; }
.signature-block { width: fit-content; margin: 1.8em 2em 0 auto; }
.signature-block p { text-indent: 0; text-align: left; }
.signature-block .date { padding-left: 2em; }
table { border-collapse: collapse; margin: 0.8em auto; font-size: 0.75em; line-height: 1.4;
  font-family: "宋体", "SimSun", "Noto Serif CJK SC", "Noto Serif SC", serif; }
th, td { border: 1px solid #000; padding: 0.2em 0.35em; text-align: center;
  vertical-align: middle; font-weight: normal; }
td { font-variant-numeric: tabular-nums; }
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 16pt; line-height: 28.95pt; }
  h1 { font-size: 22pt; line-height: 35pt; }
  table { font-size: 9pt; page-break-inside: auto; }
  tr, th, td { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .signature-block { break-inside: avoid; page-break-inside: avoid; }
}
""".strip()


def _cell(cell: Cell) -> str:
    tag = "th" if cell.header else "td"
    attrs = f' scope="{cell.scope}"' if cell.header else ""
    attrs += f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
    attrs += f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
    text = "<br>".join(escape(line) for line in cell.text.split("\n"))
    return f"<{tag}{attrs}>{text}</{tag}>"


def _table(rows: list[Row]) -> str:
    head = [r for r in rows if r.head]
    body = [r for r in rows if not r.head]
    out = ["<table>"]
    if head:
        out.append("<thead>")
        out += ["<tr>" + "".join(_cell(c) for c in r.cells) + "</tr>" for r in head]
        out.append("</thead>")
    out.append("<tbody>")
    out += ["<tr>" + "".join(_cell(c) for c in r.cells) + "</tr>" for r in body]
    out.append("</tbody></table>")
    return "\n".join(out)


def page(docx: bytes, lang: str = "zh-CN") -> str:
    """Return the HTML page of a rendered .docx (its bytes)."""
    found, props = blocks(docx)
    title = props["title"] or next((b.text for b in found if b.tag == "h1"), "")
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f'<meta name="author" content="{escape(props["author"])}">',
        '<meta name="generator" content="reportkit">',
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
        "<article>",
    ]
    if props["mark"]:
        out.append(f'<p class="mark" role="note">{escape(props["mark"])}</p>')
    signature: list[str] = []
    for block in found:
        if block.tag == "table":
            out.append(_table(block.rows))
        elif block.css in ("signature", "date"):
            signature.append(f'<p class="{block.css}">{escape(block.text)}</p>')
        elif block.tag == "h1":
            lines = "<br>".join(escape(line) for line in block.text.split("\n"))
            out.append(f"<h1>{lines}</h1>")
        elif block.tag in ("h2", "h3"):
            out.append(f"<{block.tag}>{escape(block.text)}</{block.tag}>")
        else:
            lead = f'<strong class="lead">{escape(block.lead)}</strong>' if block.lead else ""
            text = "<br>".join(escape(line) for line in block.text.split("\n"))
            out.append(f"<p>{lead}{text}</p>")
    if signature:
        out += ['<footer class="signature-block">', *signature, "</footer>"]
    out += ["</article>", "</body>", "</html>", ""]
    return "\n".join(out)


def write_page(docx: Path, output: Path | None = None, lang: str = "zh-CN") -> Path:
    """Return the HTML page written beside `docx` (or at `output`) from that rendered file."""
    target = output or docx.with_suffix(".html")
    try:
        data = docx.read_bytes()
        text = page(data, lang)
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise OutputError(
            Problem("html_failed", {"detail": f"{type(exc).__name__}: {exc}"}, file=str(docx))
        ) from exc
    return write(text.encode("utf-8"), target)

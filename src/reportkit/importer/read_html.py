"""Stage 0 (read): a saved web page (.html, .htm) as a `Document`, with lxml.

A portal page holds the report among menus, breadcrumbs and footers. The report is the part of
the page that holds its part headings (一、总体情况 … 六、其他需要报告的事项): the smallest
element containing them all. Its title may stand outside it (in an <h1> above, or only in the
page's <title>): the nearest heading before that element that names a report is taken.

Paragraphs are the text of block elements (<p>, <div> holding text, <h1>–<h6>, <li>); a <br>
ends a paragraph. Tables are read with their rowspan and colspan.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from reportkit.errors import DataError, Problem
from reportkit.importer.document import Document, Grid, Para
from reportkit.importer.labels import is_part_heading

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "center"}
_SKIP = {"script", "style", "noscript", "template", "head", "select", "button", "iframe"}
_HEADINGS = ("h1", "h2", "h3", "h4")
_BR = "\u2028"  # a <br> inside a cell or a title, kept as a line break
_REPORT = re.compile(r"(19|20)\d\d\s*年.*(报告|年报)")


def read_html(path: Path) -> Document:
    """Return the paragraphs and tables of the report in the web page at `path`."""
    raw = path.read_bytes()
    if not raw.strip():  # lxml refuses an empty document; it is a page with nothing on it
        return Document(str(path), "html")
    if _binary(raw):
        raise DataError(Problem("import_unreadable", {"detail": "encoding"}, file=str(path)))
    try:
        tree = lxml.html.document_fromstring(raw)
    except (etree.ParserError, ValueError) as exc:
        raise DataError(
            Problem("import_unreadable", {"detail": type(exc).__name__}, file=str(path))
        ) from exc
    found = Document(str(path), "html")
    root = _report_root(tree)
    blocks: list[Para | Grid] = []
    _walk(root, blocks)
    title = _title(tree, root)
    if title and not any(isinstance(b, Para) and _REPORT.search(b.text) for b in blocks[:3]):
        blocks.insert(0, Para(title, hint="title"))
    found.items = blocks
    return found


# Bytes no text holds (besides tab, line feed, form feed, carriage return): a page has none, a
# file of another kind (an image, an archive, random bytes) about one in ten.
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13})


def _binary(raw: bytes) -> bool:
    """True when `raw` is not text, so not a web page (lxml would read it as a page of mojibake)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, as an editor may save a page
        return False
    head = raw[:65536]
    return len(head) - len(head.translate(None, _CONTROL)) > len(head) // 100


def _report_root(tree: Any) -> Any:
    """Return the smallest element holding every part heading found (the whole body if none)."""
    body = tree.find("body")
    body = body if body is not None else tree
    marks = [
        el
        for el in body.iter()
        if isinstance(el.tag, str)
        and el.tag not in _SKIP
        and el.tag not in ("table", "tr", "td", "th", "tbody")
        and is_part_heading(_own_text(el))
    ]
    if len(marks) < 2:
        return body
    chains = [list(reversed(list(mark.iterancestors()))) for mark in marks]
    common = body
    for level in zip(*chains, strict=False):
        if all(el is level[0] for el in level):
            common = level[0]
        else:
            break
    return common


def _title(tree: Any, root: Any) -> str:
    """Return the report's title: a heading before the report that names it, else the page's
    <title> when it does."""
    before = []
    for el in tree.iter(*_HEADINGS, "p", "div"):
        if el is root or root in el.iterancestors():
            break
        if el in root.iterancestors():
            continue
        before.append(el)
    for el in reversed(before):
        text = _text(el)
        if _REPORT.search(text) and len(text) < 80:
            return text
    title = tree.find(".//title")
    text = _text(title) if title is not None else ""
    match = re.split(r"[_|\-—]{1,2}", text)
    return next((t.strip() for t in match if _REPORT.search(t)), "")


def _walk(element: Any, out: list[Para | Grid]) -> None:
    """Append the paragraphs and tables under `element`, in order."""
    line: list[str] = []

    def flush() -> None:
        text = "".join(line).strip()
        if text:
            out.append(Para(_squeeze(text), hint=_hint(element)))
        line.clear()

    if element.text:
        line.append(element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIP or not tag:
            pass
        elif tag == "table":
            flush()
            out.append(_grid(child))
        elif tag == "br":
            flush()
        elif tag in _BLOCKS or child.find(".//table") is not None:
            flush()
            _walk(child, out)
        else:
            line.append(_inline_text(child))
        if child.tail:
            line.append(child.tail)
    flush()


def _hint(element: Any) -> str:
    if element.tag in _HEADINGS:
        return "heading"
    align = (element.get("align") or "") + (element.get("style") or "")
    if "center" in align:
        return "center"
    if "right" in align:
        return "right"
    return ""


def _inline_text(element: Any) -> str:
    """Return the text of an inline element, a <br> inside it read as a line break."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag == "br":
            parts.append(_BR)
        elif isinstance(child.tag, str) and child.tag not in _SKIP:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _grid(table: Any) -> Grid:
    """Return the table's grid, rowspan and colspan spread over the positions they cover."""
    cells: list[list[str | None]] = []
    origin: list[list[bool]] = []
    pending: dict[tuple[int, int], str] = {}  # positions filled by a rowspan from above
    for r, tr in enumerate(table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")):
        row: list[str | None] = []
        starts: list[bool] = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, len(row)) in pending:
                row.append(pending.pop((r, len(row))))
                starts.append(False)
            text = _squeeze(_inline_text(td))
            colspan, rowspan = _span(td, "colspan"), _span(td, "rowspan")
            for k in range(colspan):
                for down in range(1, rowspan):
                    pending[(r + down, len(row))] = text
                row.append(text)
                starts.append(k == 0)
        while (r, len(row)) in pending:
            row.append(pending.pop((r, len(row))))
            starts.append(False)
        cells.append(row)
        origin.append(starts)
    return Grid.of_ragged(cells, origin)


def _span(td: Any, name: str) -> int:
    try:
        return max(1, min(int(td.get(name, "1")), 100))
    except ValueError:
        return 1


def _own_text(element: Any) -> str:
    """Return the element's text when it is a short leaf-like block (a heading's text)."""
    text = _text(element)
    return text if len(text) <= 40 else ""


def _text(element: Any) -> str:
    return _squeeze("".join(element.itertext()))


def _squeeze(text: str) -> str:
    """Return text with the page's layout whitespace (non-breaking spaces, line breaks of the
    HTML source) reduced to single spaces; a line break written with <br> is kept."""
    text = re.sub(r"[\s\xa0\u3000]+", " ", text.replace(_BR, "\x00"))
    return "\n".join(part.strip() for part in text.split("\x00"))

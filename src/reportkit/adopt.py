"""Adopt a province's blank form: its Word file of the 2021 format becomes a reportkit template.

A province hands its agencies the national form as a Word file of its own: its fonts, widths and
merges, placeholders such as 「（文字描述）」 under the six headings, and the three tables with
empty number cells. `adopt` keeps all of that and writes the tags in: every number cell gets its
figure's tag, found by the table's own row and column labels (not by position, and tolerant of
the typos and spacing real forms carry); each part's placeholder becomes that part's paragraphs;
the title, the preamble, the 署名 and the date, and the mark of a document that failed its
checks, are added. What was mapped and what could not be is said, all at once; when a cell the
report needs is missing, nothing is written.
"""

from __future__ import annotations

import copy
import difflib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from reportkit.errors import Problem, TemplateError
from reportkit.lint import lint
from reportkit.model import (
    APPEAL_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    DOCUMENT_COLUMNS,
    OUTCOME_COLUMNS,
    PART_HEADINGS,
    PROACTIVE_ROWS,
)
from reportkit.output import write

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_PLACEHOLDER = re.compile(r"^[（(]\s*文字(描述|说明).*[）)]$")
_INSTRUCTIONS = re.compile(r"^(填报说明|填表说明|说明)[:：]?")
_SIMILAR = 0.8  # how alike a form's label must be to the official one (typos, spacing)


@dataclass
class Adoption:
    """What adopting a form did: each mapping as a line, and what it could not do."""

    source: str = ""
    mapped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def missing(self, code: str, **params: str) -> None:
        """Note what the form lacks (a heading, a table, a row, a column)."""
        self.problems.append(Problem(code, params, file=self.source))


def norm(text: str) -> str:
    """Return a label as it is compared: NFKC, no whitespace, no list punctuation."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s:：·.、,，]", "", text)


def alike(found: str, official: str) -> float:
    a, b = norm(found), norm(official)
    if not a or not b:
        return 0.0
    if a == b or a.startswith(b) or (b.startswith(a) and len(a) >= 0.8 * len(b)):
        return 1.0
    return difflib.SequenceMatcher(None, a, b).ratio()


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


# ---------------------------------------------------------------------------------------------
# Paragraphs made from a model paragraph of the form (its style, its first run's look)


def _paragraph(model: etree._Element, *runs: tuple[str, str]) -> etree._Element:
    """Return a paragraph shaped like `model`, with runs of (text, kind): kind "" is plain,
    "lead" a run-in sub-head (楷体), "br" a line break."""
    made = etree.Element(f"{W}p")
    ppr = model.find(f"{W}pPr")
    if ppr is not None:
        made.append(copy.deepcopy(ppr))
    rpr = next(iter(model.iter(f"{W}rPr")), None)
    for text, kind in runs:
        run = etree.SubElement(made, f"{W}r")
        if rpr is not None and rpr.getparent() is not None and rpr.getparent().tag == f"{W}r":
            run.append(copy.deepcopy(rpr))
        if kind == "lead":
            look = run.find(f"{W}rPr")
            if look is None:
                look = etree.SubElement(run, f"{W}rPr")
                run.insert(0, look)
            for fonts in look.findall(f"{W}rFonts"):
                look.remove(fonts)
            look.insert(0, etree.Element(f"{W}rFonts", {f"{W}eastAsia": "楷体_GB2312"}))
        if kind == "br":
            etree.SubElement(run, f"{W}br")
            continue
        t = etree.SubElement(run, f"{W}t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return made


def _aligned(paragraph: etree._Element, how: str, right_indent: int = 0) -> etree._Element:
    ppr = paragraph.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{W}pPr")
        paragraph.insert(0, ppr)
    for old in ppr.findall(f"{W}jc") + ppr.findall(f"{W}ind"):
        ppr.remove(old)
    if right_indent:
        ppr.append(etree.Element(f"{W}ind", {f"{W}right": str(right_indent), f"{W}firstLine": "0"}))
    ppr.append(etree.Element(f"{W}jc", {f"{W}val": how}))
    return paragraph


def _blocks(model: etree._Element, variable: str) -> list[etree._Element]:
    """Return the paragraphs that write the narrative blocks of `variable` (a part's list)."""
    return [
        _paragraph(model, (f"{{%p for b in {variable} %}}", "")),
        _paragraph(model, ("{%p if b.heading %}", "")),
        _paragraph(model, ("{{ b.heading }}", "lead")),
        _paragraph(model, ("{%p else %}", "")),
        _paragraph(model, ("{{ b.lead }}", "lead"), ("{{ b.text }}", "")),
        _paragraph(model, ("{%p endif %}", "")),
        _paragraph(model, ("{%p endfor %}", "")),
    ]


def _insert_after(anchor: etree._Element, made: Sequence[etree._Element]) -> etree._Element:
    for element in made:
        anchor.addnext(element)
        anchor = element
    return anchor


# ---------------------------------------------------------------------------------------------
# Tables: cells by grid column, labels by row


@dataclass
class _Cell:
    element: etree._Element
    start: int  # grid column where it starts
    span: int
    text: str
    continues: bool  # a vertically merged cell's continuation


def _rows(table: etree._Element) -> list[list[_Cell]]:
    rows = []
    for tr in table.findall(f"{W}tr"):
        column = 0
        before = tr.find(f"{W}trPr/{W}gridBefore")
        if before is not None:
            column = int(before.get(f"{W}val", "0"))
        cells = []
        for tc in tr.findall(f"{W}tc"):
            span_el = tc.find(f"{W}tcPr/{W}gridSpan")
            span = int(span_el.get(f"{W}val", "1")) if span_el is not None else 1
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            continues = merge is not None and merge.get(f"{W}val") != "restart"
            cells.append(_Cell(tc, column, span, _text(tc), continues))
            column += span
        rows.append(cells)
    return rows


def _put(cell: _Cell, tag: str) -> None:
    """Write `tag` into a number cell, keeping the look of its paragraph and first run."""
    paragraphs = cell.element.findall(f"{W}p")
    if not paragraphs:
        paragraphs = [etree.SubElement(cell.element, f"{W}p")]
    first = paragraphs[0]
    for extra in paragraphs[1:]:
        cell.element.remove(extra)
    runs = first.findall(f"{W}r")
    rpr = runs[0].find(f"{W}rPr") if runs else None
    for run in runs:
        first.remove(run)
    run = etree.SubElement(first, f"{W}r")
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    t = etree.SubElement(run, f"{W}t")
    t.text = tag


def _best(text: str, labels: Iterable[str]) -> tuple[str, float]:
    scored = [(label, alike(text, label)) for label in labels]
    return max(scored, key=lambda s: s[1], default=("", 0.0))


def _header_columns(rows: list[list[_Cell]], labels: Sequence[str], until: int) -> dict[str, _Cell]:
    """Return the header cell of each column label, among the first `until` rows."""
    found: dict[str, _Cell] = {}
    for row in rows[:until]:
        for cell in row:
            if cell.continues or not cell.text.strip():
                continue
            label, score = _best(cell.text, labels)
            if score >= 0.95 and label not in found:
                found[label] = cell
    return found


def _first_data_row(rows: list[list[_Cell]], first: str) -> int:
    """Return the index of the row labelled `first` (the first row of figures): the header
    rows are the ones above it."""
    for index, row in enumerate(rows):
        if any(alike(c.text, first) >= _SIMILAR for c in row if not c.continues):
            return index
    return len(rows)


def _map_applications(table: etree._Element, adoption: Adoption) -> None:
    rows = _rows(table)
    start = _first_data_row(rows, APPLICATION_ROWS[0].label)
    columns = _header_columns(rows, [c.label for c in APPLICANT_COLUMNS], start)
    for column in APPLICANT_COLUMNS:
        if column.label not in columns:
            adoption.missing("adopt_no_column", table="三", column=column.label)
    groups = sorted({r.group for r in APPLICATION_ROWS if r.group})
    group = ""
    done: set[str] = set()
    for row in rows[start:]:
        labels = [c for c in row if not c.continues and c.text.strip()]
        for cell in labels:
            name, score = _best(cell.text, groups)
            if score >= _SIMILAR:
                group = name
        candidates = [r for r in APPLICATION_ROWS if r.key not in done]
        best, best_score, written = None, 0.0, ""
        for cell in labels:
            for candidate in candidates:
                if candidate.group and candidate.group != group:
                    continue
                score = alike(cell.text, candidate.label)
                if score > best_score:
                    best, best_score, written = candidate, score, cell.text.strip()
        if best is None or best_score < _SIMILAR:
            continue
        if not best.group:
            group = ""
        done.add(best.key)
        for column in APPLICANT_COLUMNS:
            header = columns.get(column.label)
            target = next((c for c in row if header and c.start == header.start), None)
            if target is not None:
                _put(target, f"{{{{ applications.{best.key}.{column.key} }}}}")
        label = f"{best.group}{best.label}"
        adoption.mapped.append(
            f"三：{label}" + ("" if best_score == 1.0 else f"（表中写作「{written}」）")
        )
    for official in APPLICATION_ROWS:
        if official.key not in done:
            adoption.missing("adopt_no_row", table="三", row=f"{official.group}{official.label}")


def _map_proactive(table: etree._Element, adoption: Adoption) -> None:
    rows = _rows(table)
    columns = _header_columns(rows, [c.label for c in DOCUMENT_COLUMNS], len(rows))
    done: set[str] = set()
    for row in rows:
        if not row:
            continue
        label, score = _best(row[0].text, [r.label for r in PROACTIVE_ROWS])
        if score < _SIMILAR or norm(row[0].text) in ("信息内容",):
            continue
        found = next(r for r in PROACTIVE_ROWS if r.label == label)
        if found.key in done:
            continue
        done.add(found.key)
        if found.key in ("rules", "normative_documents"):
            for column in DOCUMENT_COLUMNS:
                header = columns.get(column.label)
                cell = next((c for c in row if header and c.start == header.start), None)
                if cell is None:
                    adoption.missing("adopt_no_column", table="二", column=column.label)
                    continue
                _put(cell, f"{{{{ proactive.{found.key}.{column.key} }}}}")
        elif len(row) > 1:
            _put(row[1], f"{{{{ proactive.{found.key} }}}}")
        adoption.mapped.append(f"二：{found.label}")
    for official in PROACTIVE_ROWS:
        if official.key not in done:
            adoption.missing("adopt_no_row", table="二", row=official.label)


def _map_appeals(table: etree._Element, adoption: Adoption) -> None:
    rows = _rows(table)
    spans: dict[str, _Cell] = {}
    for row in rows:
        for cell in row:
            if cell.continues:
                continue
            for key, label in (
                ("review", "行政复议"),
                ("lawsuit_direct", "未经复议直接起诉"),
                ("lawsuit_after_review", "复议后起诉"),
            ):
                if key not in spans and alike(cell.text, label) >= 0.95:
                    spans[key] = cell
    data = next(
        (row for row in reversed(rows) if row and all(not c.text.strip() for c in row)), None
    )
    if data is None:
        adoption.missing("adopt_no_row", table="四", row="数据行")
        return
    for group in APPEAL_ROWS:
        head = spans.get(group.key)
        if head is None:
            adoption.missing("adopt_no_row", table="四", row=group.label)
            continue
        inside = [
            c
            for row in rows
            for c in row
            if not c.continues and head.start <= c.start < head.start + head.span and c is not head
        ]
        for column in OUTCOME_COLUMNS:
            label_cell = next((c for c in inside if alike(c.text, column.label) >= 0.95), None)
            if label_cell is None and head.span == 1:
                label_cell = head
            target = next((c for c in data if label_cell and c.start == label_cell.start), None)
            if target is None:
                adoption.missing("adopt_no_column", table=f"四：{group.label}", column=column.label)
                continue
            _put(target, f"{{{{ appeals.{group.key}.{column.key} }}}}")
        adoption.mapped.append(f"四：{group.group + '·' if group.group else ''}{group.label}")


def _kind_of(table: etree._Element) -> str:
    text = norm(_text(table))
    if "申请人情况" in text or "自然人" in text:
        return "applications"
    if "行政复议" in text and ("行政诉讼" in text or "复议后起诉" in text):
        return "appeals"
    if "第二十条" in text or "行政许可" in text:
        return "proactive"
    return ""


# ---------------------------------------------------------------------------------------------
# The whole form


def adopt(form: Path | str, output: Path | str) -> Adoption:
    """Return what adopting the blank form `form` did, having written the template `output`;
    raise `TemplateError` with every problem (and write nothing) when a part, table, row or
    column the report needs cannot be found."""
    form = Path(form)
    try:
        data = form.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = {item.filename: archive.read(item.filename) for item in archive.infolist()}
        root = etree.fromstring(parts["word/document.xml"], parser=_SAFE)
    except FileNotFoundError as exc:
        raise TemplateError(Problem("template_not_found", file=str(form))) from exc
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise TemplateError(
            Problem("template_not_docx", {"detail": type(exc).__name__}, file=str(form))
        ) from exc
    adoption = Adoption(str(form))
    body = root.find(f"{W}body")
    assert body is not None
    _adopt_body(body, adoption)
    if adoption.problems:
        raise TemplateError(adoption.problems)
    parts["word/document.xml"] = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    made = _zip(parts)
    problems = [p for p in lint(made, source=str(output)) if p.severity == "error"]
    if problems:  # never write a template that would not render: that would be a bug here
        raise TemplateError(problems)
    write(made, output)
    return adoption


def _adopt_body(body: etree._Element, adoption: Adoption) -> None:
    children = list(body)
    paragraphs = [c for c in children if c.tag == f"{W}p"]
    headings: dict[int, etree._Element] = {}
    for p in paragraphs:
        heading, score = _best(_text(p), PART_HEADINGS)
        if score >= 0.9 and len(norm(_text(p))) <= len(norm(heading)) + 4:
            number = PART_HEADINGS.index(heading) + 1
            headings.setdefault(number, p)
    for number, heading in enumerate(PART_HEADINGS, start=1):
        if number not in headings:
            adoption.missing("adopt_no_heading", heading=heading)
    if adoption.problems:
        return
    model = _model_paragraph(body, headings)
    # instructions for whoever fills the form in are not part of the report
    for p in paragraphs:
        if _INSTRUCTIONS.match(norm(_text(p))):
            adoption.removed.append(_text(p).strip()[:40])
            body.remove(p)
    _title(body, headings[1], model, adoption)
    tables = {_kind_of(t): t for t in body.findall(f"{W}tbl")}
    for kind, mapper, number in (
        ("proactive", _map_proactive, 2),
        ("applications", _map_applications, 3),
        ("appeals", _map_appeals, 4),
    ):
        if kind not in tables:
            adoption.missing("adopt_no_table", table=PART_HEADINGS[number - 1])
            continue
        mapper(tables[kind], adoption)
    for number in range(1, 7):
        heading = headings[number]
        following = heading.getnext()
        placeholder = (
            following
            if following is not None and _PLACEHOLDER.match(norm(_text(following)) or "x")
            else None
        )
        field = "before" if number in (2, 3, 4) else "text"
        loops = _blocks(model, f"part{number}.{field}")
        _insert_after(heading, loops)
        if placeholder is not None:
            adoption.removed.append(_text(placeholder).strip())
            body.remove(placeholder)
        adoption.mapped.append(f"{PART_HEADINGS[number - 1]}：正文")
        if number in (2, 3, 4):
            table = tables.get(("proactive", "applications", "appeals")[number - 2])
            if table is not None:
                _insert_after(table, _blocks(model, f"part{number}.after"))
    _signature(body, model)
    adoption.mapped.append("署名、成文日期")


def _model_paragraph(body: etree._Element, headings: dict[int, etree._Element]) -> etree._Element:
    """The paragraph whose look the narrative takes: the first placeholder, else the heading's
    next paragraph, else a plain one."""
    for p in body.iter(f"{W}p"):
        if _PLACEHOLDER.match(norm(_text(p)) or "x"):
            return p
    following = headings[1].getnext()
    if following is not None and following.tag == f"{W}p":
        return following
    return etree.Element(f"{W}p")


def _title(
    body: etree._Element, first_heading: etree._Element, model: etree._Element, adoption: Adoption
) -> None:
    """The form's title (the paragraph with 年度报告 before part 一) takes the report's title,
    broken in lines as context.title_lines says; the preamble follows it; the header mark of a
    document that failed its checks stands first."""
    title = None
    for p in body.findall(f"{W}p"):
        if p is first_heading:
            break
        if "年度报告" in _text(p):
            title = p
    if title is None:
        adoption.missing("adopt_no_title")
        return
    lines = _paragraph(
        title,
        ("{%r for line in title_lines %}", ""),
        ("{{ line }}", ""),
        ("{%r if not loop.last %}", ""),
        ("", "br"),
        ("{%r endif %}", ""),
        ("{%r endfor %}", ""),
    )
    title.addprevious(lines)
    body.remove(title)
    _insert_after(lines, _blocks(model, "preamble"))
    mark = _aligned(_paragraph(model, ("{{ header_mark }}", "")), "right")
    start = body[0]
    for made in (
        _paragraph(model, ("{%p if header_mark %}", "")),
        mark,
        _paragraph(model, ("{%p endif %}", "")),
    ):
        start.addprevious(made)
    adoption.mapped.append("标题、开头的说明")


def _signature(body: etree._Element, model: etree._Element) -> None:
    """The 署名 and the date after the last part, two characters from the right margin."""
    made = [
        _paragraph(model, ("", "")),
        _aligned(_paragraph(model, ("{{ signature }}", "")), "right", 640),
        _aligned(_paragraph(model, ("{{ date }}", "")), "right", 640),
    ]
    last = body.find(f"{W}sectPr")
    for element in made:
        if last is not None:
            last.addprevious(element)
        else:
            body.append(element)


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, parts[name])
    return buffer.getvalue()

"""Reading published reports back (`reportkit import`): Word, PDF, web pages and copied text.

Stages, each a module:

  read_docx, read_pdf,   a file as a `Document`: its paragraphs and tables in reading order
  read_html, read_text   (python-docx, pdfplumber, lxml, and plain text)
  narrative, tables      the outline (title, preamble, six parts, signature) and the figures,
                         found by the form's labels
  assemble               the data of a data file, the problems of reading, what was printed
                         and where each key stands in the document

`import_report(path)` runs them; `data_text(imported)` is the data file `reportkit import`
writes (through the same writer as `reportkit new`). Checking a published report as it stands
is `reportkit.review`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportkit.errors import DataError, Problem
from reportkit.format2019.model import FORMAT_2019
from reportkit.importer.assemble import MIXED, Imported, Place, assemble
from reportkit.importer.document import Document, Para
from reportkit.importer.read_docx import read_docx
from reportkit.importer.read_html import read_html
from reportkit.importer.read_pdf import read_pdf
from reportkit.importer.read_text import read_text
from reportkit.load import PUBLISHED, is_published
from reportkit.messages import translate
from reportkit.skeleton import data_text as write_data

READERS: dict[str, Callable[[Path], Document]] = {
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".html": read_html,
    ".htm": read_html,
    ".txt": read_text,
}
# A yearly report's web page or text is some tens of kilobytes (a portal page with its menus,
# a few hundred); one far larger is something else, and reading it would take minutes.
TEXT_SUFFIXES = (".html", ".htm", ".txt")
MAX_TEXT_BYTES = 20 * 1024 * 1024
SUFFIXES = PUBLISHED  # the same as READERS' keys (tested)

# the message naming each layout the tables may be read in
LAYOUT_MESSAGES = {
    "gov-info-disclosure-2021": "layout_2021",
    FORMAT_2019: "layout_2019",
    MIXED: "layout_mixed",
}
LAYOUT_NAMES = {layout: translate(code) for layout, code in LAYOUT_MESSAGES.items()}  # zh

__all__ = [
    "LAYOUT_MESSAGES",
    "LAYOUT_NAMES",
    "MIXED",
    "SUFFIXES",
    "Imported",
    "Place",
    "data_text",
    "import_report",
    "is_report_file",
]


is_report_file = is_published  # a file `reportkit import` reads, by its extension


def import_report(path: Path | str) -> Imported:
    """Return what the published report at `path` holds (see `Imported`); raise `DataError`
    when the file cannot be read at all."""
    file = Path(path)
    reader = READERS.get(file.suffix.lower())
    if reader is None:
        raise DataError(Problem("import_suffix", {"suffix": file.suffix or "?"}, file=str(path)))
    if not file.is_file():
        code = "is_directory" if file.is_dir() else "file_not_found"
        raise DataError(Problem(code, file=str(path)))
    size = file.stat().st_size
    if file.suffix.lower() in TEXT_SUFFIXES and size > MAX_TEXT_BYTES:
        limit = {"size": size, "limit": MAX_TEXT_BYTES}
        raise DataError(Problem("import_text_too_large", limit, file=str(path)))
    if size == 0:  # Windows' New > Word document, or a download that failed: not "damaged"
        raise DataError(Problem("import_empty", file=str(path)))
    document = reader(file)
    if not _has_text(document):  # empty, blank, or a scan without a text layer
        raise DataError(Problem("import_empty", file=str(path)))
    return assemble(document)


def _has_text(document: Document) -> bool:
    return any(
        item.text.strip()
        if isinstance(item, Para)
        else any(cell and cell.strip() for row in item.cells for cell in row)
        for item in document.items
    )


def data_text(imported: Imported) -> str:
    """Return the data file of an imported report, laid out and commented as `reportkit new`
    writes one, its first lines saying where it came from and which layout its tables follow."""
    name = imported.data.get("agency", {}).get("name", "")
    year = imported.data.get("year", "")
    head = [
        f"# {name} {year}年政府信息公开工作年度报告 — 数据文件",
        f"# 由 reportkit import 从 {Path(imported.source).name} 读出；表格按"
        f"{LAYOUT_NAMES.get(imported.layout, imported.layout)}读取。",
        "# 请与原报告核对，补全注释中标出未能读出的内容，然后运行 reportkit check 本文件。",
    ]
    return write_data(imported.data, head, notes=imported.notes, unread=imported.unread)

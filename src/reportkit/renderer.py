"""Stage 4 (render): fill the .docx template with the template variables; return the file's bytes.

docxtpl runs the template in reportkit's sandboxed Jinja environment, with autoescape on and
undefined variables as errors. Text reaches the document exactly as typed: every string is
escaped here, once, into XML (braces as character references, so docxtpl's `{_{` post-processing
cannot touch data; line breaks as `<w:br/>`; characters XML forbids are dropped). The output is
deterministic: fixed zip timestamps and core properties taken from the data.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import os
import re
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from reportkit.context import variables
from reportkit.errors import Problem, TemplateError
from reportkit.jinjaenv import environment, time_limit
from reportkit.model import Report
from reportkit.narrate import Narrative

DEFAULT_TEMPLATES = {
    "zh-CN": "gov-info-disclosure-2021.docx",
    "en": "gov-info-disclosure-2021.en.docx",
}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Characters XML 1.0 forbids (tab, newline and carriage return are allowed).
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


FAILED_MARK = "未通过校验"  # in the header of a document rendered over failing checks
SAMPLE_MARK = "示例数据"  # in the header of a document made from invented data


def header_marks(report: Report, failing: bool, extra: Sequence[str] = ()) -> list[str]:
    """Return the marks a document's header carries: failing checks, then `extra`, then
    sample data."""
    return [*([FAILED_MARK] if failing else []), *extra, *([SAMPLE_MARK] if report.sample else [])]


def default_template(locale: str = "zh-CN") -> Path:
    """Return the path of the shipped template of the 2021 national format for `locale`."""
    return Path(str(resources.files("reportkit.templates") / DEFAULT_TEMPLATES[locale]))


class CompiledTemplate:
    """A .docx template read and compiled once, rendering many documents in one process.

    docxtpl's documented use re-reads the package, re-runs its tag preprocessing (`patch_xml`),
    recompiles every part as a Jinja template, re-parses the rendered XML into python-docx's
    tree and serialises and compresses every part, for each document. Here docxtpl prepares the
    template once: the sources of the parts a render changes (document body, headers, footers,
    footnotes) go through docxtpl's own `patch_xml` and are compiled in the sandboxed
    environment. A render then runs those templates, applies docxtpl's fix-ups to the text (the
    same string operations), checks that the document is well-formed XML, and zips the changed
    parts beside the unchanged ones, which were compressed once. The rendered body is written
    as rendered, not moved into python-docx's tree (lxml's namespace walk of every node) and
    serialised again; headers and footers, a few hundred bytes, are parsed and serialised as
    python-docx does. Templates that need docxtpl's tree fix-ups ({%tc %} column loops, whose
    table grids it fits, and pictures, whose ids it renumbers) are rendered through that tree.
    """

    def __init__(self, path: Path) -> None:
        # the document libraries are loaded when a template is first prepared, not at start-up
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docxtpl import DocxTemplate

        self.jinja_env = environment(autoescape=True, compile_once=True)
        prepared = DocxTemplate(str(path))
        prepared.init_docx()
        self._docxtpl = prepared
        package = prepared.docx.part.package
        prepared.docx.core_properties  # noqa: B018 - read to create it if the template has none
        self._core_part = package.part_related_by(RT.CORE_PROPERTIES)
        body = prepared.get_xml()
        self._tree_fixes = "{%tc" in body or "docPr" in body
        self._body = self._source(_plain_body(body, prepared.docx.part.blob))
        self._headers_footers = [
            (part.partname, self._source(prepared.get_part_xml(part)))
            for uri in (prepared.HEADER_URI, prepared.FOOTER_URI)
            for _, part in prepared.get_headers_footers(uri)
        ]
        self._footnotes = [
            (part.partname, self._source(part.blob.decode("utf-8")))
            for part in package.parts
            if part.content_type == _FOOTNOTES
        ]
        core = prepared.docx.core_properties
        self._properties = [getattr(core, name) for name in _PROPERTIES]
        self._document = prepared.docx.part.partname
        self._package = package
        self._dynamic = {
            self._document,
            self._core_part.partname,
            *(name for name, _ in self._headers_footers),
            *(name for name, _ in self._footnotes),
        }
        self._static = _zip_parts(package, lambda name: name not in self._dynamic)
        # what a render writes after them, in the package's order: each changed part's name,
        # and its relationships (a render changes no relationship)
        self._entries: list[tuple[str, Any, bytes | None]] = []
        for part in package.iter_parts():
            if part.partname in self._dynamic:
                self._entries.append((part.partname.membername, part.partname, None))
                if len(part.rels):
                    self._entries.append((part.partname.rels_uri.membername, None, part.rels.xml))
        # The document part as the template has it, cut around its body: a render's body is
        # written between the two halves.
        blob = prepared.docx.part.blob.decode("utf-8")
        start, end = blob.index("<w:body"), blob.rindex("</w:body>") + len("</w:body>")
        self._shell = (blob[:start], blob[end:])

    def _source(self, xml: str) -> jinja2.Template:
        """Return the compiled Jinja template of a part's XML, preprocessed as docxtpl does."""
        patched = self._docxtpl.patch_xml(xml)
        return self.jinja_env.from_string(_BEFORE_P.sub(r"\n<w:p\1", patched))

    def render_bytes(self, context: dict[str, Any], properties: Properties) -> bytes:
        """Return the .docx bytes of the template rendered with `context`."""
        from docx.opc.oxml import parse_xml, serialize_part_xml

        for source in self._properties:  # as docxtpl does: a wrong tag there is an error too
            self.jinja_env.from_string(source).render(context)
        head, tail = self._shell
        body = _finish(self._body.render(context))
        if self._tree_fixes:
            body = self._fixed_tree(body)
        document = (head + body + tail).encode("utf-8")
        _well_formed(document)
        replaced = {
            self._document: document,
            self._core_part.partname: core_properties(properties),
        }
        for name, template in self._headers_footers:
            replaced[name] = serialize_part_xml(parse_xml(_finish(template.render(context))))
        for name, template in self._footnotes:
            replaced[name] = _finish(template.render(context)).encode("utf-8")
        buffer = io.BytesIO(self._static)
        with zipfile.ZipFile(buffer, "a") as archive:
            for member, part, data in self._entries:
                _put(archive, member, replaced[part] if data is None else data, level=1)
        return buffer.getvalue()

    def _fixed_tree(self, body: str) -> str:
        """Return the body after docxtpl's tree fix-ups: table grids fitted to {%tc %} column
        loops, picture ids renumbered."""
        from lxml import etree

        self._docxtpl.render_init()
        tree = self._docxtpl.fix_tables(body)
        self._docxtpl.fix_docpr_ids(tree)
        return str(etree.tostring(tree, encoding="unicode"))


_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_BEFORE_P = re.compile(r"<w:p([ >])")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_DECLARATION = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')


def _plain_body(body: str, document: bytes) -> str:
    """Return the body's XML without the namespace declarations lxml repeats on it when it is
    serialised alone, where the document element declares the same."""
    tag = body[: body.index(">") + 1]
    root = document.decode("utf-8")
    root = root[root.index("<w:document") :]
    root_tag = root[: root.index(">") + 1]
    mine = {m.strip() for m in _DECLARATION.findall(tag)}
    if _DECLARATION.sub("", tag) == "<w:body>" and mine <= {
        m.strip() for m in _DECLARATION.findall(root_tag)
    }:
        return "<w:body>" + body[len(tag) :]
    return body


def _finish(xml: str) -> str:
    """Return rendered XML after docxtpl's string fix-ups: the line breaks it put before each
    paragraph taken out, and its escaped tag delimiters put back."""
    return (
        xml.replace("\n<w:p ", "<w:p ")
        .replace("\n<w:p>", "<w:p>")
        .replace("{_{", "{{")
        .replace("}_}", "}}")
        .replace("{_%", "{%")
        .replace("%_}", "%}")
    )


def _well_formed(xml: bytes) -> None:
    """Raise lxml's XMLSyntaxError when the rendered document is not well-formed XML (a
    template whose tags cut its XML apart)."""
    from lxml import etree

    etree.fromstring(xml, parser=_parser())


@functools.cache
def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _zip_parts(
    package: Any,
    wanted: Any,
    base: bytes = b"",
    replaced: dict[Any, bytes] | None = None,
    level: int | None = None,
) -> bytes:
    """Return a zip of `base` plus the package's parts whose names are `wanted` (with the blobs
    in `replaced` instead of their own), with their relationships and, when there is no base,
    the content types and package relationships; compressed at `level` (zlib's default when
    None: a render's own parts are compressed at 1, four times faster for 15% more bytes)."""
    replaced = replaced or {}
    buffer = io.BytesIO(base)
    with zipfile.ZipFile(buffer, "a" if base else "w", zipfile.ZIP_DEFLATED) as archive:
        if not base:
            _put(archive, "[Content_Types].xml", _content_types(package), level)
            _put(archive, "_rels/.rels", package.rels.xml, level)
        for part in package.iter_parts():
            if not wanted(part.partname):
                continue
            blob = replaced.get(part.partname) or part.blob
            _put(archive, part.partname.membername, blob, level)
            if len(part.rels):
                _put(archive, part.partname.rels_uri.membername, part.rels.xml, level)
    return buffer.getvalue()


def _put(archive: zipfile.ZipFile, name: str, data: bytes, level: int | None) -> None:
    """Add a member with fixed timestamps, deflated at `level`."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0
    archive.writestr(info, data, compresslevel=level)


def _content_types(package: Any) -> bytes:
    """Return the package's [Content_Types].xml as python-docx writes it. python-docx has no
    public call for that part alone, so the package is saved (in memory) and the part read back;
    this runs once per template, not per render."""
    saved = io.BytesIO()
    package.save(saved)
    with zipfile.ZipFile(saved) as archive:
        return archive.read("[Content_Types].xml")


_TEMPLATES: dict[tuple[str, str], CompiledTemplate] = {}
_LOCK = threading.Lock()


def document(
    report: Report,
    narrative: Narrative,
    template: Path | str | None = None,
    marks: Sequence[str] = (),
) -> bytes:
    """Return the .docx bytes of `report` rendered into `template` (default: the shipped one)."""
    path = Path(template) if template is not None else default_template(report.locale)
    values = variables(report, narrative, marks)
    title = values.get("title") or f"{report.agency.name}{report.year}年政府信息公开工作年度报告"
    return fill(path, values, Properties(title, report.agency.name, report.date))


def fill(template: Path | str, values: dict[str, Any], properties: Properties) -> bytes:
    """Return the .docx bytes of `template` filled with the template variables `values` (plain
    text, escaped here once), with `properties`: the render stage for any kind of report."""
    path = Path(template)
    context = _escaped(values)
    with _LOCK, time_limit():  # a restyled template is code from outside: it may not run for ever
        return _render(path, context, properties)


def _render(path: Path, context: dict[str, Any], properties: Properties) -> bytes:
    """Return the rendered document; a template's errors (compiled on first use) as problems."""
    docx = _open(path)
    from lxml import etree  # loaded with the template

    try:
        return docx.render_bytes(context, properties)
    except jinja2.TemplateError as exc:
        raise _template_error(exc, path) from exc
    except etree.XMLSyntaxError as exc:  # a template whose tags cut its XML apart
        raise TemplateError(
            Problem("template_failed", {"detail": f"XML: {exc}"}, file=str(path))
        ) from exc


def _template_error(exc: jinja2.TemplateError, path: Path) -> TemplateError:
    """Return a template's Jinja error as a located problem."""
    if isinstance(exc, jinja2.UndefinedError):
        detail = exc.message or str(exc)
        return TemplateError(Problem("template_undefined", {"detail": detail}, file=str(path)))
    if isinstance(exc, jinja2.TemplateSyntaxError):
        params = {"detail": exc.message or str(exc), "near": _near(exc)}
        return TemplateError(Problem("template_syntax", params, file=str(path)))
    return TemplateError(Problem("template_failed", {"detail": str(exc)}, file=str(path)))


def _open(path: Path) -> CompiledTemplate:
    """Return the compiled template for `path`, prepared again whenever the file's content
    changes (a file edited within the same second, to the same size, included)."""
    if not os.path.isfile(path):
        raise TemplateError(Problem("template_not_found", file=str(path)))
    key = (str(path.resolve()), hashlib.sha256(path.read_bytes()).hexdigest())
    cached = _TEMPLATES.get(key)
    if cached is not None:
        return cached
    from reportkit.lint import check_archive

    check_archive(path)
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    try:
        cached = CompiledTemplate(path)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.Error) as exc:
        raise TemplateError(
            Problem("template_not_docx", {"detail": type(exc).__name__}, file=str(path))
        ) from exc
    except jinja2.TemplateError as exc:  # its parts are compiled here
        raise _template_error(exc, path) from exc
    _TEMPLATES.clear()  # one template at a time: a batch uses one
    _TEMPLATES[key] = cached
    return cached


def _near(exc: jinja2.TemplateSyntaxError) -> str:
    """Return the text of the template around a syntax error, without XML markup."""
    source = exc.source or ""
    lines = source.splitlines()
    if exc.lineno and exc.lineno <= len(lines):
        text = re.sub(r"<[^>]+>", "", lines[exc.lineno - 1])
        return text.strip()[:80]
    return ""


# What xml_text changes: markup, quotes, braces, line breaks, tabs, characters XML forbids.
_SPECIAL = re.compile("[&<>\"'{}\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> Markup:
    """Return `value` as the XML of a run's text, exactly as typed."""
    if not _SPECIAL.search(value):
        return Markup(value)  # most values: nothing to change
    text = ILLEGAL_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    escaped = str(escape(text)).replace("{", "&#123;").replace("}", "&#125;")
    escaped = escaped.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
    return Markup(escaped.replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">'))


def _escaped(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _escaped(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_escaped(v) for v in tree]
    if isinstance(tree, str):
        return xml_text(tree)
    return tree


_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>"
    "<cp:lastModifiedBy>{author}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
    "<cp:lastPrinted>{stamp}</cp:lastPrinted>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
    "</cp:coreProperties>"
)


@dataclass(frozen=True)
class Properties:
    """A document's core properties: its title, its author, and its date (every date)."""

    title: str
    author: str
    date: dt.date


def core_properties(properties: Properties) -> bytes:
    """Return the document's core properties part (docProps/core.xml).

    It is written here, whole, rather than through python-docx: python-docx's properties take
    their namespace prefixes from a global table that docxcompose (which docxtpl imports when
    it is installed) rewrites, and every render then wrote some properties twice.
    """
    stamp = dt.datetime.combine(properties.date, dt.time()).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = {"title": " ".join(properties.title.split()), "author": properties.author}
    fields = {k: str(escape(ILLEGAL_XML.sub("", v))) for k, v in values.items()}
    return _CORE.format(stamp=stamp, **fields).encode("utf-8")


def save_deterministic(doc: Any, target: Path, core: bytes | None = None) -> None:
    """Save a python-docx document with fixed zip timestamps (used to build templates): the
    same zip writer a render uses, every part included; `core` replaces its core properties."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    package = doc.part.package
    replaced = {}
    if core is not None:
        doc.core_properties  # noqa: B018 - read to create the part if the document has none
        replaced[package.part_related_by(RT.CORE_PROPERTIES).partname] = core
    target.write_bytes(_zip_parts(package, lambda name: True, replaced=replaced))

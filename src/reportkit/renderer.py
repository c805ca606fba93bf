"""Stage 4 (render): fill the .docx template with the template variables; return the file's bytes.

docxtpl runs the template in reportkit's sandboxed Jinja environment, with autoescape on and
undefined variables as errors. Text reaches the document exactly as typed: every string is
escaped here, once, into XML (braces as character references, so docxtpl's `{_{` post-processing
cannot touch data; line breaks as `<w:br/>`; characters XML forbids are dropped). The output is
deterministic: fixed zip timestamps and core properties taken from the data.
"""

from __future__ import annotations

import datetime as dt
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
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from lxml import etree
from markupsafe import Markup, escape

from reportkit.context import variables
from reportkit.errors import Problem, TemplateError
from reportkit.jinjaenv import environment, time_limit
from reportkit.lint import check_archive
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


class ReusableTemplate(DocxTemplate):  # type: ignore[misc]
    """A docxtpl template that renders many documents in one process, compiling once.

    docxtpl re-reads the package, re-runs its tag preprocessing (`patch_xml`) and recompiles
    every part as a Jinja template on each render. Here the package is read once; the template's
    body is kept as docxtpl serialises it, `patch_xml` results are kept per source, and the Jinja
    environment compiles each source once, so docxtpl's own code does all the tag handling.
    Saving writes the parts a render changes (document, headers, footers, footnotes, core
    properties) beside the unchanged ones, compressed once, with fixed zip timestamps.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.init_docx()
        self._patched: dict[str, str] = {}
        self.jinja_env = environment(autoescape=True, compile_once=True)
        package = self.docx.part.package
        self.docx.core_properties  # noqa: B018 - read to create it if the template has none
        self._core_part = package.part_related_by(RT.CORE_PROPERTIES)
        self._pristine_body: str = super().get_xml()
        self._column_loops = "{%tc" in self._pristine_body
        self._pristine_parts = {
            key: rel.target_part for key, rel in self.docx.part.rels.items() if not rel.is_external
        }
        self._dynamic = (
            {self.docx.part.partname, self._core_part.partname}
            | {part.partname for _, part in self.get_headers_footers(self.HEADER_URI)}
            | {part.partname for _, part in self.get_headers_footers(self.FOOTER_URI)}
            | {part.partname for part in package.parts if part.content_type == _FOOTNOTES}
        )
        self._static = _zip_parts(package, lambda name: name not in self._dynamic)
        # The document part as the template has it, cut around its body: a render's body is
        # written between the two halves instead of being moved into python-docx's tree.
        blob = self.docx.part.blob.decode("utf-8")
        start, end = blob.index("<w:body"), blob.rindex("</w:body>") + len("</w:body>")
        self._shell = (blob[:start], blob[end:])
        self._body: Any = None

    def get_xml(self) -> str:
        return self._pristine_body  # the body as the template has it, whatever was rendered

    def patch_xml(self, src_xml: str) -> str:
        patched = self._patched.get(src_xml)
        if patched is None:
            patched = self._patched[src_xml] = super().patch_xml(src_xml)
        return patched

    def fix_tables(self, xml: str) -> Any:
        # docxtpl re-parses the rendered body leniently (dropping what it cannot read) and then
        # fixes the grids of tables whose columns come from {%tc %} loops. The rendered XML must
        # be well-formed: it is parsed strictly, and the grid fix runs only for templates that
        # have column loops.
        if self._column_loops:
            return super().fix_tables(xml)
        return etree.fromstring(xml, parser=_STRICT)

    def map_tree(self, tree: Any) -> None:
        # docxtpl moves the rendered body into python-docx's document, which costs lxml a walk
        # of the whole tree to reconcile namespaces; it is kept aside and written out as is.
        self._body = tree

    def resolve_listing(self, xml: str) -> str:
        # docxtpl turns tabs, line and page breaks in the *rendered* text, data included, into
        # Word markup. reportkit's values arrive as finished XML (see xml_text), so data that
        # contains such characters must come out as typed: nothing is left to resolve.
        return xml

    def reset(self) -> None:
        """Put headers and footers back as the template file has them."""
        rels = self.docx.part.rels
        for key, part in self._pristine_parts.items():
            # docxtpl points the relationship at a new part when it renders a header or
            # footer; the template's own part is put back by replacing the relationship
            rels.add_relationship(rels[key].reltype, part, key)
        self.is_rendered = False

    def render_bytes(self, context: dict[str, Any], properties: Properties) -> bytes:
        """Return the .docx bytes of the template rendered with `context`."""
        self.reset()
        try:
            self.render(context, jinja_env=self.jinja_env)
            head, tail = self._shell
            body = etree.tostring(self._body, encoding="unicode")
            replaced = {
                self.docx.part.partname: (head + body + tail).encode("utf-8"),
                self._core_part.partname: core_properties(properties),
            }
            package = self.docx.part.package
            return _zip_parts(package, lambda name: name in self._dynamic, self._static, replaced)
        finally:
            self.is_rendered = False
            self._body = None


_STRICT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _zip_parts(
    package: Any, wanted: Any, base: bytes = b"", replaced: dict[Any, bytes] | None = None
) -> bytes:
    """Return a zip of `base` plus the package's parts whose names are `wanted` (with the blobs
    in `replaced` instead of their own), with their relationships and, when there is no base,
    the content types and package relationships."""
    replaced = replaced or {}
    buffer = io.BytesIO(base)
    with zipfile.ZipFile(buffer, "a" if base else "w", zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            archive.writestr(info, data)

        parts = list(package.iter_parts())
        if not base:
            put("[Content_Types].xml", _content_types(package))
            put("_rels/.rels", package.rels.xml)
        for part in parts:
            if not wanted(part.partname):
                continue
            put(part.partname.membername, replaced.get(part.partname, part.blob))
            if len(part.rels):
                put(part.partname.rels_uri.membername, part.rels.xml)
    return buffer.getvalue()


def _content_types(package: Any) -> bytes:
    """Return the package's [Content_Types].xml as python-docx writes it. python-docx has no
    public call for that part alone, so the package is saved (in memory) and the part read back;
    this runs once per template, not per render."""
    saved = io.BytesIO()
    package.save(saved)
    with zipfile.ZipFile(saved) as archive:
        return archive.read("[Content_Types].xml")


_TEMPLATES: dict[tuple[str, str], ReusableTemplate] = {}
_LOCK = threading.Lock()


def _template(path: Path) -> ReusableTemplate:
    """Return the reusable template for `path`, read again whenever the file's content changes
    (a file edited within the same second, to the same size, included)."""
    key = (str(path.resolve()), hashlib.sha256(path.read_bytes()).hexdigest())
    cached = _TEMPLATES.get(key)
    if cached is None:
        _TEMPLATES.clear()  # one template at a time: a batch uses one
        cached = _TEMPLATES[key] = ReusableTemplate(path)
    return cached


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
    with _LOCK:
        docx = _open(path)
        with time_limit():  # a restyled template is code from outside: it may not run for ever
            return _render(docx, context, properties, path)


def _render(
    docx: ReusableTemplate, context: dict[str, Any], properties: Properties, path: Path
) -> bytes:
    try:
        return docx.render_bytes(context, properties)
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            Problem("template_undefined", {"detail": exc.message or str(exc)}, file=str(path))
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            Problem(
                "template_syntax",
                {"detail": exc.message or str(exc), "near": _near(exc)},
                file=str(path),
            )
        ) from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(
            Problem("template_failed", {"detail": str(exc)}, file=str(path))
        ) from exc
    except etree.XMLSyntaxError as exc:  # a template whose tags cut its XML apart
        raise TemplateError(
            Problem("template_failed", {"detail": f"XML: {exc}"}, file=str(path))
        ) from exc


def _open(path: Path) -> ReusableTemplate:
    if not os.path.isfile(path):
        raise TemplateError(Problem("template_not_found", file=str(path)))
    check_archive(path)
    try:
        return _template(path)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.Error) as exc:
        raise TemplateError(
            Problem("template_not_docx", {"detail": type(exc).__name__}, file=str(path))
        ) from exc


def _near(exc: jinja2.TemplateSyntaxError) -> str:
    """Return the text of the template around a syntax error, without XML markup."""
    source = exc.source or ""
    lines = source.splitlines()
    if exc.lineno and exc.lineno <= len(lines):
        text = re.sub(r"<[^>]+>", "", lines[exc.lineno - 1])
        return text.strip()[:80]
    return ""


def xml_text(value: str) -> Markup:
    """Return `value` as the XML of a run's text, exactly as typed."""
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
    package = doc.part.package
    replaced = {}
    if core is not None:
        doc.core_properties  # noqa: B018 - read to create the part if the document has none
        replaced[package.part_related_by(RT.CORE_PROPERTIES).partname] = core
    target.write_bytes(_zip_parts(package, lambda name: True, replaced=replaced))

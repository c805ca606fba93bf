"""Stage 4 (render): fill the .docx template with the template variables; return the file's bytes.

docxtpl runs the template in reportkit's sandboxed Jinja environment, with autoescape on and
undefined variables as errors. Text reaches the document exactly as typed: every string is
escaped here, once, into XML (braces as character references, so docxtpl's `{_{` post-processing
cannot touch data; line breaks as `<w:br/>`; characters XML forbids are dropped). The output is
deterministic: fixed zip timestamps and core properties taken from the data.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import IO, Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from markupsafe import Markup, escape

from reportkit.context import variables
from reportkit.errors import Problem, TemplateError
from reportkit.jinjaenv import environment
from reportkit.model import Report
from reportkit.narrate import Narrative

DEFAULT_TEMPLATE = "gov-info-disclosure-2021.docx"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Characters XML 1.0 forbids (tab, newline and carriage return are allowed).
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def default_template() -> Path:
    """Return the path of the shipped template of the 2021 national format."""
    return Path(str(resources.files("reportkit.templates") / DEFAULT_TEMPLATE))


def document(
    report: Report,
    narrative: Narrative,
    template: Path | str | None = None,
    marks: Sequence[str] = (),
) -> bytes:
    """Return the .docx bytes of `report` rendered into `template` (default: the shipped one)."""
    path = Path(template) if template is not None else default_template()
    docx = _open(path)
    context = _escaped(variables(report, narrative, marks))
    try:
        docx.render(context, jinja_env=environment(autoescape=True))
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
    _set_properties(docx.docx, report)
    buffer = io.BytesIO()
    docx.save(buffer)
    return deterministic_zip(buffer.getvalue())


def _open(path: Path) -> DocxTemplate:
    if not path.is_file():
        raise TemplateError(Problem("template_not_found", file=str(path)))
    try:
        docx = DocxTemplate(str(path))
        docx.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateError(
            Problem("template_not_docx", {"detail": type(exc).__name__}, file=str(path))
        ) from exc
    return docx


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
    return Markup(escaped.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">'))


def _escaped(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _escaped(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_escaped(v) for v in tree]
    if isinstance(tree, str):
        return xml_text(tree)
    return tree


def _set_properties(doc: Any, report: Report) -> None:
    props = doc.core_properties
    stamp = dt.datetime.combine(report.date, dt.time())
    props.title = f"{report.agency.name}{report.year}年政府信息公开工作年度报告"
    props.author = props.last_modified_by = report.agency.name
    props.created = props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.comments = ""
    props.keywords = ""
    props.subject = ""
    props.category = ""


def deterministic_zip(data: bytes) -> bytes:
    """Return the zip `data` rewritten with fixed timestamps, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def save_deterministic(doc: Any, target: Path | IO[bytes]) -> None:
    """Save a python-docx document with fixed zip timestamps (used to build templates)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    data = deterministic_zip(buffer.getvalue())
    if isinstance(target, Path):
        target.write_bytes(data)
    else:
        target.write(data)

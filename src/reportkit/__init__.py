"""reportkit: official Word reports from a TOML file of figures and narrative.

A script renders a report in one line::

    import reportkit
    reportkit.render("jiangpo-2022.toml", "jiangpo-2022.docx")

reads a published report back, or checks one as it stands::

    imported = reportkit.import_report("jiangpo-2022.pdf")   # Word, PDF, web page, copied text
    problems = reportkit.check_document("jiangpo-2022.pdf")  # located in the document

or goes stage by stage::

    report = reportkit.load("jiangpo-2022.toml")
    problems = reportkit.check(report)          # every problem at once, as data
    narrative = reportkit.narrate(report)       # the sentences written from the figures
    reportkit.write(reportkit.document(report, narrative), "jiangpo-2022.docx")
"""

import importlib as _importlib
import typing as _typing

from reportkit import distribution
from reportkit.api import Result, render
from reportkit.check import check
from reportkit.errors import (
    DataError,
    OutputError,
    Problem,
    ReportkitError,
    TemplateError,
)
from reportkit.load import load, parse
from reportkit.model import Report
from reportkit.narrate import Narrative, narrate
from reportkit.output import write
from reportkit.renderer import document

if _typing.TYPE_CHECKING:
    from reportkit.importer import Imported, import_report
    from reportkit.review import check_document

# reading published reports needs the PDF, HTML and Word libraries: loaded when first asked for
_LAZY = {
    "Imported": "reportkit.importer",
    "import_report": "reportkit.importer",
    "check_document": "reportkit.review",
}


def __getattr__(name: str) -> _typing.Any:
    # the version is read from the package metadata when asked (importlib.metadata is slow to
    # import, and a command that does not print the version should not pay for it)
    if name == "__version__":
        return distribution.version()
    if name in _LAZY:
        return getattr(_importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'reportkit' has no attribute {name!r}")


__all__ = [
    "DataError",
    "Imported",
    "Narrative",
    "OutputError",
    "Problem",
    "Report",
    "ReportkitError",
    "Result",
    "TemplateError",
    "__version__",
    "check",
    "check_document",
    "document",
    "import_report",
    "load",
    "narrate",
    "parse",
    "render",
    "write",
]

"""reportkit: official Word reports from a TOML file of figures and narrative.

A script renders a report in one line::

    import reportkit
    reportkit.render("jiangpo-2022.toml", "jiangpo-2022.docx")

or goes stage by stage::

    report = reportkit.load("jiangpo-2022.toml")
    problems = reportkit.check(report)          # every problem at once, as data
    narrative = reportkit.narrate(report)       # the sentences written from the figures
    reportkit.write(reportkit.document(report, narrative), "jiangpo-2022.docx")
"""

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


def __getattr__(name: str) -> str:
    # the version is read from the package metadata when asked (importlib.metadata is slow to
    # import, and a command that does not print the version should not pay for it)
    if name == "__version__":
        return distribution.version()
    raise AttributeError(f"module 'reportkit' has no attribute {name!r}")


__all__ = [
    "DataError",
    "Narrative",
    "OutputError",
    "Problem",
    "Report",
    "ReportkitError",
    "Result",
    "TemplateError",
    "__version__",
    "check",
    "document",
    "load",
    "narrate",
    "parse",
    "render",
    "write",
]

"""Errors and problems: what went wrong, as data, located in the user's files.

A `Problem` is one thing wrong with the user's input (a data file cell, a sentence id, a
template tag), with where it is and what was expected. Problems are collected, never raised one
by one; an exception carries all of them at once.

Exception tree (the CLI catches only the base class)::

    ReportkitError
     ├── DataError        the data file cannot be read or does not fit the format (.problems)
     ├── TemplateError    the .docx template is unreadable or its tags are wrong
     └── OutputError      the output file cannot be written
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from reportkit.messages import Msg, default_language, translate

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One located problem; `code` names a message in the catalogue, `params` fill it in."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    file: str = ""
    path: str = ""  # key path in the data file, e.g. applications.withheld.state_secret
    line: int | None = None
    label: str = ""  # the table's own row × column label, e.g. 三（七）总计 × 自然人
    rule: str = ""  # A, B, C, T4, … for consistency rules
    severity: Severity = "error"
    page: int | None = None  # in a published document read back (a PDF's page)

    def message(self, lang: str = "zh") -> str:
        """Return the problem's explanation, without its location."""
        return translate(self.code, lang, **self.params)

    def format(self, lang: str = "zh") -> str:
        """Return one line: ``file:line path label: message [rule]``."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.page is not None:
            where += translate("at_page", lang, page=self.page)
        place = " ".join(p for p in (self.path, self.label) if p)
        head = ": ".join(p for p in (where, place) if p)
        text = f"{head}: {self.message(lang)}" if head else self.message(lang)
        if self.severity == "warning":
            text = f"{translate('warning_prefix', lang)}{text}"
        return f"{text} [{self.rule}]" if self.rule else text

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """Return the problem as JSON-ready data."""
        return {
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "path": self.path,
            "label": self.label,
            "rule": self.rule,
            "page": self.page,
            "code": self.code,
            "message": self.message(lang),
        }

    def to_record(self) -> dict[str, Any]:
        """Return the problem as JSON data that `from_record` reads back whole (its parameters
        included); raise TypeError for a parameter that has no such form."""
        record = {k: v for k, v in self.__dict__.items() if k != "params"}
        record["params"] = {key: _stored(value) for key, value in self.params.items()}
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Problem:
        """Return the problem `to_record` wrote."""
        params = {key: _restored(value) for key, value in record["params"].items()}
        return cls(**{**record, "params": params})


def _stored(value: Any) -> Any:
    if isinstance(value, Msg):
        return {"msg": value.code, "params": {k: _stored(v) for k, v in value.params.items()}}
    if isinstance(value, list):
        return [_stored(v) for v in value]
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"a problem's parameter cannot be stored: {type(value).__name__}")


def _restored(value: Any) -> Any:
    if isinstance(value, list):
        return [_restored(v) for v in value]
    if isinstance(value, dict) and "msg" in value:
        return Msg(value["msg"], {k: _restored(v) for k, v in value["params"].items()})
    if isinstance(value, dict):
        return Decimal(value["decimal"])
    return value


class ReportkitError(Exception):
    """Base of every error reportkit raises on purpose; carries its problems."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(self.problems)

    def format(self, lang: str = "zh") -> str:
        """Return the problems, one line each, in `lang`."""
        return "\n".join(p.format(lang) for p in self.problems)

    def __str__(self) -> str:
        # in the language a clerk reads by default (REPORTKIT_LANG=en for English)
        return self.format(default_language())


class DataError(ReportkitError):
    """The data file cannot be read, or does not fit the report format."""


class TemplateError(ReportkitError):
    """The template cannot be used."""


class OutputError(ReportkitError):
    """The output cannot be written."""


class Sorted:
    """Mixin for results that hold `problems`: the errors and warnings among them."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

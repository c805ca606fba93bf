"""The generic kind: any docxtpl template, filled from the TOML tree of a data file as it is.

A script user who has only a template and some figures writes them in TOML and renders:
`reportkit render data.toml --template any.docx`, with `kind = "generic"` in the file. There is
no schema and there are no checks; what the engine gives every kind still holds: the sandbox,
autoescaping, undefined variables as errors, the formatting filters, compile-once rendering and
deterministic, atomic writes. The template is the one given with `--template`, or the file the
data names with `template = "…"` (relative to the data file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from reportkit.errors import DataError, Problem
from reportkit.jinjaenv import amount
from reportkit.load import Reading
from reportkit.locate import Locator
from reportkit.narrate import Narrative


class GenericReport(dict[str, Any]):
    """A data file of the generic kind: its TOML tree, and where it came from."""

    def __init__(self, data: Mapping[str, Any], locator: Locator) -> None:
        super().__init__(data)
        self.locator = locator
        self.notes: list[Problem] = []
        self.sample = bool(data.get("sample", False))
        self.locale = str(data.get("locale", "zh-CN"))
        self.previous = ""

    @property
    def source(self) -> str:
        return self.locator.source

    def where(self, *keys: str | int) -> tuple[str, int | None]:
        return self.locator.where(keys)


class GenericKind:
    """Any template, filled from the data's own names."""

    name = "generic"
    title = "通用模板（按数据文件中的名称填入任意 docxtpl 模板）"
    locales: tuple[str, ...] = ("zh-CN", "en")

    def read(self, data: Mapping[str, Any], locator: Locator) -> Reading[Any]:
        return Reading(cast(Any, GenericReport(data, locator)))

    def check(self, report: GenericReport, previous: Any | None = None) -> list[Problem]:
        return []

    def narrate(self, report: GenericReport, previous: Any | None = None) -> Narrative:
        return Narrative()

    def variables(
        self, report: GenericReport, narrative: Narrative, marks: Sequence[str] = ()
    ) -> dict[str, Any]:
        values: dict[str, Any] = _text(dict(report))
        values.setdefault("header_mark", "　".join(marks))
        return values

    def template(self, locale: str) -> Path:
        raise DataError(Problem("generic_needs_template"))

    def vocabulary(self) -> Any:
        from reportkit.lint import ANY_NAMES

        return ANY_NAMES  # whatever the data holds: only the template's syntax is checked

    def last_year_of(self, report: GenericReport, previous: Path | None) -> None:
        return None  # a template filled as the data is: no sentences across years

    def template_of(self, report: GenericReport) -> Path | None:
        """Return the template the data names (`template = "…"`, relative to the data file)."""
        name = report.get("template")
        if not isinstance(name, str) or not name:
            return None
        return Path(report.source).parent / name

    def subject(self, report: GenericReport) -> str:
        return Path(report.source).stem

    def skeleton(self, subject: str, year: int) -> str:
        return (
            "# 通用数据文件：下面的名称就是模板中 {{ … }} 里写的名称\n"
            'kind = "generic"\n'
            'template = "模板.docx"   # 相对于本文件；也可用 render --template 指定\n'
            f'title = "{subject}"\n'
            f"year = {year}\n"
        )

    def schema(self) -> dict[str, Any]:
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": self.title,
            "type": "object",
            "properties": {"kind": {"const": "generic"}, "template": {"type": "string"}},
        }


def _text(tree: Any) -> Any:
    """The tree's values as template text; tables and lists keep their shape (for loops)."""
    if isinstance(tree, dict):
        return {str(k): _text(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_text(v) for v in tree]
    if isinstance(tree, bool):
        return tree
    if isinstance(tree, Decimal | int):
        return amount(tree)
    if isinstance(tree, dt.date):
        return tree.isoformat()
    return str(tree)

"""The national 政府信息公开工作年度报告 as report kinds: the 2021 format, and the 2019 one.

These are the kinds reportkit was built for. Their stages are reportkit's first modules (the
model, the rules, the rulebooks, the context, the templates), which stay where they are, at the
package's top level, for the scripts that import them; these objects are the kinds' side of the
`Kind` protocol, so that the commands (new, check, render, batch, schema, kinds) reach them
the way they reach any kind. A data file is of these kinds when it names no `kind` (or names
`gov-info-disclosure-2021`); `format = "gov-info-disclosure-2019"` picks the 2019 format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reportkit.errors import DataError, Problem
from reportkit.format2019.model import FORMAT_2019
from reportkit.locate import Locator

GOV_INFO_2021 = "gov-info-disclosure-2021"
GOV_INFO_2019 = FORMAT_2019


class GovInfo2021:
    """The 2021 national format (国办公开办函〔2021〕30号): checked, written and rendered."""

    name = GOV_INFO_2021
    title = "政府信息公开工作年度报告（2021 年版格式）"
    locales: tuple[str, ...] = ("zh-CN", "en")
    renders = True

    def read(self, data: Mapping[str, Any], locator: Locator) -> Any:
        from reportkit.load import read_model
        from reportkit.model import Report

        return read_model(Report, data, locator)

    def last_year_of(self, report: Any, previous: Path | None) -> Any:
        """Return last year's report: the file `previous`, or the one the data names."""
        from reportkit.load import last_year

        return last_year(report, previous)

    def check(self, report: Any, previous: Any | None) -> list[Problem]:
        from reportkit.check import run_rules

        return run_rules(report, previous)

    def narrate(self, report: Any, previous: Any | None) -> Any:
        from reportkit.model import Report
        from reportkit.narrate import narrate

        # last year's sentences compare like with like: a 2019 report has other rows
        return narrate(report, previous=previous if isinstance(previous, Report) else None)

    def variables(self, report: Any, narrative: Any, marks: Sequence[str]) -> dict[str, Any]:
        from reportkit.context import variables

        return variables(report, narrative, marks)

    def template(self, locale: str) -> Path:
        from reportkit.renderer import default_template

        return default_template(locale)

    def subject(self, report: Any) -> str:
        return str(report.agency.name)

    def title_of(self, report: Any, values: Mapping[str, Any]) -> str:
        return str(
            values.get("title") or f"{report.agency.name}{report.year}年政府信息公开工作年度报告"
        )

    def skeleton(self, subject: str, year: int) -> str:
        from reportkit.skeleton import skeleton

        return skeleton(subject, year)

    def schema(self) -> dict[str, Any]:
        from reportkit.schema import generate

        made: dict[str, Any] = generate("report", "zh")
        return made

    def vocabulary(self) -> Any:
        from reportkit.lint import default_vocabulary

        return default_vocabulary()


class GovInfo2019(GovInfo2021):
    """The 2019 national format (国办公开办函〔2019〕60号), for reports on 2019 and 2020: read
    and checked (reports imported from those years), never written."""

    name = GOV_INFO_2019
    title = "政府信息公开工作年度报告（2019 年版格式，只校验）"
    locales = ("zh-CN",)
    renders = False

    def read(self, data: Mapping[str, Any], locator: Locator) -> Any:
        from reportkit.format2019.model import Report2019
        from reportkit.load import read_model

        return read_model(Report2019, data, locator)

    def template(self, locale: str) -> Path:
        raise DataError(Problem("format_2019_check_only"))

    def skeleton(self, subject: str, year: int) -> str:
        raise DataError(Problem("format_2019_check_only"))

    def schema(self) -> dict[str, Any]:
        raise DataError(Problem("format_2019_check_only"))

    def vocabulary(self) -> Any:
        raise DataError(Problem("format_2019_check_only"))

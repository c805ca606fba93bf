"""Kinds made of files only: a folder with `kind.toml`, a template, a rulebook; no Python.

`kind.toml` declares the kind:

    name = "county-statistical-bulletin"       # how data files name it: kind = "…"
    title = "县国民经济和社会发展统计公报（摘要）"
    subject = "county"                         # the field saying whose report it is
    rulebook = "rulebook.toml"                 # the sentences, as reportkit's own rulebooks
    [templates]
    zh-CN = "bulletin.docx"

    [[field]]                                  # what a data file holds
    key = "gdp"                                # dotted keys make tables: "structure.primary"
    type = "decimal"                           # integer, decimal, text, date, paragraphs
    label = "地区生产总值"
    unit = "亿元"
    places = 2                                 # decimal places at most
    min = 0                                    # bounds, optional
    required = true                            # the default

    [[check]]                                  # consistency rules
    id = "industries"
    expect = "gdp == primary + secondary + tertiary"
    tolerance = 0.01                           # for ==: how far apart the two sides may be
    places = ["gdp"]                           # where the problem is reported
    message = "三次产业之和为 {{ primary + secondary + tertiary }} 亿元，而地区生产总值为 {{ gdp }} 亿元"
    severity = "error"                         # or "warning"

The schema becomes a pydantic model, so a data file of the kind is read like any other: every
problem at once, located by line, in the clerk's words, unknown keys with the nearest suggested.
A check's `expect` and `message` are Jinja expressions and templates, run in reportkit's bounded
sandbox: never `eval`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import difflib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, cast

import jinja2
import pydantic
from jinja2 import nodes
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, create_model
from pydantic_core import PydanticCustomError

from reportkit.errors import DataError, Problem, Severity
from reportkit.jinjaenv import amount, environment, time_limit
from reportkit.load import Reading, parse_toml, problems_of, read_text
from reportkit.locate import KeyLines, Locator
from reportkit.messages import Msg
from reportkit.narrate import Narrative, Rulebook, narrate_with, parse_rulebook

TYPES = ("integer", "decimal", "text", "date", "paragraphs")
_ENV = environment(autoescape=False)


@dataclass(frozen=True)
class FieldSpec:
    """One field a data file of the kind holds."""

    key: str  # dotted
    type: str
    label: str
    unit: str = ""
    places: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    required: bool = True

    @property
    def label_with_unit(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label


@dataclass(frozen=True)
class CheckSpec:
    """One consistency rule of the kind."""

    id: str
    expect: str
    message: str
    message_en: str = ""
    tolerance: Decimal = Decimal(0)
    places: tuple[str, ...] = ()
    severity: Severity = "error"


class FileReport(BaseModel):
    """A data file of a kind made of files: its fields, and where they are written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = ""
    locale: str = "zh-CN"
    sample: bool = False
    previous: str = ""

    _locator: Locator = pydantic.PrivateAttr(default_factory=lambda: Locator([]))
    _notes: list[Problem] = pydantic.PrivateAttr(default_factory=list)

    def located(self, locator: Locator, notes: list[Problem]) -> FileReport:
        self._locator, self._notes = locator, notes
        return self

    @property
    def source(self) -> str:
        return self._locator.source

    @property
    def notes(self) -> list[Problem]:
        return self._notes

    def where(self, *keys: str | int) -> tuple[str, int | None]:
        return self._locator.where(keys)

    def values(self) -> dict[str, Any]:
        """Return the fields as a tree of plain values (the checks' and sentences' names)."""
        return {k: v for k, v in self.model_dump().items() if k not in ("kind", "locale")}


@dataclass
class FileKind:
    """A kind of report defined by the files of a folder (see the module docstring)."""

    folder: Path
    name: str
    title: str
    subject_key: str
    templates: dict[str, str]
    rulebook_file: str
    fields: tuple[FieldSpec, ...]
    checks: tuple[CheckSpec, ...]
    locales: tuple[str, ...] = ("zh-CN",)
    problems: list[Problem] = field(default_factory=list)

    # --- reading kind.toml ---------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path) -> FileKind:
        """Return the kind defined in `folder`; raise `DataError` with every problem of its
        kind.toml, located, when it does not define one."""
        path = folder / "kind.toml"
        if not path.exists():
            raise DataError(Problem("kind_not_found", file=str(path)))
        # the data files' reader: a kind.toml in GBK, nested thousands deep or a FIFO is a
        # located problem like a data file's, never a crash
        text = read_text(path)
        data = parse_toml(text, str(path))
        lines = KeyLines(text)
        problems: list[Problem] = []

        def wrong(loc: tuple[str | int, ...], detail: Msg) -> None:
            where = ".".join(str(k) for k in loc)
            problems.append(
                Problem(
                    "kind_file",
                    {"where": where, "detail": detail},
                    file=str(path),
                    line=lines.find(loc),
                )
            )

        for key in ("name", "title"):
            if not isinstance(data.get(key), str) or not data.get(key):
                wrong((key,), Msg("kind_expected_text"))
        fields = []
        seen: set[str] = set()
        for index, raw in enumerate(data.get("field", [])):
            loc = ("field", index)
            if not isinstance(raw, dict) or not isinstance(raw.get("key"), str):
                wrong(loc, Msg("kind_field_needs_key"))
                continue
            clash = _key_clash(raw["key"], seen)
            if clash:
                wrong((*loc, "key"), clash)
                continue
            seen.add(raw["key"])
            if raw.get("type") not in TYPES:
                wrong((*loc, "type"), Msg("kind_field_type", {"types": ", ".join(TYPES)}))
                continue
            try:
                fields.append(
                    FieldSpec(
                        raw["key"],
                        raw["type"],
                        str(raw.get("label", raw["key"])),
                        str(raw.get("unit", "")),
                        int(raw["places"]) if "places" in raw else None,
                        Decimal(str(raw["min"])) if "min" in raw else None,
                        Decimal(str(raw["max"])) if "max" in raw else None,
                        bool(raw.get("required", True)),
                    )
                )
            except (ValueError, ArithmeticError):
                wrong(loc, Msg("kind_field_numbers"))
        # every key declared, right or not: a check naming a field whose type is wrong is not
        # wrong itself
        keys = {str(raw.get("key")) for raw in data.get("field", []) if isinstance(raw, dict)}
        checks = []
        for index, raw in enumerate(data.get("check", [])):
            loc = ("check", index)
            if not isinstance(raw, dict) or not all(
                isinstance(raw.get(k), str) for k in ("id", "expect", "message")
            ):
                wrong(loc, Msg("kind_check_needs"))
                continue
            try:
                _ENV.compile_expression(raw["expect"])
                _ENV.from_string(raw["message"])
            except jinja2.TemplateSyntaxError as exc:
                wrong(loc, Msg("kind_check_syntax", {"detail": exc.message or str(exc)}))
                continue
            places = tuple(raw.get("places", []))
            for place in places:
                if place not in keys:
                    wrong((*loc, "places"), Msg("kind_no_field", {"name": place}))
            checks.append(
                CheckSpec(
                    raw["id"],
                    raw["expect"],
                    raw["message"],
                    str(raw.get("message_en", "")),
                    Decimal(str(raw.get("tolerance", 0))),
                    places,
                    "warning" if raw.get("severity") == "warning" else "error",
                )
            )
        subject = data.get("subject", "")
        if subject and subject not in keys:
            wrong(("subject",), Msg("kind_no_field", {"name": subject}))
        templates = data.get("templates", {})
        if not isinstance(templates, dict) or not templates:
            wrong(("templates",), Msg("kind_templates_table"))
            templates = {}
        for locale, name in templates.items():
            if not (folder / str(name)).is_file():
                wrong(
                    ("templates", locale),
                    Msg("kind_no_file", {"name": name, "folder": str(folder)}),
                )
        rulebook_file = str(data.get("rulebook", ""))
        if rulebook_file and not (folder / rulebook_file).is_file():
            wrong(
                ("rulebook",), Msg("kind_no_file", {"name": rulebook_file, "folder": str(folder)})
            )
        if problems:
            raise DataError(problems)
        return cls(
            folder,
            data["name"],
            data["title"],
            subject,
            {str(k): str(v) for k, v in templates.items()},
            rulebook_file,
            tuple(fields),
            tuple(checks),
            tuple(templates),
        )

    # --- the schema -----------------------------------------------------------------------------

    @cached_property
    def model(self) -> type[FileReport]:
        """Return the pydantic model of the kind's data files, built from its fields."""
        tree: dict[str, Any] = {}
        for spec in self.fields:
            node = tree
            *parents, leaf = spec.key.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = spec
        return _model(self.name, tree, FileReport)  # type: ignore[return-value]

    def label_of(self, loc: tuple[str | int, ...]) -> str:
        dotted = ".".join(str(k) for k in loc)
        spec = next((f for f in self.fields if f.key == dotted), None)
        return spec.label_with_unit if spec else ""

    def read(self, data: Mapping[str, Any], locator: Locator) -> Reading[Any]:
        try:
            report = self.model.model_validate(data)
        except pydantic.ValidationError as exc:
            problems = problems_of(exc.errors(), data, locator, self.model, self.label_of)
            return Reading(None, problems)
        return Reading(cast(Any, report.located(locator, [])))

    # --- checks, sentences, variables -------------------------------------------------------------

    def check(self, report: FileReport, previous: FileReport | None = None) -> list[Problem]:
        values = report.values()
        values["last"] = previous.values() if previous else None
        problems = []
        with time_limit():
            for spec in self.checks:
                try:
                    holds = _holds(spec, values)
                    if holds:
                        continue
                    zh = _ENV.from_string(spec.message).render(values)
                    en = _ENV.from_string(spec.message_en).render(values) if spec.message_en else zh
                except Exception as exc:  # the kind's own code failed, not reportkit
                    problems.append(
                        Problem(
                            "kind_check_failed",
                            {"id": spec.id, "detail": _reason(exc)},
                            file=report.source,
                        )
                    )
                    continue
                place = spec.places[0] if spec.places else ""
                file, line = report.where(*place.split(".")) if place else (report.source, None)
                problems.append(
                    Problem(
                        "kind_check",
                        {"zh": zh, "en": en},
                        file=file,
                        path=place,
                        line=line,
                        label=self.label_of(tuple(place.split("."))) if place else "",
                        rule=spec.id,
                        severity=spec.severity,
                    )
                )
        try:
            self.narrate(report, previous)
        except DataError as exc:  # what `render` would refuse, `check` says first
            problems += exc.problems
        return problems

    @cached_property
    def book(self) -> Rulebook:
        if not self.rulebook_file:
            return Rulebook(())
        path = self.folder / self.rulebook_file
        return parse_rulebook(read_text(path), str(path))

    def narrate(self, report: FileReport, previous: FileReport | None = None) -> Narrative:
        context = report.values()
        context["last"] = previous.values() if previous else None
        return narrate_with(self.book, context, {}, report.source)

    def variables(
        self, report: FileReport, narrative: Narrative, marks: Sequence[str] = ()
    ) -> dict[str, Any]:
        values: dict[str, Any] = _text(report.values())
        values["sentences"] = {slot: list(texts) for slot, texts in narrative.slots.items()}
        for spec in self.book.rules:
            values["sentences"].setdefault(spec.slot, [])
        values["header_mark"] = "　".join(marks)
        return values

    def last_year_of(self, report: FileReport, previous: Path | None) -> FileReport | None:
        """Return last year's report: the file `previous`, or the one the data names in
        `previous` (relative to it); None when there is none or it is of another kind."""
        if previous is None and not report.previous:
            return None
        path = previous if previous is not None else Path(report.source).parent / report.previous
        from reportkit.load import read  # the engine's reader: county files, kinds, problems

        reading = read(path)
        if reading.report is None or reading.problems:
            raise DataError(reading.problems)
        same = getattr(reading.kind, "name", None) == self.name
        return cast(FileReport, reading.report) if same else None

    def vocabulary(self) -> Any:
        """Return what the kind's templates may use (every field, each rulebook slot, the
        header mark) and must use (every required field), for `reportkit template lint`."""
        from reportkit.lint import Vocabulary

        sample: dict[str, Any] = {}
        for spec in self.fields:
            *parents, leaf = spec.key.split(".")
            node = sample
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = ["…"] if spec.type == "paragraphs" else "…"
        for name in ("year", "sample", "previous"):
            sample.setdefault(name, "…")
        sample["sentences"] = {spec.slot: ["…"] for spec in self.book.rules}
        sample["header_mark"] = ""
        # a required field the sentences already write needs not appear in the template too
        written = read_text(self.folder / self.rulebook_file) if self.rulebook_file else ""
        required = {
            spec.key: spec.label
            for spec in self.fields
            if spec.required and not re.search(rf"(?<![\w.]){re.escape(spec.key)}(?!\w)", written)
        }
        return Vocabulary(sample, required)

    def template(self, locale: str) -> Path:
        name = self.templates.get(locale) or next(iter(self.templates.values()))
        return self.folder / name

    def subject(self, report: FileReport) -> str:
        if not self.subject_key:
            return Path(report.source).stem
        node: Any = report
        for part in self.subject_key.split("."):
            node = getattr(node, part)
        return str(node)

    # --- starting a file --------------------------------------------------------------------------

    def skeleton(self, subject: str, year: int) -> str:
        """Return a data file to fill in: every field under its label and unit."""
        out = [
            f"# {self.title} — 数据文件（reportkit new --kind {self.name}）",
            "# 按注释填写各项数字，然后运行 reportkit check 本文件、reportkit render 本文件。",
            "",
            f'kind = "{self.name}"',
        ]
        tables: dict[str, list[str]] = {}
        for spec in self.fields:
            *parents, leaf = spec.key.split(".")
            value = _placeholder(spec, subject, year, self.subject_key)
            note = f"# {spec.label_with_unit}" + ("" if spec.required else "（可不填）")
            line = f"{leaf} = {value}   {note}"
            tables.setdefault(".".join(parents), []).append(line)
        out += tables.pop("", [])
        for table, lines in tables.items():
            out += ["", f"[{table}]", *lines]
        return "\n".join(out) + "\n"

    def schema(self) -> dict[str, Any]:
        document = self.model.model_json_schema()
        document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        document["title"] = self.title
        plain: dict[str, Any] = json.loads(json.dumps(document, default=float))  # bounds: numbers
        return plain


# ---------------------------------------------------------------------------------------------


_NAME = re.compile(r"[^\W\d]\w*")  # a part of a key: a name Jinja and pydantic can both take
_TAKEN = frozenset(dir(FileReport)) | {"kind", "locale", "sample", "previous", "last"}


def _key_clash(key: str, seen: set[str]) -> Msg | None:
    """Return why a field's dotted `key` cannot be one (next to the keys `seen`), or None."""
    parts = key.split(".")
    if not all(_NAME.fullmatch(part) and not part.startswith("_") for part in parts):
        return Msg("kind_key_not_a_key", {"key": repr(key)})
    if parts[0] in _TAKEN:
        return Msg("kind_key_taken", {"key": parts[0]})
    for other in seen:
        if other == key:
            return Msg("kind_key_twice", {"key": key})
        if other.startswith(key + ".") or key.startswith(other + "."):
            return Msg("kind_key_both", {"key": key, "other": other})
    return None


def _model(
    name: str, tree: Mapping[str, Any], base: type[BaseModel] | None = None
) -> type[BaseModel]:
    definitions: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, FieldSpec):
            kind = _annotation(value)
            definitions[key] = (kind, ... if value.required else _empty(value))
        else:
            definitions[key] = (_model(f"{name}.{key}", value), ...)
    config = None if base is not None else ConfigDict(extra="forbid", frozen=True)
    if base is not None:
        made: type[BaseModel] = create_model(name, __base__=base, **definitions)
        return made
    plain: type[BaseModel] = create_model(name, __config__=config, **definitions)
    return plain


def _annotation(spec: FieldSpec) -> Any:
    bounds: dict[str, Any] = {"title": spec.label_with_unit}
    if spec.minimum is not None:
        bounds["ge"] = spec.minimum
    if spec.maximum is not None:
        bounds["le"] = spec.maximum
    if spec.type == "integer":
        return Annotated[StrictInt, Field(**bounds)]
    if spec.type == "decimal":
        if spec.places is not None:
            bounds["decimal_places"] = spec.places
        return Annotated[Decimal, BeforeValidator(_number), Field(**bounds, allow_inf_nan=False)]
    if spec.type == "date":
        return Annotated[dt.date, Field(title=spec.label_with_unit)]
    if spec.type == "paragraphs":
        return Annotated[list[str], Field(title=spec.label_with_unit)]
    return Annotated[str, Field(title=spec.label_with_unit, min_length=1 if spec.required else 0)]


def _number(value: Any) -> Any:
    """A figure is a TOML number, never text (as in every data file); −0 is 0."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise PydanticCustomError("amount_type", "expected a number")
    return value.copy_abs() if isinstance(value, Decimal) and value == 0 else value


def _empty(spec: FieldSpec) -> Any:
    return {"paragraphs": [], "text": ""}.get(spec.type)


def _placeholder(spec: FieldSpec, subject: str, year: int, subject_key: str) -> str:
    if spec.key == subject_key:
        return f'"{subject}"'
    if spec.key == "year":
        return str(year)
    return {"integer": "0", "decimal": "0.0", "date": f"{year + 1}-01-31", "paragraphs": "[]"}.get(
        spec.type, '""'
    )


def _text(tree: Any) -> Any:
    """The tree's values as template text: amounts as typed, dates as dates."""
    if isinstance(tree, dict):
        return {k: _text(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_text(v) for v in tree]
    if isinstance(tree, Decimal | int) and not isinstance(tree, bool):
        return amount(tree)
    if isinstance(tree, dt.date):
        return f"{tree.year}年{tree.month}月{tree.day}日"
    return "" if tree is None else str(tree)


def _holds(spec: CheckSpec, values: Mapping[str, Any]) -> bool:
    """True when the check's `expect` holds: an `a == b` within the tolerance, else the
    expression's truth."""
    tree = _ENV.parse("{{ " + spec.expect + " }}")
    output = tree.body[0]
    expression = output.nodes[0] if isinstance(output, nodes.Output) else None
    if (
        isinstance(expression, nodes.Compare)
        and len(expression.ops) == 1
        and expression.ops[0].op == "eq"
    ):
        left_source, right_source = _sides(spec.expect)
        sides = [
            _ENV.compile_expression(side, undefined_to_none=False)(**values)
            for side in (left_source, right_source)
        ]
        try:
            left, right = (Decimal(str(side)) for side in sides)
        except ArithmeticError:
            raise ValueError(f"{sides[0]!r} == {sides[1]!r}: both sides must be numbers") from None
        return abs(left - right) <= spec.tolerance
    return bool(_ENV.compile_expression(spec.expect, undefined_to_none=False)(**values))


def _sides(expect: str) -> tuple[str, str]:
    """Return the two sides of `expect`, an expression whose outermost operator is one `==`:
    split at the first `==` that leaves an expression on each side (one in parentheses or in
    a string is not it)."""
    at = expect.find("==")
    while at != -1:
        left, right = expect[:at], expect[at + 2 :]
        try:
            _ENV.parse("{{ " + left + " }}")
            _ENV.parse("{{ " + right + " }}")
        except jinja2.TemplateSyntaxError:
            at = expect.find("==", at + 2)
            continue
        return left, right
    raise ValueError(f"{expect}: no == between two expressions")


def _reason(exc: Exception) -> str:
    """Why a check could not run, in words (decimal's own errors are bare class names)."""
    if isinstance(exc, ZeroDivisionError | decimal.DivisionByZero | decimal.DivisionUndefined):
        return "division by zero"
    if isinstance(exc, decimal.InvalidOperation):
        return "not a number"
    return str(exc) or type(exc).__name__


def closest(name: str, names: Sequence[str]) -> str:
    found = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return found[0] if found else ""


__all__ = ["CheckSpec", "FieldSpec", "FileKind", "FileReport", "Msg"]

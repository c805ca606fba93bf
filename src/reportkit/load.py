"""Stage 1 (load): read a TOML data file into a `Report`, or say everything wrong with it.

The file is decoded as UTF-8 (a BOM is accepted), parsed with the standard library's `tomllib`
(floats read as `Decimal`, so amounts keep the digits the clerk typed), and validated by the
pydantic model. Every validation error becomes a located `Problem`: the key path, the line it is
on, the table's own label, and a message a clerk understands.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel

from reportkit.errors import DataError, Problem
from reportkit.locate import KeyLines, Locator
from reportkit.model import Report, label_of

Loc = tuple[str | int, ...]


SHARED = "county.toml"  # a county folder's shared file: every other .toml there inherits it
NOT_INHERITED = ("totals",)  # tables of the shared file that configure the batch, not a report


def load(path: str | Path) -> Report:
    """Return the report in the TOML file at `path`; raise `DataError` listing every problem.

    A file in a county folder (beside a `county.toml`) inherits the shared file's values.
    """
    file = Path(path)
    shared = file.parent / SHARED
    if file.name != SHARED and shared.is_file():
        return load_layers([shared, file], drop=NOT_INHERITED)
    return parse(read_text(path), str(path))


def last_year(report: Report, previous: Report | Path | str | None = None) -> Report | None:
    """Return last year's report: `previous` if given, else the file the data's `previous` key
    names (relative to the file that names it), else None."""
    if isinstance(previous, Report):
        return previous
    if previous is not None:
        return load(previous)
    if not report.previous:
        return None
    file, line = report.where("previous")
    path = Path(os.path.normpath(Path(file).parent / report.previous))
    if not path.is_file():
        raise DataError(
            Problem(
                "previous_not_found", {"previous": str(path)}, file=file, path="previous", line=line
            )
        )
    return load(path)


def read_text(path: str | Path) -> str:
    """Return the file's text, decoded as UTF-8 (BOM allowed); raise `DataError` otherwise."""
    source = str(path)
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError as exc:
        raise DataError(Problem("file_not_found", file=source)) from exc
    except IsADirectoryError as exc:
        raise DataError(Problem("is_directory", file=source)) from exc
    except OSError as exc:
        if file.is_dir():
            raise DataError(Problem("is_directory", file=source)) from exc
        raise DataError(Problem("read_failed", {"reason": exc.strerror}, file=source)) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(Problem("utf16_file", file=source))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        code = "gbk_file" if _looks_like_gbk(raw) else "not_utf8"
        raise DataError(Problem(code, {"line": line}, file=source, line=line)) from exc
    return text.replace("\r\n", "\n")


def _looks_like_gbk(raw: bytes) -> bool:
    """True when the bytes read as Chinese text in GB18030 (what Windows tools save as 'ANSI')."""
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def parse(text: str, source: str = "<data>") -> Report:
    """Return the report written in the TOML `text`; `source` names it in messages."""
    return validate(parse_toml(text, source), text, source)


def parse_toml(text: str, source: str = "<data>") -> dict[str, Any]:
    """Return the TOML `text` as data, floats as `Decimal`; raise `DataError` on bad syntax."""
    if not text.strip():
        raise DataError(Problem("empty_file", file=source))
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(match.group(1)) if match else text.count("\n") + 1  # "at end of document"
        raise DataError(
            Problem("toml_syntax", {"detail": str(exc)}, file=source, line=line)
        ) from exc


def validate(
    data: Mapping[str, Any], text: str = "", source: str = "<data>", locator: Locator | None = None
) -> Report:
    """Return the report for already-parsed TOML `data`; `text` is used to find line numbers
    (or `locator`, for data merged from several files)."""
    locator = locator or Locator([(source, KeyLines(text))])
    data, notes = _strip_control_characters(data, locator)
    try:
        report = Report.model_validate(data)
    except pydantic.ValidationError as exc:
        raise DataError(_problems(exc.errors(), data, locator)) from exc
    return report.located(locator, notes)


# Characters XML 1.0 forbids (tab, newline and carriage return are allowed): they cannot appear
# in a .docx, so they are taken out of the data, each place named in a warning.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _strip_control_characters(
    data: Mapping[str, Any], locator: Locator
) -> tuple[dict[str, Any], list[Problem]]:
    notes: list[Problem] = []

    def clean(value: Any, loc: Loc) -> Any:
        if isinstance(value, str) and CONTROL.search(value):
            found = sorted({f"U+{ord(c):04X}" for c in CONTROL.findall(value)})
            file, line = locator.where(loc)
            notes.append(
                Problem(
                    "control_characters",
                    {"chars": ", ".join(found)},
                    file=file,
                    path=_dotted(loc),
                    line=line,
                    severity="warning",
                )
            )
            return CONTROL.sub("", value)
        if isinstance(value, Mapping):
            return {k: clean(v, (*loc, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v, (*loc, i)) for i, v in enumerate(value)]
        return value

    return clean(dict(data), ()), notes


def load_layers(paths: Sequence[Path | str], drop: Sequence[str] = ()) -> Report:
    """Return the report written across the files `paths`, each overriding the ones before it
    key by key (a county's shared file, then an agency's own). Top-level tables named in `drop`
    are left out of the first file (they configure the batch, not a report)."""
    merged: dict[str, Any] = {}
    layers = []
    for number, path in enumerate(paths):
        text = read_text(path)
        data = parse_toml(text, str(path))
        if number == 0:
            data = {k: v for k, v in data.items() if k not in drop}
        merged = merge(merged, data)
        layers.append((str(path), KeyLines(text)))
    return validate(merged, locator=Locator(layers))


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Return `base` with `override` laid over it: tables merge key by key, other values
    (numbers, text, lists) are replaced whole."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


# ----------------------------------------------------------------------------------------------
# From pydantic's errors to a clerk's problems.


def _problems(errors: Iterable[Any], data: Mapping[str, Any], locator: Locator) -> list[Problem]:
    seen: set[Loc] = set()
    problems = []
    for error in errors:
        full: Loc = tuple(error["loc"])
        loc = _in_data(full, data, missing=error["type"] == "missing")
        if loc in seen:  # one problem per place (a union reports once per member)
            continue
        seen.add(loc)
        code, params = _explain(error, loc)
        file, line = locator.where(loc)
        problems.append(
            Problem(code, params, file=file, path=_dotted(loc), line=line, label=label_of(full))
        )
    return problems


def _in_data(loc: Loc, data: Mapping[str, Any], missing: bool) -> Loc:
    """Return the longest prefix of `loc` that names a place in the user's file."""
    node: Any = data
    for i, key in enumerate(loc):
        if isinstance(node, Mapping) and key in node:
            node = node[key]
            continue
        if isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
            continue
        return loc if missing and i == len(loc) - 1 and isinstance(node, Mapping) else loc[:i]
    return loc


def _explain(error: Any, loc: Loc) -> tuple[str, dict[str, Any]]:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    found = _show(value)
    if kind == "missing":
        return "missing", {}
    if kind == "extra_forbidden":
        key = str(loc[-1])
        options = _fields_at(loc[:-1])
        close = difflib.get_close_matches(key, options, n=1, cutoff=0.5)
        if close:
            return "unknown_key", {"key": key, "suggestion": close[0]}
        return "unknown_key_plain", {"key": key}
    if kind in ("int_type", "int_parsing", "int_from_float"):
        if isinstance(value, Decimal) and value.is_finite() and value != value.to_integral():
            return "fraction_count", {"found": found}
        if isinstance(value, Decimal) and not value.is_finite():
            return "not_finite", {"found": found}
        return "not_integer", {"found": found}
    if kind == "greater_than_equal":
        return "negative", {"found": found}
    if kind == "less_than_equal":
        return "too_large", {"found": found}
    if kind == "finite_number":
        return "not_finite", {"found": found}
    if kind.startswith("decimal"):
        return "not_number", {"found": found}
    if kind == "string_type":
        return "not_string", {"found": found}
    if kind == "string_too_short":
        return "empty_string", {}
    if kind == "bool_type":
        return "not_bool", {"found": found}
    if kind.startswith("date") or kind.startswith("datetime"):
        return "not_date", {"found": found}
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "not_table", {"found": found}
    if kind == "list_type":
        return "not_list", {"found": found}
    if kind == "literal_error":
        return "bad_choice", {"allowed": ctx.get("expected", ""), "found": found}
    if kind in ("row_length", "row_length_exact"):
        return kind, dict(ctx)
    if kind in ("year_before_2021", "year_too_late"):
        return kind, {"found": found}
    if kind in ("heading_with_text", "empty_block"):
        return kind, {}
    return "invalid", {"detail": error.get("msg", kind)}


def _show(value: Any) -> str:
    """Return a value as the clerk would have typed it in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 40 else f'"{value[:37]}…"'
    if isinstance(value, Mapping):
        return "{ … }"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value[:8]) + (", …]" if len(value) > 8 else "]")
    return str(value)


def _dotted(loc: Loc) -> str:
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _fields_at(loc: Loc) -> list[str]:
    """Return the valid keys of the table at `loc`, for suggesting the nearest one."""
    model: Any = Report
    for key in loc:
        if isinstance(key, int):
            continue
        fields = getattr(model, "model_fields", {})
        if key not in fields:
            return []
        model = _model_in(fields[key].annotation)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated or origin in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None

"""Stage 1 (load): read a TOML data file into a `Report`, or say everything wrong with it.

The file is decoded as UTF-8 (a BOM is accepted), parsed with the standard library's `tomllib`
(floats read as `Decimal`, so amounts keep the digits the clerk typed), and validated by the
pydantic model. Every validation error becomes a located `Problem`: the key path, the line it is
on, the table's own label, and a message a clerk understands.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import stat
import tomllib
import types
import typing
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar

import pydantic
from pydantic import BaseModel

from reportkit.errors import DataError, Problem
from reportkit.format2019.model import FORMAT_2019, Report2019
from reportkit.locate import KeyLines, Locator
from reportkit.messages import Msg
from reportkit.model import PLACES, Report

Loc = tuple[str | int, ...]

AnyReport = Report | Report2019
"""A report of either format: the 2021 format (`Report`), which reportkit renders, or the 2019
format (`Report2019`, reports on 2019 and 2020), which it reads and checks."""

R = TypeVar("R", Report, AnyReport)

# The report kinds, by their `format` key; a file without one is in the 2021 format.
_KINDS: dict[str, type[Report] | type[Report2019]] = {FORMAT_2019: Report2019}


# What `reportkit import` reads: a published report, checked as it stands, not a data file
# (here, where commands dispatch on their input, without loading the readers)
PUBLISHED = (".docx", ".pdf", ".html", ".htm", ".txt")
SHARED = "county.toml"  # a county folder's shared file: every other .toml there inherits it
NOT_INHERITED = (
    "totals",
    "batch",
)  # tables of the shared file that configure the batch, not a report


def is_published(path: Path | str) -> bool:
    """True for a published report's file (by its extension), which `reportkit import` reads."""
    return Path(path).suffix.lower() in PUBLISHED


def load(path: str | Path) -> Report:
    """Return the report in the TOML file at `path`; raise `DataError` listing every problem.

    A file in a county folder (beside a `county.toml`) inherits the shared file's values. A
    file in the 2019 format is refused (it can be checked, not rendered): see `load_any`.
    """
    return read(path).whole()


def load_any(path: str | Path) -> AnyReport:
    """Return the report in the TOML file at `path`, in either format (see `AnyReport`)."""
    return read_any(path).whole()


@dataclass
class Reading(Generic[R]):
    """What reading a data file gave: the report, whole or in part, and what was wrong.

    When some tables or keys do not fit the format, `report` still holds every top-level part
    that does (`report.has(name)`), so that the checks can run on what was read and every
    problem is reported at once; `broken` names the parts that could not be read.
    """

    report: R | None  # None: the file could not be read as TOML at all
    problems: list[Problem] = field(default_factory=list)
    broken: frozenset[str] = frozenset()
    kind: Any = None  # the report kind, when the data names one other than the 2021 report

    def whole(self) -> R:
        """Return the report; raise `DataError` with the problems when it was read in part."""
        if self.report is None or self.problems:
            raise DataError(self.problems)
        return self.report


def read_string(text: str, source: str = "<data>") -> Reading[Report]:
    """Return what the TOML `text` holds, whole or in part; `source` names it in messages."""
    return read_texts([(source, text)])


def read(path: str | Path) -> Reading[Report]:
    """Return what the TOML file at `path` holds, whole or in part (see `Reading`), in the 2021
    format: a file in the 2019 format is refused, with a problem that says so."""
    return only_2021(read_any(path))


def read_any(path: str | Path) -> Reading[AnyReport]:
    """Return what the TOML file at `path` holds, in either format (see `read`)."""
    file = Path(path)
    shared = file.parent / SHARED
    try:
        if file.name != SHARED and os.path.isfile(shared):
            return read_texts_any(
                [(shared, read_text(shared)), (file, read_text(file))], drop=NOT_INHERITED
            )
        return read_texts_any([(path, read_text(path))])
    except DataError as exc:
        return Reading(None, exc.problems)


def only_2021(reading: Reading[AnyReport]) -> Reading[Report]:
    """Return `reading` if it holds a report in the 2021 format; for one in the 2019 format, no
    report and the problem that says reportkit checks that format but does not render it."""
    report = reading.report
    if isinstance(report, Report2019):
        file, line = report.where("format")
        refused = Problem("format_2019_check_only", file=file, path="format", line=line)
        return Reading(None, [refused])
    return Reading(report, reading.problems, reading.broken, reading.kind)


def last_year(
    report: AnyReport, previous: AnyReport | Path | str | None = None
) -> AnyReport | None:
    """Return last year's report: `previous` if given, else the file the data's `previous` key
    names (relative to the file that names it), else None.

    Last year's report must be another file, of the year before: anything else is refused
    with a located problem, since every check across years would compare the wrong figures.
    """
    if isinstance(previous, Report | Report2019):
        return previous
    if previous is not None:
        path, file, line, key = Path(previous), str(previous), None, ""
    else:
        name = getattr(report, "previous", "")  # a report read in part may lack it
        if not name:
            return None
        file, line = report.where("previous")
        path, key = Path(os.path.normpath(Path(file).parent / name)), "previous"
        if not os.path.isfile(path):  # False too for a name too long for the file system
            raise DataError(
                Problem(
                    "previous_not_found", {"previous": str(path)}, file=file, path=key, line=line
                )
            )
    if report.source and os.path.isfile(path) and path.resolve() == Path(report.source).resolve():
        raise DataError(Problem("previous_is_self", {}, file=file, path=key, line=line))
    last = load_any(path)  # last year's report may be in the 2019 format (reports on 2020)
    if report.has("year") and last.year != report.year - 1:
        raise DataError(
            Problem(
                "previous_wrong_year",
                {"previous": path.name, "found": last.year, "expected": report.year - 1},
                file=file,
                path=key,
                line=line,
            )
        )
    return last


def read_text(path: str | Path) -> str:
    """Return the file's text, decoded as UTF-8 (BOM allowed); raise `DataError` otherwise."""
    source = str(path)
    file = Path(path)
    try:
        if os.path.exists(file) and not file.is_dir() and not stat.S_ISREG(os.stat(file).st_mode):
            # a FIFO would block the read for ever, a device could be endless
            raise DataError(Problem("not_regular_file", file=source))
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
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(syntax_problem(str(exc), text, source)) from exc
    except RecursionError as exc:  # arrays or inline tables nested thousands deep
        raise DataError(Problem("too_deep", file=source)) from exc
    except ValueError as exc:  # an integer of thousands of digits (Python refuses to read it)
        line = _line_of_long_number(text)
        raise DataError(Problem("number_too_long", file=source, line=line)) from exc
    too_deep = _deeper_than(data, MAX_DEPTH)
    if too_deep is not None:
        line = KeyLines(text).find(too_deep[:MAX_DEPTH])
        raise DataError(
            Problem("too_deep", file=source, path=_dotted(too_deep[:3]) + "…", line=line)
        )
    return data


def _line_of_long_number(text: str) -> int | None:
    match = re.search(r"\d{1000}", text)
    return text.count("\n", 0, match.start()) + 1 if match else None


MAX_DEPTH = 32  # no data file nests deeper than a handful of levels; every stage recurses


def _deeper_than(data: Mapping[str, Any], limit: int) -> Loc | None:
    """Return the key path of a place nested deeper than `limit`, if there is one (iteratively:
    the check must not itself run out of stack)."""
    stack: list[tuple[Loc, Any]] = [((), data)]
    while stack:
        loc, node = stack.pop()
        if len(loc) > limit:
            return loc
        if isinstance(node, Mapping):
            stack.extend(((*loc, str(k)), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*loc, i), v) for i, v in enumerate(node))
    return None


# tomllib's messages (as of Python 3.11–3.13), and what each means for a clerk.
_SYNTAX = (
    (r"Illegal character '\\n'|Unterminated string", "toml_unclosed_string"),
    (r"Illegal character (?P<char>.+)", "toml_illegal_char"),
    (r"Expected newline or end of document", "toml_after_statement"),
    (r"Invalid date or datetime", "toml_bad_date"),
    (r"Invalid value", "toml_invalid_value"),
    (r"Unclosed array", "toml_unclosed_array"),
    (r"Unclosed inline table", "toml_unclosed_table"),
    (r"Cannot overwrite|Cannot declare|Duplicate|Cannot redefine|Cannot mutate", "toml_duplicate"),
    (r"Expected '=' after a key", "toml_expected_equals"),
    (r"Invalid initial character for a key part", "toml_bad_key"),
    (r"Invalid statement", "toml_invalid_statement"),
    (r"Expected '\]\]?' at the end", "toml_unclosed_header"),
    (r"Unescaped", "toml_backslash"),
    (
        r"(?P<detail>Found invalid character.*|Invalid hex value|Escaped character.*)",
        "toml_bad_escape",
    ),
)
_FULLWIDTH = re.compile("[【】［］｛｝“”‘’＝＂＇]")
_FULLWIDTH_DIGITS = re.compile("[０-９]+")
_CN_COMMA = re.compile(r"\d\s*([，、])\s*\d")
_LOOSE_DATE = re.compile(r"^\s*(?:date|deadline)\s*=\s*(?!\d{4}-\d{2}-\d{2}\s*(?:#|$))\S")


def syntax_problem(message: str, text: str, source: str) -> Problem:
    """Return the located, explained problem for tomllib's error `message` about `text`: what
    is wrong, in the clerk's words, and a hint for the usual mistakes on that line."""
    place = re.search(r"\(at line (\d+), column (\d+)\)$", message)
    detail = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)$", "", message)
    lines = text.split("\n")
    line = int(place.group(1)) if place else len(lines)
    what: Msg | None = None
    for pattern, code in _SYNTAX:
        match = re.match(pattern, detail)
        if match:
            what = Msg(code, match.groupdict())
            break
    if what is None:
        return Problem("toml_syntax", {"detail": detail}, file=source, line=line)
    hint = _hint(lines[line - 1] if 0 < line <= len(lines) else "")
    params: dict[str, Any] = {"what": what, "hint": hint or ""}
    if place:
        return Problem(
            "toml_error", {**params, "column": int(place.group(2))}, file=source, line=line
        )
    return Problem("toml_error_end", params, file=source, line=line)


def _hint(line: str) -> Msg | None:
    """Return a hint for the common mistakes a line of TOML shows, outside its strings."""
    code = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', "", line).split("#", 1)[0]
    if _LOOSE_DATE.match(line):
        return Msg("toml_hint_date")
    found = _FULLWIDTH.findall(code)
    if found:
        return Msg("toml_hint_fullwidth", {"chars": "".join(dict.fromkeys(found))})
    digits = _FULLWIDTH_DIGITS.findall(code)
    if digits:
        return Msg("toml_hint_digits", {"chars": digits[0]})
    comma = _CN_COMMA.search(code)
    if comma:
        return Msg("toml_hint_comma", {"chars": comma.group(1)})
    if code.count('"') % 2 == 1 or line.split("#", 1)[0].count('"') % 2 == 1:
        return Msg("toml_hint_quote")
    return None


def validate(
    data: Mapping[str, Any], text: str = "", source: str = "<data>", locator: Locator | None = None
) -> Report:
    """Return the report for already-parsed TOML `data`; `text` is used to find line numbers
    (or `locator`, for data merged from several files)."""
    locator = locator or Locator([(source, KeyLines(text))])
    return only_2021(_validated(data, locator)).whole()


def _validated(data: Mapping[str, Any], locator: Locator) -> Reading[AnyReport]:
    data, notes = _strip_control_characters(data, locator)
    named = data.get("kind")
    if named is not None and named != "gov-info-disclosure-2021":
        return _of_kind(named, data, locator, notes)
    return read_model(_KINDS.get(str(data.get("format", "")), Report), data, locator, notes)


def read_model(
    model: type[Report] | type[Report2019],
    data: Mapping[str, Any],
    locator: Locator,
    notes: Sequence[Problem] = (),
) -> Reading[AnyReport]:
    """Return the reading of already-parsed `data` as a national report of the format `model`:
    whole, or every part that fits, with every problem located."""
    notes = list(notes)
    try:
        report = model.model_validate(data)
    except pydantic.ValidationError as exc:
        errors = exc.errors()
        # the places that could not be read (an unknown key is a problem, but spoils nothing)
        locs = [_in_data(tuple(e["loc"]), data, e["type"] == "missing") for e in errors]
        broken = [
            loc for loc, e in zip(locs, errors, strict=True) if e["type"] != "extra_forbidden"
        ]
        # a table with an unknown key is read field by field (the key is left out)
        unknown = [tuple(e["loc"]) for e in errors if e["type"] == "extra_forbidden"]
        partial = _partial(model, data, broken + unknown)
        assert isinstance(partial, Report | Report2019)
        places = frozenset(_dotted(loc) for loc in broken)
        partial.located(locator, notes, places)
        return Reading(
            partial,
            _problems(errors, data, locator, model),
            frozenset(str(b[0]) for b in broken if b),
        )
    return Reading(report.located(locator, notes))


# Models read field by field when they do not fit as a whole: the tables and their groups. Rows,
# paragraphs and the agency are read whole or not at all.
_PIECEWISE = (
    "Report",
    "Report2019",
    "Proactive",
    "Applications",
    "Withheld",
    "Unavailable",
    "NotProcessed",
    "OtherHandling",
    "Appeals",
)


def _of_kind(
    named: Any, data: Mapping[str, Any], locator: Locator, notes: list[Problem]
) -> Reading[Any]:
    """Read the data as the report kind it names (`kind = "…"`: a name, or a kind's folder
    relative to the data file)."""
    from reportkit.kinds import find  # the engine finds kinds; it imports none of them

    file, line = locator.where(("kind",))
    if not isinstance(named, str) or not named:
        return Reading(
            None,
            [Problem("not_string", {"found": _show(named)}, file=file, path="kind", line=line)],
        )
    try:
        kind = find(named, near=Path(file).parent if file else None, file=file, line=line)
    except DataError as exc:
        return Reading(None, exc.problems)
    reading: Reading[Any] = kind.read(data, locator)
    reading.kind = kind
    if reading.report is not None:
        reading.report.notes.extend(notes)
    return reading


def _partial(model: type[BaseModel], data: Any, broken: list[Loc]) -> BaseModel:
    """Return `model` holding every field of `data` that is valid on its own; the fields at
    the places `broken` are read piece by piece (tables) or left out (anything else)."""
    good: dict[str, Any] = {}
    bad = {str(loc[0]) for loc in broken if loc}
    for name, info in model.model_fields.items():
        if name not in data:
            if not info.is_required() and name not in bad:
                good[name] = info.get_default(call_default_factory=True)
            continue
        if name not in bad:
            good[name] = _adapter(model, name).validate_python(data[name])
            continue
        inner = _model_in(info.annotation)
        below = [loc[1:] for loc in broken if loc and loc[0] == name]
        if (
            inner is not None
            and inner.__name__ in _PIECEWISE
            and isinstance(data[name], Mapping)
            and all(below)  # the table itself is fine as a table; something in it is not
        ):
            good[name] = _partial(inner, data[name], below)
    made = model.model_construct(**good)
    for name in bad - set(good):
        made.__dict__.pop(name, None)  # model_construct fills in defaults
    return made


@functools.cache
def _adapter(model: type[BaseModel], name: str) -> pydantic.TypeAdapter[Any]:
    info = model.model_fields[name]
    annotated: Any = (
        Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    )
    return pydantic.TypeAdapter(annotated)


# Characters XML 1.0 forbids (tab, newline and carriage return are allowed): they cannot appear
# in a .docx. And characters that show nothing but change how text compares or reads: zero-width
# spaces and joiners, the BOM, and the bidi controls that can make a name read backwards
# (U+202E). Both are taken out of the data, each place named in a warning.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _strip_control_characters(
    data: Mapping[str, Any], locator: Locator
) -> tuple[dict[str, Any], list[Problem]]:
    notes: list[Problem] = []

    def note(code: str, found: list[str], loc: Loc) -> None:
        file, line = locator.where(loc)
        chars = ", ".join(sorted({f"U+{ord(c):04X}" for c in found}))
        notes.append(
            Problem(
                code, {"chars": chars}, file=file, path=_dotted(loc), line=line, severity="warning"
            )
        )

    def clean(value: Any, loc: Loc) -> Any:
        if isinstance(value, str):
            for pattern, code in (
                (CONTROL, "control_characters"),
                (INVISIBLE, "invisible_characters"),
            ):
                found = pattern.findall(value)
                if found:
                    note(code, found, loc)
                    value = pattern.sub("", value)
            return value
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
    return read_layers(paths, drop).whole()


def read_layers(paths: Sequence[Path | str], drop: Sequence[str] = ()) -> Reading[Report]:
    """Return what the files `paths` hold together, whole or in part (see `load_layers`)."""
    return read_texts([(path, read_text(path)) for path in paths], drop)


def read_texts(
    layers: Sequence[tuple[Path | str, str]], drop: Sequence[str] = ()
) -> Reading[Report]:
    """Return what the texts of `layers` (file name, its text) hold together, as `read_layers`
    reads files: for text not yet written to its file (an edit being checked first)."""
    return only_2021(read_texts_any(layers, drop))


def read_texts_any(
    layers: Sequence[tuple[Path | str, str]], drop: Sequence[str] = ()
) -> Reading[AnyReport]:
    """Return what the texts of `layers` hold together, in either format (see `read_texts`)."""
    merged: dict[str, Any] = {}
    where = []
    try:
        for number, (path, text) in enumerate(layers):
            data = parse_toml(text, str(path))
            if number == 0 and len(layers) > 1:
                data = {k: v for k, v in data.items() if k not in drop}
            merged = merge(merged, data)
            where.append((str(path), KeyLines(text)))
    except DataError as exc:
        return Reading(None, exc.problems)
    return _validated(merged, Locator(where))


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


def _problems(
    errors: Iterable[Any],
    data: Mapping[str, Any],
    locator: Locator,
    model: type[BaseModel] = Report,
    labeller: Callable[[Loc], str] | None = None,
) -> list[Problem]:
    """Return a located problem for each of pydantic's `errors` about `data` (validated as
    `model`; `labeller` names a place as the paper form does, by default the model's own)."""
    seen: set[Loc] = set()
    problems = []
    for error in errors:
        full: Loc = tuple(error["loc"])
        loc = _in_data(full, data, missing=error["type"] == "missing")
        if loc in seen:  # one problem per place (a union reports once per member)
            continue
        seen.add(loc)
        code, params = _explain(error, loc, model)
        file, line = locator.where(loc)
        problems.append(
            Problem(
                code,
                params,
                file=file,
                path=_dotted(loc),
                line=line,
                label=labeller(full) if labeller else model.label(full),  # type: ignore[attr-defined]
            )
        )
    return problems


problems_of = _problems  # for report kinds with a model of their own


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


def _explain(error: Any, loc: Loc, model: type[BaseModel] = Report) -> tuple[str, dict[str, Any]]:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    found = _show(value)
    if kind == "missing":
        return "missing", {}
    if kind == "extra_forbidden":
        key = str(loc[-1])
        options = _fields_at(loc[:-1], model)
        close = difflib.get_close_matches(key, options, n=1, cutoff=0.5)
        if close:
            return "unknown_key", {"key": key, "suggestion": close[0]}
        return "unknown_key_plain", {"key": key}
    if kind in ("int_type", "int_parsing", "int_from_float"):
        if isinstance(value, Decimal) and value.is_finite() and value != value.to_integral():
            return "fraction_count", {"found": found}
        if isinstance(value, Decimal) and not value.is_finite():
            return "not_finite", {"found": found}
        if isinstance(value, str) and (typed := _quoted_integer(value)) is not None:
            return "quoted_integer", {"found": found, "number": typed}
        return "not_integer", {"found": found}
    if kind == "greater_than_equal":
        # pydantic gives a Decimal bound as the text "Decimal('-100')"
        bound = str(ctx.get("ge", 0))
        minimum = bound.removeprefix("Decimal('").removesuffix("')")
        if minimum.lstrip("-").replace(".", "", 1).isdigit() and Decimal(minimum) != 0:
            # a kind's bound: a year from 2000, a growth rate from -100
            return "below_minimum", {"found": found, "minimum": minimum}
        return "negative", {"found": found}
    if kind == "less_than_equal":
        return "too_large", {"found": found}
    if kind == "finite_number":
        return "not_finite", {"found": found}
    if kind == "decimal_max_places" and ctx.get("decimal_places", PLACES) != PLACES:
        return "too_many_places_plain", {"found": found[:40], "places": ctx["decimal_places"]}
    if kind in ("decimal_max_places", "decimal_whole_digits", "decimal_max_digits"):
        return "too_many_places", {"found": found[:40], "places": PLACES}
    if kind.startswith("decimal") or kind == "amount_type":
        return "not_number", {"found": found}
    if kind == "string_type":
        return "not_string", {"found": found}
    if kind == "string_too_short":
        return "empty_string", {}
    if kind == "string_too_long":
        return "too_long", {"limit": ctx.get("max_length", "")}
    if kind == "bool_type":
        return "not_bool", {"found": found}
    if kind.startswith("date") or kind.startswith("datetime"):
        return "not_date", {"found": found}
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "not_table", {"found": found}
    if kind == "list_type":
        return "not_list", {"found": found}
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        if loc[-2:] == ("agency", "level"):
            close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.5)
            return "bad_level", {
                "allowed": Msg("level_choices"),
                "found": found,
                "suggestion": Msg("did_you_mean", {"value": close[0]}) if close else "",
            }
        return "bad_choice", {"allowed": " / ".join(f'"{c}"' for c in choices), "found": found}
    if kind in ("row_length", "row_length_exact"):
        return kind, dict(ctx)
    if kind in ("year_before_2021", "year_too_late", "year_not_2019_format"):
        return kind, {"found": found}
    if kind in ("heading_with_text", "empty_block"):
        return kind, {}
    return "invalid", {"detail": error.get("msg", kind)}


def _quoted_integer(text: str) -> str | None:
    """Return the whole number a string holds (full-width digits too), as it should be
    written without quotes; None when it is no number."""
    digits = unicodedata.normalize("NFKC", text).strip()
    return digits if re.fullmatch(r"-?[0-9]{1,15}", digits) else None


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


def _fields_at(loc: Loc, root: type[BaseModel] = Report) -> list[str]:
    """Return the valid keys of the table at `loc`, for suggesting the nearest one."""
    model: Any = root
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

"""Stage 2 (narrate): write the report's standard sentences from its figures.

A rulebook (TOML, one per locale, shipped in `reportkit/rulebooks/`) lists sentences by id, each
with the slot of the report it goes in and a Jinja template, or several cases with conditions.
Templates and conditions run in the sandboxed environment of `reportkit.jinjaenv`; the data file
can replace a sentence with literal text or switch it off, and its text is never evaluated.
Sentences leave this stage as plain text, grouped into paragraphs per slot.
"""

from __future__ import annotations

import difflib
import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from reportkit.errors import DataError, Problem
from reportkit.jinjaenv import environment, time_limit
from reportkit.load import syntax_problem
from reportkit.locate import KeyLines
from reportkit.model import Report

_ENV = environment(autoescape=False)


@dataclass(frozen=True)
class Case:
    text: str
    when: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    slot: str
    cases: tuple[Case, ...]
    optional: bool = False  # off unless the data switches it on, by id or by slot


@dataclass(frozen=True)
class Rulebook:
    """The sentence rules of one locale, in report order."""

    rules: tuple[Rule, ...]
    joined: frozenset[str] = frozenset()
    separator: str = (
        ""  # between the sentences of a joined paragraph: "" in Chinese, " " in English
    )

    def ids(self) -> list[str]:
        return [r.id for r in self.rules]


@dataclass
class Narrative:
    """What the narrate stage hands on: the sentences by id and the paragraphs by slot."""

    sentences: dict[str, str] = field(default_factory=dict)
    slots: dict[str, list[str]] = field(default_factory=dict)

    def paragraphs(self, slot: str) -> list[str]:
        return self.slots.get(slot, [])


def rulebook(locale: str = "zh-CN", extra: Path | None = None) -> Rulebook:
    """Return the shipped rulebook for `locale`, with the rules of file `extra` added or replacing."""
    book = _shipped(locale)
    if extra is None:
        return book
    source = str(extra)
    try:
        text = Path(extra).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(Problem("bad_rulebook", {"detail": str(exc)}, file=source)) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(syntax_problem(str(exc), text, source)) from exc
    except (RecursionError, ValueError) as exc:
        raise DataError(
            Problem("bad_rulebook", {"detail": type(exc).__name__}, file=source)
        ) from exc
    return _merge(book, _parse_rulebook(data, source, KeyLines(text)))


def book_for(report: Report) -> Rulebook:
    """Return the rulebook of the report's locale, with the county's own rules when the data
    names a `rulebook` file (relative to the file that names it)."""
    if not report.rulebook:
        return rulebook(report.locale)
    file, _ = report.where("rulebook")
    path = Path(file).parent / report.rulebook
    if not os.path.isfile(path):  # False too for a name too long for the file system
        file, line = report.where("rulebook")
        raise DataError(
            Problem(
                "rulebook_not_found", {"path": str(path)}, file=file, path="rulebook", line=line
            )
        )
    return rulebook(report.locale, path)


@functools.lru_cache(maxsize=1024)
def _template(text: str) -> jinja2.Template:
    return _ENV.from_string(text)


@functools.lru_cache(maxsize=1024)
def _condition(text: str) -> Any:
    return _ENV.compile_expression(text)


@functools.cache
def _shipped(locale: str) -> Rulebook:
    """The rulebook shipped for `locale`, read and compiled once per process."""
    shipped = resources.files("reportkit") / "rulebooks" / f"{locale}.toml"
    return _parse_rulebook(tomllib.loads(shipped.read_text(encoding="utf-8")), str(shipped))


# What each [[sentence]] of a rulebook holds: key → (the types it may have, what to say).
_ENTRY: dict[str, tuple[tuple[type, ...], str]] = {
    "id": ((str,), "text"),
    "slot": ((str,), "text"),
    "text": ((str,), "text"),
    "when": ((str,), "text"),
    "cases": ((list,), "list"),
    "optional": ((bool,), "true/false"),
}


def _parse_rulebook(data: dict[str, Any], source: str, lines: KeyLines | None = None) -> Rulebook:
    """Return the rulebook in `data`; raise `DataError` with every entry that is not right,
    located by line where `lines` knows it."""
    problems: list[Problem] = []

    def wrong(loc: tuple[str | int, ...], detail: str) -> None:
        line = lines.find(loc) if lines else None
        where = ".".join(str(k) for k in loc)
        problems.append(
            Problem("bad_rulebook", {"detail": f"{where}: {detail}"}, file=source, line=line)
        )

    rules = []
    entries = data.get("sentence", [])
    if not isinstance(entries, list):
        wrong(("sentence",), "expected [[sentence]] tables")
        entries = []
    for index, entry in enumerate(entries):
        loc: tuple[str | int, ...] = ("sentence", index)
        if not isinstance(entry, dict):
            wrong(loc, "expected a table")
            continue
        bad = False
        for key, value in entry.items():
            kinds, shown = _ENTRY.get(key, ((), ""))
            if not kinds:
                wrong((*loc, key), "unknown key")
                bad = True
            elif not isinstance(value, kinds):
                wrong((*loc, key), f"expected {shown}")
                bad = True
        for key in ("id", "slot"):
            if key not in entry:
                wrong(loc, f"{key} is missing")
                bad = True
        cases = entry.get("cases", [{"text": entry.get("text"), "when": entry.get("when", "")}])
        made = []
        for number, case in enumerate(cases if isinstance(cases, list) else []):
            case_loc = (*loc, "cases", number) if "cases" in entry else loc
            if not isinstance(case, dict) or not isinstance(case.get("text"), str):
                wrong(case_loc, "each case needs a text")
                bad = True
                continue
            if not isinstance(case.get("when", ""), str):
                wrong(case_loc, "when must be text")
                bad = True
                continue
            try:  # compile now so a broken rule is found before any report is written
                _template(case["text"])
                if case.get("when"):
                    _condition(case["when"])
            except jinja2.TemplateSyntaxError as exc:
                wrong(case_loc, exc.message or str(exc))
                bad = True
                continue
            made.append(Case(case["text"], case.get("when", "")))
        if not bad:
            rules.append(Rule(entry["id"], entry["slot"], tuple(made), bool(entry.get("optional"))))
    joined, separator = data.get("joined", []), data.get("separator", "")
    if not isinstance(joined, list) or not all(isinstance(j, str) for j in joined):
        wrong(("joined",), "expected a list of slots")
        joined = []
    if not isinstance(separator, str):
        wrong(("separator",), "expected text")
        separator = ""
    if problems:
        raise DataError(problems)
    return Rulebook(tuple(rules), frozenset(joined), separator)


def _merge(base: Rulebook, extra: Rulebook) -> Rulebook:
    replaced = {r.id: r for r in extra.rules}
    rules = [replaced.pop(r.id, r) for r in base.rules]
    return Rulebook((*rules, *replaced.values()), base.joined | extra.joined, base.separator)


def narrate(
    report: Report, book: Rulebook | None = None, previous: Report | None = None
) -> Narrative:
    """Return the report's generated sentences and paragraphs; raise `DataError` on a bad id.

    `previous` (last year's report) gives the year-over-year comparisons their figures.
    """
    book = book or book_for(report)
    unknown = _unknown_ids(report, book)
    if unknown:
        raise DataError(unknown)
    context = _context(report.complete(), previous.complete() if previous else None)
    return narrate_with(book, context, report.sentences, report.source)


def narrate_with(
    book: Rulebook,
    context: Mapping[str, Any],
    overrides: Mapping[str, str | bool],
    source: str = "",
) -> Narrative:
    """Return the sentences `book` writes from `context` (the names its rules see), with the
    data file's `overrides` by id (text replaces a sentence, false switches it off, true
    switches an optional one on, by id or slot): the narrate stage for any kind of report."""
    narrative = Narrative()
    by_slot: dict[str, list[str]] = {}
    with time_limit():  # a county's rulebook is code from outside: it may not run for ever
        for rule in book.rules:
            override = overrides.get(rule.id)
            switched_on = override not in (None, False) or overrides.get(rule.slot) is True
            if override is False or (rule.optional and not switched_on):
                continue
            text = override if isinstance(override, str) else _write(rule, context, source)
            if text:
                narrative.sentences[rule.id] = text
                by_slot.setdefault(rule.slot, []).append(text)
    for slot, texts in by_slot.items():
        narrative.slots[slot] = [book.separator.join(texts)] if slot in book.joined else texts
    return narrative


def parse_rulebook(text: str, source: str) -> Rulebook:
    """Return the rulebook written in the TOML `text` (a file named `source`); raise
    `DataError` with every entry that is not right, located."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(syntax_problem(str(exc), text, source)) from exc
    except (RecursionError, ValueError) as exc:  # nested thousands deep, a 5,000-digit number
        raise DataError(
            Problem("bad_rulebook", {"detail": type(exc).__name__}, file=source)
        ) from exc
    return _parse_rulebook(data, source, KeyLines(text))


def _unknown_ids(report: Report, book: Rulebook) -> list[Problem]:
    """Return a problem for each sentence id in the data file that the rulebook does not know."""
    known = book.ids()
    slots = {r.slot for r in book.rules if r.optional}
    problems = []
    for key in report.sentences:
        if key in known or (key in slots and report.sentences[key] is True):
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        code, params = (
            ("unknown_sentence", {"id": key, "suggestion": close[0]})
            if close
            else ("unknown_sentence_plain", {"id": key})
        )
        file, line = report.where("sentences", key)
        problems.append(Problem(code, params, file=file, path=f"sentences.{key}", line=line))
    return problems


def _context(report: Report, last: Report | None) -> dict[str, Any]:
    context = {name: getattr(report, name) for name in type(report).model_fields}
    context["outcome"] = outcome(report)
    context["last"] = last
    context["last_outcome"] = outcome(last) if last else None
    return context


def outcome(report: Report) -> dict[str, int]:
    """Return the totals of 三、本年度办理结果 by kind, and of the rows around it."""
    apps = report.applications
    groups: dict[str, int] = {}
    for row, value in apps.outcome_rows():
        group = row.key.split(".")[0]
        groups[group] = groups.get(group, 0) + (value.filled().total or 0)
    total = apps.total.filled().total if apps.total else sum(groups.values())
    received = apps.received.filled()
    return {
        **groups,
        "total": total or 0,
        "received": received.total or 0,
        "received_natural": received.natural,
        "received_organisations": (received.total or 0) - received.natural,
        "carried_over": apps.carried_over.filled().total or 0,
        "carried_forward": apps.carried_forward.filled().total or 0,
        "opened": groups["disclosed"] + groups["partly_disclosed"],
    }


def _write(rule: Rule, context: Mapping[str, Any], source: str) -> str:
    try:
        for case in rule.cases:
            if not case.when or _condition(case.when)(**context):
                return _template(case.text).render(context).strip()
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        # a county's rule can be wrong in ways Jinja only finds when it runs: say which rule
        raise DataError(
            Problem("sentence_failed", {"id": rule.id, "detail": str(exc)}, file=source)
        ) from exc
    return ""


def sentence_problems(report: Report, previous: Report | None = None) -> list[Problem]:
    """Return the problems writing the report's sentences would meet (so that `check` finds
    what `render` would refuse): unknown ids, a missing or broken rulebook, a failing rule."""
    try:
        narrate(report, previous=previous)
    except DataError as exc:
        return exc.problems
    return []

"""Report kinds: what a kind of report is made of, and where reportkit finds the kinds.

A kind is a data schema (what a data file holds, with labels and units), templates per locale,
a sentence rulebook (the standard sentences written from the figures) and checks. The engine
(load, check, narrate, render, write, batch) runs any kind the same way; it knows a kind only
through the `Kind` protocol below.

Where kinds come from, in the order they are looked up by name:

1. the kinds built in: the national 政府信息公开工作年度报告 in its 2021 format
   (`gov-info-disclosure-2021`, the default) and its 2019 format (`gov-info-disclosure-2019`,
   checked only), whose stages are reportkit's first modules (`reportkit.kinds.gov_info`), and
   `generic`, any docxtpl template filled from the TOML tree as it is;
2. installed packages, through the entry-point group `reportkit.kinds` (each entry point names a
   `Kind` object, or a function returning one);
3. kinds made of files only: a folder holding `kind.toml` (see `reportkit.kinds.files` and
   docs/kinds.md), found by its path, in a `kinds/` folder beside the data file or any folder
   above it, in `./kinds`, or in the folders of the environment variable REPORTKIT_KINDS.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from reportkit.errors import DataError, Problem
from reportkit.locate import Locator

GOV_INFO_2021 = "gov-info-disclosure-2021"  # the kind of a data file that names none
GENERIC = "generic"
ENTRY_POINTS = "reportkit.kinds"
KIND_FILE = "kind.toml"


@runtime_checkable
class Kind(Protocol):
    """What the engine needs of a kind of report."""

    name: str
    title: str  # what the report is called, for people
    locales: tuple[str, ...]

    def read(self, data: Mapping[str, Any], locator: Locator) -> Any:
        """Return the `reportkit.load.Reading` of already-parsed data: the report, whole or in
        part, and its problems, located."""

    def check(self, report: Any, previous: Any | None) -> list[Problem]:
        """Return every problem the kind's checks find (with last year's report, if given)."""

    def narrate(self, report: Any, previous: Any | None) -> Any:
        """Return the `reportkit.narrate.Narrative`: the sentences written from the figures."""

    def variables(self, report: Any, narrative: Any, marks: Sequence[str]) -> dict[str, Any]:
        """Return the template's variables, every value plain text."""

    def template(self, locale: str) -> Path:
        """Return the kind's template for `locale`."""

    def subject(self, report: Any) -> str:
        """Return whose report it is (an agency's, a county's): names output files."""

    def skeleton(self, subject: str, year: int) -> str:
        """Return a commented data file to fill in, for `reportkit new --kind`."""

    def schema(self) -> dict[str, Any]:
        """Return the JSON Schema of the kind's data files."""

    def last_year_of(self, report: Any, previous: Path | None) -> Any:
        """Return last year's report of the kind: the file `previous`, or the one the data
        names (None when there is none); raise `DataError` when it cannot be read."""


def vocabulary_of(kind: Kind) -> Any:
    """Return the `reportkit.lint.Vocabulary` of `kind` (what its templates may use and must
    use), or None for a kind that fills a template with whatever the data holds."""
    made = getattr(kind, "vocabulary", None)
    return made() if made is not None else None


def builtin() -> dict[str, Kind]:
    """Return the kinds built into reportkit, by name."""
    from reportkit.kinds.generic import GenericKind
    from reportkit.kinds.gov_info import GovInfo2019, GovInfo2021

    return {kind.name: kind for kind in (GovInfo2021(), GovInfo2019(), GenericKind())}


@cache
def _entry_points() -> dict[str, Kind]:
    found: dict[str, Kind] = {}
    for entry in metadata.entry_points(group=ENTRY_POINTS):
        try:
            made = entry.load()
            kind = made() if callable(made) and not isinstance(made, Kind) else made
        except Exception:
            continue
        if isinstance(kind, Kind):
            found[kind.name] = kind
    return found


def _folders(near: Path | None) -> Iterator[Path]:
    """Yield the folders where kinds made of files are looked for, nearest first."""
    if near is not None:
        for folder in (near, *near.parents):
            yield folder / "kinds"
    yield Path.cwd() / "kinds"
    for entry in os.environ.get("REPORTKIT_KINDS", "").split(os.pathsep):
        if entry:
            yield Path(entry)


def installed(near: Path | None = None) -> dict[str, Kind]:
    """Return every kind reportkit can find (built in, installed, and made of files near
    `near`, a data file's folder), by name."""
    from reportkit.kinds.files import FileKind

    kinds: dict[str, Kind] = {}
    for folder in _folders(near):
        if folder.is_dir():
            for definition in sorted(folder.glob(f"*/{KIND_FILE}")):
                try:
                    kind = FileKind.open(definition.parent)
                except DataError:
                    continue  # `find` says what is wrong with it, when it is the one asked for
                kinds.setdefault(kind.name, kind)
    kinds.update(_entry_points())
    kinds.update(builtin())
    return kinds


def _broken(name: str, near: Path | None) -> DataError | None:
    """Return the problems of a kind.toml nearby that would be the kind `name` (by its folder,
    or its `name = "…"` line) but cannot be read; None when there is none."""
    from reportkit.kinds.files import FileKind

    declared = re.compile(rf"^\s*name\s*=\s*[\"']{re.escape(name)}[\"']", re.MULTILINE)
    for folder in _folders(near):
        if not folder.is_dir():
            continue
        for definition in sorted(folder.glob(f"*/{KIND_FILE}")):
            try:
                named = definition.parent.name == name or bool(
                    declared.search(definition.read_text("utf-8", errors="replace"))
                )
                if named:
                    FileKind.open(definition.parent)
            except DataError as exc:
                return exc
            except OSError:
                continue
    return None


def find(name: str, near: Path | None = None, file: str = "", line: int | None = None) -> Kind:
    """Return the kind called `name`, or at the folder `name` (a path holding kind.toml, taken
    relative to `near`); raise `DataError`, located at `file`:`line`, when there is none."""
    from reportkit.kinds.files import FileKind

    as_path = Path(name) if near is None or Path(name).is_absolute() else near / name
    if (as_path / KIND_FILE).is_file():
        return FileKind.open(as_path)
    kinds = installed(near)
    if name in kinds:
        return kinds[name]
    broken = _broken(name, near)
    if broken is not None:  # the kind is there, but its files are wrong: say what is wrong
        raise broken
    known = ", ".join(sorted(kinds))
    raise DataError(
        Problem("kind_unknown", {"kind": name, "known": known}, file=file, path="kind", line=line)
    )

"""Where things are in a data file: the line each TOML key is written on.

tomllib keeps no positions, so this reads the text itself: table headers, dotted and quoted keys,
arrays of tables; multi-line strings are skipped. Used to put a line number on every problem.
"""

from __future__ import annotations

import re

Loc = tuple[str | int, ...]


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def _split_key(key: str) -> tuple[str, ...]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", key)
    return tuple(p.strip("\"'") for p in parts)


class KeyLines:
    """Map each key path of a TOML text to the line (1-based) where it is written."""

    def __init__(self, text: str) -> None:
        self.lines: dict[Loc, int] = {}
        table: Loc = ()
        counts: dict[Loc, int] = {}
        in_string = False
        for number, line in enumerate(text.splitlines(), start=1):
            quotes = line.count('"""') + line.count("'''")
            if in_string:
                in_string = quotes % 2 == 0
                continue
            header = _HEADER.match(line)
            if header:
                path: Loc = _split_key(header.group(2))
                if header.group(1) == "[[":
                    index = counts.get(path, 0)
                    counts[path] = index + 1
                    path = (*path, index)
                table = path
                self.lines.setdefault(table, number)
            else:
                key = _KEY.match(line)
                if key:
                    self.lines.setdefault((*table, *_split_key(key.group(1))), number)
            in_string = quotes % 2 == 1

    def find(self, loc: Loc) -> int | None:
        """Return the line of `loc`, or of the nearest enclosing key that is written down."""
        return self.find_depth(loc)[1]

    def find_depth(self, loc: Loc) -> tuple[int, int | None]:
        """Return how many keys of `loc` are written down here, and the line of the last."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return end, self.lines[loc[:end]]
        return 0, None


class Locator:
    """Where each key of a report is written, across the files its data was merged from.

    `layers` go from the least specific (a county's shared file) to the most specific (the
    agency's own file); a key is found in the file that writes most of its path, the more
    specific file winning a tie.
    """

    def __init__(self, layers: list[tuple[str, KeyLines]]) -> None:
        self.layers = layers

    @property
    def source(self) -> str:
        return self.layers[-1][0] if self.layers else ""

    def where(self, loc: Loc) -> tuple[str, int | None]:
        """Return the file and line where `loc` (or the nearest enclosing key) is written."""
        best: tuple[str, int | None] = (self.source, None)
        depth = 0
        for source, lines in reversed(self.layers):
            found, line = lines.find_depth(loc)
            if found > depth:
                best, depth = (source, line), found
        return best

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
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None

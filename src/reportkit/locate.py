"""Where things are in a data file: the line each TOML key and array element is written on.

tomllib keeps no positions, so this scans the text itself, as a small TOML lexer: table headers,
arrays of tables, dotted and quoted keys, inline tables, arrays (each element gets its own line,
so `part1.text[3]` points at the fourth paragraph) and all four kinds of string, so that nothing
inside a string (a `'''`, a `#`, a `[`) is mistaken for structure. Only LF ends a line, as in
TOML itself: U+2028, U+2029 and U+0085 inside a string do not shift the lines that follow.

The scanner runs on text tomllib has already accepted; on anything unexpected it skips ahead
instead of failing, since a line number is a help, never a reason to refuse a file.
"""

from __future__ import annotations

import functools
import re

Loc = tuple[str | int, ...]

# What ends a run of characters the scanner need not look at one by one (a file may hold a
# paragraph of megabytes): in a string, by kind (basic, literal; one line, multi-line)
_STRING_STOP = {
    ('"', False): re.compile(r'["\\\n]'),
    ("'", False): re.compile(r"['\n]"),
    ('"', True): re.compile(r'["\\]'),
    ("'", True): re.compile(r"'"),
}
_BARE_RUN = re.compile(r"[A-Za-z0-9_-]*")
_SPACE_RUN = re.compile(r"[ \t]*")
_SPACE_LINES_RUN = re.compile(r"[ \t\r\n]*")


class _Scanner:
    """Records the line of every key path and array element of a TOML text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.lines: dict[Loc, int] = {}

    # -- characters --------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> str:
        at = self.pos + offset
        return self.text[at] if at < len(self.text) else ""

    def advance(self, count: int = 1) -> None:
        end = min(self.pos + count, len(self.text))
        self.line += self.text.count("\n", self.pos, end)
        self.pos = end

    def skip_space(self, newlines: bool = False) -> None:
        """Skip blanks (and, inside arrays, newlines and comments)."""
        while self.pos < len(self.text):
            run = (_SPACE_LINES_RUN if newlines else _SPACE_RUN).match(self.text, self.pos)
            assert run is not None  # the patterns match the empty string
            self.advance(run.end() - self.pos)
            char = self.peek()
            if newlines and char == "#":
                self.skip_comment()
            else:
                return

    def skip_comment(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end

    def skip_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.advance((len(self.text) if end < 0 else end + 1) - self.pos)

    # -- structure ---------------------------------------------------------------------------

    def record(self, loc: Loc, line: int) -> None:
        for end in range(1, len(loc) + 1):  # a dotted key also writes the tables it names
            self.lines.setdefault(loc[:end], line)

    def document(self) -> dict[Loc, int]:
        table: Loc = ()
        arrays: dict[Loc, int] = {}
        while self.pos < len(self.text):
            self.skip_space()
            char = self.peek()
            if char == "":
                break
            if char in "\r\n":
                self.advance()
            elif char == "#":
                self.skip_comment()
            elif char == "[":
                table = self.header(arrays)
            else:
                start = self.pos
                self.key_value(table)
                if self.pos == start:  # not a statement this scanner understands
                    self.skip_line()
        return self.lines

    def header(self, arrays: dict[Loc, int]) -> Loc:
        line = self.line
        double = self.peek(1) == "["
        self.advance(2 if double else 1)
        self.skip_space()
        path: Loc = self.key()
        self.skip_space()
        self.advance(2 if double else 1)
        if double:
            index = arrays.get(path, 0)
            arrays[path] = index + 1
            # a new element starts over the arrays of tables nested in it
            for nested in [p for p in arrays if len(p) > len(path) and p[: len(path)] == path]:
                del arrays[nested]
            path = (*path, index)
        self.record(path, line)
        return path

    def key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self.skip_space()
            char = self.peek()
            if char in ('"', "'"):
                parts.append(self.string_value())
            else:
                start = self.pos
                run = _BARE_RUN.match(self.text, self.pos)
                assert run is not None  # the pattern matches the empty string
                self.advance(run.end() - self.pos)
                if self.pos == start:
                    return tuple(parts)
                parts.append(self.text[start : self.pos])
            self.skip_space()
            if self.peek() != ".":
                return tuple(parts)
            self.advance()

    def key_value(self, table: Loc) -> None:
        line = self.line
        key = self.key()
        self.skip_space()
        if not key or self.peek() != "=":
            return
        self.advance()
        self.skip_space()
        path = (*table, *key)
        self.record(path, line)
        self.value(path)

    def value(self, path: Loc) -> None:
        char = self.peek()
        if char in "\"'":
            self.string_value()
        elif char == "[":
            self.array(path)
        elif char == "{":
            self.inline_table(path)
        else:  # number, date, boolean: up to the next delimiter
            while self.peek() not in ("", ",", "]", "}", "\n", "#"):
                self.advance()

    def array(self, path: Loc) -> None:
        self.advance()  # [
        index = 0
        while True:
            self.skip_space(newlines=True)
            char = self.peek()
            if char in ("", "]"):
                self.advance()
                return
            if char == ",":
                self.advance()
                continue
            # a paragraph written as """⏎text""" starts on the line after the quotes
            starts_below = self.text.startswith(('"""\n', "'''\n"), self.pos)
            self.record((*path, index), self.line + starts_below)
            start = self.pos
            self.value((*path, index))
            index += 1
            if self.pos == start:
                self.advance()

    def inline_table(self, path: Loc) -> None:
        self.advance()  # {
        while True:
            self.skip_space(newlines=True)
            char = self.peek()
            if char in ("", "}"):
                self.advance()
                return
            if char == ",":
                self.advance()
                continue
            start = self.pos
            self.key_value(path)
            if self.pos == start:
                self.advance()

    def string_value(self) -> str:
        """Skip a string of any of the four kinds; return its raw content (keys use it)."""
        quote = self.peek()
        if self.text.startswith(quote * 3, self.pos):
            self.advance(3)
            start = self.pos
            while self.pos < len(self.text):
                stop = _STRING_STOP[quote, True].search(self.text, self.pos)
                self.advance((stop.start() if stop else len(self.text)) - self.pos)
                if self.pos >= len(self.text):
                    break
                if quote == '"' and self.peek() == "\\":
                    self.advance(2)
                elif self.text.startswith(quote * 3, self.pos):
                    # up to two more quotes may close the string's content: """a"""""
                    extra = 0
                    while extra < 2 and self.peek(3 + extra) == quote:
                        extra += 1
                    content = self.text[start : self.pos + extra]
                    self.advance(3 + extra)
                    return content
                else:
                    self.advance()
            return self.text[start:]
        self.advance()
        start = self.pos
        while self.pos < len(self.text):
            stop = _STRING_STOP[quote, False].search(self.text, self.pos)
            self.advance((stop.start() if stop else len(self.text)) - self.pos)
            if self.peek() != "\\":
                break
            self.advance(2)  # an escape (only a basic string stops at a backslash)
        content = self.text[start : self.pos]
        if self.peek() == quote:
            self.advance()
        return content


class KeyLines:
    """Map each key path of a TOML text (and each array element, by index) to its line.

    The text is scanned when a line is first asked for: most files are read without a problem
    to locate, and the scan costs more than reading the file."""

    def __init__(self, text: str) -> None:
        self.text = text

    @functools.cached_property
    def lines(self) -> dict[Loc, int]:
        return _Scanner(self.text).document()

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

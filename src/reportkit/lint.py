"""Template lint: every problem of a .docx template, at once, located, before anything renders.

A template restyled in Word or WPS, or adopted from a province's form, can lose a tag, gain a
typo, or have its tags cut apart by the word processor. Jinja would stop at the first error,
deep in the XML; this reads the template as its author sees it, part by part (body, headers,
footers) and paragraph by paragraph (or table, row, cell), and reports:

- tags broken by the word processor: split over two paragraphs, curly quotes (“ ”) or full-width
  braces inside a tag, a `{ {` with a space;
- Jinja syntax errors, each at its own tag, and blocks left open or closed twice;
- docxtpl's paragraph and row tags where they cannot work (`{%tr %}` outside a table row,
  `{%p %}` sharing its paragraph with text that would be lost);
- variables the report kind does not provide (with the nearest one that it does);
- variables the kind requires that the template never uses (a table cell left out).

`lint` returns the problems; `render --template` and `batch --template` run it first.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from lxml import etree

from reportkit.archive import measure
from reportkit.errors import Problem, TemplateError
from reportkit.jinjaenv import environment
from reportkit.messages import Msg

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_TAG = re.compile(r"\{([{%#])(.*?)([}%#])\}", re.S)
_DOCXTPL = re.compile(r"^(p|tr|tc|r|cellbg|colspan|vm|hm)\s")  # docxtpl's tag prefixes
_BREAK = "\u2029"  # stands for a paragraph boundary in a part's text
_CURLY = re.compile("[“”‘’]")
_FULLWIDTH = re.compile("｛[｛％]|[｝％]｝|\\{[｛％]|[｝％]\\}")
_SPACED = re.compile(r"\{\s+[{%]|[}%]\s+\}")
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)

_OPENERS = {"for", "if", "macro", "call", "filter", "with", "block", "raw", "autoescape"}
_MIDDLES = {"else": {"for", "if"}, "elif": {"if"}}
_LOOP = {"index", "index0", "revindex", "revindex0", "first", "last", "length", "cycle",
         "depth", "depth0", "previtem", "nextitem", "changed"}  # fmt: skip


@dataclass(frozen=True)
class Place:
    """Where a paragraph is, as the template's author finds it."""

    part: str  # body, header1, footer2 …
    paragraph: int  # 1-based, counted in the part (outside tables) or in the cell
    table: int = 0  # 1-based table of the part, 0: not in a table
    row: int = 0
    cell: int = 0

    def __str__(self) -> str:
        if self.table:
            return f"{self.part} table {self.table} row {self.row} cell {self.cell}"
        return f"{self.part} ¶{self.paragraph}"

    def message(self) -> Msg:
        """Return the place as the clerk reads it, in either language."""
        number = re.sub(r"\D", "", self.part)
        part = Msg(f"lint_part_{re.sub(r'[0-9]', '', self.part)}", {"number": number})
        if self.table:
            return Msg(
                "lint_place_cell",
                {"part": part, "table": self.table, "row": self.row, "cell": self.cell},
            )
        return Msg("lint_place", {"part": part, "paragraph": self.paragraph})


@dataclass(frozen=True)
class Tag:
    """One Jinja tag of the template, normalized (docxtpl's prefix taken off), and where."""

    kind: str  # "{" for {{ }}, "%" for {% %}, "#" for a comment, "!" for one found broken
    prefix: str  # docxtpl's p, tr, tc, r …, or ""
    body: str  # what is between the braces, prefix removed
    place: Place
    near: str  # the paragraph's text around it
    alone: bool  # the only thing in its paragraph

    @property
    def source(self) -> str:
        close = "}}" if self.kind == "{" else f"{self.kind}}}"
        return "{" + self.kind + " " + self.body.strip() + " " + close

    @property
    def word(self) -> str:
        """The statement of a {% %} tag: for, endfor, if, else …"""
        return self.body.strip().split(None, 1)[0] if self.body.strip() else ""


# ---------------------------------------------------------------------------------------------
# Reading the template as text, paragraph by paragraph


def _paragraphs(root: etree._Element, part: str) -> Iterator[tuple[Place, str, etree._Element]]:
    tables: dict[int, int] = {}
    count = 0
    for p in root.iter(f"{W}p"):
        cell = next((a for a in p.iterancestors(f"{W}tc")), None)
        text = "".join(
            t.text or "" if t.tag == f"{W}t" else "\t" for t in p.iter(f"{W}t", f"{W}tab")
        )
        if cell is None:
            count += 1
            yield Place(part, count), text, p
            continue
        row = cell.getparent()
        table = row.getparent() if row is not None else None
        if table is None:
            continue
        number = tables.setdefault(id(table), len(tables) + 1)
        rows = table.findall(f"{W}tr")
        cells = row.findall(f"{W}tc")
        in_cell = cell.findall(f"{W}p")
        yield (
            Place(part, in_cell.index(p) + 1, number, rows.index(row) + 1, cells.index(cell) + 1),
            text,
            p,
        )


def _near(text: str, start: int, end: int) -> str:
    around = text[max(0, start - 12) : end + 12].replace(_BREAK, " ").replace("\t", " ")
    return around.strip()[:80]


def read_tags(data: bytes, problems: list[Problem], source: str) -> list[Tag]:
    """Return the template's tags in order, adding to `problems` what the word processor broke."""
    tags: list[Tag] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(n for n in archive.namelist() if _PARTS.fullmatch(n))
        names.sort(key=lambda n: not n.endswith("document.xml"))
        for name in names:
            part = _PARTS.fullmatch(name).group(1)  # type: ignore[union-attr]
            part = "body" if part == "document" else part
            root = etree.fromstring(archive.read(name), parser=_SAFE)
            tags += _part_tags(root, part, problems, source)
    return tags


def _part_tags(root: etree._Element, part: str, problems: list[Problem], source: str) -> list[Tag]:
    paragraphs = list(_paragraphs(root, part))
    text = _BREAK.join(t for _, t, _ in paragraphs)
    starts = []
    at = 0
    for _, t, _ in paragraphs:
        starts.append(at)
        at += len(t) + 1

    def place_of(offset: int) -> tuple[Place, str, etree._Element]:
        index = max(i for i, s in enumerate(starts) if s <= offset) if starts else 0
        return paragraphs[index]

    def near(start: int, end: int) -> str:
        """The text around a match, within its own paragraph when it lies in one."""
        index = max(i for i, s in enumerate(starts) if s <= start) if starts else 0
        first = starts[index] if starts else 0
        last = first + len(paragraphs[index][1]) if paragraphs else len(text)
        if end <= last:
            return _near(text[first:last], start - first, end - first)
        return _near(text, start, end)

    for pattern, code in ((_FULLWIDTH, "lint_fullwidth"), (_SPACED, "lint_spaced")):
        for match in pattern.finditer(text):
            place, para, _ = place_of(match.start())
            problems.append(
                _problem(code, place, source, near=_near(text, match.start(), match.end()))
            )
    found = []
    for match in _TAG.finditer(text):
        kind, body, close = match.groups()
        place, para, element = place_of(match.start())
        around = near(match.start(), match.end())
        expected_close = "}" if kind == "{" else kind
        broken_by = ""
        if _BREAK in body:
            broken_by = "lint_split"
        elif close != expected_close:
            broken_by = "lint_unclosed"
        elif _CURLY.search(body):
            broken_by = "lint_curly"
        if broken_by:
            problems.append(_problem(broken_by, place, source, near=around))
            found.append(Tag("!", "", body, place, around, False))  # its names still count as used
            continue
        prefix = ""
        stripped = body.strip().lstrip("-+").lstrip()
        docxtpl = _DOCXTPL.match(body) or _DOCXTPL.match(stripped)
        if docxtpl:
            prefix = docxtpl.group(1)
            body = (body if _DOCXTPL.match(body) else stripped)[len(prefix) :]
        rest = para.replace(match.group(0), "", 1).strip()
        found.append(Tag(kind, prefix, body, place, around, not rest))
        _check_docxtpl(found[-1], element, problems, source)
    return found


def _check_docxtpl(
    tag: Tag, paragraph: etree._Element, problems: list[Problem], source: str
) -> None:
    """docxtpl's {%tr %} and {%tc %} work in a table's cell; {%p %} replaces its paragraph."""
    if tag.prefix in ("tr", "tc") and not tag.place.table:
        problems.append(_problem("lint_row_tag", tag.place, source, near=tag.near, tag=tag.source))
    if tag.prefix == "p" and not tag.alone:
        problems.append(
            _problem("lint_paragraph_tag", tag.place, source, near=tag.near, tag=tag.source)
        )


def _problem(code: str, place: Place, source: str, **params: Any) -> Problem:
    return Problem(code, {"place": place.message(), **params}, file=source)


# ---------------------------------------------------------------------------------------------
# Syntax and blocks


def _syntax(tags: list[Tag], problems: list[Problem], source: str) -> None:
    """Each tag on its own, then the blocks they open and close, as a stack."""
    env = _ENV
    stack: list[Tag] = []
    for tag in tags:
        if tag.kind in "#!":
            continue
        word = tag.word
        try:
            if tag.kind == "{":
                env.parse(tag.source)
            elif word in _OPENERS:
                env.parse(tag.source + "{% end" + word + " %}")
            elif word in _MIDDLES:
                env.parse("{% if x %}" + tag.source + "{% endif %}") if word != "else" else None
            elif not word.startswith("end"):
                env.parse(tag.source)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(
                _problem(
                    "lint_syntax", tag.place, source, near=tag.near, detail=exc.message or str(exc)
                )
            )
            continue
        if tag.kind != "%":
            continue
        if word in _OPENERS and not _self_closing(tag):
            stack.append(tag)
        elif word in _MIDDLES:
            if not stack or stack[-1].word not in _MIDDLES[word]:
                problems.append(
                    _problem("lint_stray", tag.place, source, near=tag.near, tag=tag.source)
                )
        elif word.startswith("end"):
            opener = word[3:]
            if stack and stack[-1].word == opener:
                stack.pop()
            elif any(t.word == opener for t in stack):
                while stack and stack[-1].word != opener:
                    left = stack.pop()
                    problems.append(
                        _problem(
                            "lint_unclosed_block",
                            left.place,
                            source,
                            near=left.near,
                            tag=left.source,
                        )
                    )
                stack.pop()
            else:
                problems.append(
                    _problem("lint_stray", tag.place, source, near=tag.near, tag=tag.source)
                )
    for left in stack:
        problems.append(
            _problem("lint_unclosed_block", left.place, source, near=left.near, tag=left.source)
        )


def _self_closing(tag: Tag) -> bool:
    # {% set x = … %} has no end; {% with %} and {% filter %} always do
    return tag.word == "set"


# ---------------------------------------------------------------------------------------------
# Variables


_ENV = environment(autoescape=False)
_GLOBALS = set(_ENV.globals) | {"loop", "true", "false", "none", "True", "False", "None"}


class _Element:
    """Stands for an item of a list the sample context has no item of: any attribute goes."""


class _AnyNames(Mapping[str, Any]):
    """A sample context holding every name (a kind that fills a template with whatever its
    data holds): no variable is unknown, none is required."""

    def __getitem__(self, key: str) -> Any:
        return _Element()

    def __contains__(self, key: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _chain(node: nodes.Node) -> tuple[str, ...] | None:
    """Return the dotted path of a Name followed by constant Getattr/Getitem, else None."""
    parts: list[str] = []
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            parts.append(node.arg.value)
        else:
            return None
        node = node.node
    if isinstance(node, nodes.Name):
        return (node.name, *reversed(parts))
    return None


def _resolve(value: Any, path: tuple[str, ...]) -> tuple[bool, Any]:
    """Follow `path` in a sample value: (found, what is there)."""
    for key in path:
        if isinstance(value, _Element):
            return True, _Element()
        if isinstance(value, Mapping) and key in value:
            value = value[key]
        else:
            return False, None
    return True, value


def _item(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else _Element()
    if isinstance(value, Mapping):
        return next(iter(value.values()), _Element())
    return _Element()


def _paths(context: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for key, value in context.items():
        path = (*prefix, key)
        yield path
        if isinstance(value, Mapping):
            yield from _paths(value, path)


def _variables(
    tags: list[Tag], sample: Mapping[str, Any], problems: list[Problem], source: str
) -> set[tuple[str, ...]]:
    """Report every variable the kind does not provide; return the paths the template uses."""
    used: set[tuple[str, ...]] = set()
    scopes: list[dict[str, Any]] = []  # loop variables, innermost last
    known = [".".join(p) for p in _paths(sample)]
    for tag in tags:
        if tag.kind == "#":
            continue
        if tag.kind == "!":  # a tag the word processor broke: what it names is not missing too
            for name in re.findall(r"[A-Za-z_][\w.]*", tag.body.replace(_BREAK, "")):
                named = tuple(name.split("."))
                used.update(named[:end] for end in range(1, len(named) + 1))
            continue
        word = tag.word
        if tag.kind == "%" and word.startswith("end") and word[3:] in ("for", "with"):
            if scopes:
                scopes.pop()
            continue
        if tag.kind == "%" and word in ("else", "endif", "endmacro", "endcall", "endfilter"):
            continue
        try:
            if tag.kind == "{":
                tree = _ENV.parse(tag.source)
            elif word in _OPENERS:
                tree = _ENV.parse(tag.source + "{% end" + word + " %}")
            elif word == "elif":
                tree = _ENV.parse("{% if x %}" + tag.source + "{% endif %}")
            else:
                tree = _ENV.parse(tag.source)
        except jinja2.TemplateSyntaxError:
            continue  # reported by the syntax check
        scope: dict[str, Any] = {}
        for loop in tree.find_all(nodes.For):
            targets = (
                [loop.target]
                if isinstance(loop.target, nodes.Name)
                else list(loop.target.find_all(nodes.Name))
            )
            iterable = _chain(loop.iter)
            item = _Element()
            if iterable is not None:
                found, value = _lookup(iterable, sample, scopes)
                item = _item(value) if found else _Element()
            for target in targets:
                scope[target.name] = item
        for node in _outermost_chains(tree):
            chain = _chain(node)
            if chain is None or chain[0] in _GLOBALS or chain[0] in scope:
                continue
            path = chain
            found, _ = _lookup(path, sample, scopes)
            if not found:
                dotted = ".".join(path)
                close = difflib.get_close_matches(dotted, known, n=1, cutoff=0.6)
                problems.append(
                    _problem(
                        "lint_unknown" if close else "lint_unknown_plain",
                        tag.place,
                        source,
                        near=tag.near,
                        name=dotted,
                        suggestion=close[0] if close else "",
                    )
                )
            elif path[0] in sample:
                used.update(path[:end] for end in range(1, len(path) + 1))
        if tag.kind == "%" and word in ("for", "with"):
            scopes.append(scope)
    return used


def _lookup(
    path: tuple[str, ...], sample: Mapping[str, Any], scopes: list[dict[str, Any]]
) -> tuple[bool, Any]:
    for scope in reversed(scopes):
        if path[0] in scope:
            if path[0] == "loop":
                return len(path) == 1 or path[1] in _LOOP, None
            return _resolve(scope[path[0]], path[1:])
    if path[0] == "loop":
        return len(path) == 1 or path[1] in _LOOP, None
    return _resolve(sample, path)


def _outermost_chains(tree: nodes.Node) -> Iterator[nodes.Node]:
    """Yield each Name/Getattr/Getitem chain once, at its outermost node."""
    inner: set[int] = set()
    chains = [n for n in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name))]
    for node in chains:
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            inner.add(id(node.node))
    for node in chains:
        if id(node) not in inner and _chain(node) is not None:
            yield node


# ---------------------------------------------------------------------------------------------
# The whole


@dataclass(frozen=True)
class Vocabulary:
    """What a report kind gives a template: a sample of its variables, and the ones a
    template must use (each with the label a clerk knows it by)."""

    sample: Mapping[str, Any]
    required: Mapping[str, str]  # dotted path → label


ANY_NAMES = Vocabulary(_AnyNames(), {})  # the generic kind's: only syntax and structure checked


def check_archive(path: Path) -> None:
    """Refuse a template that is not a zip, has no document part, or would unpack too big."""

    def refuse(code: str, detail: str) -> TemplateError:
        return TemplateError(Problem(code, {"detail": detail}, file=str(path)))

    try:
        archive = measure(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise refuse("template_not_docx", "not a zip archive") from exc
    names = archive.names
    if "[Content_Types].xml" not in names or not any(
        n.startswith("word/") and n.endswith(".xml") for n in names
    ):
        raise refuse("template_no_document", "no word/document part")
    if archive.too_large():
        detail = f"{archive.entries} entries, {archive.unpacked} bytes unpacked"
        raise refuse("template_too_large", detail)


def lint(
    template: Path | str | bytes, vocabulary: Vocabulary | None = None, source: str = ""
) -> list[Problem]:
    """Return every problem of the .docx `template` (a path or its bytes), for the variables of
    `vocabulary` (default: the 2021 national report's)."""
    if isinstance(template, bytes):
        data = template
    else:
        source = source or str(template)
        if os.path.isfile(template):
            try:
                check_archive(Path(template))  # the archive's limits, before it is read
            except TemplateError as exc:
                return exc.problems
        try:
            data = Path(template).read_bytes()
        except OSError as exc:
            return (
                [Problem("template_not_found", file=source)]
                if not Path(template).exists()
                else [Problem("read_failed", {"reason": exc.strerror or str(exc)}, file=source)]
            )
    return list(
        _lint(hashlib.sha256(data).hexdigest(), data, vocabulary or default_vocabulary(), source)
    )


_CACHE: dict[tuple[str, int, str], tuple[Problem, ...]] = {}


def _lint(digest: str, data: bytes, vocabulary: Vocabulary, source: str) -> tuple[Problem, ...]:
    key = (digest, id(vocabulary), source)
    if key not in _CACHE:
        problems: list[Problem] = []
        try:
            tags = read_tags(data, problems, source)
        except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError) as exc:
            return (Problem("template_not_docx", {"detail": type(exc).__name__}, file=source),)
        _syntax(tags, problems, source)
        used = _variables(tags, vocabulary.sample, problems, source)
        for paths, label in vocabulary.required.items():
            # "a|b": either will do (title_lines or title)
            if not any(tuple(path.split(".")) in used for path in paths.split("|")):
                name = paths.split("|")[0]
                problems.append(
                    Problem("lint_missing", {"name": name, "label": label}, file=source)
                )
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[key] = tuple(problems)
    return _CACHE[key]


def check_template(template: Path | str, vocabulary: Vocabulary | None = None) -> None:
    """Raise `TemplateError` with every problem of `template`, if it has any error."""
    problems = lint(template, vocabulary)
    if any(p.severity == "error" for p in problems):
        raise TemplateError(problems)


@functools.cache
def default_vocabulary() -> Vocabulary:
    """Return the variables of the 2021 national report: a sample made from a skeleton, and
    every table cell, part and line the official template uses, as required."""
    from reportkit.context import variables
    from reportkit.load import parse
    from reportkit.model import label_of
    from reportkit.narrate import narrate
    from reportkit.skeleton import skeleton

    report = parse(skeleton("示例镇人民政府", 2023), "<sample>")
    sample = variables(report, narrate(report))
    required: dict[str, str] = {}
    for table in ("proactive", "applications", "appeals"):
        for path in _paths(sample[table], (table,)):
            found, value = _resolve(sample, path)
            if found and not isinstance(value, Mapping):
                required[".".join(path)] = label_of(path) or ".".join(path)
    for name in ("title_lines|title", "signature", "date", "preamble"):
        required[name] = name.split("|")[0]
    for part, lists in (
        ("part1", ("text",)), ("part2", ("before", "after")), ("part3", ("before", "after")),
        ("part4", ("before", "after")), ("part5", ("text",)), ("part6", ("text",)),
    ):  # fmt: skip
        for field in lists:
            required[f"{part}.{field}"] = f"{part}.{field}"
    return Vocabulary(sample, required)

"""What ships inside the package for its users: the documentation and the official templates.

Someone who installed the wheel has no docs/ or templates/ folder. The Markdown documents ship
as package data (reportkit.docs, mapped from the repository's docs/ folder, as the templates
are from templates/), so `reportkit docs TOPIC` can show them; `reportkit template export`
writes the built-in template where the user can restyle it.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from reportkit.errors import OutputError, Problem
from reportkit.output import write
from reportkit.renderer import default_template

DOCS_PACKAGE = "reportkit.docs"
_LINK = re.compile(r"\[([^\]]+)\]\(([\w-]+)\.md(#[\w-]*)?\)")
_PATH = re.compile(r"`?\bdocs/([\w-]+)\.md`?")


def doc_topics() -> dict[str, str]:
    """Return every document's topic (its file name without .md) and its title, in order."""
    found = {}
    for entry in sorted(resources.files(DOCS_PACKAGE).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".md"):
            text = entry.read_text(encoding="utf-8")
            title = next((ln[2:].strip() for ln in text.splitlines() if ln.startswith("# ")), "")
            found[entry.name[: -len(".md")]] = title
    return found


def topic_of(name: str) -> str | None:
    """Return the topic `name` means ("cli", "cli.md" and "docs/cli.md" all mean "cli"), or
    None when there is no such document."""
    topic = name.strip().replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".md").lower()
    return topic if topic in doc_topics() else None


def read_doc(topic: str, for_terminal: bool = False) -> str:
    """Return the Markdown text of the document `topic`. `for_terminal` turns its links and
    paths to other documents into the command that shows them: [批量生成](batch.md) → 批量生成
    (`reportkit docs batch`), docs/checks.md → `reportkit docs checks`."""
    text = (resources.files(DOCS_PACKAGE) / f"{topic}.md").read_text(encoding="utf-8")
    if for_terminal:
        text = _LINK.sub(lambda m: f"{m.group(1)} (`reportkit docs {m.group(2)}`)", text)
        text = _PATH.sub(lambda m: f"`reportkit docs {m.group(1)}`", text)
    return text


def export_template(
    target: Path | str | None = None, locale: str = "zh-CN", *, overwrite: bool = False
) -> Path:
    """Return the path the built-in template for `locale` was written to: `target`, or its own
    name in the current folder. An existing file is replaced only with `overwrite`."""
    source = default_template(locale)
    path = Path(target) if target is not None else Path(source.name)
    if path.is_dir():
        raise OutputError(Problem("output_is_dir", file=str(path)))
    if path.suffix.lower() != ".docx":
        raise OutputError(Problem("output_suffix", {"suffix": ".docx"}, file=str(path)))
    if path.exists() and not overwrite:
        raise OutputError(Problem("output_exists_force", file=str(path)))
    return write(source.read_bytes(), path)

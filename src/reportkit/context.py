"""Stage 3 (context): the template's variables, built from the report and its sentences.

This is the only module that knows the template's variable names. Every value it hands on is
plain text (figures already formatted); the renderer escapes them for XML, once.

It also lays out what GB/T 9704-2012 places by rule rather than by style: where the title
breaks into lines, and how far the 署名 and the 成文日期 stand from the margin.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from reportkit.jinjaenv import amount
from reportkit.model import Block, OutcomeRow, Report
from reportkit.narrate import Narrative

Blocks = list[dict[str, str]]


def variables(report: Report, narrative: Narrative, marks: Sequence[str] = ()) -> dict[str, Any]:
    """Return the template variables for `report`; `marks` go in the header (e.g. 示例数据)."""
    full = report.complete()

    def first(slot: str) -> str:
        texts = narrative.paragraphs(slot)
        return texts[0] if texts else ""

    def generated(slot: str) -> Blocks:
        return _blocks(Block(text=t) for t in narrative.paragraphs(slot))

    title = first("title")
    signature, date = first("signature"), first("date")
    if report.locale == "zh-CN":
        lines = title_lines(title, report.agency.name)
        signature_lead, date_lead = signature_leads(signature, date)
    else:  # English words wrap by themselves; the signature stands at the right margin
        lines, signature_lead, date_lead = [title] if title else [], "", ""
    return {
        "header_mark": "　".join(marks),
        "title": title,
        "title_lines": lines,
        "preamble": generated("preamble"),
        "part1": {"text": generated("part1") + _blocks(full.part1.text)},
        "part2": {
            "before": generated("part2") + _blocks(full.part2.text),
            "after": _blocks(full.part2.after_table),
        },
        "part3": {
            "before": generated("part3") + _blocks(full.part3.text),
            "after": _blocks(full.part3.after_table),
        },
        "part4": {
            "before": generated("part4") + _blocks(full.part4.text),
            "after": _blocks(full.part4.after_table),
        },
        "part5": {"text": generated("part5") + _blocks(full.part5.text)},
        "part6": {"text": generated("part6") + _blocks(full.part6.text)},
        "proactive": _proactive(full),
        "applications": _applications(full),
        "appeals": {
            "review": _counts(full.appeals.review),
            "lawsuit_direct": _counts(full.appeals.lawsuit_direct),
            "lawsuit_after_review": _counts(full.appeals.lawsuit_after_review),
        },
        "signature": signature,
        "signature_lead": signature_lead,
        "date": date,
        "date_lead": date_lead,
    }


# --- layout ---------------------------------------------------------------------------------
# Widths are in characters: the advance of a Chinese character of the font size, tracking
# included (the template sets every run 0.25 pt closer: 15.75 pt at 16 pt). A digit or Latin
# letter (Times New Roman) is 7.75 pt, and where Chinese meets one the autospace (autoSpaceDE/DN,
# on in Word, WPS and LibreOffice alike) adds about 3.3 pt: measured in LibreOffice's PDF.
NARROW = 7.75 / 15.75
AUTOSPACE = 3.3 / 15.75
TEXT_WIDTH_PT = 442.2  # the 156 mm text block
TITLE_LINE = TEXT_WIDTH_PT / 21.75 - 0.3  # 2号 (22 pt) title characters a line, with a margin
BODY_LINE = TEXT_WIDTH_PT / 15.75  # 3号 characters a line: 28.07
SIGNATURE_MARGIN = 2.0  # 署名 right-indented 2 characters; the date starts 2 characters in


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def width(text: str) -> float:
    """Return the width of `text` in characters of its font size: a Chinese character or
    full-width sign 1, a digit or Latin letter about ½, plus the autospace where Chinese meets
    a digit or Latin letter."""
    chars = sum(1.0 if _wide(c) else NARROW for c in text)
    gaps = sum(
        _wide(a) != _wide(b) and not a.isspace() and not b.isspace()
        for a, b in itertools.pairwise(text)
    )
    return chars + AUTOSPACE * gaps


# Where a title may break: after the agency name, between the parts of a long agency name
# (after a place: 省 市 州 县 区 旗 盟 镇 乡 街道, before 人民政府 办公室 委员会 …), and never
# inside a year, a number or 年度报告 (those stay in the unbreakable tail of the title).
_PLACE = re.compile(
    r"(?<=..)(?:特别行政区|自治区|自治州|自治县|自治旗|街道办事处|街道|省|市|州|盟|县|区|旗|镇|乡)"
    r"(?![场长委辖属直级内外民])"
)
_ORGAN = re.compile(r"(?=人民政府|办公室|办公厅|委员会|管理委员会|街道办事处)")


def _agency_words(name: str) -> list[str]:
    found = {m.end() for m in _PLACE.finditer(name)} | {m.start() for m in _ORGAN.finditer(name)}
    cuts = sorted(c for c in found if 0 < c < len(name))
    return [name[a:b] for a, b in itertools.pairwise([0, *cuts, len(name)])]


def _tail_words(tail: str) -> list[str]:
    """Split the rest of a title at its one safe point, before 政府信息公开…, if it has one."""
    match = re.search(r"(?<=年)(?=政府信息公开)", tail)
    return [tail[: match.start()], tail[match.start() :]] if match else [tail]


def title_lines(title: str, agency: str, limit: float = TITLE_LINE) -> list[str]:
    """Return the title broken into lines (标题回行时词意完整，排列对称): one line when it
    fits; else the fewest lines, each no wider than `limit`, broken between words only,
    preferring the break after the agency name, then the most even lines with no line
    longer than the one below it but the last (a trapezoid, or a diamond)."""
    if not title:
        return []
    if width(title) <= limit:
        return [title]
    if agency and title.startswith(agency):
        head, tail = _agency_words(agency), _tail_words(title[len(agency) :])
    else:
        head, tail = [], _tail_words(title)
    words = [w for w in [*head, *tail] if w]
    best: tuple[tuple[float, ...], list[str]] | None = None
    for cuts in _partitions(len(words)):
        lines = ["".join(words[a:b]) for a, b in itertools.pairwise([0, *cuts, len(words)])]
        widths = [width(line) for line in lines]
        if max(widths) > limit:
            continue
        after_agency = bool(head) and len(head) in cuts
        inverted = sum(a > b for a, b in itertools.pairwise(widths[:-1]))
        key = (len(lines), not after_agency, inverted, max(widths) - min(widths))
        if best is None or key < best[0]:
            best = (key, lines)
    return best[1] if best else [title]  # no break fits: leave it to the word processor


def _partitions(n: int) -> Iterable[tuple[int, ...]]:
    """Every way to cut a sequence of `n` words into lines: the cut positions, fewest first."""
    for count in range(n):
        yield from itertools.combinations(range(1, n), count)


def signature_leads(signature: str, date: str, line: float = BODY_LINE) -> tuple[str, str]:
    """Return the spaces that set the 署名 and the 成文日期 where GB/T 9704-2012 §7.3.5.2
    puts them when there is no seal: the 署名 right-indented 2 characters, the date on the
    next line starting 2 characters right of the 署名's first character; when the date is
    longer than the 署名, the date is right-indented 2 characters and the 署名 keeps its
    first character 2 characters left of the date's.

    Both lines are left-aligned and led by ideographic spaces (U+3000, one character wide) and
    an en space (U+2002) for a half: the template's paragraph properties cannot carry a
    computed indent without making the template itself invalid OOXML, while leading spaces
    are kept and measured alike by Word, WPS and LibreOffice."""
    if not signature:
        return "", ""
    name, day = width(signature), width(date)
    if day <= name:
        start = line - SIGNATURE_MARGIN - name
        date_start = start + SIGNATURE_MARGIN
    else:
        date_start = line - SIGNATURE_MARGIN - day
        start = date_start - SIGNATURE_MARGIN
    return _spaces(start), _spaces(date_start)


def _spaces(em: float) -> str:
    """Return spaces `em` characters wide, to the nearest half: ideographic spaces and an en
    space (Times New Roman's, half a character; spaces get no autospace)."""
    if em <= 0:
        return ""
    halves = int(em * 2 + 0.5)
    return "\u3000" * (halves // 2) + "\u2002" * (halves % 2)


def _blocks(blocks: Iterable[Block]) -> Blocks:
    return [{"heading": b.heading, "lead": b.lead, "text": b.text} for b in blocks]


def _counts(row: OutcomeRow | Any) -> dict[str, str]:
    return {key: str(value) for key, value in row.model_dump().items()}


def _proactive(report: Report) -> dict[str, Any]:
    p = report.proactive
    return {
        "rules": _counts(p.rules),
        "normative_documents": _counts(p.normative_documents),
        "licensing": str(p.licensing),
        "penalties": str(p.penalties),
        "coercion": str(p.coercion),
        "fees": amount(p.fees),
    }


def _applications(report: Report) -> dict[str, Any]:
    strings: dict[str, Any] = _stringify(report.applications.model_dump())
    return strings


def _stringify(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _stringify(v) for k, v in tree.items()}
    return str(tree)

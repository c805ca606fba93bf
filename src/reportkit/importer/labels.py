"""Labels as real reports print them: compared leniently, and text cleaned as a reader wants it.

A form's labels reach us with their spacing changed (「结果 纠正」, 「总 计」), wrapped over lines,
in full-width or half-width forms (（一） and (一)), with 1、 for 1., with quotes of either
kind, and sometimes with a typo (「其他法律行政止公开」 for 「其他法律行政法规禁止公开」). Labels are
compared in a normal form (`key`), and a label that is not found as it is matches the most
similar one when it is clearly the most similar (`best`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

SIMILAR = 0.75  # how alike (difflib's ratio) a printed label must be to the form's to match it
_QUOTES = re.compile("[\"'“”‘’「」『』]")
_NUMBERED = re.compile(r"(?<![\d.])(\d{1,2})[、.．,，]")
_SPACE = re.compile(r"\s+")


def key(text: str) -> str:
    """Return a label in the form labels are compared in: NFKC (full- and half-width alike), no
    whitespace, no quotes, 1、 read as 1., and a trailing colon dropped."""
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE.sub("", _QUOTES.sub("", text))
    text = _NUMBERED.sub(r"\1.", text)
    return text.rstrip(":：")


def best(text: str, choices: Iterable[str], cutoff: float = SIMILAR) -> tuple[str, float] | None:
    """Return the choice `text` names (its normal form equal, else the most similar one at least
    `cutoff` alike and clearly ahead of the next), with how alike they are; None if none."""
    wanted = key(text)
    if not wanted:
        return None
    keyed = {key(c): c for c in choices}
    if wanted in keyed:
        return keyed[wanted], 1.0
    scored = sorted(
        ((difflib.SequenceMatcher(None, wanted, k, autojunk=False).ratio(), k) for k in keyed),
        reverse=True,
    )
    if not scored or scored[0][0] < cutoff:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < 0.05:
        return None  # two labels as alike: not clear which is meant
    return keyed[scored[0][1]], scored[0][0]


# --------------------------------------------------------------------------------------------
# The six parts

_NUMERALS = "一二三四五六"
_PART_WORDS = (
    ("总体情况",),
    ("主动公开",),
    ("收到和处理", "依申请公开", "申请情况"),
    ("行政复议", "行政诉讼"),
    ("存在的主要问题", "问题及改进", "主要问题", "改进情况"),
    ("其他需要报告", "其他事项", "需要报告的事项"),
)
_PART_HEAD = re.compile(r"^([一二三四五六])[、.．]")


def part_number(text: str) -> int | None:
    """Return the number (1–6) of the part whose heading `text` is, or None: 「一、」 to 「六、」
    followed by the words of that part's heading, in a line of heading length."""
    plain = key(text)
    match = _PART_HEAD.match(unicodedata.normalize("NFKC", text.strip()))
    if not match or len(plain) > 40 or plain.endswith("。"):
        return None
    number = _NUMERALS.index(match.group(1)) + 1
    return number if any(w in plain for w in _PART_WORDS[number - 1]) else None


def is_part_heading(text: str) -> bool:
    return part_number(text) is not None


# --------------------------------------------------------------------------------------------
# Text as a reader wants it

_CJK = r"\u2014\u2018-\u201f\u2026\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_GAP_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_HALF = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}
_HALF_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[,:;()?!]|[,:;()?!](?=[{_CJK}])")


def clean(text: str) -> str:
    """Return a paragraph's text as written: no spaces where Chinese text runs on (PDF and web
    pages put them around digits and Latin words, and between letter-spaced characters), and
    the punctuation a web page turned half-width set back to full width where it stands next to
    Chinese text (never between digits: 10:30 and 1,000 stay)."""
    text = unicodedata.normalize("NFC", text).replace("\xa0", " ").replace("\u3000", " ")
    text = _GAP_CJK.sub("", text.strip())
    text = re.sub(r"\s+", " ", text)
    return _HALF_NEAR_CJK.sub(lambda m: _HALF[m.group(0)], text)

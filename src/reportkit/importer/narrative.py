"""Stage 1 (import): the report's outline and words: title, preamble, six parts, signature.

The six part headings (一、总体情况 … 六、其他需要报告的事项) divide a report; what stands before
the first is its title and preamble, what ends the last is its signature and date. Within a
part, a paragraph is one of three kinds, as the data file writes them: a standing sub-head
(「（一）存在的问题」), a paragraph with a run-in lead phrase (「（一）主动公开。……」), or plain
text. The preamble's sentences give the contact office, phone, fax, address and postcode, and the
legal basis the report cites.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import cn2an

from reportkit.importer.document import Document, Grid, Para
from reportkit.importer.labels import clean, key, part_number

_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_ISO = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$")
_CN_DATE = re.compile(
    r"^[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日$"
)
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_SUBHEAD = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
LEAD_MAX = 30  # characters: a run-in lead phrase is short; a longer first sentence is text


@dataclass
class Placed:
    """A paragraph of the report with where it stands: its part, its number there, its page."""

    text: str
    part: int  # 0: the preamble
    number: int  # 1-based, within its part
    page: int | None = None


@dataclass
class Outline:
    """A report divided: title, preamble, parts (paragraphs and tables), signature and date."""

    title: str = ""
    title_page: int | None = None
    preamble: list[Placed] = field(default_factory=list)
    parts: dict[int, list[Placed | Grid]] = field(default_factory=dict)
    headings: dict[int, Placed] = field(default_factory=dict)
    signature: str = ""
    date_text: str = ""
    date: dt.date | None = None
    date_page: int | None = None


def outline(document: Document) -> Outline:
    """Return the report's outline (see `Outline`)."""
    found = Outline()
    items: list[Para | Grid] = [
        Para(clean(i.text), i.page, i.hint) if isinstance(i, Para) else i for i in document.items
    ]
    items = [i for i in items if not isinstance(i, Para) or i.text]
    heads: dict[int, int] = {}
    for index, item in enumerate(items):
        if isinstance(item, Para):
            number = part_number(item.text)
            if number is not None and number not in heads and number > max(heads, default=0):
                heads[number] = index
    first = min(heads.values(), default=len(items))
    _front(items[:first], found)
    for number, start in heads.items():
        heading = items[start]
        assert isinstance(heading, Para)
        found.headings[number] = Placed(heading.text, number, 0, heading.page)
        later = [i for n, i in heads.items() if i > start]
        end = min(later, default=len(items))
        body = items[start + 1 : end]
        if number == max(heads):
            body = _signed(body, found)
        placed: list[Placed | Grid] = []
        count = 0
        for item in body:
            if isinstance(item, Para):
                count += 1
                placed.append(Placed(item.text, number, count, item.page))
            else:
                placed.append(item)
        found.parts[number] = placed
    return found


def _front(items: list[Para | Grid], found: Outline) -> None:
    """Split what precedes part 一 into the title (its first short lines, up to the one that
    names the report) and the preamble."""
    paras = [i for i in items if isinstance(i, Para)]
    title_end = 0
    for n, para in enumerate(paras[:3]):
        if len(para.text) > 60 or "。" in para.text:
            break
        if "报告" in para.text or "年报" in para.text:
            title_end = n + 1
            break
    if title_end:
        found.title = "".join(p.text for p in paras[:title_end])
        found.title_page = paras[0].page
    found.preamble = [Placed(p.text, 0, n + 1, p.page) for n, p in enumerate(paras[title_end:])]


def _signed(body: list[Para | Grid], found: Outline) -> list[Para | Grid]:
    """Return the last part without its signature and date (recorded in `found`)."""
    end = len(body)
    for index in range(len(body) - 1, max(len(body) - 4, -1), -1):
        item = body[index]
        if not isinstance(item, Para):
            break
        date = parse_date(item.text)
        if date is not None:
            found.date, found.date_text, found.date_page = date, item.text, item.page
            end = index
            before = body[index - 1] if index > 0 else None
            if isinstance(before, Para) and _signature_like(before.text):
                found.signature = before.text
                end = index - 1
            break
        if _signature_like(item.text) and index == len(body) - 1:
            continue  # the date may stand above the signature
    if not found.date and body and isinstance(body[-1], Para) and _agency_like(body[-1].text):
        found.signature = body[-1].text  # a signature without a date
        end = len(body) - 1
    elif found.date and not found.signature and end + 1 < len(body):
        after = body[end + 1 :]
        if after and isinstance(after[-1], Para) and _signature_like(after[-1].text):
            found.signature = after[-1].text
    return body[:end]


def _signature_like(text: str) -> bool:
    return 0 < len(text) <= 40 and not re.search("[。；，]", text)


def _agency_like(text: str) -> bool:
    return _signature_like(text) and text.endswith(
        ("政府", "办事处", "局", "委员会", "委", "办公室", "办公厅", "厅", "中心", "院", "署")
    )


def parse_date(text: str) -> dt.date | None:
    """Return the date a signature line gives (2023年1月10日, 二〇二三年一月十日, 2023-01-10)."""
    plain = "".join(text.split())
    if _CN_DATE.match(plain):
        plain = cn2an.transform(plain, "cn2an")
    match = _DATE.match(plain) or _ISO.match(plain)
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def year_in(text: str) -> int | None:
    """Return the first year (19xx or 20xx followed by 年) a text names."""
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


# --------------------------------------------------------------------------------------------
# Paragraphs


def block(text: str) -> str | dict[str, str]:
    """Return a paragraph as the data file writes it: a standing sub-head, a run-in lead phrase
    with its text, or plain text."""
    if _SUBHEAD.match(text):
        if (
            len(text) <= LEAD_MAX
            and not re.search("[。；！？]", text)
            and not text.endswith(("：", ":"))
        ):
            return {"heading": text}
        cut = re.search("[。：]", text)
        if cut is not None and cut.end() <= LEAD_MAX:
            lead, rest = text[: cut.end()], text[cut.end() :]
            return {"lead": lead, "text": rest} if rest else {"lead": lead}
    return text


def sentences(text: str) -> list[str]:
    """Return a paragraph's sentences (each with its full stop)."""
    return [s for s in re.split(r"(?<=[。！？])", text) if s.strip()]


# --------------------------------------------------------------------------------------------
# The preamble


_CONTACT = (
    (
        "contact_office",
        re.compile(r"(?:请?与|请?向|请?联系)(?P<v>[^，。；,（(]{2,40}?)(?:联系|咨询|反映)"),
    ),
    ("address", re.compile(r"地址[:：]?\s*(?P<v>[^，。；,）)]+)")),
    ("postcode", re.compile(r"邮(?:政)?编(?:码)?[:：]?\s*(?P<v>\d{6})")),
    ("fax", re.compile(r"传真[:：]?\s*(?P<v>[\d\-－—（）()、 ]{5,})")),
)
_PHONE = re.compile(
    r"(?P<both>电话及传真|电话、传真|电话和传真|电话)[:：]?\s*(?P<v>[\d\-－—（）()、 ]{5,})"
)


def contact(text: str) -> dict[str, str]:
    """Return the contact fields a preamble sentence gives (office, phone, fax, address,
    postcode)."""
    found: dict[str, str] = {}
    for name, pattern in _CONTACT:
        match = pattern.search(text)
        if match:
            found[name] = _number(match.group("v")) if name == "fax" else match.group("v").strip()
    phone = _PHONE.search(text)
    if phone:
        found["phone"] = _number(phone.group("v"))
        if phone.group("both") != "电话":
            found["fax"] = found["phone"]
    return found


def _number(text: str) -> str:
    """Return a phone number without the brackets and separators that close the sentence."""
    text = text.strip(" 、")
    while (
        text
        and text[-1] in ")）"
        and text.count(text[-1]) > text.count("(（"[")）".index(text[-1])])
    ):
        text = text[:-1].rstrip(" 、")
    return text


def kind_of(sentence: str) -> str:
    """Return which generated sentence of the preamble a sentence stands for ('' if none)."""
    plain = key(sentence)
    if "疑问" in plain or ("联系" in plain and ("电话" in plain or "地址" in plain)):
        return "preamble.contact"
    if "统计期限" in plain or "统计时限" in plain or "统计期" in plain:
        return "preamble.period"
    if (
        plain.startswith(("全文包括", "全文共", "本报告包括", "报告包括", "全文由"))
        or "部分组成" in plain
    ):
        return "preamble.parts"
    if "编制" in plain or plain.startswith("根据"):
        return "preamble.compiled"
    return ""


def legal_basis(sentence: str) -> list[str]:
    """Return the laws a compiling sentence cites (《…》 before 编制, not the report itself)."""
    head = re.sub(r"[（(]?(?:以下)?简称《[^》]*》[）)]?", "", sentence.split("编制", 1)[0])
    found = [t for t in re.findall(r"《[^《》]+》", head) if "报告" not in t]
    return list(dict.fromkeys(found))


def first(items: list[Any], kind: type) -> Any:
    return next((i for i in items if isinstance(i, kind)), None)

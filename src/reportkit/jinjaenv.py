"""The one Jinja environment factory, shared by the sentence rules and the document template.

Both run in Jinja's sandbox (a template or rule cannot reach Python internals) with undefined
variables as errors (a missing figure must never print as a blank). The document environment
autoescapes, because its output is XML; the sentence environment does not, because sentences
leave the narrate stage as plain text and are escaped once, by the renderer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import cn2an
from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

_CN_DIGITS = "〇一二三四五六七八九"


def cn_date(value: dt.date) -> str:
    """Return a date as official documents print it: ``2023年1月10日``."""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_year(value: int) -> str:
    """Return a year in Chinese digits: ``二〇二三`` (cn2an would write 二千零二十三)."""
    return "".join(_CN_DIGITS[int(d)] for d in str(value))


def cn_number(value: int) -> str:
    """Return a count in Chinese numerals: 3 → ``三``, 12 → ``十二``."""
    return str(cn2an.an2cn(int(value), "low"))


def amount(value: Decimal | int) -> str:
    """Return an amount exactly as typed: ``Decimal('1.50')`` → ``1.50``, never ``1.5E+1``."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def percent(value: Decimal | int, places: int = 1) -> str:
    """Return a ratio as a percentage rounded half-up: 0.1255 → ``12.6%``."""
    quantum = Decimal(1).scaleb(-places)
    return f"{(Decimal(value) * 100).quantize(quantum, rounding=ROUND_HALF_UP):f}%"


def join_cn(items: Iterable[Any], last: str = "和") -> str:
    """Return items joined the Chinese way: ``甲、乙和丙``."""
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return "、".join(words[:-1]) + last + words[-1]


FILTERS = {
    "cn_date": cn_date,
    "cn_year": cn_year,
    "cn_number": cn_number,
    "amount": amount,
    "percent": percent,
    "join_cn": join_cn,
}


class CompilingOnceEnvironment(SandboxedEnvironment):
    """A sandboxed environment that compiles each template source once.

    docxtpl hands the whole document part to `from_string` on every render; compiling it is
    most of a render's time, and the source is the same for every report made from one template.
    """

    MAX_SOURCES = 64

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) >= self.MAX_SOURCES:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


def environment(*, autoescape: bool, compile_once: bool = False) -> SandboxedEnvironment:
    """Return a sandboxed Jinja environment with reportkit's filters and strict undefineds;
    with `compile_once`, each template source is compiled only the first time it is seen."""
    kind = CompilingOnceEnvironment if compile_once else SandboxedEnvironment
    env = kind(autoescape=autoescape, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env

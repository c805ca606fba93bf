"""The one Jinja environment factory, shared by the sentence rules and the document template.

Both run in Jinja's sandbox (a template or rule cannot reach Python internals) with undefined
variables as errors (a missing figure must never print as a blank). The document environment
autoescapes, because its output is XML; the sentence environment does not, because sentences
leave the narrate stage as plain text and are escaped once, by the renderer.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

_CN_DIGITS = "〇一二三四五六七八九"
# Counts from 0 to 99 (every enumeration and nearly every count in a report) in Chinese
# numerals, as cn2an writes them ("low" style): 零, 十, 十一, 二十, 九十九. cn2an, whose import
# takes a tenth of a second, is loaded for other numbers only (tests/test_startup.py checks that
# the two agree on every number here).
_CN_UNITS = "零一二三四五六七八九"
CN_SMALL = tuple(
    _CN_UNITS[n]
    if n < 10
    else ("" if n < 20 else _CN_UNITS[n // 10]) + "十" + ("" if n % 10 == 0 else _CN_UNITS[n % 10])
    for n in range(100)
)


def cn_date(value: dt.date) -> str:
    """Return a date as official documents print it: ``2023年1月10日``."""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_year(value: int) -> str:
    """Return a year in Chinese digits: ``二〇二三`` (cn2an would write 二千零二十三)."""
    return "".join(_CN_DIGITS[int(d)] for d in str(value))


def cn_number(value: int) -> str:
    """Return a count in Chinese numerals: 3 → ``三``, 12 → ``十二``."""
    number = int(value)
    if 0 <= number < len(CN_SMALL):
        return CN_SMALL[number]
    import cn2an  # the general case: loaded when first needed

    return str(cn2an.an2cn(number, "low"))


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


def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def share(part: Decimal | int, whole: Decimal | int, places: int = 1) -> str:
    """Return part/whole as a percentage rounded half-up: share(1, 8) → ``12.5%``."""
    if not whole:
        return ""
    return percent(Decimal(part) / Decimal(whole), places)


def wan(value: Decimal | int) -> str:
    """Return an amount given in 万元 the way reports print it: ``1.5万元``; from 1亿 on,
    in 亿元 rounded half-up to two places: 96171.6 → ``9.62亿元``."""
    value = Decimal(value)
    if value >= 10000:
        return f"{_quantize(value / 10000, 2).normalize():f}亿元"
    return f"{amount(value)}万元"


def yuan(value: Decimal | int) -> str:
    """Return an amount given in 元: ``3940元``; from 1万 on, in 万元 to two places."""
    value = Decimal(value)
    if value >= 10000:
        return f"{_quantize(value / 10000, 2).normalize():f}万元"
    return f"{amount(value)}元"


def signed(value: Decimal | int) -> str:
    """Return a difference with its sign: ``+3``, ``-2``, ``0``."""
    return f"+{value}" if value > 0 else str(value)


def yoy(this: Decimal | int, last: Decimal | int, unit: str = "件") -> str:
    """Return the change on last year in Chinese: ``较上年增加3件，增长12.5%``, ``较上年减少2件，
    下降10.0%``, ``与上年持平``; without a percentage when last year's figure was 0."""
    diff = Decimal(this) - Decimal(last)
    if diff == 0:
        return "与上年持平"
    word, rate = ("增加", "增长") if diff > 0 else ("减少", "下降")
    text = f"较上年{word}{amount(abs(diff))}{unit}"
    if last:
        text += f"，{rate}{percent(abs(diff) / Decimal(last))}"
    return text


def growth(rate: Decimal | int, unit: str = "%") -> str:
    """Return a rate of change the way statistical bulletins write it, by its sign:
    ``比上年增长5.2%``, ``比上年下降1.3%``, ``与上年持平``."""
    rate = Decimal(rate)
    if rate == 0:
        return "与上年持平"
    return f"比上年{'增长' if rate > 0 else '下降'}{amount(abs(rate))}{unit}"


def enumerate_cn(items: Iterable[Any]) -> str:
    """Return items as a Chinese enumeration: ``一是甲；二是乙``."""
    return "；".join(f"{cn_number(i)}是{item}" for i, item in enumerate(items, start=1))


# --- English ---------------------------------------------------------------------------------


def words(value: int) -> str:
    """Return a count in English: numbers under ten in words (``three``), others in digits."""
    if not 0 <= value < 10:
        return f"{int(value):,}"
    from num2words import num2words  # English reports only: loaded when first needed

    return str(num2words(int(value)))


def count(value: int, noun: str, plural: str = "") -> str:
    """Return ``no applications``, ``one application``, ``23 applications``."""
    many = plural or f"{noun}s"
    if value == 0:
        return f"no {many}"
    return f"{words(value)} {noun if value == 1 else many}"


def yoy_en(this: Decimal | int, last: Decimal | int) -> str:
    """Return the change on last year in English: ``up 3 (12.5%) on last year``,
    ``down 2 (10.0%) on last year``, ``the same as last year``; no percentage from zero."""
    diff = Decimal(this) - Decimal(last)
    if diff == 0:
        return "the same as last year"
    word = "up" if diff > 0 else "down"
    rate = f" ({percent(abs(diff) / Decimal(last))})" if last else ""
    return f"{word} {amount(abs(diff))}{rate} on last year"


def en_date(value: dt.date) -> str:
    """Return a date as British official documents print it: ``10 January 2023``."""
    return f"{value.day} {value:%B} {value.year}"


def join_en(items: Iterable[Any], last: str = "and") -> str:
    """Return items joined in English: ``a, b and c``."""
    words_ = [str(i) for i in items]
    if len(words_) <= 1:
        return "".join(words_)
    return ", ".join(words_[:-1]) + f" {last} " + words_[-1]


FILTERS = {
    "cn_date": cn_date,
    "cn_year": cn_year,
    "cn_number": cn_number,
    "amount": amount,
    "percent": percent,
    "share": share,
    "wan": wan,
    "yuan": yuan,
    "signed": signed,
    "yoy": yoy,
    "growth": growth,
    "enumerate_cn": enumerate_cn,
    "join_cn": join_cn,
    "words": words,
    "count": count,
    "yoy_en": yoy_en,
    "en_date": en_date,
    "join_en": join_en,
}


# ---------------------------------------------------------------------------------------------
# Bounds. A county's rulebook and a restyled template are code from outside: the sandbox keeps
# them from Python's internals, and these keep them from the machine's memory and time. No
# sentence or report comes near any of them.

MAX_RANGE = 10_000  # items one range() may give
MAX_MADE = 1_000_000  # items or characters a * may make (a string, a list)
MAX_WIDTH = 1_000  # the width a filter or a format may pad to
MAX_BITS = 100_000  # the size of a whole number * or ** may make (30,000 digits): Python's
# arithmetic on numbers of millions of digits runs for minutes in C, where no time limit reaches
MAX_OUTPUT = 50_000_000  # characters one rendering may write
TIME_LIMIT = 20.0  # seconds one rendering may take (where the operating system can say so)
_WIDE = re.compile(r"\d{4,}")  # a width or precision of 1,000 or more in a format string


def _bounded_range(*args: int) -> range:
    made = range(*args)
    if len(made) > MAX_RANGE:
        raise SecurityError(f"range() of {len(made)} items; at most {MAX_RANGE}")
    return made


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bounded_filter(name: str, function: Any) -> Any:
    def bounded(*args: Any, **kwargs: Any) -> Any:
        numbers = [a for a in [*args[1:], *kwargs.values()] if isinstance(a, int)]
        if any(abs(n) > MAX_WIDTH for n in numbers):
            raise SecurityError(f"{name} wider than {MAX_WIDTH}")
        return function(*args, **kwargs)

    return bounded


class BoundedTemplate(Template):
    """A template whose rendering stops, with a `SecurityError`, past `MAX_OUTPUT` characters."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        written = 0
        chunks = []
        for chunk in self.generate(*args, **kwargs):
            written += len(chunk)
            if written > MAX_OUTPUT:
                raise SecurityError(f"the rendering is longer than {MAX_OUTPUT} characters")
            chunks.append(chunk)
        return "".join(chunks)


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, writing a literal too large for a float (``1e999``) as one:
    Jinja writes ``inf``, a name the compiled template does not have (a NameError)."""

    def visit_Const(self, node: nodes.Const, frame: Frame) -> None:
        value = node.as_const(frame.eval_ctx)
        if isinstance(value, float) and not math.isfinite(value):
            self.write(f"float({str(value)!r})")
        else:
            super().visit_Const(node, frame)


class BoundedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox with limits on what a template can make: ranges, repeated strings and
    lists, padding widths, and the length of what it writes (see the bounds above)."""

    intercepted_binops = frozenset({"*", "**", "%"})
    template_class = BoundedTemplate
    code_generator_class = _CodeGenerator

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        try:
            return super()._parse(source, name, filename)
        except ValueError as exc:  # a literal of 5,000 digits: Python refuses to read it
            raise TemplateSyntaxError(str(exc), 1, name, filename) from exc

    def compile_expression(self, source: str, undefined_to_none: bool = True) -> Any:
        try:
            return super().compile_expression(source, undefined_to_none)
        except ValueError as exc:  # as in `_parse`
            raise TemplateSyntaxError(str(exc), 1) from exc

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = _bounded_range
        for name in ("center", "indent", "wordwrap", "truncate", "format"):
            self.filters[name] = _bounded_filter(name, self.filters[name])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for made, count in ((left, right), (right, left)):
                sized = isinstance(made, str | list | tuple) and isinstance(count, int)
                if sized and len(made) * count > MAX_MADE:
                    raise SecurityError(f"* would make {len(made) * count} items")
            if _whole(left) and _whole(right) and left.bit_length() + right.bit_length() > MAX_BITS:
                raise SecurityError(f"* would make a number of more than {MAX_BITS} bits")
        elif operator == "**":
            if isinstance(right, int | float) and abs(right) > 100:
                raise SecurityError("** with an exponent over 100")
            if _whole(left) and _whole(right) and left.bit_length() * right > MAX_BITS:
                raise SecurityError(f"** would make a number of more than {MAX_BITS} bits")
        elif operator == "%" and isinstance(left, str) and _WIDE.search(left):
            raise SecurityError(f"a format wider than {MAX_WIDTH}")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Any:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and _WIDE.search(value.__self__):
            raise SecurityError(f"a format wider than {MAX_WIDTH}")
        return wrapped


class RenderTimeout(SecurityError):
    """A rendering took longer than `TIME_LIMIT`."""


@contextmanager
def time_limit(seconds: float = TIME_LIMIT) -> Iterator[None]:
    """Stop what runs inside after `seconds` with `RenderTimeout`, where the operating system
    can interrupt it: on POSIX, in the main thread (the CLI, and each batch worker). Elsewhere
    the other bounds still hold."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise RenderTimeout(f"took longer than {seconds:g} seconds")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class CompilingOnceEnvironment(BoundedEnvironment):
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


def environment(*, autoescape: bool, compile_once: bool = False) -> BoundedEnvironment:
    """Return a sandboxed Jinja environment with reportkit's filters and strict undefineds;
    with `compile_once`, each template source is compiled only the first time it is seen."""
    kind = CompilingOnceEnvironment if compile_once else BoundedEnvironment
    env = kind(autoescape=autoescape, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env

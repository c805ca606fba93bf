"""Data files to start from: a commented skeleton, and next year's file made from last year's.

`skeleton` writes a complete data file a clerk can fill in without reading the docs: every row
of the three tables under its Chinese label with the columns named, zeros in place (so it checks
and renders as it is), a one-line hint for each part's narrative, and the sentence switches.

`rollover` makes next year's file from last year's with tomlkit, keeping its comments and layout:
the year and dates move on, 二、上年结转 takes last year's 四、结转下年度继续办理, 现行有效件数
is carried, this year's counts are zeroed, and last year's narrative stays but each part is
marked `draft = true`: rendering refuses until the clerk has rewritten it and removed the mark.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Array, Table

from reportkit.batch import agency_files, safe_name
from reportkit.edit import insert, parent, table
from reportkit.errors import DataError, Problem
from reportkit.format2019 import writer as writer2019
from reportkit.format2019.model import APPLICATION_ROWS_2019, FORMAT_2019
from reportkit.load import SHARED, load, read_text
from reportkit.locate import KeyLines
from reportkit.messages import Msg, translate
from reportkit.model import (
    APPEAL_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    DOCUMENT_COLUMNS,
    FORMAT_2021,
    OUTCOME_COLUMNS,
    PART_HEADINGS,
    Agency,
    Column,
    Report,
    Row,
)
from reportkit.narrate import rulebook
from reportkit.output import write

_HINTS = {
    "part1": "主动公开、依申请公开、政府信息管理、平台建设、监督保障等方面的做法和成效（必填）",
    "part2": "表格前后的说明文字，可不写（表格数字填在下面的 [proactive]）",
    "part3": "表格前后的说明文字，可不写（数字填在 [applications]）",
    "part4": "表格前后的说明文字，可不写（数字填在 [appeals]）",
    "part5": '存在的问题和改进情况（必填）；可用 { heading = "（一）存在的问题" } 作小标题',
    "part6": "信息处理费和行政事业性收费的句子由程序生成；其他需要报告的事项写在这里",
}


@dataclass(frozen=True)
class Guess:
    """A level guessed from an agency's name, and why (a message, for the clerk)."""

    level: str
    why: Msg


# Provincial-level municipalities: their 市 is a province.
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_ZONES = ("管委会", "管理委员会")
_DEPARTMENTS = (
    "局",
    "委",
    "委员会",
    "办公厅",
    "办公室",
    "厅",
    "中心",
    "署",
    "部",
    "处",
    "所",
    "院",
    "会",
)
_PLACE = re.compile("(自治区|省|自治州|州|盟|地区|市|自治县|县|区|旗)")


def guess_level(name: str) -> Guess:
    """Return the likely level of an agency from its name, and why (the clerk can correct
    it): the kind of body from its suffix (人民政府, 街道办事处, 局, 办公厅 …), the level from
    the deepest place its name gives (省, 市, 县 …)."""
    name = "".join(name.split())
    for suffix in ("街道办事处", "街道"):
        if name.endswith(suffix):
            return Guess("subdistrict", Msg("level_why_suffix", {"suffix": suffix}))
    for suffix in ("镇人民政府", "乡人民政府", "镇政府", "乡政府"):
        if name.endswith(suffix):
            return Guess("town", Msg("level_why_suffix", {"suffix": suffix}))
    for zone in _ZONES:
        if zone in name:
            return Guess("other", Msg("level_why_zone", {"suffix": zone}))
    government = name.endswith(("人民政府", "政府"))
    unit = "人民政府" if government else next((d for d in _DEPARTMENTS if name.endswith(d)), "")
    if not unit:
        return Guess("other", Msg("level_why_unknown"))
    head = name[: name.index("人民政府")] if "人民政府" in name else name[: -len(unit)]
    place, rank = _deepest_place(head)
    if not place:
        return Guess("other", Msg("level_why_no_place", {"suffix": unit}))
    kind = "government" if government else "department"
    level = f"{rank}_{kind}"
    return Guess(level, Msg("level_why_place", {"suffix": unit, "place": place}))


def _deepest_place(head: str) -> tuple[str, str]:
    """Return the last place named in `head` (e.g. 牟定县 in 楚雄州牟定县) and its rank."""
    if head.startswith(_MUNICIPALITIES) and not _PLACE.search(head[3:]):
        return head[:3], "provincial"
    found = list(_PLACE.finditer(head))
    if not found:
        return "", ""
    last = found[-1]
    place = head[: last.end()]
    marker = last.group(1)
    if marker in ("自治区", "省"):
        return place, "provincial"
    if marker in ("自治州", "州", "盟", "地区", "市"):
        return place, "prefecture"
    return place, "county"


def short_name(name: str) -> str:
    for suffix in ("人民政府", "办事处"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def default_name(agency: str, year: int) -> Path:
    """Return the default file name of a new data file: ``江坡镇-2023.toml``, made safe for
    every file system (a name holding / or : is still one file in the current folder)."""
    return Path(f"{safe_name(short_name(' '.join(agency.split())))}-{year}.toml")


def skeleton(agency: str, year: int, level: str | None = None) -> str:
    """Return the text of a data file for `agency` and `year` to fill in, at `level` (by
    default the one `guess_level` finds in the name, with why, in a comment). Every table row
    is there with zeros and its columns named; the totals are left out (computed); the contact
    fields and parts 一 and 五 are left empty, so that the checks say what is still to be filled
    in."""
    agency = " ".join(agency.split())
    guess = guess_level(agency)
    data: dict[str, Any] = {
        "year": year,
        "date": dt.date(year + 1, 1, 15),
        "agency": {
            "name": agency,
            "short_name": short_name(agency),
            "level": level or guess.level,
            **dict.fromkeys(_AGENCY_FIELDS[3:9], ""),
        },
        "part6": {"info_processing_fee": 0},
    }
    head = [
        f"# {agency} {year}年政府信息公开工作年度报告 — 数据文件",
        "# 由 reportkit new 生成：按纸质表格逐项填写数字，写好各部分的正文，然后运行",
        "#   reportkit check 本文件    （校验）    reportkit render 本文件    （生成 Word 文档）",
        "# 「总计」列和「（七）总计」行由程序计算，不必填写。"
        "各字段的说明：运行 reportkit docs data-format 查看。",
    ]
    return data_text(data, head, level_why=None if level else guess.why)


# The agency's keys in the order a data file gives them (the model's), each with its comment.
_AGENCY_FIELDS = tuple(Agency.model_fields)
_AGENCY_COMMENTS = {
    "county": "所在县（区）（乡镇、街道和县级单位必填）",
    "prefecture": "所在市（州）",
    "province": "所在省",
    "contact_office": "联系科室（必填）",
    "phone": "联系电话（必填）",
    "fax": "传真（与电话相同时写同一号码）",
    "address": "地址",
    "postcode": "邮政编码",
}
_ALWAYS_WRITTEN = frozenset(_AGENCY_FIELDS[:9])  # address and postcode only when given


def data_text(
    data: dict[str, Any],
    head: Sequence[str],
    *,
    level_why: Msg | None = None,
    notes: dict[str, str] | None = None,
    unread: set[str] | frozenset[str] = frozenset(),
) -> str:
    """Return the text of a data file holding `data` (the TOML data as a dict: what `new` starts
    from, or what `reportkit import` read from a published report), laid out and commented as
    `reportkit new` writes it: `head` is its opening comment, `level_why` why the level was
    guessed, and `notes` comments on single keys (dotted paths), e.g. a cell read as blank.

    What `data` leaves out is written as `new` writes it: a table left out has zeros in every
    row, a part without text shows how to write one, a total left out is computed. A row named
    in `unread` (dotted, e.g. ``applications.total``) is one that could not be read: it is
    written as a comment saying so, and the checks ask for it.
    """
    notes = dict(notes or {})
    for dotted in unread:
        notes[f"!{dotted}"] = UNREAD
    out: list[str] = [*head, ""]
    w = out.append
    if "format" in data:
        w(f'format = "{data["format"]}"')
    w(f"year = {data['year']}              # 报告年度")
    date = data.get("date")
    if isinstance(date, dt.date):
        w(f"date = {date.isoformat()}      # 落款日期（年-月-日）" + _note(notes, "date"))
    else:  # not known: the checks ask for it
        w(f"# date = {data['year'] + 1}-01-15   # 落款日期（年-月-日）" + _note(notes, "date"))
    if "legal_basis" in data:
        w(f"legal_basis = [{', '.join(_toml(b) for b in data['legal_basis'])}]   # 编制依据")
    for key, comment in _OPTIONAL_KEYS.items():
        if key in data:
            value = data[key]
            written = ("true" if value else "false") if isinstance(value, bool) else value
            written = _toml(written) if isinstance(written, str) else str(written)
            w(f"{key} = {written}   # {comment}")
    w("")
    _agency(w, data["agency"], level_why, notes)
    formats = _table_writers(str(data.get("format", FORMAT_2021)))
    if formats.sentences:
        w("")
        _sentences(w, data.get("sentences", {}))
    for number, heading in enumerate(PART_HEADINGS, start=1):
        part = f"part{number}"
        given = data.get(part, {})
        w("")
        w(f"# {heading}：{formats.hints.get(part, _HINTS[part])}")
        w(f"[{part}]")
        if part == "part6" and "info_processing_fee" in given:
            fee = _number(given["info_processing_fee"])
            w(f"info_processing_fee = {fee}   # 本年收取的信息处理费（元）" + _note(notes, "fee"))
        _blocks(w, "text", given.get("text"))
        if part in ("part2", "part3", "part4"):
            _blocks(w, "after_table", given.get("after_table", []))
            table = formats.tables[part]
            table(w, data.get(_TABLE_KEYS[part]), notes)
    return "\n".join(out) + "\n"


UNREAD = "未能从原报告中读出：请按原报告填写后删去行首的 #"

_OPTIONAL_KEYS = {
    "locale": "报告语言",
    "sample": "示例数据",
    "previous": "上年的数据文件",
    "rulebook": "本县（区）的句子规则文件",
    "deadline": "公开期限",
}
_TABLE_KEYS = {"part2": "proactive", "part3": "applications", "part4": "appeals"}


def _note(notes: dict[str, str], key: str) -> str:
    return f"   # {notes[key]}" if key in notes else ""


def _unread(notes: dict[str, str], key: str) -> bool:
    """True for a row that could not be read (written as a comment: see `data_text`)."""
    return f"!{key}" in notes


def _agency(w: Any, agency: dict[str, Any], why: Msg | None, notes: dict[str, str]) -> None:
    w("[agency]")
    for key in _AGENCY_FIELDS:
        if key not in agency and key not in _ALWAYS_WRITTEN:
            continue
        value = _toml(str(agency.get(key, "")))
        if key in ("name", "short_name"):
            w(f"{key} = {value}" + _note(notes, f"agency.{key}"))
        elif key == "level":
            if why is not None:
                w(f"# 层级按名称推断：{translate(why.code, 'zh', **why.params)}；不对请改。")
            w(
                f"level = {value}   # town 乡镇 / subdistrict 街道 / "
                "county_department 县级部门 / county_government 县级政府 / prefecture_… 市级 / "
                "provincial_… 省级 / other 其他"
            )
        else:
            w(f"{f'{key} = {value}':<27} # {_AGENCY_COMMENTS[key]}" + _note(notes, f"agency.{key}"))


def _sentences(w: Any, given: dict[str, Any]) -> None:
    w('# 自动生成的句子：写 "编号" = "文字" 可改写，写 "编号" = false 可关闭；')
    w('# 列为 = true 的是默认不写的概述句，写 "编号" = true 可加上。')
    w("[sentences]")
    for rule in rulebook().rules:
        rule_id = rule.id
        if rule_id not in given:
            # an optional sentence is off until switched on: offering to switch it off misleads
            w(f'# "{rule_id}" = {"true" if rule.optional else "false"}')
            continue
        value = given[rule_id]
        written = ("true" if value else "false") if isinstance(value, bool) else _toml(value)
        w(f'"{rule_id}" = {written}')


def _blocks(w: Any, key: str, blocks: list[Any] | None) -> None:
    """Write a part's paragraphs (None: none yet, with an example of each kind)."""
    if blocks is None:
        w(f"{key} = [")
        w('  # "不带小标题的段落",')
        w('  # { lead = "（一）段首小标题。", text = "段落正文" },')
        w("]")
        return
    if not blocks:
        w("after_table = []   # 表格之后的段落" if key == "after_table" else f"{key} = []")
        return
    w(f"{key} = [" + ("   # 表格之后的段落" if key == "after_table" else ""))
    for block in blocks:
        if isinstance(block, str):
            w(f"  {_toml(block)},")
        elif "heading" in block:
            w(f"  {{ heading = {_toml(block['heading'])} }},")
        elif block.get("text"):
            w(f"  {{ lead = {_toml(block['lead'])}, text = {_toml(block['text'])} }},")
        else:
            w(f"  {{ lead = {_toml(block['lead'])} }},")
    w("]")


def _toml(text: str) -> str:
    """Return `text` as a TOML string, quotes and backslashes escaped."""
    return str(tomlkit.string(text).as_string())


def _number(value: Any) -> str:
    """Return a figure as TOML writes it: an amount's digits as given, without an exponent."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _row(values: Sequence[Any]) -> str:
    return "[" + ", ".join(_number(v) for v in values) + "]"


def _at(table: dict[str, Any] | None, dotted: str) -> Any:
    node: Any = table
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


@dataclass(frozen=True)
class TableWriters:
    """How a report format writes its three tables into a data file, and its parts' hints."""

    tables: dict[str, Any]
    hints: dict[str, str]
    sentences: bool = True  # the format is rendered, so its generated sentences can be set


def _table_writers(kind: str) -> TableWriters:
    if kind == FORMAT_2019:
        return TableWriters(
            {"part2": writer2019.proactive, "part3": _applications_2019, "part4": _appeals},
            writer2019.HINTS,
            sentences=False,
        )
    return TableWriters({"part2": _proactive, "part3": _applications, "part4": _appeals}, {})


def _proactive(w: Any, table: dict[str, Any] | None, notes: dict[str, str]) -> None:
    def value(key: str, zero: Any) -> str:
        found = _at(table, key)
        text = (
            _row(found)
            if isinstance(found, list)
            else _number(found if found is not None else zero)
        )
        return text + _note(notes, f"proactive.{key}")

    def line(text: str) -> None:
        name = text.split("=", 1)[0].strip()
        w(f"# {text}   # {UNREAD}" if _unread(notes, f"proactive.{name}") else text)

    w("")
    w("# 二、主动公开政府信息情况 — 表格")
    w("[proactive]")
    w("#                     " + " ".join(c.label for c in DOCUMENT_COLUMNS))
    rules, documents = value("rules", [0, 0, 0]), value("normative_documents", [0, 0, 0])
    if table is None:
        rules, documents = "[0, 0, 0]", "[0, 0, 0]"
    line(f"rules               = {rules}   # 第二十条第（一）项 规章")
    line(f"normative_documents = {documents}   # 第二十条第（一）项 行政规范性文件")
    line(f"licensing = {value('licensing', 0)}   # 第二十条第（五）项 行政许可 本年处理决定数量")
    line(f"penalties = {value('penalties', 0)}   # 第二十条第（六）项 行政处罚 本年处理决定数量")
    line(f"coercion  = {value('coercion', 0)}   # 第二十条第（六）项 行政强制 本年处理决定数量")
    line(
        f"fees      = {value('fees', 0)}   # 第二十条第（八）项 行政事业性收费 "
        "本年收费金额（单位：万元）"
    )


def applicant_rows(
    w: Any, table: dict[str, Any] | None, rows: Sequence[Row], notes: dict[str, str]
) -> None:
    """Write table 三's rows (either format's): six numbers a row when the table is not given
    (the totals computed), else the row as given, its total too when there is one."""
    computed = table is None or all(
        len(_at(table, r.key) or []) < len(APPLICANT_COLUMNS) for r in rows if r.key != "total"
    )
    if computed:
        w("# 三、收到和处理政府信息公开申请情况 — 表格。每行 6 个数，依次为下面注释中的各列。")
        w("# 「总计」列不必填写，由程序计算；如要填写，在行末写第 7 个数，程序会核对。")
        w("# 「（七）总计」行也由程序计算，不必填写。")
    else:
        w("# 三、收到和处理政府信息公开申请情况 — 表格。每行 7 个数，依次为下面注释中的各列；")
        w("# 「总计」列和「（七）总计」行是报告所印的数字，程序会按勾稽关系核对。")
    w("[applications]")
    columns = APPLICANT_COLUMNS if not computed else APPLICANT_COLUMNS[:-1]
    w(
        "#                                "
        + " ".join(c.label for c in columns)
        + ("（总计：程序计算）" if computed else "")
    )
    for row in rows:
        given = _at(table, row.key)
        note = _note(notes, f"applications.{row.key}")
        if _unread(notes, f"applications.{row.key}"):
            w(f"# {row.key:<30} = [？]  # {row.group}{row.label}   # {UNREAD}")
            continue
        if row.key == "total" and given is None:
            w(f"# {row.key:<30} = 程序计算           # {row.label}")
            continue
        values = _row(given) if given is not None else "[0, 0, 0, 0, 0, 0]"
        w(f"{row.key:<32} = {values}  # {row.group}{row.label}" + note)


def _applications(w: Any, table: dict[str, Any] | None, notes: dict[str, str]) -> None:
    w("")
    applicant_rows(w, table, APPLICATION_ROWS, notes)


def _applications_2019(w: Any, table: dict[str, Any] | None, notes: dict[str, str]) -> None:
    w("")
    applicant_rows(w, table, APPLICATION_ROWS_2019, notes)


def _appeals(w: Any, table: dict[str, Any] | None, notes: dict[str, str]) -> None:
    given = [_at(table, row.key) for row in APPEAL_ROWS]
    computed = all(v is None or len(v) < len(OUTCOME_COLUMNS) for v in given)
    w("")
    if computed:
        w(
            "# 四、政府信息公开行政复议、行政诉讼情况 — 表格。每组 4 个数；「总计」由程序计算，不必填写。"
        )
    else:
        w(
            "# 四、政府信息公开行政复议、行政诉讼情况 — 表格。每组 5 个数；「总计」是报告所印的数字。"
        )
    w("[appeals]")
    columns = OUTCOME_COLUMNS[:-1] if computed else OUTCOME_COLUMNS
    w(
        "#                       "
        + " ".join(c.label for c in columns)
        + ("（总计：程序计算）" if computed else "")
    )
    for row, value in zip(APPEAL_ROWS, given, strict=True):
        label = f"{row.group} {row.label}".strip()
        if _unread(notes, f"appeals.{row.key}"):
            w(f"# {row.key:<18} = [？]   # {label}   # {UNREAD}")
            continue
        values = _row(value) if value is not None else "[0, 0, 0, 0]"
        w(f"{row.key:<20} = {values}   # {label}" + _note(notes, f"appeals.{row.key}"))


# ---------------------------------------------------------------------------------------------
# Next year from last year


def next_name(last: Path, year: int | None = None) -> Path:
    """Return where next year's file (or folder) goes by default: beside last year's, its year
    in the name moved on (jiangpo-2022.toml → jiangpo-2023.toml)."""
    old = load(last).year if last.is_file() else None
    match = re.search(r"(20\d\d)", last.name)
    if match:
        new = year or int(match.group(1)) + 1
        return last.with_name(last.name.replace(match.group(1), str(new), 1))
    new = year or (old + 1 if old else dt.date.today().year)
    return last.with_name(f"{last.stem}-{new}{last.suffix}")


def rollover(last: Path, target: Path, year: int | None = None) -> Path:
    """Write next year's data file (or county folder) made from last year's into `target`.

    Every file is made, and every target checked, before any is written: a failure (a broken
    file in the folder, a target that exists) leaves nothing behind.
    """
    if last.is_dir():
        if target.exists() and not target.is_dir():
            raise DataError(Problem("output_is_file", file=str(target)))
        shared = last / SHARED
        plan: list[tuple[Path, Path, Report | None]] = (
            [(shared, target / SHARED, None)] if shared.is_file() else []
        )
        plan += [(data, target / data.name, load(data)) for data in agency_files(last)]
    else:
        plan = [(last, target, load(last))]  # a single file
    existing = [Problem("output_exists", file=str(t)) for _, t, _ in plan if t.exists()]
    if existing:
        raise DataError(existing)
    texts = [(t, _rolled(source, t, report, year)) for source, t, report in plan]
    target.parent.mkdir(parents=True, exist_ok=True)
    if last.is_dir():
        target.mkdir(exist_ok=True)
    for path, text in texts:
        write(text.encode("utf-8"), path)
    return target


def _rolled(last: Path, target: Path, report: Report | None, year: int | None) -> str:
    """Return next year's text of one file: `report` is last year's full report (None for a
    county's shared file)."""
    doc = tomlkit.parse(read_text(last))
    old_year = doc.get("year", report.year if report else None)
    if year is not None and old_year is not None and year <= int(old_year):
        raise DataError(
            Problem(
                "year_not_after", {"year": year, "last": int(old_year)}, file=str(last), path="year"
            )
        )
    new_year = year or (int(old_year) + 1 if old_year is not None else None)
    if "year" in doc and new_year is not None:
        doc["year"] = new_year
    for key in ("date", "deadline"):
        if key in doc and new_year is not None and old_year is not None:
            try:
                doc[key] = _move(doc[key], new_year - int(old_year))
            except (ValueError, OverflowError) as exc:  # past year 9999, or not a date
                line = KeyLines(read_text(last)).find((key,))
                raise DataError(
                    Problem("date_cannot_move", {"key": key}, file=str(last), path=key, line=line)
                ) from exc
    if report is not None:
        doc["previous"] = Path(os.path.relpath(last, target.parent)).as_posix()
        _roll_figures(doc, report)
    for number in range(1, 7):
        part = doc.get(f"part{number}")
        if isinstance(part, Table) and (part.get("text") or part.get("after_table")):
            mark = tomlkit.item(True)
            mark.comment("上年的文字：请改写后删除此行（有此标记时不能生成报告）")
            insert(part, "draft", mark, 0)  # first in its part, under the part's own header
    return tomlkit.dumps(doc)


def _move(value: Any, years: int) -> dt.date:
    date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def _roll_figures(doc: Any, report: Report) -> None:
    """Set next year's figures: carry-over and documents in force from last year, every other
    count zero, and every total left out (computed), so that a clerk who writes six numbers a
    row meets no total of last year's shape."""
    full = report.complete()
    carried = [full.applications.carried_forward.value(c.key) for c in APPLICANT_COLUMNS[:-1]]
    apps = table(doc, "applications")
    for row in APPLICATION_ROWS:
        if row.key == "total":
            holder, leaf = parent(apps, row.key)
            if leaf in holder:
                del holder[leaf]
            continue
        value = carried if row.key == "carried_over" else [0] * (len(APPLICANT_COLUMNS) - 1)
        _set_row(apps, row.key, value, APPLICANT_COLUMNS)
    appeals = table(doc, "appeals")
    for row in APPEAL_ROWS:
        _set_row(appeals, row.key, [0] * (len(OUTCOME_COLUMNS) - 1), OUTCOME_COLUMNS)
    proactive = table(doc, "proactive")
    for key in ("rules", "normative_documents"):
        in_force = getattr(full.proactive, key).in_force
        _set_row(proactive, key, [0, 0, in_force], DOCUMENT_COLUMNS)
    for key in ("licensing", "penalties", "coercion", "fees"):
        proactive[key] = 0
    if isinstance(doc.get("part6"), Table) and "info_processing_fee" in doc["part6"]:
        doc["part6"]["info_processing_fee"] = 0


def _set_row(section: Any, dotted: str, values: list[Any], columns: Sequence[Column]) -> None:
    """Set a table row to `values` (its columns but the total), keeping its form: a list
    stays a list, a table keyed by column stays keyed; a total it had is taken out."""
    holder, leaf = parent(section, dotted)
    current = holder.get(leaf)
    if isinstance(current, Array):
        for i, value in enumerate(values):
            if i < len(current):
                current[i] = value
            else:
                current.append(value)
        while len(current) > len(values):
            del current[len(current) - 1]
    elif current is not None and hasattr(current, "keys"):
        for column, value in zip(columns, values, strict=False):
            current[column.key] = value
        if "total" in current and len(values) < len(columns):
            del current["total"]
    else:
        holder[leaf] = values

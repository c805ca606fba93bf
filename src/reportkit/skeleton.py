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
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Array, Table

from reportkit.batch import agency_files, safe_name
from reportkit.edit import insert, parent, table
from reportkit.errors import DataError, Problem
from reportkit.load import SHARED, load, read_text
from reportkit.locate import KeyLines
from reportkit.messages import Msg, translate
from reportkit.model import (
    APPEAL_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    DOCUMENT_COLUMNS,
    OUTCOME_COLUMNS,
    PART_HEADINGS,
    Column,
    Report,
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
    out: list[str] = []
    w = out.append
    w(f"# {agency} {year}年政府信息公开工作年度报告 — 数据文件")
    w("# 由 reportkit new 生成：按纸质表格逐项填写数字，写好各部分的正文，然后运行")
    w("#   reportkit check 本文件    （校验）    reportkit render 本文件    （生成 Word 文档）")
    w(
        "# 「总计」列和「（七）总计」行由程序计算，不必填写。各字段的说明：运行 reportkit docs data-format 查看。"
    )
    w("")
    w(f"year = {year}              # 报告年度")
    w(f"date = {year + 1}-01-15      # 落款日期（年-月-日）")
    w("")
    w("[agency]")
    w(f"name = {_toml(agency)}")
    w(f"short_name = {_toml(short_name(agency))}")
    if level is None:
        w(f"# 层级按名称推断：{translate(guess.why.code, 'zh', **guess.why.params)}；不对请改。")
    w(
        f'level = "{level or guess.level}"   # town 乡镇 / subdistrict 街道 / '
        "county_department 县级部门 / county_government 县级政府 / prefecture_… 市级 / "
        "provincial_… 省级 / other 其他"
    )
    w('county = ""                 # 所在县（区）（乡镇、街道和县级单位必填）')
    w('prefecture = ""             # 所在市（州）')
    w('province = ""               # 所在省')
    w('contact_office = ""         # 联系科室（必填）')
    w('phone = ""                  # 联系电话（必填）')
    w('fax = ""                    # 传真（与电话相同时写同一号码）')
    w("")
    w('# 自动生成的句子：写 "编号" = "文字" 可改写，写 "编号" = false 可关闭。')
    w("[sentences]")
    for rule_id in rulebook().ids():
        w(f'# "{rule_id}" = false')
    for number, heading in enumerate(PART_HEADINGS, start=1):
        part = f"part{number}"
        w("")
        w(f"# {heading}：{_HINTS[part]}")
        w(f"[{part}]")
        if part == "part6":
            w("info_processing_fee = 0   # 本年收取的信息处理费（元）")
        w("text = [")
        w('  # "不带小标题的段落",')
        w('  # { lead = "（一）段首小标题。", text = "段落正文" },')
        w("]")
        if part in ("part2", "part3", "part4"):
            w("after_table = []   # 表格之后的段落")
        if part == "part2":
            _proactive(w)
        elif part == "part3":
            _applications(w)
        elif part == "part4":
            _appeals(w)
    return "\n".join(out) + "\n"


def _toml(text: str) -> str:
    """Return `text` as a TOML string, quotes and backslashes escaped."""
    return str(tomlkit.string(text).as_string())


def _proactive(w: Any) -> None:
    w("")
    w("# 二、主动公开政府信息情况 — 表格")
    w("[proactive]")
    w("#                     " + " ".join(c.label for c in DOCUMENT_COLUMNS))
    w("rules               = [0, 0, 0]   # 第二十条第（一）项 规章")
    w("normative_documents = [0, 0, 0]   # 第二十条第（一）项 行政规范性文件")
    w("licensing = 0   # 第二十条第（五）项 行政许可 本年处理决定数量")
    w("penalties = 0   # 第二十条第（六）项 行政处罚 本年处理决定数量")
    w("coercion  = 0   # 第二十条第（六）项 行政强制 本年处理决定数量")
    w("fees      = 0   # 第二十条第（八）项 行政事业性收费 本年收费金额（单位：万元）")


def _applications(w: Any) -> None:
    w("")
    w("# 三、收到和处理政府信息公开申请情况 — 表格。每行 6 个数，依次为下面注释中的各列。")
    w("# 「总计」列不必填写，由程序计算；如要填写，在行末写第 7 个数，程序会核对。")
    w("# 「（七）总计」行也由程序计算，不必填写。")
    w("[applications]")
    w(
        "#                                "
        + " ".join(c.label for c in APPLICANT_COLUMNS[:-1])
        + "（总计：程序计算）"
    )
    for row in APPLICATION_ROWS:
        if row.key == "total":
            w(f"# {row.key:<30} = 程序计算           # {row.label}")
            continue
        w(f"{row.key:<32} = [0, 0, 0, 0, 0, 0]  # {row.group}{row.label}")


def _appeals(w: Any) -> None:
    w("")
    w(
        "# 四、政府信息公开行政复议、行政诉讼情况 — 表格。每组 4 个数；「总计」由程序计算，不必填写。"
    )
    w("[appeals]")
    w(
        "#                       "
        + " ".join(c.label for c in OUTCOME_COLUMNS[:-1])
        + "（总计：程序计算）"
    )
    for row in APPEAL_ROWS:
        label = f"{row.group} {row.label}".strip()
        w(f"{row.key:<20} = [0, 0, 0, 0]   # {label}")


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

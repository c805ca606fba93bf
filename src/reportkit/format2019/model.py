"""Stage 1 (model) of the 2019 format: its schema and the paper form's labels.

The layout, from the notice 国办公开办函〔2019〕60号 and the reports published in it
(docs/formats.md describes it and says where it was verified):

- table 二 (主动公开政府信息情况) has five blocks: 第二十条第（一）项 规章 and 规范性文件 by
  本年新制作数量 | 本年新公开数量 | 对外公开总数量; 第二十条第（五）项 行政许可 and
  其他对外管理服务事项, and 第二十条第（六）项 行政处罚 and 行政强制, by 上一年项目数量 |
  本年增/减 | 处理决定数量; 第二十条第（八）项 行政事业性收费 by 上一年项目数量 | 本年增/减;
  第二十条第（九）项 政府集中采购 by 采购项目数量 | 采购总金额;
- table 三 has the 2021 format's seven columns and its rows, except that （六）其他处理 is one
  row with figures of its own: 三、本年度办理结果 spans 20 rows (19 numbered rows and （七）总计);
- table 四 is the 2021 format's.

本年增/减 is a change, so it may be negative; every other count is a whole number ≥ 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import Field, StrictInt, field_validator
from pydantic_core import PydanticCustomError

from reportkit.format2019.rules import RULES
from reportkit.model import (
    _TABLE_OF,
    APPEAL_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    OUTCOME_COLUMNS,
    Agency,
    Amount,
    Appeals,
    ApplicantRowIn,
    ApplicationsTable,
    Column,
    Count,
    Document,
    NotProcessed,
    Part,
    Row,
    SentenceOverride,
    TablePart,
    Unavailable,
    Withheld,
    _exact_row,
    _Strict,
)

FORMAT_2019: Literal["gov-info-disclosure-2019"] = "gov-info-disclosure-2019"
YEARS = (2019, 2020)  # the report years the 2019 format was used for

Change = Annotated[StrictInt, Field(ge=-(10**9), le=10**9)]
"""本年增/减: the change in a number of items over the year, negative for a decrease."""


# --------------------------------------------------------------------------------------------
# Table 二


DOCUMENT_COLUMNS = (
    Column("made", "本年新制作数量"),
    Column("published", "本年新公开数量"),
    Column("public_total", "对外公开总数量"),
)
ITEM_COLUMNS = (
    Column("last_year", "上一年项目数量"),
    Column("change", "本年增/减"),
    Column("decisions", "处理决定数量"),
)
FEE_COLUMNS = ITEM_COLUMNS[:2]
PROCUREMENT_COLUMNS = (
    Column("projects", "采购项目数量"),
    Column("amount", "采购总金额"),
)


class DocumentRow(_Strict):
    """规章 or 规范性文件 in table 二."""

    made: Count
    published: Count
    public_total: Count


class ItemRow(_Strict):
    """行政许可, 其他对外管理服务事项, 行政处罚 or 行政强制 in table 二."""

    last_year: Count
    change: Change
    decisions: Count


class FeeRow(_Strict):
    """行政事业性收费 in table 二."""

    last_year: Count
    change: Change


class Procurement(_Strict):
    """政府集中采购 in table 二: the amount as printed, in the unit printed beside it (if any)."""

    projects: Count
    amount: Amount
    unit: str = ""  # 元 or 万元 when the form says; the notice's form gives none


def _keys(columns: tuple[Column, ...]) -> tuple[str, ...]:
    return tuple(c.key for c in columns)


class Proactive(_Strict):
    """Table of part 二 (主动公开政府信息情况), 2019 layout."""

    rules: Annotated[DocumentRow, _exact_row(_keys(DOCUMENT_COLUMNS))]
    normative_documents: Annotated[DocumentRow, _exact_row(_keys(DOCUMENT_COLUMNS))]
    licensing: Annotated[ItemRow, _exact_row(_keys(ITEM_COLUMNS))]
    other_services: Annotated[ItemRow, _exact_row(_keys(ITEM_COLUMNS))]
    penalties: Annotated[ItemRow, _exact_row(_keys(ITEM_COLUMNS))]
    coercion: Annotated[ItemRow, _exact_row(_keys(ITEM_COLUMNS))]
    fees: Annotated[FeeRow, _exact_row(_keys(FEE_COLUMNS))]
    procurement: Annotated[Procurement, _exact_row(_keys(PROCUREMENT_COLUMNS))]


# --------------------------------------------------------------------------------------------
# Table 三

_G6 = "（六）其他处理"

APPLICATION_ROWS_2019: tuple[Row, ...] = (
    *(
        r
        for r in APPLICATION_ROWS
        if not r.key.startswith(("other_handling", "total", "carried_f"))
    ),
    Row("other_handling", _G6),
    *(r for r in APPLICATION_ROWS if r.key in ("total", "carried_forward")),
)
assert len(APPLICATION_ROWS_2019) == 23  # 19 numbered rows between two above and two below


class Applications(ApplicationsTable):
    """Table of part 三 (收到和处理政府信息公开申请情况), 2019 layout: （六）其他处理 is one row."""

    received: ApplicantRowIn
    carried_over: ApplicantRowIn
    disclosed: ApplicantRowIn
    partly_disclosed: ApplicantRowIn
    withheld: Withheld
    unavailable: Unavailable
    not_processed: NotProcessed
    other_handling: ApplicantRowIn
    total: ApplicantRowIn | None = None
    carried_forward: ApplicantRowIn

    def form_rows(self) -> tuple[Row, ...]:
        return APPLICATION_ROWS_2019


# --------------------------------------------------------------------------------------------
# The report


class Report2019(Document):
    """One annual report in the 2019 format (reports on 2019 and 2020)."""

    CHECKED_BY: ClassVar[frozenset[str] | None] = RULES

    format: Literal["gov-info-disclosure-2019"] = FORMAT_2019
    locale: Literal["zh-CN"] = "zh-CN"
    sample: bool = False
    year: StrictInt
    date: dt.date
    legal_basis: list[str] = Field(default_factory=lambda: ["《中华人民共和国政府信息公开条例》"])
    previous: str = ""  # last year's data file, relative to this one (rule X)
    deadline: dt.date | None = None
    agency: Agency
    # kept as written (the format is not rendered)
    sentences: dict[str, SentenceOverride] = Field(default_factory=dict)
    part1: Part = Part()
    part2: TablePart = TablePart()
    part3: TablePart = TablePart()
    part4: TablePart = TablePart()
    part5: Part = Part()
    part6: Part = Part()  # no 信息处理费 yet: it was introduced for 2021 (国办函〔2020〕109号)
    proactive: Proactive
    applications: Applications
    appeals: Appeals

    @classmethod
    def label(cls, loc: tuple[str | int, ...]) -> str:
        return label_of(loc)

    @field_validator("year")
    @classmethod
    def _format_year(cls, year: int) -> int:
        if not YEARS[0] <= year <= YEARS[-1]:
            raise PydanticCustomError(
                "year_not_2019_format", "the 2019 format is for reports on 2019 and 2020"
            )
        return year

    def complete(self) -> Report2019:
        """Return a copy with every omitted total computed (given totals are kept as given)."""
        return self._with_totals(keep_given=True)

    def recomputed(self) -> Report2019:
        """Return a copy with every total computed from its parts, given totals ignored."""
        return self._with_totals(keep_given=False)

    def _with_totals(self, keep_given: bool) -> Self:
        update: dict[str, Any] = {}
        if self.has("applications"):
            update["applications"] = self.applications.with_totals(keep_given)
        if self.has("appeals"):
            update["appeals"] = self.appeals.with_totals(keep_given)
        return self.model_copy(update=update, deep=False)


# --------------------------------------------------------------------------------------------
# The paper form's rows, in order. The only place the 2019 format's own labels are spelled.

PROACTIVE_ROWS: tuple[Row, ...] = (
    Row("rules", "规章", "第二十条第（一）项"),
    Row("normative_documents", "规范性文件", "第二十条第（一）项"),
    Row("licensing", "行政许可", "第二十条第（五）项"),
    Row("other_services", "其他对外管理服务事项", "第二十条第（五）项"),
    Row("penalties", "行政处罚", "第二十条第（六）项"),
    Row("coercion", "行政强制", "第二十条第（六）项"),
    Row("fees", "行政事业性收费", "第二十条第（八）项"),
    Row("procurement", "政府集中采购", "第二十条第（九）项"),
)
PROACTIVE_COLUMNS: dict[str, tuple[Column, ...]] = {
    "rules": DOCUMENT_COLUMNS,
    "normative_documents": DOCUMENT_COLUMNS,
    "licensing": ITEM_COLUMNS,
    "other_services": ITEM_COLUMNS,
    "penalties": ITEM_COLUMNS,
    "coercion": ITEM_COLUMNS,
    "fees": FEE_COLUMNS,
    "procurement": PROCUREMENT_COLUMNS,
}


def label_of(loc: tuple[str | int, ...]) -> str:
    """Return the paper form's label for a place in the data, e.g. ``三：（六）其他处理 × 自然人``
    (as `reportkit.model.label_of` does for the 2021 format)."""
    if not loc or loc[0] not in _TABLE_OF:
        return ""
    keys = [str(k) for k in loc[1:]]
    table = str(loc[0])
    rows = {
        "proactive": PROACTIVE_ROWS,
        "applications": APPLICATION_ROWS_2019,
        "appeals": APPEAL_ROWS,
    }[table]
    for row in rows:
        depth = row.key.count(".") + 1
        if ".".join(keys[:depth]) != row.key:
            continue
        if table == "proactive":
            columns: tuple[Column, ...] = PROACTIVE_COLUMNS[row.key]
            group = ""
        elif table == "applications":
            columns, group = APPLICANT_COLUMNS, row.group
        else:
            columns, group = OUTCOME_COLUMNS, f"{row.group}·" if row.group else ""
        text = f"{_TABLE_OF[table]}：{group}{row.label}"
        rest = keys[depth:]
        column = next((c for c in columns if rest and c.key == rest[0]), None)
        return f"{text} × {column.label}" if column else text
    return ""

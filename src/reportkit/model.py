"""Stage 1 (model): the data of one 政府信息公开工作年度报告, 2021 national format.

The model is what a data file means once it has been read: the agency, the narrative of the six
parts, and the figures of the three tables. It knows the official row and column labels (the one
place in the code that spells them), so that every later stage can name a cell the way the paper
form does. It does no I/O: `reportkit.load` builds it from a file.

Totals (the 总计 column and the （七）总计 row) may be absent in the data; `None` then means
"compute it", and `Report.complete()` returns a copy with every total filled in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from reportkit.locate import Locator

FORMAT_2021: Literal["gov-info-disclosure-2021"] = "gov-info-disclosure-2021"
FIRST_YEAR = 2021

Count = Annotated[StrictInt, Field(ge=0, le=10**9)]
"""A whole number of items (applications, documents, decisions)."""

PLACES = 6  # decimal places an amount may have (万元 to the 元 cent, with room to spare)


def _amount(value: Any) -> Any:
    """An amount is a TOML number (never text, as counts are never text), and −0 is 0."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise PydanticCustomError("amount_type", "expected a number")
    if isinstance(value, Decimal) and value.is_finite() and value != 0:
        # pydantic's own count of places misses a huge negative exponent in some releases
        # (2.7: 1e-50000000 passed, and a sentence then wrote fifty million zeros)
        _, digits, exponent = value.as_tuple()  # not normalize(): it rounds 1e-50000000 to 0
        trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
        if isinstance(exponent, int) and exponent + trailing < -PLACES:
            raise PydanticCustomError(
                "decimal_max_places",
                "Decimal input should have no more than {decimal_places} decimal places",
                {"decimal_places": PLACES},
            )
    return value.copy_abs() if isinstance(value, Decimal) and value == 0 else value


Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    Field(ge=0, le=Decimal(10) ** 12, allow_inf_nan=False, decimal_places=PLACES, max_digits=18),
]
"""A sum of money, printed exactly as typed (TOML floats are read as Decimal), with at most
six decimal places: one rule for data files and sheets alike (docs/data-format.md)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def has(self, name: str) -> bool:
        """True when the field `name` was read: a model read in part (see
        `reportkit.load.read`) lacks the fields that do not fit the format."""
        return name in self.__dict__


# --------------------------------------------------------------------------------------------
# Table rows given either as a list mirroring the paper form or as a table keyed by column.


def _row_from_list(columns: tuple[str, ...]) -> Any:
    """Return a validator turning `[a, b, …]` into `{col: a, …}`; the total may be left off."""

    def convert(value: Any) -> Any:
        if not isinstance(value, list):
            return value
        if len(value) not in (len(columns) - 1, len(columns)):
            raise PydanticCustomError(
                "row_length",
                "expected {expected} or {expected_total} values, found {found}",
                {
                    "expected": len(columns) - 1,
                    "expected_total": len(columns),
                    "found": len(value),
                },
            )
        return dict(zip(columns, value, strict=False))

    return BeforeValidator(convert)


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    """One row of a table: its key path in the data file and its labels on the paper form."""

    key: str
    label: str
    group: str = ""  # the merged label to its left, e.g. （三）不予公开


APPLICANT_COLUMNS = (
    Column("natural", "自然人"),
    Column("business", "商业企业"),
    Column("research", "科研机构"),
    Column("public_interest", "社会公益组织"),
    Column("legal_services", "法律服务机构"),
    Column("other", "其他"),
    Column("total", "总计"),
)
_APPLICANT_KEYS = tuple(c.key for c in APPLICANT_COLUMNS)

OUTCOME_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
_OUTCOME_KEYS = tuple(c.key for c in OUTCOME_COLUMNS)

DOCUMENT_COLUMNS = (
    Column("issued", "本年制发件数"),
    Column("repealed", "本年废止件数"),
    Column("in_force", "现行有效件数"),
)
_DOCUMENT_KEYS = tuple(c.key for c in DOCUMENT_COLUMNS)


class _TotalledRow(_Strict):
    """A row of figures whose last field, `total`, is their sum (None: not given)."""

    total: Count | None = None

    def parts(self) -> tuple[int, ...]:
        return tuple(getattr(self, k) for k in type(self).model_fields if k != "total")

    def computed_total(self) -> int:
        return sum(self.parts())

    def filled(self) -> Self:
        """Return the row with its total computed when it was not given."""
        if self.total is not None:
            return self
        return self.model_copy(update={"total": self.computed_total()})

    def recomputed(self) -> Self:
        """Return the row with its total computed, a given one ignored."""
        return self.model_copy(update={"total": self.computed_total()})

    def value(self, column: str) -> int | None:
        value: int | None = getattr(self, column)
        return value


class ApplicantRow(_TotalledRow):
    """A row of table 三: applications by type of applicant."""

    natural: Count
    business: Count
    research: Count
    public_interest: Count
    legal_services: Count
    other: Count


ApplicantRowIn = Annotated[ApplicantRow, _row_from_list(_APPLICANT_KEYS)]


class OutcomeRow(_TotalledRow):
    """A group of table 四: outcomes of reviews or lawsuits."""

    upheld: Count
    corrected: Count
    other: Count
    pending: Count


OutcomeRowIn = Annotated[OutcomeRow, _row_from_list(_OUTCOME_KEYS)]


def _exact_row(columns: tuple[str, ...]) -> Any:
    def convert(value: Any) -> Any:
        if not isinstance(value, list):
            return value
        if len(value) != len(columns):
            raise PydanticCustomError(
                "row_length_exact",
                "expected {expected} values, found {found}",
                {"expected": len(columns), "found": len(value)},
            )
        return dict(zip(columns, value, strict=True))

    return BeforeValidator(convert)


class DocumentRow(_Strict):
    """规章 or 行政规范性文件 in table 二."""

    issued: Count
    repealed: Count
    in_force: Count


DocumentRowIn = Annotated[DocumentRow, _exact_row(_DOCUMENT_KEYS)]


# --------------------------------------------------------------------------------------------
# The three tables.


class Proactive(_Strict):
    """Table of part 二 (主动公开政府信息情况)."""

    rules: DocumentRowIn
    normative_documents: DocumentRowIn
    licensing: Count
    penalties: Count
    coercion: Count
    fees: Amount  # 万元


class Withheld(_Strict):
    state_secret: ApplicantRowIn
    prohibited_by_law: ApplicantRowIn
    security_stability: ApplicantRowIn
    third_party_rights: ApplicantRowIn
    internal_affairs: ApplicantRowIn
    process_information: ApplicantRowIn
    enforcement_files: ApplicantRowIn
    inquiry_matters: ApplicantRowIn


class Unavailable(_Strict):
    not_held: ApplicantRowIn
    needs_creation: ApplicantRowIn
    still_unclear: ApplicantRowIn


class NotProcessed(_Strict):
    complaint: ApplicantRowIn
    repeated: ApplicantRowIn
    publication: ApplicantRowIn
    excessive: ApplicantRowIn
    confirmation: ApplicantRowIn


class OtherHandling(_Strict):
    no_correction: ApplicantRowIn
    unpaid_fee: ApplicantRowIn
    other: ApplicantRowIn


class ApplicationsTable(_Strict):
    """What table 三 does in any layout: its rows by key, its numbered rows, its totals. A
    layout's class declares the rows as fields and gives the paper form's order in
    `form_rows` (the 2021 layout below, the 2019 one in reportkit.format2019)."""

    if TYPE_CHECKING:
        total: ApplicantRow | None

    def form_rows(self) -> tuple[Row, ...]:
        """Return the table's rows on the paper form, in order."""
        raise NotImplementedError

    def row(self, key: str) -> ApplicantRow | None:
        """Return the row at a dotted key such as ``withheld.state_secret`` (None: the
        （七）总计 row left out, or a row that could not be read)."""
        node: Any = self
        for part in key.split("."):
            if not node.has(part):
                return None
            node = getattr(node, part)
        return node  # type: ignore[no-any-return]

    def _numbered(self) -> tuple[Row, ...]:
        """The numbered rows of 三、本年度办理结果: all but the first two and last two."""
        return self.form_rows()[2:-2]

    def outcome_rows(self) -> Iterator[tuple[Row, ApplicantRow]]:
        """Yield the numbered rows of 三、本年度办理结果, without （七）总计."""
        for row in self._numbered():
            value = self.row(row.key)
            assert value is not None
            yield row, value

    def computed_total(self) -> ApplicantRow:
        """Return the （七）总计 row as the sum of the numbered rows (never validated against
        the cell limit: a sum may exceed it, which the checks report)."""
        rows = [r for _, r in self.outcome_rows()]
        sums = {c.key: sum(getattr(r, c.key) for r in rows) for c in APPLICANT_COLUMNS[:-1]}
        return ApplicantRow.model_construct(**sums, total=sum(r.computed_total() for r in rows))

    def with_totals(self, keep_given: bool = True) -> Self:
        """Return the table with every omitted total computed (with `keep_given` false, every
        total computed, given ones ignored). A （七）总计 row left out is the sum of the numbered
        rows; one given without its 总计 gets the sum of its own six columns."""
        update: dict[str, Any] = {}
        for row in self.form_rows():
            value = self.row(row.key)
            if row.key == "total" or value is None:
                continue
            key, *rest = row.key.split(".")
            filled = value.filled() if keep_given else value.recomputed()
            if rest:
                group = update.get(key) or getattr(self, key)
                update[key] = group.model_copy(update={rest[0]: filled})
            else:
                update[key] = filled
        if not self.has("total"):
            pass  # given, but not readable: it stays out
        elif self.total is not None and keep_given:
            update["total"] = self.total.filled()
        elif all(self.row(r.key) is not None for r in self._numbered()):
            update["total"] = self.computed_total()
        return self.model_copy(update=update)


class Applications(ApplicationsTable):
    """Table of part 三 (收到和处理政府信息公开申请情况)."""

    received: ApplicantRowIn
    carried_over: ApplicantRowIn
    disclosed: ApplicantRowIn
    partly_disclosed: ApplicantRowIn
    withheld: Withheld
    unavailable: Unavailable
    not_processed: NotProcessed
    other_handling: OtherHandling
    total: ApplicantRowIn | None = None
    carried_forward: ApplicantRowIn

    def form_rows(self) -> tuple[Row, ...]:
        return APPLICATION_ROWS


class Appeals(_Strict):
    """Table of part 四 (政府信息公开行政复议、行政诉讼情况)."""

    review: OutcomeRowIn
    lawsuit_direct: OutcomeRowIn
    lawsuit_after_review: OutcomeRowIn

    def with_totals(self, keep_given: bool = True) -> Appeals:
        """Return the table with every omitted total computed (or every total, ignoring the
        given ones, when `keep_given` is false)."""
        return self.model_copy(
            update={
                row.key: getattr(self, row.key).filled()
                if keep_given
                else getattr(self, row.key).recomputed()
                for row in APPEAL_ROWS
                if self.has(row.key)
            }
        )


# --------------------------------------------------------------------------------------------
# Narrative.


def _paragraph_from_string(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


class Block(_Strict):
    """One paragraph of narrative: plain, with a run-in lead phrase, or a standing sub-head."""

    text: str = ""
    lead: str = ""
    heading: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> Block:
        if self.heading and (self.text or self.lead):
            raise PydanticCustomError("heading_with_text", "a heading stands alone")
        if not (self.heading or self.text or self.lead):
            raise PydanticCustomError("empty_block", "empty paragraph")
        return self


BlockIn = Annotated[Block, BeforeValidator(_paragraph_from_string)]


class Part(_Strict):
    text: list[BlockIn] = []
    draft: bool = False  # set by `reportkit new --from`: last year's text, to be rewritten


class TablePart(Part):
    """A part with a table: text before it (`text`) and after it (`after_table`)."""

    after_table: list[BlockIn] = []


class OtherMatters(Part):
    """Part 六, which also reports the 信息处理费 collected in the year."""

    info_processing_fee: Amount  # 元


# --------------------------------------------------------------------------------------------
# The agency and the report.

Level = Literal[
    "town",
    "subdistrict",
    "county_department",
    "county_government",
    "prefecture_department",
    "prefecture_government",
    "provincial_department",
    "provincial_government",
    "other",
]


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
"""A name: blanks around it are dropped, blanks alone refused, and no agency's name is longer
than 100 characters (a longer one is pasted text, and would not fit a file name)."""


class Agency(_Strict):
    name: Name
    short_name: Name
    level: Level
    county: str = ""
    prefecture: str = ""
    province: str = ""
    # left empty by `reportkit new` for the clerk: the FILL check asks for them (model: keys)
    contact_office: str
    phone: str
    fax: str = ""
    address: str = ""
    postcode: str = ""


SentenceOverride = str | bool  # text replaces a sentence, false switches it off, true on


class Document(_Strict):
    """What every report kind shares once read: where its keys are written, the warnings reading
    it gave, and, for a report read in part, the places that could not be read (a report kind,
    such as `Report` here or the 2019 format's, is a `Document` with its own fields)."""

    # the rules of reportkit.check that apply to the kind, by name (None: every one)
    CHECKED_BY: ClassVar[frozenset[str] | None] = None

    _locator: Locator = PrivateAttr(default_factory=lambda: Locator([]))
    _notes: list[Any] = PrivateAttr(default_factory=list)
    _broken: frozenset[str] = PrivateAttr(default=frozenset())

    @classmethod
    def label(cls, loc: tuple[str | int, ...]) -> str:
        """Return the paper form's label for a place in the data (the kind's own labels)."""
        return ""

    def located(
        self,
        locator: Locator,
        notes: list[Any] | None = None,
        broken: frozenset[str] = frozenset(),
    ) -> Self:
        """Return the report, remembering the files it came from, where its keys are, the
        warnings reading it gave (problems, reported with the checks'), and, for a report read
        in part, the dotted places that could not be read."""
        self._locator = locator
        self._notes = list(notes or [])
        self._broken = broken
        return self

    @property
    def broken(self) -> frozenset[str]:
        """Return the places that could not be read (empty for a report read whole)."""
        return self._broken

    @property
    def notes(self) -> list[Any]:
        """Return the warnings found while reading the data (e.g. control characters removed)."""
        return self._notes

    @property
    def source(self) -> str:
        """Return the name of the data file the report was loaded from (or '')."""
        return self._locator.source

    def where(self, *keys: str | int) -> tuple[str, int | None]:
        """Return the file and line where the key path `keys` is written."""
        return self._locator.where(keys)

    def readable(self, dotted: str) -> bool:
        """True when the place `dotted` (e.g. ``applications.received``) was read whole: no
        problem of reading lies in it, or above it."""
        return not any(
            b == dotted or b.startswith(f"{dotted}.") or dotted.startswith(f"{b}.")
            for b in self._broken
        )

    def where_paragraph(self, path: str) -> tuple[str, int | None]:
        """Return the file and line of the paragraph `path` names (as `narrative` yields it,
        e.g. ``part3.after_table[2]``): the paragraph's own line, not its array's."""
        dotted, _, index = path.partition("[")
        keys: list[str | int] = list(dotted.split("."))
        if index.rstrip("]").isdigit():
            keys.append(int(index.rstrip("]")))
        return self.where(*keys)

    def narrative(self) -> Iterator[tuple[str, Block]]:
        """Yield every narrative paragraph with its key path, e.g. ``part3.after_table[0]``."""
        for name in ("part1", "part2", "part3", "part4", "part5", "part6"):
            part = getattr(self, name, None)
            for field in ("text", "after_table"):
                for index, block in enumerate(getattr(part, field, [])):
                    yield f"{name}.{field}[{index}]", block


class Report(Document):
    """One annual report: everything the document is made from."""

    format: Literal["gov-info-disclosure-2021"] = FORMAT_2021
    locale: Literal["zh-CN", "en"] = "zh-CN"
    sample: bool = False
    year: StrictInt
    date: dt.date
    legal_basis: list[str] = ["《中华人民共和国政府信息公开条例》"]
    previous: str = ""  # last year's data file, relative to this one (rules X, R, 雷同)
    rulebook: str = ""  # a county's own sentence rules, relative to the file that names it
    deadline: dt.date | None = None  # publication deadline set locally (towns, subdistricts)
    agency: Agency
    sentences: dict[str, SentenceOverride] = {}
    part1: Part = Part()
    part2: TablePart = TablePart()
    part3: TablePart = TablePart()
    part4: TablePart = TablePart()
    part5: Part = Part()
    part6: OtherMatters
    proactive: Proactive
    applications: Applications
    appeals: Appeals

    @classmethod
    def label(cls, loc: tuple[str | int, ...]) -> str:
        return label_of(loc)

    @field_validator("year")
    @classmethod
    def _format_year(cls, year: int) -> int:
        if year < FIRST_YEAR:
            raise PydanticCustomError(
                "year_before_2021", "the 2019 format (years before 2021) is not supported"
            )
        if year > 2100:
            raise PydanticCustomError("year_too_late", "not a plausible report year")
        return year

    def complete(self) -> Report:
        """Return a copy with every omitted total computed (given totals are kept as given)."""
        return self._with_totals(keep_given=True)

    def recomputed(self) -> Report:
        """Return a copy with every total computed from its parts, given totals ignored."""
        return self._with_totals(keep_given=False)

    def _with_totals(self, keep_given: bool) -> Report:
        # Copies, not re-validation: a computed total may exceed the cell limit (the checks say
        # so, located), and a report read only in part (see `reportkit.load.read`) has tables
        # missing, which stay missing.
        update: dict[str, Any] = {}
        if self.has("applications"):
            update["applications"] = self.applications.with_totals(keep_given)
        if self.has("appeals"):
            update["appeals"] = self.appeals.with_totals(keep_given)
        return self.model_copy(update=update, deep=False)


# --------------------------------------------------------------------------------------------
# The paper form's rows, in order. The only place the Chinese row labels are spelled.

_G3, _G4, _G5, _G6 = "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"

APPLICATION_ROWS: tuple[Row, ...] = (
    Row("received", "一、本年新收政府信息公开申请数量"),
    Row("carried_over", "二、上年结转政府信息公开申请数量"),
    Row("disclosed", "（一）予以公开"),
    Row("partly_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    Row("withheld.state_secret", "1.属于国家秘密", _G3),
    Row("withheld.prohibited_by_law", "2.其他法律行政法规禁止公开", _G3),
    Row("withheld.security_stability", "3.危及“三安全一稳定”", _G3),
    Row("withheld.third_party_rights", "4.保护第三方合法权益", _G3),
    Row("withheld.internal_affairs", "5.属于三类内部事务信息", _G3),
    Row("withheld.process_information", "6.属于四类过程性信息", _G3),
    Row("withheld.enforcement_files", "7.属于行政执法案卷", _G3),
    Row("withheld.inquiry_matters", "8.属于行政查询事项", _G3),
    Row("unavailable.not_held", "1.本机关不掌握相关政府信息", _G4),
    Row("unavailable.needs_creation", "2.没有现成信息需要另行制作", _G4),
    Row("unavailable.still_unclear", "3.补正后申请内容仍不明确", _G4),
    Row("not_processed.complaint", "1.信访举报投诉类申请", _G5),
    Row("not_processed.repeated", "2.重复申请", _G5),
    Row("not_processed.publication", "3.要求提供公开出版物", _G5),
    Row("not_processed.excessive", "4.无正当理由大量反复申请", _G5),
    Row("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息", _G5),
    Row(
        "other_handling.no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        _G6,
    ),
    Row(
        "other_handling.unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        _G6,
    ),
    Row("other_handling.other", "3.其他", _G6),
    Row("total", "（七）总计"),
    Row("carried_forward", "四、结转下年度继续办理"),
)
APPLICATION_RESULTS_LABEL = "三、本年度办理结果"
APPLICATION_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

APPEAL_ROWS: tuple[Row, ...] = (
    Row("review", "行政复议"),
    Row("lawsuit_direct", "未经复议直接起诉", "行政诉讼"),
    Row("lawsuit_after_review", "复议后起诉", "行政诉讼"),
)

PROACTIVE_ROWS: tuple[Row, ...] = (
    Row("rules", "规章", "第二十条第（一）项"),
    Row("normative_documents", "行政规范性文件", "第二十条第（一）项"),
    Row("licensing", "行政许可", "第二十条第（五）项"),
    Row("penalties", "行政处罚", "第二十条第（六）项"),
    Row("coercion", "行政强制", "第二十条第（六）项"),
    Row("fees", "行政事业性收费", "第二十条第（八）项"),
)

PART_HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

LEVEL_LABELS: dict[str, str] = {
    "town": "乡镇人民政府",
    "subdistrict": "街道办事处",
    "county_department": "县级人民政府部门",
    "county_government": "县级人民政府",
    "prefecture_department": "设区的市级人民政府部门",
    "prefecture_government": "设区的市级人民政府",
    "provincial_department": "省级人民政府部门",
    "provincial_government": "省级人民政府",
    "other": "其他行政机关",
}


_TABLE_OF = {"proactive": "二", "applications": "三", "appeals": "四"}


def label_of(loc: tuple[str | int, ...]) -> str:
    """Return the paper form's label for a place in the data, e.g. ``三：（七）总计 × 自然人``.

    `loc` is a key path into the data file; places outside the three tables have no label.
    """
    if not loc or loc[0] not in _TABLE_OF:
        return ""
    keys = [str(k) for k in loc[1:]]
    rows = {"proactive": PROACTIVE_ROWS, "applications": APPLICATION_ROWS, "appeals": APPEAL_ROWS}
    columns = {
        "proactive": DOCUMENT_COLUMNS,
        "applications": APPLICANT_COLUMNS,
        "appeals": OUTCOME_COLUMNS,
    }[str(loc[0])]
    for row in rows[str(loc[0])]:
        depth = row.key.count(".") + 1
        if ".".join(keys[:depth]) != row.key:
            continue
        group = f"{row.group}·" if loc[0] == "appeals" and row.group else row.group
        if loc[0] == "proactive":
            group = ""
        text = f"{_TABLE_OF[str(loc[0])]}：{group}{row.label}"
        rest = keys[depth:]
        column = next((c for c in columns if rest and c.key == rest[0]), None)
        return f"{text} × {column.label}" if column else text
    return ""

"""The sentence rulebooks: every rule, in Chinese and English, for zero, one, many and decimals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import cn2an
import pytest

import reportkit
from reportkit import jinjaenv
from reportkit.load import validate
from reportkit.narrate import narrate
from tests.helpers import FIXTURES

ZH = reportkit.load(FIXTURES / "jiangpo-2022.toml").model_dump()
EN = reportkit.load(FIXTURES / "jiangpo-2022.en.toml").model_dump()
ON = {"part2": True, "part3": True, "part4": True}


def report(base: dict[str, Any], **changes: Any) -> reportkit.Report:
    """The base report with figures changed: keys are dotted paths, values lists or numbers."""
    data = {**base, "sentences": {**base["sentences"], **ON}}
    data = _deep(data)
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        node = data
        for part in parents:
            node = node[part]
        if isinstance(value, list) and isinstance(node[leaf], dict):
            keys = [k for k in node[leaf] if k != "total"]
            totalled = {"total": None} if "total" in node[leaf] else {}
            node[leaf] = {**dict(zip(keys, value, strict=True)), **totalled}
        else:
            node[leaf] = value
    return validate(data)


def _deep(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _deep(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_deep(v) for v in data]
    return data


def sentence(
    base: dict[str, Any], rule: str, last: dict[str, Any] | None = None, **changes: Any
) -> str | None:
    this = report(base, **changes)
    previous = report(base, **last) if last is not None else None
    return narrate(this, previous=previous).sentences.get(rule)


# A case: rule id, the figures changed (applications__received = six columns…), last year's
# figures changed (None: no last year), and the exact sentence (None: no sentence).
BALANCED_ONE = {
    "applications__received": [1, 0, 0, 0, 0, 0],
    "applications__disclosed": [1, 0, 0, 0, 0, 0],
    "applications__total": None,
}
BALANCED_MANY = {
    "applications__received": [20, 3, 0, 0, 0, 0],
    "applications__carried_over": [2, 0, 0, 0, 0, 0],
    "applications__disclosed": [12, 2, 0, 0, 0, 0],
    "applications__partly_disclosed": [3, 0, 0, 0, 0, 0],
    "applications__unavailable__not_held": [4, 1, 0, 0, 0, 0],
    "applications__carried_forward": [3, 0, 0, 0, 0, 0],
    "applications__total": None,
}

ZH_CASES = [
    ("part2.rules", {}, None, "本年度未制发、废止规章，现行有效规章0件。"),
    (
        "part2.rules",
        {"proactive__rules": [1, 0, 1]},
        None,
        "本年度制发规章1件，废止0件，现行有效1件。",
    ),
    (
        "part2.rules",
        {"proactive__rules": [9, 2, 30]},
        {"proactive__rules": [8, 0, 23]},
        "本年度制发规章9件（较上年增加1件，增长12.5%），废止2件，现行有效30件。",
    ),
    (
        "part2.rules",
        {"proactive__rules": [3, 0, 3]},
        {"proactive__rules": [0, 0, 0]},
        "本年度制发规章3件（较上年增加3件），废止0件，现行有效3件。",
    ),
    (
        "part2.normative_documents",
        {"proactive__normative_documents": [4, 4, 10]},
        {"proactive__normative_documents": [4, 0, 10]},
        "本年度制发行政规范性文件4件（与上年持平），废止4件，现行有效10件。",
    ),
    (
        "part2.normative_documents",
        {},
        None,
        "本年度未制发、废止行政规范性文件，现行有效行政规范性文件0件。",
    ),
    ("part2.decisions", {}, None, "本年度未作出行政许可、行政处罚和行政强制决定。"),
    ("part2.decisions", {"proactive__licensing": 1}, None, "本年度作出行政许可决定1件。"),
    (
        "part2.decisions",
        {"proactive__licensing": 447228, "proactive__coercion": 3},
        None,
        "本年度作出行政许可决定447228件和行政强制决定3件。",
    ),
    ("part2.fees", {}, None, "本年度未收取行政事业性收费。"),
    ("part2.fees", {"proactive__fees": Decimal("1.5")}, None, "本年度收取行政事业性收费1.5万元。"),
    (
        "part2.fees",
        {"proactive__fees": Decimal("96171.6")},
        None,
        "本年度收取行政事业性收费9.62亿元。",
    ),
    (
        "part2.fees",
        {"proactive__fees": Decimal("1.5")},
        {"proactive__fees": Decimal("2")},
        "本年度收取行政事业性收费1.5万元，较上年减少0.5万元，下降25.0%。",
    ),
    ("part3.none", {}, None, "本年度未收到政府信息公开申请，也无上年结转的申请。"),
    ("part3.none", BALANCED_ONE, None, None),
    ("part3.received", {}, None, None),
    (
        "part3.received",
        BALANCED_ONE,
        None,
        "本年度新收政府信息公开申请1件（自然人1件，法人或其他组织0件）；无上年结转的申请。",
    ),
    (
        "part3.received",
        BALANCED_MANY,
        {
            **BALANCED_MANY,
            "applications__received": [16, 4, 0, 0, 0, 0],
            "applications__carried_over": [3, 0, 0, 0, 0, 0],
            "applications__carried_forward": [4, 0, 0, 0, 0, 0],
        },
        "本年度新收政府信息公开申请23件（自然人20件，法人或其他组织3件），较上年增加3件，增长15.0%；"
        "上年结转2件。",
    ),
    ("part3.handled", {}, None, None),
    ("part3.handled", BALANCED_ONE, None, "本年度办理政府信息公开申请1件：一是予以公开1件。"),
    (
        "part3.handled",
        BALANCED_MANY,
        None,
        "本年度办理政府信息公开申请22件：一是予以公开14件；二是部分公开3件；三是无法提供5件。",
    ),
    (
        "part3.share",
        BALANCED_ONE,
        None,
        "予以公开和部分公开的申请占办理总数的100.0%（（一）予以公开与（二）部分公开之和除以（七）总计，"
        "四舍五入保留一位小数）。",
    ),
    (
        "part3.share",
        BALANCED_MANY,
        None,
        "予以公开和部分公开的申请占办理总数的77.3%（（一）予以公开与（二）部分公开之和除以（七）总计，"
        "四舍五入保留一位小数）。",
    ),
    ("part3.carried_forward", {}, None, None),
    ("part3.carried_forward", BALANCED_ONE, None, "无结转下年度继续办理的申请。"),
    ("part3.carried_forward", BALANCED_MANY, None, "结转下年度继续办理3件。"),
    ("part4.none", {}, None, "本年度未发生政府信息公开行政复议、行政诉讼案件。"),
    ("part4.none", {"appeals__review": [1, 0, 0, 0]}, None, None),
    ("part4.review", {}, None, None),
    (
        "part4.review",
        {"appeals__lawsuit_direct": [1, 0, 0, 0]},
        None,
        "本年度未发生政府信息公开行政复议案件。",
    ),
    (
        "part4.review",
        {"appeals__review": [1, 0, 0, 0]},
        None,
        "本年度发生政府信息公开行政复议1件，其中结果维持1件。",
    ),
    (
        "part4.review",
        {"appeals__review": [72, 64, 178, 37]},
        {"appeals__review": [70, 60, 170, 51]},
        "本年度发生政府信息公开行政复议351件（与上年持平），其中结果维持72件、结果纠正64件、"
        "其他结果178件和尚未审结37件。",
    ),
    (
        "part4.lawsuit",
        {"appeals__review": [1, 0, 0, 0]},
        None,
        "本年度未发生政府信息公开行政诉讼案件。",
    ),
    (
        "part4.lawsuit",
        {"appeals__lawsuit_direct": [13, 4, 8, 1], "appeals__lawsuit_after_review": [12, 1, 1, 6]},
        None,
        "本年度发生政府信息公开行政诉讼46件（未经复议直接起诉26件，复议后起诉20件），其中结果维持25件、"
        "结果纠正5件、其他结果9件和尚未审结7件。",
    ),
    ("part6.admin_fees", {}, None, "2022年度无收取行政事业性收费情况。"),
    (
        "part6.admin_fees",
        {"proactive__fees": Decimal("0.50")},
        None,
        "2022年度收取行政事业性收费0.50万元。",
    ),
    (
        "preamble.contact",
        {"agency__fax": ""},
        None,
        "如对本报告有疑问，请与江坡镇党政、工作开展办公室联系，电话：5351021。",
    ),
    (
        "preamble.contact",
        {"agency__fax": "5351022", "agency__address": "江坡镇", "agency__postcode": "675500"},
        None,
        "如对本报告有疑问，请与江坡镇党政、工作开展办公室联系（地址：江坡镇，邮编：675500），"
        "电话：5351021，传真：5351022。",
    ),
    ("date", {"date": dt.date(2023, 12, 1)}, None, "2023年12月1日"),
]


@pytest.mark.parametrize(
    ("rule", "changes", "last", "expected"),
    ZH_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(ZH_CASES)],
)
def test_chinese_rule(
    rule: str, changes: dict[str, Any], last: dict[str, Any] | None, expected: str | None
) -> None:
    assert sentence(ZH, rule, last, **changes) == expected


EN_CASES = [
    (
        "part2.rules",
        {},
        None,
        "No rules were issued or repealed this year; no rules remained in force.",
    ),
    (
        "part2.rules",
        {"proactive__rules": [1, 0, 1]},
        None,
        "This year one rule was issued and zero repealed; one is in force.",
    ),
    (
        "part2.rules",
        {"proactive__rules": [9, 2, 30]},
        {"proactive__rules": [8, 0, 23]},
        "This year nine rules were issued (up 1 (12.5%) on last year) and two repealed; 30 are in force.",
    ),
    (
        "part2.decisions",
        {},
        None,
        "No decisions on administrative licensing, penalties or coercive measures were made this year.",
    ),
    (
        "part2.decisions",
        {"proactive__licensing": 1},
        None,
        "This year the agency made one licensing decision.",
    ),
    (
        "part2.decisions",
        {"proactive__licensing": 447228, "proactive__penalties": 3},
        None,
        "This year the agency made 447,228 licensing decisions and three penalty decisions.",
    ),
    (
        "part2.fees",
        {"proactive__fees": Decimal("1.5")},
        {"proactive__fees": Decimal("1.5")},
        "Administrative fees of 1.5 ten-thousand yuan were charged this year, the same as last year.",
    ),
    (
        "part3.none",
        {},
        None,
        "The agency received no applications for disclosure this year, and none were carried over from last year.",
    ),
    (
        "part3.received",
        BALANCED_ONE,
        None,
        "The agency received one new application (one from individuals, zero from legal persons and other "
        "organisations); no applications were carried over from last year.",
    ),
    (
        "part3.received",
        BALANCED_MANY,
        None,
        "The agency received 23 new applications (20 from individuals, three from legal persons and other "
        "organisations); two applications were carried over from last year.",
    ),
    ("part3.handled", BALANCED_ONE, None, "The agency handled one application: one disclosed."),
    (
        "part3.handled",
        BALANCED_MANY,
        None,
        "The agency handled 22 applications: 14 disclosed, three partly disclosed and five could not be provided.",
    ),
    (
        "part3.share",
        BALANCED_MANY,
        None,
        "Applications disclosed in full or in part made up 77.3% of those handled (rows (1) and (2) over "
        "row (7), rounded half-up to one decimal place).",
    ),
    (
        "part3.carried_forward",
        BALANCED_ONE,
        None,
        "No applications were carried forward to next year.",
    ),
    (
        "part3.carried_forward",
        {
            **BALANCED_MANY,
            "applications__carried_forward": [1, 0, 0, 0, 0, 0],
            "applications__received": [18, 3, 0, 0, 0, 0],
        },
        None,
        "One application was carried forward to next year.",
    ),
    (
        "part4.none",
        {},
        None,
        "There were no administrative reconsiderations or lawsuits concerning government information "
        "disclosure this year.",
    ),
    (
        "part4.review",
        {"appeals__review": [1, 0, 0, 0]},
        None,
        "There was one administrative reconsideration this year: one upheld.",
    ),
    (
        "part4.review",
        {"appeals__review": [72, 64, 178, 37]},
        None,
        "There were 351 administrative reconsiderations this year: 72 upheld, 64 corrected, 178 otherwise "
        "concluded and 37 pending.",
    ),
    (
        "part4.lawsuit",
        {"appeals__lawsuit_direct": [0, 0, 0, 2]},
        None,
        "There were two administrative lawsuits this year (two filed directly, zero after reconsideration): "
        "two pending.",
    ),
    ("part6.admin_fees", {}, None, "No administrative fees were charged in 2022."),
    (
        "part6.admin_fees",
        {"proactive__fees": Decimal("0.50")},
        None,
        "Administrative fees of 0.50 ten-thousand yuan were charged in 2022.",
    ),
    (
        "part6.info_processing_fee",
        {"sentences": {"part6.info_processing_fee": True}},
        None,
        "In 2022, this agency charged no information processing fees.",
    ),
    ("date", {}, None, "10 January 2023"),
]


@pytest.mark.parametrize(
    ("rule", "changes", "last", "expected"),
    EN_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(EN_CASES)],
)
def test_english_rule(
    rule: str, changes: dict[str, Any], last: dict[str, Any] | None, expected: str | None
) -> None:
    assert sentence(EN, rule, last, **changes) == expected


def test_optional_sentences_are_off_by_default() -> None:
    seed = reportkit.load(FIXTURES / "jiangpo-2022.toml")
    assert not [i for i in narrate(seed).sentences if i.startswith(("part2", "part3", "part4"))]


def test_one_sentence_can_be_switched_on_by_id() -> None:
    data = {**ZH, "sentences": {**ZH["sentences"], "part4.none": True}}
    ids = [i for i in narrate(validate(data)).sentences if i.startswith("part4")]
    assert ids == ["part4.none"]


def test_county_rulebook_adds_and_replaces_rules(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "rules.toml").write_text(
        '[[sentence]]\nid = "part6.admin_fees"\nslot = "part6"\ntext = "本县统一说明：{{ year }}年无此项收费。"\n'
        '[[sentence]]\nid = "part6.county"\nslot = "part6"\ntext = "{{ agency.county }}政务公开工作要点已落实。"\n',
        encoding="utf-8",
    )
    text = (
        (FIXTURES / "jiangpo-2022.toml")
        .read_text(encoding="utf-8")
        .replace("[agency]", 'rulebook = "rules.toml"\n\n[agency]', 1)
    )
    data = tmp_path / "data.toml"
    data.write_text(text, encoding="utf-8")
    sentences = narrate(reportkit.load(data)).sentences
    assert sentences["part6.admin_fees"] == "本县统一说明：2022年无此项收费。"
    assert sentences["part6.county"] == "牟定县政务公开工作要点已落实。"


@pytest.mark.parametrize(
    ("function", "args", "expected"),
    [
        (jinjaenv.cn_year, (2023,), "二〇二三"),
        (jinjaenv.cn_number, (12,), "十二"),
        (jinjaenv.cn_number, (0,), "零"),
        (jinjaenv.wan, (Decimal("1.5"),), "1.5万元"),
        (jinjaenv.wan, (Decimal("9999.99"),), "9999.99万元"),
        (jinjaenv.wan, (Decimal("96171.6"),), "9.62亿元"),
        (jinjaenv.wan, (Decimal("10000"),), "1亿元"),
        (jinjaenv.yuan, (3940,), "3940元"),
        (jinjaenv.yuan, (Decimal("12500"),), "1.25万元"),
        (jinjaenv.percent, (Decimal("0.1225"),), "12.3%"),
        (jinjaenv.percent, (Decimal("0.0005"),), "0.1%"),
        (jinjaenv.share, (0, 0), ""),
        (jinjaenv.share, (1, 3), "33.3%"),
        (jinjaenv.signed, (3,), "+3"),
        (jinjaenv.signed, (-2,), "-2"),
        (jinjaenv.yoy, (7, 7), "与上年持平"),
        (jinjaenv.yoy, (3, 0), "较上年增加3件"),
        (jinjaenv.yoy, (5, 10), "较上年减少5件，下降50.0%"),
        (jinjaenv.enumerate_cn, (["甲", "乙", "丙"],), "一是甲；二是乙；三是丙"),
        (jinjaenv.words, (0,), "zero"),
        (jinjaenv.words, (9,), "nine"),
        (jinjaenv.words, (10,), "10"),
        (jinjaenv.count, (0, "application"), "no applications"),
        (jinjaenv.count, (1, "application"), "one application"),
        (jinjaenv.count, (23, "application"), "23 applications"),
        (jinjaenv.yoy_en, (9, 8), "up 1 (12.5%) on last year"),
        (jinjaenv.yoy_en, (0, 4), "down 4 (100.0%) on last year"),
        (jinjaenv.en_date, (dt.date(2023, 1, 10),), "10 January 2023"),
        (jinjaenv.join_en, (["a", "b", "c"],), "a, b and c"),
    ],
    ids=lambda v: str(v) if not callable(v) else v.__name__,
)
def test_filters(function: Any, args: tuple[Any, ...], expected: str) -> None:
    assert function(*args) == expected


def test_where_cn2an_is_not_used_as_is() -> None:
    # cn2an writes years as numbers, and its money mode truncates: the filters do not.
    assert cn2an.an2cn(2023, "low") == "二千零二十三"
    assert jinjaenv.cn_year(2023) == "二〇二三"
    assert cn2an.an2cn("0.125", "rmb") == "壹角贰分"  # 0.125 truncated, not rounded
    assert jinjaenv.percent(Decimal("0.00125"), 2) == "0.13%"  # half-up
    assert round(12.25, 1) == 12.2 and jinjaenv.percent(Decimal("0.1225")) == "12.3%"


def test_english_fixture_renders_in_english(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import projection

    out = reportkit.render(FIXTURES / "jiangpo-2022.en.toml", tmp_path / "en.docx").output
    lines = projection(out)
    assert (
        lines[0]
        == "Annual Report on Government Information Disclosure of Jiangpo Town People's Government for 2022"
    )
    for heading in (
        "I. Overview",
        "II. Proactive Disclosure of Government Information",
        "V. Main Problems and Improvements",
        "VI. Other Matters to Report",
    ):
        assert heading in lines
    assert "(In this column, item 1 plus item 2 equals item 3 plus item 4)" in lines
    assert "No administrative fees were charged in 2022." in lines
    assert lines[-2:] == ["Jiangpo Town People's Government", "10 January 2023"]
    assert not any("\u4e00" <= ch <= "\u9fff" for line in lines for ch in line)

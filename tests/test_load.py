"""Loading: the data file's shapes, and every mistake as a located problem."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

import reportkit
from reportkit.errors import DataError
from reportkit.load import parse


def set_row(text: str, key: str, value: str) -> str:
    """Return `text` with the assignment of `key` (at the start of a line) given `value`."""
    pattern = re.compile(rf"^{re.escape(key)}\s*=.*$", re.MULTILINE)
    assert pattern.search(text), key
    return pattern.sub(lambda _: f"{key} = {value}", text, count=1)


def problems(text: str) -> list[reportkit.Problem]:
    with pytest.raises(DataError) as caught:
        parse(text, "t.toml")
    return caught.value.problems


def one(text: str) -> reportkit.Problem:
    found = problems(text)
    assert len(found) == 1, [p.format() for p in found]
    return found[0]


def test_seed_loads_with_every_figure(seed_text: str) -> None:
    report = parse(seed_text, "seed.toml")
    assert report.agency.name == "江坡镇人民政府"
    assert report.applications.not_processed.confirmation.total == 0
    assert report.proactive.fees == Decimal(0)


def test_rows_keyed_by_column_equal_rows_as_lists(seed_text: str) -> None:
    listed = seed_text.replace(
        "received                         = [0, 0, 0, 0, 0, 0, 0]", "received = [3, 1, 0, 0, 0, 2]"
    )
    keyed = seed_text.replace(
        "received                         = [0, 0, 0, 0, 0, 0, 0]",
        "received = { natural = 3, business = 1, research = 0, public_interest = 0, "
        "legal_services = 0, other = 2 }",
    )
    a, b = parse(listed).applications.received, parse(keyed).applications.received
    assert a == b
    assert (a.natural, a.business, a.other, a.total) == (3, 1, 2, None)
    assert parse(listed).complete().applications.received.total == 6


def test_omitted_totals_are_computed(huaian_text: str) -> None:
    text = set_row(huaian_text, "received", "[3001, 53, 0, 0, 61, 4]")
    text = set_row(text, "total", "[2932, 53, 0, 0, 61, 4, 3050]").replace(
        "total = [2932, 53, 0, 0, 61, 4, 3050]", ""
    )
    report = parse(text)
    assert report.applications.total is None and report.applications.received.total is None
    full = report.complete().applications
    assert full.received.total == 3119
    assert full.total is not None
    assert (full.total.natural, full.total.total) == (2932, 3050)


def test_amounts_keep_their_digits(seed_text: str) -> None:
    report = parse(seed_text.replace("fees      = 0", "fees      = 4166.241619"))
    assert report.proactive.fees == Decimal("4166.241619")
    assert str(report.proactive.fees) == "4166.241619"


def test_unknown_key_suggests_the_nearest(seed_text: str) -> None:
    found = problems(seed_text.replace("short_name =", "shortname ="))
    assert [(p.code, p.path, p.line) for p in found] == [
        ("missing", "agency.short_name", 12),  # the [agency] table
        ("unknown_key", "agency.shortname", 14),
    ]
    assert found[1].params == {"key": "shortname", "suggestion": "short_name"}
    assert (
        found[1].format()
        == "t.toml:14: agency.shortname: 未知的键「shortname」，是否应为「short_name」？"
    )


@pytest.mark.parametrize(
    ("old", "new", "code", "path", "label"),
    [
        (
            "licensing = 0",
            "licensing = 1.5",
            "fraction_count",
            "proactive.licensing",
            "二：行政许可",
        ),
        ("licensing = 0", "licensing = -2", "negative", "proactive.licensing", "二：行政许可"),
        (
            "licensing = 0",
            'licensing = "0"',
            "quoted_integer",
            "proactive.licensing",
            "二：行政许可",
        ),
        ("licensing = 0", 'licensing = "三"', "not_integer", "proactive.licensing", "二：行政许可"),
        (
            "licensing = 0",
            "licensing = 99999999999",
            "too_large",
            "proactive.licensing",
            "二：行政许可",
        ),
        ("fees      = 0", "fees      = nan", "not_finite", "proactive.fees", "二：行政事业性收费"),
        ("fees      = 0", "fees      = -1.5", "negative", "proactive.fees", "二：行政事业性收费"),
        (
            "not_processed.repeated           = [0, 0, 0, 0, 0, 0, 0]",
            "not_processed.repeated = [0, 0, 0, 0, 0, 0, 0, 0]",
            "row_length",
            "applications.not_processed.repeated",
            "三：（五）不予处理2.重复申请",
        ),
        (
            "not_processed.repeated           = [0, 0, 0, 0, 0, 0, 0]",
            "not_processed.repeated = [0, 0, 0, 0, 0, 0.5, 0]",
            "fraction_count",
            "applications.not_processed.repeated",
            "三：（五）不予处理2.重复申请 × 其他",
        ),
        (
            "review               = [0,       0,       0,       0,       0]",
            "review               = [0, 0, 0]",
            "row_length",
            "appeals.review",
            "四：行政复议",
        ),
        ("date = 2023-01-10", 'date = "next week"', "not_date", "date", ""),
        ("year = 2022", "year = 2020", "year_before_2021", "year", ""),
        ('level = "town"', 'level = "village"', "bad_level", "agency.level", ""),
    ],
    ids=[
        "fraction",
        "negative",
        "quoted-number",
        "text",
        "huge",
        "nan",
        "negative-fee",
        "too-many-values",
        "fraction-in-row",
        "too-few-values",
        "bad-date",
        "year-2020",
        "bad-level",
    ],
)
def test_bad_values_are_located_and_explained(
    seed_text: str, old: str, new: str, code: str, path: str, label: str
) -> None:
    assert old in seed_text
    problem = one(seed_text.replace(old, new, 1))
    assert (problem.code, problem.path, problem.label) == (code, path, label)
    lines = seed_text.replace(old, new, 1).splitlines()
    assert problem.line is not None and new.split("=")[0].strip() in lines[problem.line - 1]
    assert problem.file == "t.toml"


def test_year_before_2021_says_the_2019_format_is_unsupported(seed_text: str) -> None:
    problem = one(seed_text.replace("year = 2022", "year = 2019"))
    assert "2019 年版格式" in problem.format()
    assert "2019 format is not supported" in problem.format("en")


def test_missing_keys_are_all_reported_at_once(seed_text: str) -> None:
    text = seed_text.replace('phone = "5351021"\n', "").replace("licensing = 0", "")
    found = {(p.code, p.path) for p in problems(text)}
    assert found == {("missing", "agency.phone"), ("missing", "proactive.licensing")}


def test_syntax_error_names_line_and_column() -> None:
    problem = one('year = 2022\nname = "unclosed\n')
    assert problem.code == "toml_error" and problem.line == 2
    assert problem.format().startswith("t.toml:2: TOML 格式错误（第 17 列）：字符串缺少结尾的引号")


def test_bom_and_crlf_are_accepted(seed_text: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + seed_text.replace("\n", "\r\n").encode("utf-8"))
    assert reportkit.load(path).agency.short_name == "江坡镇"


def test_gbk_file_is_refused_with_advice(seed_text: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "gbk.toml"
    path.write_bytes(seed_text.encode("gb18030"))
    with pytest.raises(DataError) as caught:
        reportkit.load(path)
    assert caught.value.problems[0].code == "gbk_file"
    assert "GBK" in caught.value.format() and "另存为" in caught.value.format()


def test_narrative_block_shapes(seed_text: str) -> None:
    report = parse(seed_text)
    first, lead = report.part1.text[0], report.part1.text[1]
    assert first.text.startswith("江坡镇在认真贯彻") and not first.lead
    assert lead.lead == "（一）主动公开法定内容。"
    assert report.part5.text[0].heading == "（一）存在的问题"
    problem = one(
        seed_text.replace(
            '{ heading = "（一）存在的问题" }', '{ heading = "（一）存在的问题", text = "x" }'
        )
    )
    assert (problem.code, problem.path) == ("heading_with_text", "part5.text[0]")


# ---------------------------------------------------------------------------------------------
# TOML syntax errors, in the clerk's words, with hints for the usual mistakes


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            'name = "江坡镇',
            "TOML 格式错误（第 12 列）：字符串缺少结尾的引号。提示：这一行的英文双引号不成对",
        ),
        (
            "date = 2024-1-15",
            "一行只能写一项「键 = 值」，此处多出了内容。提示：日期应写成 2024-01-15 这样",
        ),
        ("date = 2024/01/15", "提示：日期应写成 2024-01-15 这样"),
        (
            "name = “江坡镇”",
            "值的写法不对：数字直接写，文字用英文双引号括起，列表用 [ ]。提示：这一行有中文全角符号「“”」",
        ),
        ("【agency】", "提示：这一行有中文全角符号「【】」"),
        ("r = [１, 2]", "提示：这一行有全角数字「１」，请改为半角数字"),
        (
            "r = [1，2, 3]",
            "列表缺少结尾的 ]，或列表的各项之间缺少英文逗号。提示：列表各项之间要用英文逗号 , 分隔，不能用「，」",
        ),
        ("date = 2023-02-30", "TOML 格式错误（第 8 列）：日期不成立或写法不对"),
        ("[agency", "表名缺少结尾的 ]"),
        ('p = "C:\\data"', "双引号中的反斜杠"),
    ],
    ids=[
        "quote",
        "date-short",
        "date-slash",
        "fullwidth-quotes",
        "fullwidth-brackets",
        "fullwidth-digits",
        "chinese-comma",
        "impossible-date",
        "header",
        "backslash",
    ],
)
def test_syntax_errors_are_explained_with_hints(line: str, expected: str) -> None:
    problem = one(f"year = 2022\n{line}\nx = 1\n")
    assert problem.line == 2
    assert expected in problem.format()
    assert "Expected" not in problem.format() and "Illegal" not in problem.format()
    assert "TOML syntax error" in problem.format("en")


# ---------------------------------------------------------------------------------------------
# Locations point at the right line


def test_a_paragraph_problem_points_at_the_paragraph(seed_text: str) -> None:
    text = seed_text.replace(
        '{ lead = "（三）加强政府信息管理。", text = ', '{ heading = "x", text = '
    )
    [problem] = problems(text)
    assert problem.path == "part1.text[3]"
    assert text.splitlines()[problem.line - 1].lstrip().startswith('{ heading = "x"')


def test_line_separators_and_quotes_inside_strings_do_not_shift_lines(seed_text: str) -> None:
    # U+2028/2029/0085 inside a string, and ''' inside a one-line string, are text, not lines
    odd = seed_text.replace('phone = "5351021"', "phone = \"5351021\u2028\u2029\u0085 it'''s\"")
    odd = odd.replace("licensing = 0", "licensing = -1")
    [problem] = problems(odd)
    assert problem.path == "proactive.licensing"
    assert odd.split("\n")[problem.line - 1].startswith("licensing = -1")


def test_a_missing_key_points_at_its_table(seed_text: str) -> None:
    found = problems(seed_text.replace("licensing = 0", ""))
    [problem] = [p for p in found if p.code == "missing"]
    assert problem.path == "proactive.licensing"
    assert seed_text.splitlines()[problem.line - 1] == "[proactive]"


def test_errors_print_in_chinese_by_default(seed_text: str) -> None:
    with pytest.raises(DataError) as caught:
        parse(seed_text.replace("licensing = 0", "licensing = -1"), "t.toml")
    assert str(caught.value) == caught.value.format() and "不能为负数" in str(caught.value)


def test_the_level_error_is_in_one_language(seed_text: str) -> None:
    problem = one(seed_text.replace('level = "town"', 'level = "twon"'))
    zh, en = problem.format(), problem.format("en")
    assert "town（乡镇）" in zh and '是否应为 "town"？' in zh and " or " not in zh
    assert 'did you mean "town"?' in en and "乡镇" not in en


@pytest.mark.parametrize(("typed", "number"), [('"12"', "12"), ('"１２"', "12"), ('" 7 "', "7")])
def test_a_number_in_quotes_is_told_to_lose_its_quotes(
    seed_text: str, typed: str, number: str
) -> None:
    # 「应为整数，实为 "12"」 leaves a clerk wondering what is not whole about 12
    problem = one(seed_text.replace("licensing = 0", f"licensing = {typed}", 1))
    assert problem.code == "quoted_integer"
    assert problem.message() == f"应为整数（数字不加引号：写 {number}），实为 {typed}"
    assert problem.message("en") == (
        f"expected a whole number (numbers take no quotes: write {number}), found {typed}"
    )


def test_long_strings_keys_and_blanks_are_scanned_in_strides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A 50 MB paragraph took a minute to locate, stepping one character at a time.
    from reportkit import locate

    steps = 0
    advance = locate._Scanner.advance

    def counted(self: locate._Scanner, count: int = 1) -> None:
        nonlocal steps
        steps += 1
        advance(self, count)

    monkeypatch.setattr(locate._Scanner, "advance", counted)
    long = "长" * 200_000
    text = (
        f'a = "{long}\\"{long}"\n'
        f"b = '{long}'\n"
        f'c = """\n{long}\\"""{long}\n"""\n'
        f"d = '''{long}\n{long}'''\n"
        f"{'k' * 200_000} {' ' * 200_000}= 1\n"
        "[t]\n"
        "e = [\n  'x',\n  \"y\",\n]\n"
    )
    lines = locate.KeyLines(text)
    assert lines.find(("a",)) == 1
    assert lines.find(("b",)) == 2
    assert lines.find(("c",)) == 3
    assert lines.find(("d",)) == 6
    assert lines.find(("k" * 200_000,)) == 8
    assert lines.find(("t", "e", 1)) == 12
    assert steps < 1000

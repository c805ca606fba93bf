"""The checks: every invalid fixture gives exactly its problems; valid data gives none."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reportkit
from reportkit.api import last_year
from reportkit.check import deadline
from reportkit.errors import DataError
from reportkit.fill import fill
from reportkit.load import parse, validate
from reportkit.model import APPEAL_ROWS, APPLICANT_COLUMNS, APPLICATION_ROWS, OUTCOME_COLUMNS
from tests.helpers import FIXTURES, projection

INVALID = sorted((FIXTURES / "invalid").glob("*.toml"))


def problems_of(path: Path) -> list[reportkit.Problem]:
    try:
        report = reportkit.load(path)
    except DataError as exc:
        return exc.problems
    return reportkit.check(report, last_year(report))


def test_every_required_defect_has_a_fixture() -> None:
    names = {p.stem for p in INVALID}
    required = {
        "a-balance",
        "b-total-row",
        "c-row-total",
        "t4-appeals-total",
        "x-carry-over",
        "r-in-force",
        "similar-to-last-year",
        "negative-count",
        "fraction-count",
        "blank-cell",
        "prose-mismatch",
        "date-in-report-year",
    }
    assert required <= names


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture_gives_exactly_its_problems(path: Path) -> None:
    expected = [
        line.removeprefix("# expect: ").replace("{file}", str(path))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# expect: ")
    ]
    assert expected, "a fixture must say what it expects"
    assert [p.format() for p in problems_of(path)] == expected


@pytest.mark.parametrize("name", ["jiangpo-2022", "huaian-2024"])
def test_valid_fixtures_have_no_problem_at_all(name: str) -> None:
    assert problems_of(FIXTURES / f"{name}.toml") == []


def test_five_defects_print_five_problems_in_one_run() -> None:
    path = FIXTURES / "invalid" / "five-defects.toml"
    result = subprocess.run(
        [sys.executable, "-m", "reportkit", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 6 and lines[-1] == "共发现 3 个错误、2 个警告"
    assert sorted(re.findall(r"\[(\w+)\]$", "\n".join(lines), re.M)) == ["C", "DL", "P", "T4"]


def test_warnings_exit_0_unless_strict() -> None:
    path = str(FIXTURES / "invalid" / "prose-mismatch.toml")
    run = [sys.executable, "-m", "reportkit", "check"]
    assert subprocess.run([*run, path], capture_output=True, timeout=60).returncode == 0
    assert subprocess.run([*run, "--strict", path], capture_output=True, timeout=60).returncode == 1


def test_previous_can_be_given_on_the_command_line(tmp_path: Path) -> None:
    text = (FIXTURES / "invalid" / "x-carry-over.toml").read_text(encoding="utf-8")
    data = tmp_path / "x.toml"
    data.write_text(re.sub(r"^previous = .*\n", "", text, flags=re.M), encoding="utf-8")
    base = [sys.executable, "-m", "reportkit", "check", str(data)]
    assert subprocess.run(base, capture_output=True, timeout=60).returncode == 0
    with_previous = subprocess.run(
        [*base, "--previous", str(FIXTURES / "jiangpo-2022.toml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert with_previous.returncode == 1 and "[X]" in with_previous.stdout


def test_missing_previous_file_is_named_where_it_is_set(tmp_path: Path) -> None:
    data = tmp_path / "x.toml"
    shutil.copy(FIXTURES / "invalid" / "x-carry-over.toml", data)
    with pytest.raises(DataError) as caught:
        last_year(reportkit.load(data))
    [problem] = caught.value.problems
    assert (problem.code, problem.path, problem.file) == (
        "previous_not_found",
        "previous",
        str(data),
    )
    assert problem.line == 11 and "jiangpo-2022.toml" in problem.format()


@pytest.mark.parametrize(
    ("level", "local", "expected"),
    [
        ("county_department", None, dt.date(2023, 1, 31)),
        ("provincial_department", None, dt.date(2023, 1, 31)),
        ("county_government", None, dt.date(2023, 3, 31)),
        ("town", None, None),
        ("town", dt.date(2023, 2, 15), dt.date(2023, 2, 15)),
    ],
    ids=["department", "provincial-department", "government", "town-unset", "town-local"],
)
def test_deadline_by_level(
    seed_text: str, level: str, local: dt.date | None, expected: dt.date | None
) -> None:
    text = seed_text.replace('level = "town"', f'level = "{level}"')
    if local:
        text = text.replace("date = 2023-01-10", f"date = 2023-01-10\ndeadline = {local}")
    assert deadline(parse(text)) == expected


def test_fill_writes_omitted_totals_and_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "h.toml"
    original = (FIXTURES / "huaian-2024.toml").read_text(encoding="utf-8")
    text = original.replace(
        "[ 3001,    53,     0,     0,    61,     4,  3119]",
        "[ 3001,    53,     0,     0,    61,     4]",
    )
    text = text.replace("[   72,    64,   178,    37,   351]", "[   72,    64,   178,    37]")
    path.write_text(text, encoding="utf-8")
    assert fill(path) == ["applications.received.total", "appeals.review.total"]
    filled = path.read_text(encoding="utf-8")
    # the same file, comments and all, but for the spacing tomlkit gives the new numbers
    assert filled.splitlines()[50].endswith("3119]  # 一、本年新收政府信息公开申请数量")
    assert "".join(filled.split()) == "".join(original.split())
    assert fill(path) == []  # nothing left to fill: the file is not touched again


def test_fill_adds_the_total_row_before_carried_forward(tmp_path: Path) -> None:
    path = tmp_path / "h.toml"
    shutil.copy(FIXTURES / "huaian-2024.toml", path)
    text = re.sub(r"^total .*\n", "", path.read_text(encoding="utf-8"), flags=re.M)
    path.write_text(text, encoding="utf-8")
    assert fill(path) == ["applications.total"]
    lines = path.read_text(encoding="utf-8").splitlines()
    # laid out like the rows around it: key padded, numbers under numbers, the label as comment
    row = "total                              = [ 2932,    53,     0,     0,    61,     4,  3050]"
    at = lines.index(row + "  # （七）总计")
    assert lines[at + 1].startswith("carried_forward                    = [  103,")
    assert lines[at + 1].index("[") == row.index("[")
    assert reportkit.check(reportkit.load(path)) == []


# ---------------------------------------------------------------------------------------------
# Property: figures satisfying every rule pass; any single changed cell is caught by a rule
# naming that cell's row or column.

counts = st.integers(min_value=0, max_value=500)


@st.composite
def consistent_tables(draw: st.DrawFn) -> dict[str, Any]:
    six = [c.key for c in APPLICANT_COLUMNS[:-1]]

    def row() -> dict[str, int]:
        cells = {k: draw(counts) for k in six}
        return {**cells, "total": sum(cells.values())}

    apps: dict[str, Any] = {}
    outcome_keys = [r.key for r in APPLICATION_ROWS[2:-2]]
    for key in outcome_keys:
        node = apps
        *parents, leaf = key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = row()
    total = {k: sum(_get(apps, key)[k] for key in outcome_keys) for k in [*six, "total"]}
    apps["total"] = total
    forward = row()
    carried = row()
    # 一 = 三（七） + 四 − 二, which must stay >= 0: raise 四 where needed
    received = {}
    for k in six:
        gap = total[k] + forward[k] - carried[k]
        if gap < 0:
            forward[k] -= gap
            gap = 0
        received[k] = gap
    forward["total"] = sum(forward[k] for k in six)
    received["total"] = sum(received.values())
    apps.update(received=received, carried_over=carried, carried_forward=forward)
    appeals = {}
    for group in APPEAL_ROWS:
        cells = {c.key: draw(counts) for c in OUTCOME_COLUMNS[:-1]}
        appeals[group.key] = {**cells, "total": sum(cells.values())}
    return {"applications": apps, "appeals": appeals}


def _get(tree: dict[str, Any], dotted: str) -> dict[str, int]:
    for part in dotted.split("."):
        tree = tree[part]
    return tree


def _with(seed: dict[str, Any], tables: dict[str, Any]) -> dict[str, Any]:
    return {**seed, **tables}


@pytest.fixture(scope="module")
def seed_data() -> dict[str, Any]:
    import tomllib
    from decimal import Decimal

    text = (FIXTURES / "jiangpo-2022.toml").read_text(encoding="utf-8")
    return tomllib.loads(text, parse_float=Decimal)


CELLS = [("applications", r.key, c.key) for r in APPLICATION_ROWS for c in APPLICANT_COLUMNS] + [
    ("appeals", r.key, c.key) for r in APPEAL_ROWS for c in OUTCOME_COLUMNS
]


@settings(max_examples=60, deadline=None)
@given(
    tables=consistent_tables(),
    cell=st.sampled_from(CELLS),
    delta=st.integers(min_value=-600, max_value=600).filter(bool),
)
def test_any_single_changed_cell_is_caught(
    seed_data: dict[str, Any], tables: dict[str, Any], cell: tuple[str, str, str], delta: int
) -> None:
    assert reportkit.check(validate(_with(seed_data, tables))) == []
    table, row, column = cell
    cells = _get(tables[table], row)
    cells[column] += delta
    try:
        found = reportkit.check(validate(_with(seed_data, tables)))
    except DataError as exc:  # the change made a count negative: caught when loading
        found = exc.problems
    row_path = f"{table}.{row}"
    labels = {c.key: c.label for c in (*APPLICANT_COLUMNS, *OUTCOME_COLUMNS)}
    assert any(
        p.severity == "error"
        and (p.path.startswith(row_path) or p.label.endswith(f"× {labels[column]}"))
        for p in found
    ), [p.format() for p in found]


def test_a_wrong_total_row_cell_is_rule_b_s_alone(seed_text: str) -> None:
    text = re.sub(r"^received .*$", "received = [1, 0, 0, 0, 0, 0, 1]", seed_text, flags=re.M)
    text = re.sub(r"^disclosed .*$", "disclosed = [1, 0, 0, 0, 0, 0, 1]", text, flags=re.M)
    text = re.sub(r"^total .*$", "total = [2, 0, 0, 0, 0, 0, 1]", text, flags=re.M)
    found = reportkit.check(parse(text, "t.toml"))
    assert [(p.rule, p.path) for p in found] == [("B", "applications.total.natural")]


def test_a_county_rule_that_fails_when_run_is_a_located_problem(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text(
        '[[sentence]]\nid = "part6.broken"\nslot = "part6"\ntext = "{{ year + \'元\' }}"\n',
        encoding="utf-8",
    )
    data = tmp_path / "data.toml"
    data.write_text(
        (FIXTURES / "jiangpo-2022.toml")
        .read_text(encoding="utf-8")
        .replace("[agency]", 'rulebook = "rules.toml"\n\n[agency]', 1),
        encoding="utf-8",
    )
    [problem] = reportkit.check(reportkit.load(data))
    assert problem.code == "sentence_failed" and "part6.broken" in problem.format()
    result = subprocess.run(
        [sys.executable, "-m", "reportkit", "render", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "内部错误" not in result.stderr
    assert "句子「part6.broken」无法生成" in result.stderr


def test_review_applications_are_not_counted_as_disclosure_applications(seed_text: str) -> None:
    text = seed_text.replace(
        "[part2]\ntext = [", '[part2]\ntext = [\n  "本年度收到行政复议申请2件。",', 1
    )
    [problem] = reportkit.check(parse(text, "t.toml"))
    assert problem.rule == "P" and "行政复议申请2件" in problem.format()
    assert "四：行政复议 × 总计" in problem.format()


# ---------------------------------------------------------------------------------------------
# Every problem at once, even when part of the file does not fit the format


def test_a_structural_error_does_not_hide_the_table_errors(tmp_path: Path) -> None:
    text = (FIXTURES / "huaian-2024.toml").read_text(encoding="utf-8")
    path = tmp_path / "h.toml"
    path.write_text(
        text.replace('phone = "0517-83606000"', "")  # a key missing
        .replace("[   34,     0,", "[   34,     0,     0,", 1)  # 上年结转: a row of 8 numbers
        .replace(
            "[ 1288,    21,     0,     0,    50,     3,  1362]",
            "[ 1288,    21,     0,     0,    50,     3,  1363]",
        )
        .replace(
            "review               = [   72,    64,   178,    37,   351]",
            "review               = [   72,    64,   178,    37,   350]",
        ),
        encoding="utf-8",
    )
    found = reportkit.check(path)
    by_rule = {(p.rule, p.code, p.path) for p in found}
    assert ("", "missing", "agency.phone") in by_rule
    assert ("", "row_length", "applications.carried_over") in by_rule
    assert ("C", "rule_sum", "applications.disclosed.total") in by_rule  # rows that were read
    assert ("T4", "rule_sum", "appeals.review.total") in by_rule
    [skipped] = [p for p in found if p.code == "rules_skipped"]
    assert skipped.severity == "warning"
    # A and X need 二、上年结转; the sentences and the deadline need the agency
    assert skipped.format() == (
        f"警告：{path}: 因 [agency] 单位信息、表三（依申请公开） 有误未能读取，"
        "以下校验未进行：标准句子、A、X、D、P、FILL；改正后请再次校验"
    )
    # in English, in English words and separators: no Chinese name of a check is left
    assert skipped.format("en") == (
        f"warning: {path}: [agency] 单位信息, 表三（依申请公开） could not be read, so these "
        "checks did not run: the standard sentences, A, X, D, P, FILL; check again once fixed"
    )


def test_a_2020_report_still_gets_its_table_errors(seed_text: str, tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    path.write_text(
        seed_text.replace("year = 2022", "year = 2020").replace(
            "review               = [0,       0,       0,       0,       0]",
            "review               = [1,       0,       0,       0,       0]",
        ),
        encoding="utf-8",
    )
    codes = [(p.code, p.rule) for p in reportkit.check(path)]
    assert ("year_before_2021", "") in codes and ("rule_sum", "T4") in codes


def test_render_lists_every_problem_and_writes_nothing(seed_text: str, tmp_path: Path) -> None:
    path = tmp_path / "j.toml"
    path.write_text(
        seed_text.replace('contact_office = "江坡镇党政、工作开展办公室"', "").replace(
            "review               = [0,       0,       0,       0,       0]",
            "review               = [1,       0,       0,       0,       0]",
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        reportkit.render(path, tmp_path / "j.docx")
    assert {p.code for p in caught.value.problems} >= {"missing", "rule_sum", "rules_skipped"}
    assert not (tmp_path / "j.docx").exists()


# ---------------------------------------------------------------------------------------------
# Totals left out are computed everywhere; computed totals are checked against the cell limit


def test_a_total_row_given_with_six_numbers_gets_its_total(
    huaian_text: str, tmp_path: Path
) -> None:
    text = huaian_text.replace(
        "[ 2932,    53,     0,     0,    61,     4,  3050]",
        "[ 2932,    53,     0,     0,    61,     4]",
    )
    report = reportkit.parse(text, "h.toml")
    assert report.applications.total is not None and report.applications.total.total is None
    assert report.complete().applications.total.total == 3050  # type: ignore[union-attr]
    assert reportkit.check(report) == []
    docx = tmp_path / "h.docx"
    reportkit.render(report, docx)
    cells = projection(docx)
    assert "None" not in cells and "3050" in cells
    path = tmp_path / "h.toml"
    path.write_text(text, encoding="utf-8")
    assert fill(path) == ["applications.total.total"]
    assert "[ 2932,    53,     0,     0,    61,     4,  3050]" in path.read_text(encoding="utf-8")


def test_a_computed_total_above_the_limit_is_a_located_problem(seed_text: str) -> None:
    text = seed_text.replace(
        "disclosed                        = [0, 0, 0, 0, 0, 0, 0]",
        "disclosed                        = [600000000, 600000000, 0, 0, 0, 0]",
    )
    found = reportkit.check(reportkit.parse(text, "t.toml"))
    maxed = [p for p in found if p.rule == "MAX"]
    assert [(p.path, p.line) for p in maxed] == [
        ("applications.disclosed.total", 62),
        ("applications.total.natural", 51),  # the （七）总计 row is computed: the table's line
        ("applications.total.business", 51),
        ("applications.total.total", 51),
    ] or {p.path for p in maxed} >= {"applications.disclosed.total", "applications.total.total"}
    assert all("超过单元格可填的最大数 1000000000" in p.format() for p in maxed)


# ---------------------------------------------------------------------------------------------
# Implausible values


@pytest.mark.parametrize(
    ("old", "new", "code", "path"),
    [
        ("date = 2023-01-10", "date = 2203-01-10", "rule_d_late", "date"),
        ('name = "江坡镇人民政府"', 'name = "   "', "empty_string", "agency.name"),
        ('phone = "5351021"', 'phone = "   "', "rule_fill", "agency.phone"),
        ('phone = "5351021"', 'phone = "0000000"', "rule_fill", "agency.phone"),
    ],
    ids=["date-far-off", "blank-name", "blank-phone", "placeholder-phone"],
)
def test_implausible_values_are_errors(
    seed_text: str, old: str, new: str, code: str, path: str
) -> None:
    assert old in seed_text
    found = (
        reportkit.check(reportkit.parse(seed_text.replace(old, new), "t.toml"))
        if code != "empty_string"
        else None
    )
    if found is None:
        with pytest.raises(DataError) as caught:
            reportkit.parse(seed_text.replace(old, new), "t.toml")
        found = caught.value.problems
    assert (code, path) in {(p.code, p.path) for p in found}


def test_previous_must_be_another_file_of_the_year_before(tmp_path: Path) -> None:
    this = tmp_path / "jiangpo-2022.toml"
    text = (FIXTURES / "jiangpo-2022.toml").read_text(encoding="utf-8")
    this.write_text(
        text.replace("year = 2022", 'previous = "jiangpo-2022.toml"\nyear = 2022'), encoding="utf-8"
    )
    [problem] = [p for p in reportkit.check(this) if p.severity == "error"]
    assert (problem.code, problem.path, problem.line) == ("previous_is_self", "previous", 8)
    other = tmp_path / "other.toml"
    other.write_text(text, encoding="utf-8")  # a 2022 report, not 2021
    this.write_text(
        text.replace("year = 2022", 'previous = "other.toml"\nyear = 2022'), encoding="utf-8"
    )
    [problem] = [p for p in reportkit.check(this) if p.severity == "error"]
    assert problem.code == "previous_wrong_year"
    assert "other.toml 是 2022 年度的报告，应为 2021 年度" in problem.format()
    # on the command line too
    plain = tmp_path / "plain.toml"
    plain.write_text(text, encoding="utf-8")
    [problem] = reportkit.check(plain, previous=other)
    assert (problem.code, problem.file) == ("previous_wrong_year", str(other))


# ---------------------------------------------------------------------------------------------
# --fill in a county folder reads the shared file it inherits


def test_fill_in_a_county_folder_inherits_the_shared_file(tmp_path: Path) -> None:
    county = tmp_path / "m"
    shutil.copytree(FIXTURES / "mouding-2022", county)
    anle = county / "anle.toml"
    anle.write_text(
        anle.read_text(encoding="utf-8").replace(
            "received                         = [5, 0, 0, 0, 0, 0, 5]",
            "received                         = [5, 0, 0, 0, 0, 0]",
        ),
        encoding="utf-8",
    )
    assert fill(anle) == ["applications.received.total"]
    assert "received                         = [5, 0, 0, 0, 0, 0, 5]" in anle.read_text("utf-8")
    assert [p for p in reportkit.check(anle) if p.severity == "error"] == []


def test_paragraph_warnings_point_at_the_paragraph_s_own_line(tmp_path: Path) -> None:
    # 雷同 (S) and prose-vs-table (P) warnings name part1.text[3]: the line must be that
    # paragraph's, not the line of `text = [`, or a clerk is sent to the wrong paragraph
    last = tmp_path / "江坡镇-2022.toml"
    shutil.copy(FIXTURES / "jiangpo-2022.toml", last)
    subprocess.run(
        [sys.executable, "-m", "reportkit", "new", "--from", str(last)],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=60,
    )
    data = tmp_path / "江坡镇-2023.toml"
    text = data.read_text(encoding="utf-8")
    assert "[part3]" not in text
    data.write_text(text + '\n[part3]\nafter_table = ["本年收到申请99件。"]\n', encoding="utf-8")
    lines = data.read_text(encoding="utf-8").splitlines()
    found = problems_of(data)
    similar = [p for p in found if p.rule == "S" and p.path.startswith("part1.text[")]
    assert len(similar) >= 2
    for problem in similar:
        index = int(problem.path.split("[")[1].rstrip("]"))
        quoted = lines[problem.line - 1]  # type: ignore[operator]
        assert quoted.strip() != "text = [", problem.format()
        assert problem.line == _element_line(data, "part1", "text", index)
    [prose] = [p for p in found if p.rule == "P" and p.path == "part3.after_table[0]"]
    assert "99件" in lines[prose.line - 1]  # type: ignore[operator]


def _element_line(data: Path, *loc: str | int) -> int | None:
    from reportkit.locate import KeyLines

    return KeyLines(data.read_text(encoding="utf-8")).find(loc)

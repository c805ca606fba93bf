"""Hostile sizes and hostile code: bounded work for bounded input, every case a located problem.

Each input here is small to write and would have cost minutes, gigabytes or a crash: a rulebook
or template looping for ever, a name longer than a file system allows, an agency naming code of
its own for the county's batch. What comes back is a problem a clerk can read, in seconds.
"""

from __future__ import annotations

import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document

import reportkit
from reportkit import batch
from reportkit.errors import DataError, ReportkitError, TemplateError
from reportkit.renderer import default_template
from tests.helpers import FIXTURES, run_cli

COUNTY = FIXTURES / "mouding-2022"


@pytest.fixture
def county(tmp_path: Path) -> Path:
    folder = tmp_path / "mouding-2022"
    shutil.copytree(COUNTY, folder)
    return folder


def with_rulebook(tmp_path: Path, rule: str) -> Path:
    """A copy of the seed naming a county rulebook that holds `rule` (a [[sentence]])."""
    (tmp_path / "county-rules.toml").write_text(rule, encoding="utf-8")
    data = tmp_path / "j.toml"
    text = (FIXTURES / "jiangpo-2022.toml").read_text(encoding="utf-8")
    data.write_text(
        text.replace("year = 2022", 'rulebook = "county-rules.toml"\nyear = 2022'), "utf-8"
    )
    return data


# ---------------------------------------------------------------------------------------------
# The sandbox has limits


@pytest.mark.parametrize(
    "text",
    [
        "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}{% endfor %}{% endfor %}{% endfor %}",
        "{{ range(100000000) | length }}",
        "{{ 'x' * 300000000 }}",
        "{{ [1] * 300000000 }}",
        "{{ 'x' | center(300000000) }}",
        "{{ '%300000000s' % 'x' }}",
        "{{ '{:300000000}'.format('x') }}",
        "{{ 9 ** 99999999 }}",
    ],
    ids=[
        "nested-loops",
        "huge-range",
        "string-times",
        "list-times",
        "center",
        "percent",
        "format",
        "power",
    ],
)
def test_a_hostile_rulebook_is_stopped_and_named(tmp_path: Path, text: str) -> None:
    rule = f'[[sentence]]\nid = "part6.hostile"\nslot = "part6"\ntext = """{text}"""\n'
    data = with_rulebook(tmp_path, rule)
    started = time.monotonic()
    found = reportkit.check(data)
    assert time.monotonic() - started < 60
    [problem] = [p for p in found if p.code == "sentence_failed"]
    assert problem.params["id"] == "part6.hostile"


def test_a_template_that_writes_without_end_is_stopped(tmp_path: Path) -> None:
    template = tmp_path / "t.docx"
    doc = Document()
    doc.add_paragraph("{% for i in range(10000) %}{{ 'x' * 999999 }}{% endfor %}")
    doc.save(str(template))
    started = time.monotonic()
    report = reportkit.load(FIXTURES / "jiangpo-2022.toml")
    with pytest.raises(TemplateError) as caught:  # the render stage itself, past the lint
        reportkit.document(report, reportkit.narrate(report), template)
    assert time.monotonic() - started < 60
    assert caught.value.problems[0].code == "template_failed"


def test_an_agency_may_name_a_rulebook_only_when_the_county_allows(
    county: Path, tmp_path: Path
) -> None:
    (county / "rules.toml.txt").write_text(
        '[[sentence]]\nid = "part6.extra"\nslot = "part6"\ntext = "本县规则。"\n', "utf-8"
    )
    gonghe = county / "gonghe.toml"
    gonghe.write_text('rulebook = "rules.toml.txt"\n' + gonghe.read_text("utf-8"), "utf-8")
    refused = batch.run(county, tmp_path / "out")
    agency = next(a for a in refused.agencies if a.data.name == "gonghe.toml")
    assert agency.status == "failed"
    assert [p.code for p in agency.problems] == ["rulebook_not_allowed"]
    shared = county / "county.toml"
    shared.write_text(shared.read_text("utf-8") + "\n[batch]\nagency_rulebooks = true\n", "utf-8")
    allowed = batch.run(county, tmp_path / "out")
    agency = next(a for a in allowed.agencies if a.data.name == "gonghe.toml")
    assert agency.status == "rendered"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('\n[batch]\nagency_rulebooks = "yes"\n', "batch.agency_rulebooks"),
        ('\ntotals = "x"\n', "totals"),
    ],
    ids=["rulebooks-not-bool", "totals-not-a-table"],
)
def test_a_wrong_county_setting_is_a_located_problem(
    county: Path, tmp_path: Path, text: str, key: str
) -> None:
    shared = county / "county.toml"
    original = shared.read_text("utf-8")
    if key == "totals":  # a key of the shared file's top level, in place of its [totals]
        original = re.sub(r"\[totals\.agency\].*", "", original, flags=re.S)
        shared.write_text(original.replace("year = 2022", 'totals = "x"\nyear = 2022'), "utf-8")
    else:
        shared.write_text(original + text, "utf-8")
    result = run_cli("batch", str(county), "-o", str(tmp_path / "out"), "--totals")
    assert result.returncode == 1
    assert f"county.toml 中的「{key}」应为" in result.stderr
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr


def test_a_totals_agency_that_is_not_a_table_is_located(county: Path, tmp_path: Path) -> None:
    shared = county / "county.toml"
    text = shared.read_text("utf-8")
    text = re.sub(r"\[totals\.agency\].*", '[totals]\nagency = "x"\n', text, flags=re.S)
    shared.write_text(text, "utf-8")
    result = batch.run(county, tmp_path / "out")
    with pytest.raises(DataError) as caught:
        batch.write_county_totals(result, county)
    [problem] = caught.value.problems
    assert (problem.code, problem.params["key"]) == ("county_setting", "totals.agency")
    assert problem.line is not None


# ---------------------------------------------------------------------------------------------
# Long names, invisible characters


def test_an_agency_name_of_100_chinese_characters_makes_its_files(
    county: Path, tmp_path: Path
) -> None:
    long_name = "很" * 95 + "镇人民政府"
    gonghe = county / "gonghe.toml"
    gonghe.write_text(
        gonghe.read_text("utf-8").replace('name = "共和镇人民政府"', f'name = "{long_name}"'),
        "utf-8",
    )
    result = batch.run(county, tmp_path / "out")
    agency = next(a for a in result.agencies if a.data.name == "gonghe.toml")
    assert agency.status == "rendered" and agency.output is not None
    assert len(agency.output.name.encode("utf-8")) <= 255
    assert agency.output.is_file()
    too_long = county / "too-long.toml"
    too_long.write_text(
        gonghe.read_text("utf-8").replace(f'name = "{long_name}"', f'name = "{"很" * 300}"'),
        "utf-8",
    )
    result = batch.run(county, tmp_path / "out")
    agency = next(a for a in result.agencies if a.data.name == "too-long.toml")
    assert agency.status == "failed" and agency.problems[0].code == "too_long"


def test_long_path_components_are_problems_not_crashes(tmp_path: Path) -> None:
    text = (FIXTURES / "jiangpo-2022.toml").read_text(encoding="utf-8")
    for key in ("previous", "rulebook"):
        data = tmp_path / f"{key}.toml"
        data.write_text(
            text.replace("year = 2022", f'{key} = "{"长" * 300}.toml"\nyear = 2022'), "utf-8"
        )
        found = reportkit.check(data)
        assert {p.code for p in found} & {"previous_not_found", "rulebook_not_found"}, found
    result = run_cli(
        "render", str(FIXTURES / "jiangpo-2022.toml"), "-o", str(tmp_path / ("长" * 300 + ".docx"))
    )
    assert result.returncode == 1 and "无法写入输出文件" in result.stderr
    assert "Traceback" not in result.stderr
    made = run_cli("new", "--agency", "长" * 300, "--year", "2023", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    [written] = [p for p in tmp_path.glob("*-2023.toml")]
    assert len(written.name.encode("utf-8")) <= 255


def test_zero_width_spaces_do_not_hide_a_copy(county: Path, tmp_path: Path) -> None:
    copied = "安乐乡结合山区乡实际，把公开工作与为民办实事结合起来，推动政策落地见效。"
    gonghe = county / "gonghe.toml"
    gonghe.write_text(
        gonghe.read_text("utf-8").replace(
            "[part1]\ntext = [", f'[part1]\ntext = [\n  "{copied}",', 1
        ),
        "utf-8",
    )
    plain = batch.run(county, tmp_path / "a")
    before = sum(1 for a in plain.agencies for p in a.problems if p.code == "similar_agency")
    assert before > 0
    for path in county.glob("*.toml"):
        text = path.read_text("utf-8")
        # a zero-width space between every two characters of every paragraph
        text = re.sub(r'"([^"\n]{30,})"', lambda m: '"' + "\u200b".join(m.group(1)) + '"', text)
        path.write_text(text, "utf-8")
    hidden = batch.run(county, tmp_path / "b")
    after = sum(1 for a in hidden.agencies for p in a.problems if p.code == "similar_agency")
    assert after == before
    assert any(p.code == "invisible_characters" for a in hidden.agencies for p in a.problems)


def test_a_right_to_left_override_never_reaches_a_file_name(county: Path, tmp_path: Path) -> None:
    gonghe = county / "gonghe.toml"
    gonghe.write_text(
        gonghe.read_text("utf-8").replace('name = "共和镇人民政府"', 'name = "共和\u202egnp.exe"'),
        "utf-8",
    )
    result = batch.run(county, tmp_path / "out")
    agency = next(a for a in result.agencies if a.data.name == "gonghe.toml")
    assert agency.output is not None and "\u202e" not in agency.output.name
    assert agency.output.name == "共和gnp.exe.docx"


def test_next_year_from_a_file_dated_9999_is_a_located_problem(tmp_path: Path) -> None:
    last = tmp_path / "x-2022.toml"
    text = (FIXTURES / "jiangpo-2022.toml").read_text(encoding="utf-8")
    last.write_text(text.replace("date = 2023-01-10", "date = 9999-12-31"), "utf-8")
    result = run_cli("new", "--from", str(last), cwd=tmp_path)
    assert result.returncode == 1
    assert "「date」无法顺延一年" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x-2023.toml").exists()


def test_a_batch_never_writes_over_its_template(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    template = out / "江坡镇人民政府.docx"
    shutil.copy(default_template(), template)
    before = template.read_bytes()
    with pytest.raises(ReportkitError) as caught:
        batch.run(county, out, batch.Options(template=template))
    assert caught.value.problems[0].code == "output_is_input"
    assert template.read_bytes() == before


def test_a_zip_of_a_template_is_still_checked(tmp_path: Path) -> None:
    # the archive limits still hold alongside the sandbox's
    bomb = tmp_path / "bomb.docx"
    with (
        zipfile.ZipFile(default_template()) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for item in source.infolist():
            z.writestr(item, source.read(item.filename))
        z.writestr("word/media/zeros.bin", b"\0" * 30_000_000)
    with pytest.raises(TemplateError) as caught:
        reportkit.render(FIXTURES / "jiangpo-2022.toml", tmp_path / "x.docx", template=bomb)
    assert caught.value.problems[0].code == "template_too_large"


# ---------------------------------------------------------------------------------------------
# A kind made of files is code from outside too


BULLETIN = FIXTURES / "bulletin" / "mouding-2023.toml"
KIND = Path(__file__).resolve().parent.parent / "kinds" / "county-bulletin"


def a_kind(tmp_path: Path, extra: str = "", name: str = "evil") -> Path:
    """A copy of the bulletin kind called `name` in tmp_path/kinds, with `extra` appended to its
    kind.toml; return a data file of that kind beside it."""
    folder = tmp_path / "kinds" / name
    shutil.copytree(KIND, folder)
    text = (folder / "kind.toml").read_text("utf-8")
    text = re.sub(r'(?m)^name = ".*"', f'name = "{name}"', text)
    (folder / "kind.toml").write_text(text + extra, "utf-8")
    data = tmp_path / "data.toml"
    text = BULLETIN.read_text("utf-8")
    data.write_text(re.sub(r'(?m)^kind = ".*"', f'kind = "{name}"', text), "utf-8")
    return data


@pytest.mark.parametrize(
    "content",
    [b'name = "\xd0\xd0"\n', ("x = " + "[" * 50_000 + "]" * 50_000).encode()],
    ids=["gbk", "nested"],
)
def test_an_unreadable_kind_file_nearby_breaks_nothing_else(tmp_path: Path, content: bytes) -> None:
    a_kind(tmp_path, name="county-statistical-bulletin")
    (tmp_path / "kinds" / "broken").mkdir()
    (tmp_path / "kinds" / "broken" / "kind.toml").write_bytes(content)
    listed = run_cli("kinds", cwd=tmp_path)
    assert listed.returncode == 0 and "county-statistical-bulletin" in listed.stdout
    assert "Traceback" not in listed.stderr
    assert reportkit.check(tmp_path / "data.toml") == []
    # and a data file naming it hears what is wrong with it
    (tmp_path / "other.toml").write_text('kind = "broken"\n', "utf-8")
    [problem] = reportkit.check(tmp_path / "other.toml")
    assert problem.code in ("gbk_file", "too_deep")
    assert problem.file.endswith("kind.toml")


def test_a_data_file_naming_a_wrong_kind_hears_what_is_wrong_with_it(tmp_path: Path) -> None:
    data = a_kind(tmp_path, '\n[[check]]\nid = "x"\nexpect = "gdp > 0"\n')  # no message
    [problem] = reportkit.check(data)
    assert problem.code == "kind_file" and "check.4" in problem.format()
    assert problem.file.endswith("kind.toml") and problem.line is not None


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("values", "reportkit's own name"),
        ("model_config", "reportkit's own name"),
        ("kind", "reportkit's own name"),
        ("gdp.share", "both a figure and a table"),
        ("structure", "both a figure and a table"),
        ("gdp", "declared twice"),
        ("", "is not a key"),
        ("a..b", "is not a key"),
        ("_hidden", "is not a key"),
    ],
)
def test_a_field_key_that_cannot_be_one_is_located(tmp_path: Path, key: str, says: str) -> None:
    field = f'\n[[field]]\nkey = "{key}"\ntype = "text"\nrequired = false\n'
    [problem] = reportkit.check(a_kind(tmp_path, field))
    assert problem.code == "kind_file" and says in problem.format("en")
    assert problem.format("zh").isascii() is False and "kind.toml 有误" in problem.format("zh")
    assert problem.line is not None


@pytest.mark.parametrize(
    ("expect", "says"),
    [
        ("gpd == 1", "'gpd' is undefined"),
        ("gdp / 0 > 1", "division by zero"),
        ('gdp == "abc"', "both sides must be numbers"),
    ],
)
def test_a_check_that_cannot_run_says_why_in_words(tmp_path: Path, expect: str, says: str) -> None:
    check = f'\n[[check]]\nid = "x"\nexpect = \'{expect}\'\nmessage = "m"\n'
    [problem] = reportkit.check(a_kind(tmp_path, check))
    assert problem.code == "kind_check_failed"
    assert says in problem.params["detail"]


def test_a_figure_past_any_float_in_a_check_is_a_figure(tmp_path: Path) -> None:
    # Jinja writes 1e999 into its compiled code as `inf`, a name it does not have
    check = '\n[[check]]\nid = "x"\nexpect = "gdp > 1e999"\nmessage = "太大"\n'
    [problem] = reportkit.check(a_kind(tmp_path, check))
    assert problem.code == "kind_check" and problem.params["zh"] == "太大"


@pytest.mark.parametrize(
    "text",
    ["{{ year > 1e999 }}", "{{ year > " + "9" * 5000 + " }}"],
    ids=["inf", "5000-digits"],
)
def test_a_literal_out_of_range_in_a_rulebook_is_a_problem(tmp_path: Path, text: str) -> None:
    rule = f'[[sentence]]\nid = "part6.hostile"\nslot = "part6"\ntext = "{text}"\n'
    found = reportkit.check(with_rulebook(tmp_path, rule))
    assert {p.code for p in found} <= {"sentence_failed", "bad_rulebook"}, found


def test_a_kind_rulebook_not_in_utf8_is_located(tmp_path: Path) -> None:
    data = a_kind(tmp_path)
    (tmp_path / "kinds" / "evil" / "rulebook.toml").write_bytes(b'x = "\xd0\xd0"\n')
    [problem] = reportkit.check(data)
    assert problem.code == "gbk_file" and problem.file.endswith("rulebook.toml")


@pytest.mark.parametrize(
    "text",
    [
        "{{ ((9 ** 100) ** 100) ** 100 > 1 }}",
        "{% set n = namespace(x=9 ** 100) %}{% for i in range(12) %}{% set n.x = n.x * n.x %}"
        "{% endfor %}{{ n.x > 1 }}",
    ],
    ids=["power", "squares"],
)
def test_whole_numbers_cannot_grow_past_what_a_time_limit_can_stop(text: str) -> None:
    # one multiplication of numbers of billions of digits runs in C for minutes, beyond the
    # reach of the time limit, and takes gigabytes
    from jinja2.exceptions import SecurityError

    from reportkit.jinjaenv import environment

    with pytest.raises(SecurityError):
        environment(autoescape=False).from_string(text).render()


# ---------------------------------------------------------------------------------------------
# Published files that are not reports


def test_a_zip_bomb_as_a_word_file_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with (
        zipfile.ZipFile(default_template()) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for item in source.infolist():
            z.writestr(item, source.read(item.filename))
        z.writestr("word/media/zeros.bin", b"\0" * 300_000_000)  # 300 KB packed
    assert bomb.stat().st_size < 1_000_000
    result = run_cli("import", str(bomb), "-o", str(tmp_path / "x.toml"))
    assert result.returncode == 1 and "解压后过大" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "x.toml").exists()
    [problem] = reportkit.check_document(bomb)
    assert problem.code == "import_too_large"


def test_a_word_file_with_broken_parts_is_unreadable_not_a_bug(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    with (
        zipfile.ZipFile(default_template()) as source,
        zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            z.writestr(item, b"<Types/>" if item.filename == "[Content_Types].xml" else data)
    result = run_cli("import", str(broken), "-o", str(tmp_path / "x.toml"))
    assert result.returncode == 1 and "无法读取这个文件" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_long_text_file_is_read_in_time_proportional_to_it(tmp_path: Path) -> None:
    # every sentence before the first heading was added to one str in a dict: quadratic
    text = tmp_path / "long.txt"
    lines = [f"本机关认真贯彻落实政府信息公开条例第{i}条规定。" for i in range(250_000)]
    text.write_text("\n".join(lines), "utf-8")
    started = time.monotonic()
    imported = reportkit.import_report(text)
    assert time.monotonic() - started < 40
    assert imported.problems


@pytest.mark.parametrize(
    ("line", "value", "says"),
    [
        ("year = 2023", "year = 1999", "应不小于 2000，实为 1999"),
        ("gdp_growth = 5.2 ", "gdp_growth = -150 ", "应不小于 -100，实为 -150"),
        ("gdp_growth = 5.2 ", "gdp_growth = 5.25 ", "最多写 1 位小数，实为 5.25"),
        ("gdp = 123.45 ", "gdp = -1 ", "不能为负数，实为 -1"),
    ],
)
def test_a_kind_s_bounds_are_said_as_the_kind_sets_them(
    tmp_path: Path, line: str, value: str, says: str
) -> None:
    # a year of 1999 was 「不能为负数」, a growth rate of 5.25 「金额最多写 6 位小数」
    data = tmp_path / "kinds" / "x.toml"
    shutil.copytree(KIND, tmp_path / "kinds" / "county-bulletin")
    text = BULLETIN.read_text("utf-8")
    assert line in text
    data.write_text(text.replace(line, value), "utf-8")
    [problem] = reportkit.check(data)
    assert says in problem.format()


def test_a_huge_web_page_or_text_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from reportkit import importer

    page = tmp_path / "big.html"
    with page.open("wb") as out:
        out.truncate(importer.MAX_TEXT_BYTES + 1)  # sparse: no disk used
    with pytest.raises(DataError) as refused:
        importer.import_report(page)
    assert [p.code for p in refused.value.problems] == ["import_text_too_large"]


def test_the_library_s_check_reads_a_published_report_as_the_command_does(tmp_path: Path) -> None:
    out = reportkit.render(FIXTURES / "jiangpo-2022.toml", tmp_path / "jp.docx").output
    assert reportkit.check(out) == reportkit.check_document(out)
    assert not any(p.code == "not_utf8" for p in reportkit.check(out))


def test_a_value_quoted_in_a_message_cannot_reorder_the_terminal_line() -> None:
    from reportkit.messages import translate

    shown = translate("sheet_text", "zh", row=3, header="列", found="12\u202e34\x1b[2J")
    assert "\u202e" not in shown and "\x1b" not in shown
    assert "<U+202E>" in shown and "<U+001B>" in shown


@pytest.mark.parametrize(
    ("expect", "holds"),
    [
        ("(year == 2023) + 0 == 1", True),
        ("(year == 1) + 0 == 1", False),
        ('"a==b" | length == 4', True),
    ],
)
def test_a_check_s_outer_equals_is_found_past_inner_ones(
    tmp_path: Path, expect: str, holds: bool
) -> None:
    check = f'\n[[check]]\nid = "x"\nexpect = \'{expect}\'\nmessage = "m"\n'
    found = reportkit.check(a_kind(tmp_path, check))
    assert [(p.code, p.params.get("zh")) for p in found] == ([] if holds else [("kind_check", "m")])

"""Report kinds: a kind made of files only, and the generic kind, through the same engine.

The county statistical bulletin (kinds/county-bulletin/) has no Python: kind.toml, a rulebook
and a template. Its data files are read with located problems like the national report's, its
checks fire on a broken file, its sentences are written from its figures, and it renders.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

import reportkit
from reportkit import kinds
from reportkit.errors import DataError
from reportkit.kinds.files import FileKind
from tests.helpers import FIXTURES, REPO, projection, run_cli

BULLETIN = FIXTURES / "bulletin" / "mouding-2023.toml"
KIND = REPO / "kinds" / "county-bulletin"


def test_the_bulletin_checks_clean_and_writes_its_sentences_from_its_figures(
    tmp_path: Path,
) -> None:
    assert reportkit.check(BULLETIN) == []
    out = reportkit.render(BULLETIN, tmp_path / "b.docx").output
    lines = projection(out)
    assert "全年全县实现地区生产总值123.45亿元，按不变价格计算，比上年增长5.2%。" in lines
    assert "全年一般公共预算收入6.78亿元，比上年下降1.3%。" in lines
    assert any(line.endswith("三次产业结构为20.3:31.1:48.6。") for line in lines)
    assert "牟定县2023年国民经济和社会发展统计公报（摘要）" in lines
    assert "示例数据" in lines  # sample data is marked


def test_change_a_figure_and_the_sentence_changes(tmp_path: Path) -> None:
    data = tmp_path / "b.toml"
    data.write_text(
        BULLETIN.read_text("utf-8").replace("gdp_growth = 5.2", "gdp_growth = 0"), "utf-8"
    )
    (tmp_path / "kinds").mkdir()
    shutil.copytree(KIND, tmp_path / "kinds" / "county-bulletin")
    lines = projection(reportkit.render(data, tmp_path / "b.docx").output)
    assert "全年全县实现地区生产总值123.45亿元，按不变价格计算，与上年持平。" in lines


def test_a_broken_bulletin_gets_its_checks_located() -> None:
    found = reportkit.check(FIXTURES / "bulletin" / "broken-2023.toml")
    assert [(p.rule, p.severity, p.path) for p in found] == [
        ("industries", "error", "gdp"),
        ("structure", "error", "structure.primary"),
        ("structure-primary", "warning", "structure.primary"),
    ]
    assert (
        found[0]
        .format()
        .endswith(
            "gdp 地区生产总值（亿元）: 三次产业增加值之和为 124.25 亿元（25.90 + 38.35 + 60.00），"
            "而地区生产总值为 123.45 亿元，两者应相等 [industries]"
        )
    )
    assert "the three industries add up to 124.25" in found[0].format("en")
    with pytest.raises(DataError):
        reportkit.render(FIXTURES / "bulletin" / "broken-2023.toml", "/tmp/never.docx")


def test_a_kind_s_data_file_is_read_like_any_other(tmp_path: Path) -> None:
    data = tmp_path / "b.toml"
    text = BULLETIN.read_text("utf-8").replace("gdp = 123.45", "gpd = 123.45")
    data.write_text(text.replace("revenue = 6.78", 'revenue = "6.78"'), "utf-8")
    (tmp_path / "kinds").mkdir()
    shutil.copytree(KIND, tmp_path / "kinds" / "county-bulletin")
    found = {(p.code, p.path) for p in reportkit.check(data)}
    assert found >= {("missing", "gdp"), ("unknown_key", "gpd"), ("not_number", "revenue")}
    suggestion = next(p for p in reportkit.check(data) if p.code == "unknown_key")
    assert "是否应为「gdp」" in suggestion.format()


def test_a_wrong_kind_file_is_located(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    shutil.copytree(KIND, folder)
    text = (
        (folder / "kind.toml").read_text("utf-8").replace('type = "decimal"', 'type = "money"', 1)
    )
    (folder / "kind.toml").write_text(text, "utf-8")
    with pytest.raises(DataError) as caught:
        FileKind.open(folder)
    [problem] = caught.value.problems  # one problem: the check naming that field is not wrong
    assert problem.code == "kind_file" and "field.4.type" in problem.format()
    assert problem.line is not None


def test_kinds_are_found_by_name_nearby_and_an_unknown_one_is_named(tmp_path: Path) -> None:
    assert "county-statistical-bulletin" in kinds.installed(BULLETIN.parent)
    data = tmp_path / "x.toml"
    data.write_text('kind = "no-such-kind"\n', "utf-8")
    [problem] = reportkit.check(data)
    assert problem.code == "kind_unknown" and problem.line == 1
    assert "generic" in problem.format()


def test_new_and_schema_for_a_kind(tmp_path: Path) -> None:
    (tmp_path / "kinds").mkdir()
    shutil.copytree(KIND, tmp_path / "kinds" / "county-bulletin")
    made = run_cli(
        "new", "--kind", "county-statistical-bulletin", "--agency", "牟定县", "--year", "2024",
        cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    text = (tmp_path / "牟定县-2024.toml").read_text("utf-8")
    assert 'kind = "county-statistical-bulletin"' in text and "# 地区生产总值（亿元）" in text
    schema = run_cli("schema", "--kind", "county-statistical-bulletin", cwd=tmp_path)
    assert json.loads(schema.stdout)["properties"]["gdp"]["title"] == "地区生产总值（亿元）"
    listed = run_cli("kinds", cwd=tmp_path)
    assert "county-statistical-bulletin" in listed.stdout and "generic" in listed.stdout


def test_the_generic_kind_fills_any_template(tmp_path: Path) -> None:
    template = tmp_path / "letter.docx"
    doc = Document()
    doc.add_paragraph("致{{ to }}：")
    doc.add_paragraph("{%p for item in items %}")
    doc.add_paragraph("{{ item.name }}：{{ item.amount }}元")
    doc.add_paragraph("{%p endfor %}")
    doc.save(str(template))
    data = tmp_path / "letter.toml"
    data.write_text(
        'kind = "generic"\ntemplate = "letter.docx"\nto = "A & <B> \\"C\\""\n'
        '[[items]]\nname = "办公费"\namount = 1200.50\n',
        "utf-8",
    )
    lines = projection(reportkit.render(data, tmp_path / "letter-out.docx").output)
    assert lines == ['致A & <B> "C"：', "办公费：1200.50元"]
    data.write_text('kind = "generic"\ntemplate = "letter.docx"\n', "utf-8")
    result = run_cli("render", str(data), "-o", str(tmp_path / "x.docx"))
    assert result.returncode == 1 and "模板使用了数据中没有的变量" in result.stderr
    assert not (tmp_path / "x.docx").exists()


def test_the_bulletin_template_is_what_its_script_builds(tmp_path: Path) -> None:
    built = tmp_path / "bulletin.docx"
    done = subprocess.run(
        [sys.executable, str(KIND / "make_template.py"), str(built)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert built.read_bytes() == (KIND / "bulletin.docx").read_bytes()


# --- the national formats through the kind interface ------------------------------------------


def test_the_national_formats_are_kinds_like_any_other() -> None:
    from reportkit.context import variables
    from reportkit.renderer import default_template

    found = kinds.installed()
    national = found[kinds.GOV_INFO_2021]
    assert isinstance(national, kinds.Kind) and isinstance(
        found["gov-info-disclosure-2019"], kinds.Kind
    )
    report = reportkit.load(FIXTURES / "jiangpo-2022.toml")
    last = national.last_year_of(report, None)
    assert national.check(report, last) == reportkit.check(report)
    narrative = national.narrate(report, last)
    assert national.variables(report, narrative, ()) == variables(report, narrative, ())
    assert national.template("zh-CN") == default_template("zh-CN")
    assert national.subject(report) == report.agency.name
    listed = run_cli("kinds")
    assert "gov-info-disclosure-2019" in listed.stdout
    with pytest.raises(DataError, match="2019"):
        found["gov-info-disclosure-2019"].template("zh-CN")  # checked, never written


def _bulletin_county(root: Path) -> Path:
    """A county folder of bulletins: kind, year and date inherited from county.toml."""
    shutil.copytree(KIND, root / "kinds" / "county-bulletin")
    county = root / "county"
    county.mkdir()
    (county / "county.toml").write_text(
        'kind = "county-statistical-bulletin"\nyear = 2023\npublished = 2024-04-10\n', "utf-8"
    )
    for name, fixture in (
        ("mouding.toml", BULLETIN),
        ("yuanmou.toml", BULLETIN.parent / "broken-2023.toml"),
    ):
        text = fixture.read_text("utf-8")
        text = "\n".join(
            line
            for line in text.splitlines()
            if not line.startswith(("kind =", "year =", "published ="))
        )
        if name == "yuanmou.toml":
            text = text.replace('county = "牟定县"', 'county = "元谋县"')
        (county / name).write_text(text + "\n", "utf-8")
    return county


def test_a_county_of_bulletins_goes_through_the_batch(tmp_path: Path) -> None:
    from reportkit import batch

    county = _bulletin_county(tmp_path)
    out = tmp_path / "out"
    result = batch.run(county, out)
    status = {a.name: a.status for a in result.agencies}
    assert status == {"牟定县": "rendered", "元谋县": "failed"}
    [broken] = [a for a in result.agencies if a.name == "元谋县"]
    assert {p.rule for p in broken.errors} == {"industries", "structure"}
    lines = projection(out / "牟定县.docx")
    assert "全年全县实现地区生产总值123.45亿元，按不变价格计算，比上年增长5.2%。" in lines
    assert "牟定县统计局　2024年4月10日" in lines  # the date inherited from county.toml
    with pytest.raises(DataError) as totals:  # the county's totals are the national tables'
        batch.write_county_totals(result, county)
    assert [p.code for p in totals.value.problems] == ["totals_other_kind"]
    again = batch.run(county, out)
    assert {a.name: a.status for a in again.agencies}["牟定县"] == "unchanged"
    rulebook = tmp_path / "kinds" / "county-bulletin" / "rulebook.toml"
    rulebook.write_text(
        rulebook.read_text("utf-8").replace("按不变价格计算，", "按可比价格计算，"), "utf-8"
    )
    third = batch.run(county, out)  # the kind's files are inputs of its reports
    assert {a.name: a.status for a in third.agencies}["牟定县"] == "rendered"
    assert "全年全县实现地区生产总值123.45亿元，按可比价格计算，比上年增长5.2%。" in projection(
        out / "牟定县.docx"
    )


def test_a_county_of_bulletins_goes_out_to_a_sheet_and_back(tmp_path: Path) -> None:
    from reportkit import sheet

    county = _bulletin_county(tmp_path)
    target = tmp_path / "figures.csv"
    count, problems = sheet.export(county, target)
    assert (count, problems) == (2, [])
    rows = target.read_text("utf-8-sig").splitlines()
    assert "一般公共预算收入（亿元）" in rows[0].split(",")
    mouding = next(r for r in rows if r.startswith("牟定县"))
    assert ",6.78,-1.3," in mouding
    target.write_text(
        "\n".join(rows).replace(mouding, mouding.replace(",6.78,-1.3,", ",7.01,-2.5,")), "utf-8-sig"
    )
    changes = sheet.import_sheet(target, county)
    assert changes == {"mouding.toml": ["revenue", "revenue_growth"]}
    text = (county / "mouding.toml").read_text("utf-8")
    assert "revenue = 7.01" in text and "revenue_growth = -2.5" in text
    assert "全年一般公共预算收入7.01亿元，比上年下降2.5%。" in projection(
        reportkit.render(county / "mouding.toml", tmp_path / "m.docx").output
    )
    # a negative where the kind allows none is refused, at its sheet row and column
    target.write_text(
        target.read_text("utf-8-sig").replace(",7.01,-2.5,", ",-7.01,-2.5,"), "utf-8-sig"
    )
    with pytest.raises(DataError) as refused:
        sheet.import_sheet(target, county)
    assert [p.code for p in refused.value.problems] == ["sheet_negative"]


def test_template_lint_checks_a_template_against_its_kind(tmp_path: Path) -> None:
    (tmp_path / "kinds").mkdir()
    shutil.copytree(KIND, tmp_path / "kinds" / "county-bulletin")
    own = run_cli(
        "template", "lint", "--kind", "county-statistical-bulletin", str(KIND / "bulletin.docx"),
        cwd=tmp_path,
    )  # fmt: skip
    assert own.returncode == 0, own.stdout + own.stderr
    official = REPO / "templates" / "gov-info-disclosure-2021.docx"
    wrong = run_cli(
        "template", "lint", "--kind", "county-statistical-bulletin", "--format", "json",
        str(official), cwd=tmp_path,
    )  # fmt: skip
    assert wrong.returncode == 1
    found = json.loads(wrong.stdout)
    missing = " ".join(p["message"] for p in found if p["code"] == "lint_missing")
    assert "「bureau」" in missing and "「published」" in missing  # fields no sentence writes
    assert any(p["code"].startswith("lint_unknown") for p in found)  # agency.name and the rest
    generic = run_cli("template", "lint", "--kind", "generic", str(official), cwd=tmp_path)
    assert generic.returncode == 0, generic.stdout + generic.stderr


def test_render_with_a_restyled_bulletin_template_lints_it_first(tmp_path: Path) -> None:
    template = tmp_path / "restyled.docx"
    doc = Document()
    doc.add_paragraph("{{ county }}{{ yaer }}年统计公报")  # a typo
    doc.add_paragraph("地区生产总值{{ gpd }}亿元")  # another
    doc.add_paragraph("{%p for s in sentences.summary %}")
    doc.add_paragraph("{{ s }}")
    doc.save(str(template))
    (tmp_path / "kinds").mkdir()
    shutil.copytree(KIND, tmp_path / "kinds" / "county-bulletin")
    data = tmp_path / "b.toml"
    shutil.copy(BULLETIN, data)
    with pytest.raises(reportkit.TemplateError) as refused:
        reportkit.render(data, tmp_path / "out.docx", template=template)
    messages = " ".join(p.format() for p in refused.value.problems)
    # every problem at once: both typos with their nearest names, the block left open
    assert "yaer" in messages and "year" in messages and "gpd" in messages
    assert any(p.code.startswith("lint_") and "for" in p.format() for p in refused.value.problems)
    assert not (tmp_path / "out.docx").exists()

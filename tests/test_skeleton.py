"""Starting a data file: the commented skeleton, and next year's file from last year's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import reportkit
from reportkit.errors import DataError
from reportkit.model import APPLICATION_ROWS, PART_HEADINGS
from reportkit.skeleton import next_name, rollover, skeleton
from tests.helpers import FIXTURES, projection
from tests.helpers import run_cli as run


def fill_in(text: str, numbers: list[int] | None = None) -> str:
    """Return a skeleton filled in as the quick start says: six numbers a row (no totals), the
    contact fields, the county, and text for parts 一 and 五."""
    numbers = numbers or [1, 0, 0, 0, 0, 0]
    row = "[" + ", ".join(str(n) for n in numbers) + "]"
    out = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        if any(key == r.key for r in APPLICATION_ROWS) and line.lstrip()[0] != "#":
            value = row if key not in ("received", "carried_over") else "[0, 0, 0, 0, 0, 0]"
            if key == "received":
                value = row  # received = handled: 一 + 二 = 三（七）+ 四 holds column by column
            line = f"{key} = {value}"
        out.append(line)
    text = "\n".join(out) + "\n"
    # every numbered row of 三 got the same figures; 一 must equal their sum for rule A
    rows = sum(1 for r in APPLICATION_ROWS[2:-2])
    total = "[" + ", ".join(str(n * rows) for n in numbers) + "]"
    text = text.replace(f"received = {row}", f"received = {total}")
    text = text.replace("carried_forward = " + row, "carried_forward = [0, 0, 0, 0, 0, 0]")
    for key, value in (
        ("contact_office", "党政办公室"),
        ("phone", "0878-5351021"),
        ("county", "牟定县"),
    ):
        text = text.replace(f'{key} = ""', f'{key} = "{value}"', 1)
    text = text.replace(
        "[part1]\ntext = [", '[part1]\ntext = [\n  "全镇政务公开工作有序开展。",', 1
    )
    return text.replace(
        "[part5]\ntext = [", '[part5]\ntext = [\n  "宣传形式较单一，明年改进。",', 1
    )


def test_fresh_skeleton_leaves_totals_out_and_says_what_to_fill(tmp_path: Path) -> None:
    made = run("new", "--agency", "江坡镇人民政府", "--year", "2023", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    data = tmp_path / "江坡镇-2023.toml"
    text = data.read_text(encoding="utf-8")
    for row in APPLICATION_ROWS:  # every row under its Chinese label, six numbers, no total
        if row.key == "total":
            assert f"# {row.key:<30} = 程序计算" in text  # the （七）总计 row: computed
        else:
            assert f"{row.key:<32} = [0, 0, 0, 0, 0, 0]  # {row.group}{row.label}" in text
    assert "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他（总计：程序计算）" in text
    assert "「总计」列和「（七）总计」行由程序计算，不必填写" in text
    for heading in PART_HEADINGS:  # each heading once, not doubled
        assert f"# {heading}：" in text and f"{heading}：{heading[2:]}" not in text
    assert '# "preamble.period" = false' in text
    # a summary sentence is off unless switched on (docs/data-format.md): offered as true
    assert '# "part3.received" = true' in text and '"part3.received" = false' not in text
    # unfilled, it does not pass: each field still to fill is named where it is
    check = run("check", str(data), cwd=tmp_path)
    assert check.returncode == 1
    assert f"{data}:14: agency.county: 「所在县（区）」尚未填写 [FILL]" in check.stdout
    assert f"{data}:17: agency.contact_office: 「联系科室」尚未填写 [FILL]" in check.stdout
    assert f"{data}:18: agency.phone: 「联系电话」尚未填写 [FILL]" in check.stdout
    assert "part1.text: 「一、总体情况」还没有正文" in check.stdout
    assert "part5.text: 「五、存在的主要问题及改进情况」还没有正文" in check.stdout
    assert "校验通过" not in check.stdout
    # filled in as the quick start says, six numbers a row: it passes and renders
    data.write_text(fill_in(text), encoding="utf-8")
    passed = run("check", str(data), cwd=tmp_path)
    assert passed.returncode == 0, passed.stdout
    assert "校验通过" in passed.stdout
    assert run("render", str(data), cwd=tmp_path).returncode == 0
    lines = projection(tmp_path / "江坡镇-2023.docx")
    assert "2023年度无收取行政事业性收费情况。" in lines
    report = reportkit.load(data)
    assert (report.agency.level, report.agency.short_name) == ("town", "江坡镇")
    assert report.complete().applications.total is not None
    assert report.complete().applications.total.total == 21
    # never over an existing file
    again = run("new", "--agency", "江坡镇人民政府", "--year", "2023", cwd=tmp_path)
    assert again.returncode == 1 and "文件已存在" in again.stderr


def test_a_sample_skeleton_may_stay_unfilled(tmp_path: Path) -> None:
    text = "sample = true\n" + skeleton("江坡镇人民政府", 2023)
    assert [p for p in reportkit.check(reportkit.parse(text, "s.toml")) if p.rule == "FILL"] == []


def test_a_name_with_a_slash_makes_one_file_here(tmp_path: Path) -> None:
    made = run("new", "--agency", "教育/体育局", "--year", "2023", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["教育_体育局-2023.toml"]
    assert reportkit.load(tmp_path / "教育_体育局-2023.toml").agency.name == "教育/体育局"


@pytest.mark.parametrize(
    ("name", "level", "why"),
    [
        ("安乐乡人民政府", "town", "名称以「乡人民政府」结尾"),
        ("龙泉街道办事处", "subdistrict", "名称以「街道办事处」结尾"),
        ("牟定县人民政府", "county_government", "所在地为「牟定县」"),
        ("牟定县教育体育局", "county_department", "所在地为「牟定县」"),
        ("楚雄州财政局", "prefecture_department", "所在地为「楚雄州」"),
        ("淮安市人民政府", "prefecture_government", "所在地为「淮安市」"),
        (
            "上海市人民政府办公厅",
            "provincial_department",
            "名称以「办公厅」结尾，所在地为「上海市」",
        ),
        ("云南省人民政府", "provincial_government", "所在地为「云南省」"),
        ("平潭综合实验区(管委会)", "other", "「管委会」的层级无法从名称判断"),
        ("北京市朝阳区发展和改革委员会", "county_department", "所在地为「北京市朝阳区」"),
    ],
)
def test_skeleton_guesses_the_level_and_says_why(name: str, level: str, why: str) -> None:
    text = skeleton(name, 2024)
    assert reportkit.parse(text).agency.level == level
    assert "# 层级按名称推断：" in text and why in text


@pytest.mark.parametrize("base", ["jiangpo-2022", "huaian-2024"])
def test_rollover_carries_over_and_marks_the_narrative_draft(base: str, tmp_path: Path) -> None:
    last_path = tmp_path / f"{base}.toml"
    shutil.copy(FIXTURES / f"{base}.toml", last_path)
    last = reportkit.load(last_path).complete()
    made = run("new", "--from", str(last_path), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    target = next_name(last_path)
    assert target.name == base.replace(str(last.year), str(last.year + 1)) + ".toml"
    new = reportkit.load(target)
    assert new.year == last.year + 1
    assert new.date == last.date.replace(year=last.date.year + 1)
    carried = new.complete().applications.carried_over
    assert carried == last.applications.carried_forward
    assert new.proactive.rules.in_force == last.proactive.rules.in_force
    assert new.proactive.rules.issued == 0 and new.proactive.licensing == 0
    assert new.complete().applications.received.total == 0
    assert new.part1.draft and new.part1.text == last.part1.text
    # comments and layout are kept
    old_text, new_text = last_path.read_text("utf-8"), target.read_text("utf-8")
    for line in old_text.splitlines():
        if line.startswith("#"):
            assert line in new_text
    # rendering refuses while a draft mark remains; --force renders, marked
    refused = run("render", str(target), cwd=tmp_path)
    assert refused.returncode == 1 and "[DRAFT]" in refused.stderr
    assert not target.with_suffix(".docx").exists()
    forced = run("render", "--force", str(target), cwd=tmp_path)
    assert forced.returncode == 1 and target.with_suffix(".docx").is_file()
    # the checks across years use last year's file, named in the new one
    assert new.previous == f"{base}.toml"


def test_rollover_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "x.toml"
    target.write_text("keep", encoding="utf-8")
    with pytest.raises(DataError):
        rollover(FIXTURES / "jiangpo-2022.toml", target)
    assert target.read_text(encoding="utf-8") == "keep"


def test_rollover_of_a_county_folder(tmp_path: Path) -> None:
    county = tmp_path / "mouding-2022"
    shutil.copytree(FIXTURES / "mouding-2022", county)
    made = run("new", "--from", str(county), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    new = tmp_path / "mouding-2023"
    assert sorted(p.name for p in new.iterdir()) == sorted(p.name for p in county.iterdir())
    shared = (new / "county.toml").read_text(encoding="utf-8")
    assert "year = 2023" in shared and "deadline = 2024-02-28" in shared
    for data in sorted(county.glob("*.toml")):
        if data.name == "county.toml":
            continue
        last, this = reportkit.load(data).complete(), reportkit.load(new / data.name)
        assert this.year == 2023
        assert this.complete().applications.carried_over == last.applications.carried_forward


def test_a_failed_county_rollover_leaves_nothing_behind(tmp_path: Path) -> None:
    county = tmp_path / "m"
    shutil.copytree(FIXTURES / "mouding-2022", county)
    broken = county / "panmao.toml"
    good = broken.read_text(encoding="utf-8")
    broken.write_text(good + "x = = 1\n", encoding="utf-8")
    result = run("new", "--from", str(county), "-o", str(tmp_path / "m-2023"), cwd=tmp_path)
    assert result.returncode == 1 and "TOML" in result.stderr
    assert not (tmp_path / "m-2023").exists()
    broken.write_text(good, encoding="utf-8")
    assert (
        run("new", "--from", str(county), "-o", str(tmp_path / "m-2023"), cwd=tmp_path).returncode
        == 0
    )


def test_rollover_needs_a_later_year_and_names_are_escaped(tmp_path: Path) -> None:
    result = run(
        "new",
        "--from",
        str(FIXTURES / "jiangpo-2022.toml"),
        "--year",
        "2022",
        "-o",
        str(tmp_path / "x.toml"),
        cwd=tmp_path,
    )
    assert result.returncode == 1 and "应晚于上年文件的年度 2022" in result.stderr
    assert not (tmp_path / "x.toml").exists()
    assert reportkit.parse(skeleton('某"局\\办', 2023)).agency.name == '某"局\\办'


def test_next_year_s_file_leaves_totals_out_and_marks_drafts_in_place(tmp_path: Path) -> None:
    last_path = tmp_path / "huaian-2024.toml"
    shutil.copy(FIXTURES / "huaian-2024.toml", last_path)
    assert run("new", "--from", str(last_path), cwd=tmp_path).returncode == 0
    target = tmp_path / "huaian-2025.toml"
    text = target.read_text(encoding="utf-8")
    new = reportkit.load(target)
    # no total of last year's shape is left to contradict six numbers a row
    assert new.applications.total is None
    assert all(
        row is None or row.total is None
        for row in (new.applications.row(r.key) for r in APPLICATION_ROWS)
    )
    assert new.appeals.review.total is None
    # each draft mark sits under its own part's header, not under the next part's comment
    lines = text.splitlines()
    for number in range(1, 7):
        if f"[part{number}]" in lines and getattr(new, f"part{number}").draft:
            at = lines.index(f"[part{number}]")
            assert lines[at + 1].startswith("draft = true")
    # the clerk fills a row with six numbers and rewrites the narrative: no false total errors
    text = text.replace(
        lines[next(i for i, line in enumerate(lines) if line.startswith("received "))],
        "received = [5, 0, 0, 0, 0, 0]",
    )
    text = text.replace(
        lines[next(i for i, line in enumerate(lines) if line.startswith("disclosed "))],
        "disclosed = [5, 0, 0, 0, 0, 0]",
    )
    target.write_text(text, encoding="utf-8")
    found = reportkit.check(target)
    assert [p for p in found if p.rule in ("B", "C", "T4")] == []

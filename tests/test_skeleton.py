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


def test_fresh_skeleton_checks_and_renders(tmp_path: Path) -> None:
    made = run("new", "--agency", "江坡镇人民政府", "--year", "2023", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    data = tmp_path / "江坡镇-2023.toml"
    text = data.read_text(encoding="utf-8")
    for row in APPLICATION_ROWS:  # every row under its Chinese label
        assert f"{row.key:<32} = [0, 0, 0, 0, 0, 0, 0]  # {row.group}{row.label}" in text
    assert "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计" in text
    for heading in PART_HEADINGS:
        assert f"# {heading}：" in text
    assert '# "preamble.period" = false' in text
    assert run("check", str(data), cwd=tmp_path).returncode == 0
    assert run("render", str(data), cwd=tmp_path).returncode == 0
    lines = projection(tmp_path / "江坡镇-2023.docx")
    assert "2023年度无收取行政事业性收费情况。" in lines
    report = reportkit.load(data)
    assert (report.agency.level, report.agency.short_name) == ("town", "江坡镇")
    # never over an existing file
    again = run("new", "--agency", "江坡镇人民政府", "--year", "2023", cwd=tmp_path)
    assert again.returncode == 1 and "文件已存在" in again.stderr
    assert data.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("安乐乡人民政府", "town"),
        ("龙泉街道办事处", "subdistrict"),
        ("牟定县人民政府", "county_government"),
        ("牟定县教育体育局", "county_department"),
    ],
)
def test_skeleton_guesses_the_level(name: str, level: str) -> None:
    assert reportkit.parse(skeleton(name, 2024)).agency.level == level


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
    assert run("render", "--force", str(target), cwd=tmp_path).returncode == 0
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

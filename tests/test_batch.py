"""The county batch, run as a county office runs it."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

import reportkit
from reportkit import batch
from tests.helpers import DATA, FIXTURES, normalise, paragraph_text, projection, run_cli, xml_part

COUNTY = FIXTURES / "mouding-2022"
TOWNS = [
    "安乐乡人民政府",
    "凤屯镇人民政府",
    "共和镇人民政府",
    "江坡镇人民政府",
    "蟠猫乡人民政府",
    "新桥镇人民政府",
]


@pytest.fixture
def county(tmp_path: Path) -> Path:
    folder = tmp_path / "mouding-2022"
    shutil.copytree(COUNTY, folder)
    return folder


def stamps(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.glob("*.docx")}


def test_batch_renders_six_reports_and_the_failing_town_s_problems(
    county: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli("batch", str(county), "-o", str(out), "-j", "2")
    assert result.returncode == 1
    assert sorted(p.stem for p in out.glob("*.docx")) == sorted(TOWNS)
    assert "共 7 个单位：已生成 6，未变化 0，未通过 1" in result.stdout
    assert "戌街乡人民政府" in result.stdout and "[C]" in result.stderr
    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, for Excel and WPS
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["单位", "状态", "错误", "警告", "输出文件", "数据文件"]
    assert ["戌街乡人民政府", "未通过", "1", "0", "", "xujie.toml"] in rows
    assert ["江坡镇人民政府", "已生成", "0", "0", "江坡镇人民政府.docx", "jiangpo.toml"] in rows
    report = (out / "问题清单-戌街乡人民政府.txt").read_text(encoding="utf-8-sig")
    assert "戌街乡人民政府（数据文件 xujie.toml）的报告未能生成" in report
    assert "应为 3（= 3 + 0 + 0 + 0 + 0 + 0），实为 4 [C]" in report

    # a second run rewrites nothing
    before = stamps(out)
    again = run_cli("batch", str(county), "-o", str(out))
    assert again.returncode == 1
    assert "共 7 个单位：已生成 0，未变化 6，未通过 1" in again.stdout
    assert stamps(out) == before

    # one figure changed in one town: only that town is rendered again
    gonghe = county / "gonghe.toml"
    gonghe.write_text(
        gonghe.read_text(encoding="utf-8").replace("coercion  = 0", "coercion  = 2"),
        encoding="utf-8",
    )
    third = run_cli("batch", str(county), "-o", str(out))
    assert "共 7 个单位：已生成 1，未变化 5，未通过 1" in third.stdout
    after = stamps(out)
    assert [n for n in after if after[n] != before[n]] == ["共和镇人民政府.docx"]
    assert run_cli("batch", str(county), "-o", str(out), "--rebuild").stdout.count("已生成") >= 6


def test_the_seed_town_reproduces_the_published_report(county: Path, tmp_path: Path) -> None:
    result = batch.run(county, tmp_path)
    jiangpo = next(a for a in result.agencies if a.data.name == "jiangpo.toml")
    assert jiangpo.status == "rendered" and jiangpo.output is not None
    seed = [
        normalise(line.removesuffix("|"))
        for line in (DATA / "seed-jiangpo-2022.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert [normalise(line) for line in projection(jiangpo.output)][1:] == seed


def test_sample_towns_are_marked_and_the_seed_is_not(county: Path, tmp_path: Path) -> None:
    batch.run(county, tmp_path)
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

    def header(name: str) -> str:
        part = xml_part(tmp_path / f"{name}.docx", "word/header1.xml")
        return "".join(paragraph_text(p) for p in part.iter(f"{W}p"))

    assert header("共和镇人民政府") == "示例数据"
    assert header("江坡镇人民政府") == ""


def test_force_renders_the_failing_town_marked(county: Path, tmp_path: Path) -> None:
    result = batch.run(county, tmp_path, batch.Options(force=True))
    xujie = next(a for a in result.agencies if a.data.name == "xujie.toml")
    assert xujie.status == "forced" and xujie.output is not None and xujie.output.is_file()
    assert not result.ok
    listed = (tmp_path / "问题清单-戌街乡人民政府.txt").read_text(encoding="utf-8-sig")
    assert listed.startswith(
        "戌街乡人民政府（数据文件 xujie.toml）的报告已生成，但有以下问题需要核对"
    )
    assert "[C]" in listed


def test_parallel_workers_write_the_same_bytes(county: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    batch.run(county, one, batch.Options(jobs=1))
    batch.run(county, two, batch.Options(jobs=2))
    for name in TOWNS:
        assert (one / f"{name}.docx").read_bytes() == (two / f"{name}.docx").read_bytes()


def test_a_large_county_is_read_in_the_workers_with_the_same_outcome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.synthetic import make_county

    county = tmp_path / "county"
    make_county(county, batch.READ_IN_WORKERS + 10)  # with near copies across agencies
    shutil.copy(FIXTURES / "mouding-2022" / "xujie.toml", county / "zz-xujie.toml")  # fails
    (county / "zz-broken.toml").write_text('year = 2022\nname = "x', encoding="utf-8")
    seen = read_spy(monkeypatch)
    one = batch.run(county, tmp_path / "one", batch.Options(jobs=1))
    assert len(seen) == batch.READ_IN_WORKERS + 12
    seen.clear()
    two = batch.run(county, tmp_path / "two", batch.Options(jobs=2))
    assert seen == []  # every agency was read in a worker process
    assert outcome(two) == outcome(one)
    assert [a.status for a in two.agencies] == [a.status for a in one.agencies]
    assert sum(1 for a in one.agencies if a.status == "failed") == 2
    assert sum(1 for a in one.agencies for p in a.problems if p.code == "similar_agency") >= 3
    for made in sorted((tmp_path / "one").iterdir()):
        if made.is_file():
            assert made.read_bytes() == (tmp_path / "two" / made.name).read_bytes(), made.name


def test_two_agencies_writing_one_file_stop_the_batch_before_writing(
    county: Path, tmp_path: Path
) -> None:
    text = (county / "anle.toml").read_text(encoding="utf-8")
    (county / "anle-copy.toml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli("batch", str(county), "-o", str(out))
    assert result.returncode == 1
    assert "anle-copy.toml" in result.stderr and "安乐乡人民政府.docx" in result.stderr
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("江坡镇人民政府", "江坡镇人民政府"),
        ("../../etc/passwd", "___etc_passwd"),
        ("a/b\\c", "a_b_c"),
        ("CON", "_CON"),
        ("x:y*?", "x_y__"),
        ("..", "_"),
        (" 名称. ", "名称"),
    ],
    ids=["chinese", "traversal", "separators", "reserved", "windows-chars", "dots", "spaces"],
)
def test_safe_names(name: str, safe: str) -> None:
    assert batch.safe_name(name) == safe
    assert "/" not in safe and "\\" not in safe and ".." not in safe


def test_similar_narrative_across_towns_is_a_warning(county: Path, tmp_path: Path) -> None:
    gonghe = (county / "gonghe.toml").read_text(encoding="utf-8")
    copied = (
        "共和镇以政务公开标准化规范化建设为抓手，把信息公开融入镇村日常工作，全年工作运行平稳。"
    )
    assert copied in gonghe
    anle = county / "anle.toml"
    anle.write_text(
        anle.read_text(encoding="utf-8").replace(
            "安乐乡结合山区乡实际，把公开工作与为民办实事结合起来，推动政策落地见效。", copied
        ),
        encoding="utf-8",
    )
    result = batch.run(county, tmp_path)
    warned = {
        a.name: [p for p in a.warnings if p.code == "similar_agency"] for a in result.agencies
    }
    assert [len(v) for v in warned.values()].count(1) == 1
    [problem] = warned["安乐乡人民政府"] or warned["共和镇人民政府"]
    assert problem.rule == "S" and problem.path == "part1.text[0]"
    # the paragraph every town inherits from county.toml is not a copy
    assert all(
        p.code != "similar_agency" or p.path != "part6.text[0]"
        for a in result.agencies
        for p in a.problems
    )


def test_previous_county_folder_enables_checks_across_years(county: Path, tmp_path: Path) -> None:
    this_year = tmp_path / "2023"
    shutil.copytree(county, this_year)
    shared = this_year / "county.toml"
    shared.write_text(
        shared.read_text(encoding="utf-8")
        .replace("year = 2022", "year = 2023")
        .replace("date = 2023-01-10", "date = 2024-01-10")
        .replace("deadline = 2023-02-28", "deadline = 2024-02-28"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    result = batch.run(this_year, out, batch.Options(previous=county))
    rules = {p.rule for a in result.agencies for p in a.problems}
    assert "S" in rules  # the narrative is last year's, copied
    # this year's 上年结转 is last year's own 上年结转 (the files were copied): rule X fires
    # exactly for the towns whose 结转下年度 differed from it
    expected = set()
    for path in sorted(county.glob("*.toml")):
        if path.name != "county.toml":
            apps = reportkit.load(path).complete().applications
            if apps.carried_forward.parts() != apps.carried_over.parts():
                expected.add(path.name)
    assert expected, "the fixture should give rule X something to find"
    assert {a.data.name for a in result.agencies if any(p.rule == "X" for p in a.problems)} == (
        expected
    )


def test_totals_sum_every_passing_town(county: Path, tmp_path: Path) -> None:
    result = batch.run(county, tmp_path)
    path, problems, names = batch.write_county_totals(result, county)
    assert problems == [] and names == TOWNS
    totals = reportkit.load(path)
    towns = [a.report for a in result.agencies if a.report and not a.errors]
    assert totals.proactive.licensing == sum(t.proactive.licensing for t in towns)
    assert totals.proactive.fees == sum(t.proactive.fees for t in towns)
    assert totals.applications.received.total == sum(
        t.complete().applications.received.total or 0 for t in towns
    )
    text = path.read_text(encoding="utf-8")
    assert "#   戌街乡人民政府" not in text and "#   江坡镇人民政府" in text
    # the figures are done; the county writes the narrative, and then it renders
    assert {p.path for p in reportkit.check(path) if p.rule == "FILL"} == {
        "part1.text",
        "part5.text",
    }
    path.write_text(
        text + '\n[part1]\ntext = ["全县乡镇汇总。"]\n\n[part5]\ntext = ["无。"]\n',
        encoding="utf-8",
    )
    assert reportkit.render(path, tmp_path / "totals.docx").output.is_file()


def test_batch_pdf_converts_every_report_in_one_go(county: Path, tmp_path: Path) -> None:
    result = run_cli("batch", str(county), "-o", str(tmp_path), "--pdf")
    assert result.returncode == 1  # the failing town
    assert sorted(p.stem for p in tmp_path.glob("*.pdf")) == sorted(TOWNS)


def test_options_that_cannot_work_are_refused_before_anything_is_written(
    county: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    cases = [
        (["--template", str(tmp_path / "none.docx")], "找不到模板文件"),
        (["--previous", str(tmp_path / "nowhere")], "找不到上年的县（区）文件夹"),
        (["--previous", str(county / "anle.toml")], "找不到上年的县（区）文件夹"),
    ]
    for extra, message in cases:
        result = run_cli("batch", str(county), "-o", str(out), *extra)
        assert result.returncode == 1 and message in result.stderr, result.stderr
        assert "内部错误" not in result.stderr
    assert list(out.iterdir()) == []
    into_county = run_cli("batch", str(county), "-o", str(county), "--totals")
    assert into_county.returncode == 1 and "不能是县（区）文件夹本身" in into_county.stderr
    assert sorted(p.name for p in county.iterdir()) == sorted(p.name for p in COUNTY.iterdir())


def test_a_town_that_now_fails_loses_its_old_report(county: Path, tmp_path: Path) -> None:
    batch.run(county, tmp_path)
    assert (tmp_path / "安乐乡人民政府.docx").is_file()
    anle = county / "anle.toml"
    anle.write_text(
        re.sub(
            r"^(received\s*=\s*\[.*), (\d+)\]",
            lambda m: f"{m.group(1)}, {int(m.group(2)) + 1}]",
            anle.read_text(encoding="utf-8"),
            count=1,
            flags=re.M,
        ),
        encoding="utf-8",
    )
    result = batch.run(county, tmp_path)
    assert next(a for a in result.agencies if a.data.name == "anle.toml").status == "failed"
    assert not (tmp_path / "安乐乡人民政府.docx").exists()
    assert (tmp_path / "问题清单-安乐乡人民政府.txt").is_file()


def test_progress_is_reported_once_per_agency(county: Path, tmp_path: Path) -> None:
    seen: list[str] = []
    batch.run(county, tmp_path, batch.Options(jobs=2), progress=lambda a: seen.append(a.data.name))
    assert sorted(seen) == sorted(p.name for p in county.glob("*.toml") if p.name != "county.toml")


def test_the_output_folder_is_made_and_warnings_are_listed(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "new" / "输出"
    # a warning for one town: its text states a figure its table does not have (rule P)
    gonghe = county / "gonghe.toml"
    gonghe.write_text(
        gonghe.read_text(encoding="utf-8").replace(
            "[part1]\ntext = [", '[part1]\ntext = [\n  "全年新收政府信息公开申请99件。",', 1
        ),
        encoding="utf-8",
    )
    quiet = run_cli("batch", str(county), "-o", str(out))
    assert quiet.returncode == 1 and out.is_dir()
    assert "有单位存在警告" in quiet.stdout and "[P]" not in quiet.stderr
    listed = (out / "问题清单-共和镇人民政府.txt").read_text(encoding="utf-8-sig")
    assert "报告已生成，但有以下问题需要核对" in listed and "[P]" in listed
    loud = run_cli("batch", str(county), "-o", str(out), "--verbose")
    assert "[P]" in loud.stderr
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    refused = run_cli("batch", str(county), "-o", str(blocked))
    assert refused.returncode == 1 and "应为文件夹，但这是一个文件" in refused.stderr


def test_an_agency_whose_file_does_not_fit_is_named_by_its_agency(
    county: Path, tmp_path: Path
) -> None:
    # a typo in a key name: the table is not read, but whose report it is still is
    gonghe = county / "gonghe.toml"
    gonghe.write_text(
        gonghe.read_text(encoding="utf-8").replace("coercion  =", "coersion  ="), encoding="utf-8"
    )
    result = run_cli("batch", str(county), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    rows = list(csv.reader((tmp_path / "out" / "summary.csv").read_text("utf-8-sig").splitlines()))
    assert ["共和镇人民政府", "未通过", "2", "1", "", "gonghe.toml"] in rows
    listed = (tmp_path / "out" / "问题清单-共和镇人民政府.txt").read_text(encoding="utf-8-sig")
    assert listed.startswith("共和镇人民政府（数据文件 gonghe.toml）的报告未能生成")
    assert "未知的键「coersion」" in listed


def test_a_failed_agency_has_no_output(county: Path, tmp_path: Path) -> None:
    result = batch.run(county, tmp_path / "out")
    xujie = next(a for a in result.agencies if a.data.name == "xujie.toml")
    assert xujie.status == "failed" and xujie.output is None


# --- a county that did not change -------------------------------------------------------------


def outcome(result: batch.Result) -> list[tuple[str, str, list[str]]]:
    return [
        (a.name, a.output.name if a.output else "", [p.format() for p in a.problems])
        for a in result.agencies
    ]


def read_spy(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every agency the batch reads."""
    seen: list[Path] = []
    real = batch._read

    def spy(agency: batch.Agency, *args: object) -> None:
        seen.append(agency.data)
        real(agency, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "_read", spy)
    return seen


def test_an_unchanged_county_is_answered_without_reading_it(
    county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = batch.run(county, out)
    summary = (out / "summary.csv").read_bytes()
    seen = read_spy(monkeypatch)
    again = batch.run(county, out)
    assert seen == []  # no agency read, checked or compared
    assert outcome(again) == outcome(first)  # the same names, outputs and problems, each located
    assert {a.name: a.status for a in again.agencies} == {
        **{name: "unchanged" for name in TOWNS},
        "戌街乡人民政府": "failed",
    }
    assert (out / "summary.csv").read_bytes() == summary.replace(
        "已生成".encode(), "未变化".encode()
    )
    # the county's totals are still made from its reports
    _, problems, names = batch.write_county_totals(again, county)
    assert problems == [] and names == TOWNS


def _edit_town(county: Path, out: Path) -> None:
    town = county / "anle.toml"
    town.write_text(
        town.read_text("utf-8").replace("licensing", "licensing", 1) + "\n# 改\n", "utf-8"
    )


def _edit_shared(county: Path, out: Path) -> None:
    shared = county / "county.toml"
    shared.write_text(shared.read_text("utf-8") + "\n# 改\n", "utf-8")


def _add_town(county: Path, out: Path) -> None:
    shutil.copy(county / "anle.toml", county / "anle2.toml")
    text = (county / "anle2.toml").read_text("utf-8")
    (county / "anle2.toml").write_text(text.replace("安乐乡人民政府", "安乐二乡人民政府"), "utf-8")


def _truncate_report(county: Path, out: Path) -> None:
    report = out / "安乐乡人民政府.docx"
    report.write_bytes(report.read_bytes()[:100])


def _remove_report(county: Path, out: Path) -> None:
    (out / "安乐乡人民政府.docx").unlink()


def _break_record(county: Path, out: Path) -> None:
    (out / ".reportkit-batch" / "run.json").write_text("{", "utf-8")


@pytest.mark.parametrize(
    "change",
    [_edit_town, _edit_shared, _add_town, _truncate_report, _remove_report, _break_record],
    ids=lambda f: f.__name__,
)
def test_any_change_to_a_county_has_it_read_again(
    change: object, county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    batch.run(county, out)
    change(county, out)  # type: ignore[operator]
    seen = read_spy(monkeypatch)
    again = batch.run(county, out)
    assert seen  # the county was read
    assert (out / "安乐乡人民政府.docx").is_file()
    assert {a.status for a in again.agencies} <= {"rendered", "unchanged", "failed"}
    fresh = batch.run(county, out, batch.Options(rebuild=True))
    assert outcome(again) == outcome(fresh)


def test_last_year_s_file_appearing_has_the_county_read_again(
    county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = tmp_path / "last"
    last.mkdir()
    out = tmp_path / "out"
    options = batch.Options(previous=last)
    batch.run(county, out, options)
    shutil.copy(FIXTURES / "jiangpo-2022.toml", last / "jiangpo.toml")
    seen = read_spy(monkeypatch)
    batch.run(county, out, options)
    assert county / "jiangpo.toml" in seen


def test_an_interrupted_run_leaves_no_record_of_a_whole_run(
    county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    batch.run(county, out)
    _edit_town(county, out)

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(batch.Workers, "map", killed)
    with pytest.raises(KeyboardInterrupt):
        batch.run(county, out)
    assert not (out / ".reportkit-batch" / "run.json").exists()
    monkeypatch.undo()
    seen = read_spy(monkeypatch)
    batch.run(county, out)
    assert seen  # read again, and the town rendered again

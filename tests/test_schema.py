"""The JSON Schema validates the files reportkit reads and writes, and refuses what it refuses."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, Draft202012Validator

import reportkit
from reportkit.errors import DataError
from reportkit.load import SHARED, merge
from reportkit.model import APPLICANT_COLUMNS, OUTCOME_COLUMNS
from reportkit.schema import KINDS, generate
from tests.helpers import FIXTURES, run_cli

COUNTY = FIXTURES / "mouding-2022"


def validator(kind: str = "report", draft: Any = Draft202012Validator) -> Any:
    schema = generate(kind)  # type: ignore[arg-type]
    return draft(schema, format_checker=draft.FORMAT_CHECKER)


def as_json(value: Any) -> Any:
    """TOML data as an editor's schema check sees it (Taplo): dates are strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value


def read(path: Path) -> Any:
    return as_json(tomllib.loads(path.read_text(encoding="utf-8")))


def errors(data: Any, kind: str = "report") -> list[str]:
    """Return the schema's complaints about `data`, checked as draft 2020-12 and, since Taplo
    (Even Better TOML) reads schemas the way draft 7 does, as draft 7 too: both must agree."""
    found = [f"{list(e.absolute_path)}: {e.message}" for e in validator(kind).iter_errors(data)]
    older = list(validator(kind, Draft7Validator).iter_errors(data))
    assert bool(older) == bool(found), (older, found)
    return found


def kind_of(path: Path) -> str:
    if not (path.parent / SHARED).is_file():
        return "report"
    return "county" if path.name == SHARED else "agency"


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_is_a_valid_draft_2020_12_schema(kind: str) -> None:
    schema = generate(kind)  # type: ignore[arg-type]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_reads_the_same_in_older_drafts(kind: str) -> None:
    """Taplo ignores what stands beside a `$ref` and knows no `prefixItems`: titles sit
    beside an `allOf`, and every list item is checked by `items`."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            assert "$ref" not in node or len(node) == 1, node
            if "prefixItems" in node:
                assert isinstance(node["items"], dict) and node["items"]["type"] == "integer"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(generate(kind))  # type: ignore[arg-type]


def data_files() -> list[Path]:
    return sorted(FIXTURES.glob("*.toml")) + sorted(COUNTY.glob("*.toml"))


@pytest.mark.parametrize("path", data_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_fixture_validates(path: Path) -> None:
    assert errors(read(path), kind_of(path)) == []


@pytest.mark.parametrize(
    "path", sorted(set(COUNTY.glob("*.toml")) - {COUNTY / SHARED}), ids=lambda p: p.stem
)
def test_an_agency_file_merged_with_county_toml_is_a_whole_report(path: Path) -> None:
    shared = {k: v for k, v in read(COUNTY / SHARED).items() if k != "totals"}
    assert errors(merge(shared, read(path))) == []
    # on its own, the agency's file lacks what county.toml gives it
    assert "'year' is a required property" in "\n".join(errors(read(path)))


def test_an_agency_file_needs_no_key_but_is_still_typed() -> None:
    assert errors({}, "agency") == []
    assert errors({}, "county") == []
    assert errors({"agency": {"phone": 5351021}}, "agency") == [
        "['agency', 'phone']: 5351021 is not of type 'string'"
    ]
    assert errors({"totals": {"agency": {"name": "牟定县"}}}, "agency") != []
    assert errors({"totals": {"agency": {"name": "牟定县"}}}, "county") == []
    assert errors({"totals": {"agency": {"nmae": "牟定县"}}}, "county") != []


@pytest.mark.parametrize(
    "args",
    [
        ["--agency", "新桥镇人民政府", "--year", "2023"],
        ["--agency", "牟定县人民政府", "--year", "2024"],
        ["--agency", "牟定县教育体育局", "--year", "2023", "--level", "county_department"],
        ["--agency", 'A & <B> "C" 街道办事处', "--year", "2023"],
    ],
    ids=["town", "county-government", "department", "awkward-name"],
)
def test_a_new_skeleton_validates(tmp_path: Path, args: list[str]) -> None:
    result = run_cli("new", *args, "-o", str(tmp_path / "new.toml"))
    assert result.returncode == 0, result.stderr
    assert errors(read(tmp_path / "new.toml")) == []


def test_next_years_file_validates(tmp_path: Path) -> None:
    target = tmp_path / "jiangpo-2023.toml"
    result = run_cli("new", "--from", str(FIXTURES / "jiangpo-2022.toml"), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert errors(read(target)) == []


def test_next_years_county_folder_validates(tmp_path: Path) -> None:
    county = tmp_path / "mouding-2022"
    county.mkdir()
    for path in COUNTY.glob("*.toml"):
        (county / path.name).write_bytes(path.read_bytes())
    target = tmp_path / "mouding-2023"
    result = run_cli("new", "--from", str(county), "-o", str(target))
    assert result.returncode == 0, result.stderr
    written = sorted(target.glob("*.toml"))
    assert len(written) == len(list(COUNTY.glob("*.toml")))
    for path in written:
        assert errors(read(path), kind_of(path)) == [], path.name


def invalid_fixtures() -> list[Path]:
    return sorted((FIXTURES / "invalid").glob("*.toml"))


@pytest.mark.parametrize("path", invalid_fixtures(), ids=lambda p: p.stem)
def test_the_schema_refuses_exactly_what_the_loader_refuses(path: Path) -> None:
    """Consistency rules are the checks' business; the shape of the data is both's."""
    try:
        reportkit.load(path)
        loads = True
    except DataError:
        loads = False
    assert (errors(read(path)) == []) == loads


def huaian() -> str:
    return (FIXTURES / "huaian-2024.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("[ 3001,    53,     0,     0,    61,     4,  3119]", "[3001, 53, 0, 0, 61]"),
        ("[ 3001,    53,     0,     0,    61,     4,  3119]", "[3001, 53, 0, 0, 61, 4, 3119, 1]"),
        ("[ 3001,    53,     0,     0,    61,     4,  3119]", '[3001, 53, 0, 0, 61, "4"]'),
        ("year = 2024", "year = 2019"),
        ("year = 2024", "yaer = 2024"),
        ('level = "prefecture_government"', 'level = "city"'),
        ("[appeals]", "[appeals]\nextra = 1"),
    ],
    ids=["row-too-short", "row-too-long", "text-in-row", "year-2019", "typo", "level", "extra"],
)
def test_schema_and_loader_both_refuse(tmp_path: Path, old: str, new: str) -> None:
    text = huaian()
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError):
        reportkit.load(path)
    assert errors(read(path)) != []


def test_rows_and_paragraphs_may_take_either_form() -> None:
    data = read(FIXTURES / "huaian-2024.toml")
    data["applications"]["received"] = dict(
        zip([c.key for c in APPLICANT_COLUMNS[:-1]], [1, 2, 3, 4, 5, 6], strict=True)
    )
    data["applications"]["carried_over"] = [0, 0, 0, 0, 0, 0]  # 总计 left off
    data["appeals"]["review"] = [1, 0, 0, 0]
    data["proactive"]["rules"] = {"issued": 1, "repealed": 0, "in_force": 3}
    data["part1"]["text"] = ["plain", {"lead": "（一）", "text": "led"}, {"heading": "（二）"}]
    assert errors(data) == []


def titles(schema: dict[str, Any]) -> dict[str, str]:
    """Return every property's title, by its dotted path (rows of both forms)."""
    defs = schema["$defs"]
    found: dict[str, str] = {}

    def walk(node: dict[str, Any], path: str) -> None:
        if "$ref" in node:
            walk(defs[node["$ref"].split("/")[-1]], path)
        for option in node.get("anyOf", []) + node.get("allOf", []):
            walk(option, path)
        for i, item in enumerate(node.get("prefixItems", [])):
            found[f"{path}[{i}]"] = item.get("title", "")
        for key, prop in node.get("properties", {}).items():
            dotted = f"{path}.{key}" if path else key
            found[dotted] = prop.get("title", "")
            walk(prop, dotted)

    walk(schema, "")
    return found


def test_titles_are_the_paper_forms_labels() -> None:
    found = titles(generate())
    assert found["applications.received"] == "一、本年新收政府信息公开申请数量"
    assert found["applications.received.natural"] == "自然人"
    assert found["applications.received[0]"] == "自然人"
    assert found["applications.received[6]"] == "总计"
    assert found["applications.withheld"] == "（三）不予公开"
    assert found["applications.withheld.state_secret"] == "1.属于国家秘密"
    assert found["applications.total"] == "（七）总计"
    assert found["appeals.lawsuit_direct"] == "行政诉讼·未经复议直接起诉"
    assert [found[f"appeals.review[{i}]"] for i in range(5)] == [c.label for c in OUTCOME_COLUMNS]
    assert found["proactive.rules[2]"] == "现行有效件数"
    assert found["proactive.fees"] == "行政事业性收费（单位：万元）"
    assert found["part6.info_processing_fee"] == "本年收取的信息处理费（单位：元）"
    assert found["part3"] == "三、收到和处理政府信息公开申请情况"
    assert found["agency.contact_office"] == "联系科室"
    assert found["year"] == "报告年度"


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_has_a_chinese_title(kind: str) -> None:
    found = titles(generate(kind))  # type: ignore[arg-type]
    assert len(found) > 150
    untitled = [p for p, t in found.items() if not any("\u4e00" <= ch <= "\u9fff" for ch in t)]
    assert untitled == []


def test_english_titles_keep_the_forms_labels() -> None:
    found = titles(generate(lang="en"))
    assert found["year"] == "report year"
    assert found["applications.received"] == "一、本年新收政府信息公开申请数量"


def test_schema_command_writes_utf8_json_whatever_the_terminal(tmp_path: Path) -> None:
    out = tmp_path / "reportkit.schema.json"
    with out.open("wb") as stdout:
        result = subprocess.run(
            [sys.executable, "-m", "reportkit", "schema"],
            stdout=stdout,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C"},
            timeout=120,
        )
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_bytes().decode("utf-8")) == generate()


@pytest.mark.parametrize("flag", ["--agency", "--county"])
def test_schema_command_prints_the_county_folder_schemas(flag: str) -> None:
    result = run_cli("--lang", "en", "schema", flag)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == generate(flag[2:], "en")  # type: ignore[arg-type]


def test_the_schema_directive_is_a_comment_to_reportkit(tmp_path: Path) -> None:
    path = tmp_path / "huaian-2024.toml"
    path.write_text("#:schema ./reportkit.schema.json\n" + huaian(), encoding="utf-8")
    assert reportkit.load(path).agency.name == reportkit.load(FIXTURES / path.name).agency.name
    assert errors(read(path)) == []

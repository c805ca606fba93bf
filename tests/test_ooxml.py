"""Word opens the files without repair: the templates and every fixture's rendered report
validate as OOXML with zero errors (openxml-audit, a pure-Python port of the Open XML SDK's
validator, which also flags what makes Word offer to repair a file)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openxml_audit import OpenXmlValidator

import reportkit
from tests.helpers import FIXTURES, REPO

VALIDATOR = OpenXmlValidator()
TEMPLATES = sorted((REPO / "templates").glob("*.docx"))
DATA = [
    FIXTURES / "jiangpo-2022.toml",
    FIXTURES / "jiangpo-2022.en.toml",
    FIXTURES / "huaian-2024.toml",
    *sorted(p for p in (FIXTURES / "mouding-2022").glob("*.toml") if p.name != "county.toml"),
]


def errors(path: Path) -> list[str]:
    result = VALIDATOR.validate(path)
    return [f"{e.description} ({e.part_uri} {e.path})" for e in result.errors]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_validate_with_zero_errors(template: Path) -> None:
    assert len(TEMPLATES) == 2
    assert errors(template) == []


@pytest.mark.parametrize("data", DATA, ids=lambda p: p.stem)
def test_every_fixture_renders_a_valid_document(data: Path, tmp_path: Path) -> None:
    out = tmp_path / f"{data.stem}.docx"
    # force: the county folder has a town that fails its checks on purpose; its document
    # (marked 未通过校验 in the header) must be valid all the same
    reportkit.render(data, out, force=True)
    assert errors(out) == []


def test_no_stale_parts_of_python_docx_default_template() -> None:
    for template in TEMPLATES:
        names = zipfile.ZipFile(template).namelist()
        assert "word/stylesWithEffects.xml" not in names
        assert "docProps/thumbnail.jpeg" not in names


def _patched(source: Path, target: Path, part: str, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == part:
                assert old in data
                data = data.replace(old, new, 1)
            zout.writestr(item, data)
    return target


def test_the_validator_finds_the_faults_this_suite_guards_against(tmp_path: Path) -> None:
    # the template's own faults, put back: run properties out of schema order, and two w:ind
    template = REPO / "templates" / "gov-info-disclosure-2021.docx"
    styles = zipfile.ZipFile(template).read("word/styles.xml")
    start = styles.index(b'w:styleId="RKHeaderMark"')
    color = styles.index(b'<w:color w:val="C00000"/>', start)
    lang = styles.index(b"<w:lang ", color)
    lang_end = styles.index(b"/>", lang) + 2
    reordered = (
        styles[:color]
        + styles[color + len(b'<w:color w:val="C00000"/>') : lang_end]
        + b'<w:color w:val="C00000"/>'
        + styles[lang_end:]
    )
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(template) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, reordered if item.filename == "word/styles.xml" else zin.read(item))
    assert any("color" in e for e in errors(broken))
    doubled = _patched(
        template,
        tmp_path / "doubled.docx",
        "word/styles.xml",
        b'<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/>',
        b'<w:ind w:firstLineChars="0" w:firstLine="0"/><w:ind w:right="640"/><w:jc w:val="left"/>',
    )
    assert any("'ind'" in e for e in errors(doubled))


def test_rendered_bytes_validate_as_written_by_the_library(tmp_path: Path) -> None:
    report = reportkit.load(FIXTURES / "huaian-2024.toml")
    data = reportkit.document(report, reportkit.narrate(report), marks=["示例数据"])
    path = tmp_path / "marked.docx"
    path.write_bytes(data)
    assert zipfile.is_zipfile(io.BytesIO(data))
    assert errors(path) == []

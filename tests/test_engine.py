"""Compile once, render many: the reusable engine makes the same document docxtpl makes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docxtpl import DocxTemplate
from lxml import etree

import reportkit
from reportkit.context import variables
from reportkit.jinjaenv import environment
from reportkit.renderer import _escaped, default_template, document
from tests.helpers import FIXTURES

PARTS = (
    "word/document.xml",
    "word/header1.xml",
    "word/header2.xml",
    "word/footer1.xml",
    "word/footer2.xml",
)


def canonical(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        names = [n for n in z.namelist() if n in PARTS]
        assert sorted(names) == sorted(PARTS)
        return {n: etree.tostring(etree.fromstring(z.read(n)), method="c14n") for n in names}


def docxtpl_render(report: reportkit.Report, marks: list[str]) -> bytes:
    """docxtpl's documented use: open, render with the same context and environment, save."""
    context = _escaped(variables(report, reportkit.narrate(report), marks))
    template = DocxTemplate(str(default_template(report.locale)))
    template.render(context, jinja_env=environment(autoescape=True))
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def fixtures() -> list[Path]:
    county = sorted(p for p in FIXTURES.glob("mouding-2022/*.toml") if p.name != "county.toml")
    return sorted(FIXTURES.glob("*.toml")) + county


@pytest.mark.parametrize("path", fixtures(), ids=lambda p: p.stem)
def test_engine_equals_docxtpl(path: Path) -> None:
    report = reportkit.load(path)  # a county file inherits its county.toml
    marks = ["示例数据"] if report.sample else []
    # render another report first, so that a state left behind by one render would show
    document(
        reportkit.load(FIXTURES / "huaian-2024.toml"),
        reportkit.narrate(reportkit.load(FIXTURES / "huaian-2024.toml")),
        marks=["未通过校验"],
    )
    ours = document(report, reportkit.narrate(report), marks=marks)
    assert canonical(ours) == canonical(docxtpl_render(report, marks))

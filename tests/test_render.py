"""Rendering: sentences from figures, text exactly as typed, determinism, atomic output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

import reportkit
from reportkit.errors import DataError, OutputError, TemplateError
from tests.helpers import FIXTURES, paragraph_text, projection, xml_part

FEE_LINE = "fees      = 0"


def render_text(text: str, write_data, tmp_path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.docx"
    reportkit.render(write_data(text), out)
    return projection(out)


def test_admin_fee_sentence_follows_the_fee(seed_text: str, write_data, tmp_path: Path) -> None:
    assert FEE_LINE in seed_text
    zero = render_text(seed_text, write_data, tmp_path)
    assert "2022年度无收取行政事业性收费情况。" in zero
    paid = render_text(seed_text.replace(FEE_LINE, "fees      = 1.5"), write_data, tmp_path)
    assert "2022年度收取行政事业性收费1.5万元。" in paid
    assert not any("无收取行政事业性收费" in line for line in paid)


def test_amounts_print_as_typed(seed_text: str, write_data, tmp_path: Path) -> None:
    lines = render_text(seed_text.replace(FEE_LINE, "fees      = 1.50"), write_data, tmp_path)
    assert "2022年度收取行政事业性收费1.50万元。" in lines
    assert "1.50" in lines  # the table cell too


def test_statistics_period_and_fee_sentences_follow_the_year(
    huaian_text: str, write_data, tmp_path: Path
) -> None:
    lines = render_text(huaian_text, write_data, tmp_path)
    preamble = next(line for line in lines if line.startswith("根据"))
    assert "本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止。" in preamble
    assert "2024年，本机关共收取信息处理费3940元。" in lines
    assert "2024年度收取行政事业性收费96171.6万元。" in lines
    moved = render_text(
        huaian_text.replace("year = 2024", "year = 2023").replace("2025-03-28", "2024-03-28"),
        write_data,
        tmp_path,
    )
    preamble = next(line for line in moved if line.startswith("根据"))
    assert "统计期限自2023年1月1日起至2023年12月31日止" in preamble
    assert "2023年，本机关共收取信息处理费3940元。" in moved


def test_sentence_can_be_replaced_or_switched_off(
    huaian_text: str, write_data, tmp_path: Path
) -> None:
    text = huaian_text.replace(
        "[agency]",
        '[sentences]\n"part6.admin_fees" = "收费情况见附表。"\n"title" = false\n\n[agency]',
    )
    lines = render_text(text, write_data, tmp_path)
    assert "收费情况见附表。" in lines
    assert not any("行政事业性收费96171.6" in line for line in lines)
    assert not any(line.endswith("政府信息公开工作年度报告") for line in lines)


NASTY = "A & <B> \"C\" {{ x }} {{ 7*7 }} {% if %} {_{ y }_} 'q' \t 𠀀😀 末尾"


def test_narrative_comes_out_verbatim(seed_text: str, write_data, tmp_path: Path) -> None:
    paragraph = NASTY + "\n第二行"
    toml_value = paragraph.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    text = seed_text.replace(
        "[part2]\ntext = [",
        f'[part2]\ntext = [\n  "{toml_value}",\n  {{ lead = "<L&>", text = "{{{{t}}}}" }},',
    )
    out = tmp_path / "nasty.docx"
    reportkit.render(write_data(text), out)
    lines = projection(out)
    assert paragraph in lines
    assert "<L&>{{t}}" in lines
    # python-docx reads the same text back
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert paragraph in texts


def test_no_template_tag_survives_anywhere(tmp_path: Path) -> None:
    out = tmp_path / "seed.docx"
    reportkit.render(Path("fixtures/jiangpo-2022.toml"), out)
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                text = z.read(name).decode("utf-8")
                assert not re.search(r"\{\{|\{%|\{#|%\}|\}\}", text), name


def test_output_is_deterministic_across_a_clock_tick(tmp_path: Path) -> None:
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    reportkit.render(Path("fixtures/huaian-2024.toml"), first)
    time.sleep(2.1)  # zip timestamps have a resolution of two seconds
    reportkit.render(Path("fixtures/huaian-2024.toml"), second)
    assert first.read_bytes() == second.read_bytes()


def test_core_properties_come_from_the_data(tmp_path: Path) -> None:
    out = tmp_path / "seed.docx"
    reportkit.render(Path("fixtures/jiangpo-2022.toml"), out)
    props = Document(str(out)).core_properties
    assert props.author == "江坡镇人民政府"
    assert props.title == "江坡镇人民政府2022年政府信息公开工作年度报告"
    assert props.created.date().isoformat() == "2023-01-10"
    assert props.modified == props.created
    with zipfile.ZipFile(out) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def header_text(docx: Path) -> str:
    return "".join(
        paragraph_text(p)
        for p in xml_part(docx, "word/header1.xml").iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
        )
    )


def test_sample_data_is_marked_in_the_header(tmp_path: Path) -> None:
    out = tmp_path / "h.docx"
    reportkit.render(Path("fixtures/huaian-2024.toml"), out)
    assert "示例数据" in header_text(out)
    seed = tmp_path / "seed.docx"
    reportkit.render(Path("fixtures/jiangpo-2022.toml"), seed)
    assert header_text(seed) == ""


def test_failing_checks_write_nothing_unless_forced(
    seed_text: str, write_data, tmp_path: Path
) -> None:
    bad = seed_text.replace(
        "received                         = [0, 0, 0, 0, 0, 0, 0]",
        "received                         = [1, 0, 0, 0, 0, 0, 1]",
    )
    assert bad != seed_text
    out = tmp_path / "bad.docx"
    with pytest.raises(DataError) as caught:
        reportkit.render(write_data(bad), out)
    assert {p.rule for p in caught.value.problems} == {"A"}
    assert not out.exists()
    result = reportkit.render(write_data(bad), out, force=True)
    assert result.errors and out.exists()
    assert "未通过校验" in header_text(out)


def test_failed_render_leaves_existing_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out.docx"
    out.write_bytes(b"previous report")
    broken = tmp_path / "broken.docx"
    make_template(broken, "{{ no_such_variable }}")
    with pytest.raises(TemplateError) as caught:
        reportkit.render(Path("fixtures/jiangpo-2022.toml"), out, template=broken)
    assert "no_such_variable" in caught.value.format()
    assert out.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.docx", "out.docx"]


def make_template(path: Path, text: str) -> None:
    doc = Document()
    doc.add_paragraph(text)
    doc.save(str(path))


def test_template_runs_in_the_sandbox(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.docx"
    make_template(hostile, "{{ title.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError):
        reportkit.render(Path("fixtures/jiangpo-2022.toml"), tmp_path / "x.docx", template=hostile)
    assert not (tmp_path / "x.docx").exists()


def test_template_syntax_error_names_the_text_around_it(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    make_template(broken, "前文 {% if title %} 后文")
    with pytest.raises(TemplateError) as caught:
        reportkit.render(Path("fixtures/jiangpo-2022.toml"), tmp_path / "x.docx", template=broken)
    assert "前文" in caught.value.format()


def test_a_missing_output_folder_is_made_and_a_file_in_the_way_refused(tmp_path: Path) -> None:
    made = reportkit.render(Path("fixtures/jiangpo-2022.toml"), tmp_path / "new" / "sub" / "x.docx")
    assert made.output.is_file()
    (tmp_path / "plain").write_text("a file, not a folder")
    with pytest.raises(OutputError) as caught:
        reportkit.render(Path("fixtures/jiangpo-2022.toml"), tmp_path / "plain" / "x.docx")
    assert (caught.value.problems[0].code, caught.value.problems[0].file) == (
        "output_is_file",
        str(tmp_path / "plain"),
    )
    assert (tmp_path / "plain").read_text() == "a file, not a folder"
    with pytest.raises(OutputError) as caught:
        reportkit.render(Path("fixtures/jiangpo-2022.toml"), tmp_path)
    assert caught.value.problems[0].code == "output_is_dir"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_written_files_get_the_usual_mode_not_a_private_one(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        out = tmp_path / "seed.docx"
        reportkit.render(Path("fixtures/jiangpo-2022.toml"), out)
        assert out.stat().st_mode & 0o777 == 0o644
        out.chmod(0o664)
        reportkit.render(Path("fixtures/jiangpo-2022.toml"), out)
        assert out.stat().st_mode & 0o777 == 0o664  # a replaced file keeps its mode
    finally:
        os.umask(mask)


def test_core_properties_are_right_with_docxcompose_installed(tmp_path: Path) -> None:
    # docxcompose (which docxtpl imports when installed) rewrites python-docx's namespace table;
    # the properties part must come out the same, each property once, in its own namespace
    out = tmp_path / "x.docx"
    code = (
        "import docxcompose.composer, reportkit, sys\nreportkit.render(sys.argv[1], sys.argv[2])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(FIXTURES / "jiangpo-2022.toml"), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    core = xml_part(out, "docProps/core.xml")
    names = [etree.QName(child).text for child in core]
    assert len(names) == len(set(names)) == 7
    cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    assert core.findtext(f"{{{cp}}}lastModifiedBy") == "江坡镇人民政府"
    assert (
        core.findtext("{http://purl.org/dc/elements/1.1/}title")
        == "江坡镇人民政府2022年政府信息公开工作年度报告"
    )
    plain = tmp_path / "plain.docx"
    reportkit.render(FIXTURES / "jiangpo-2022.toml", plain)
    assert xml_part(plain, "docProps/core.xml") is not None
    with zipfile.ZipFile(out) as a, zipfile.ZipFile(plain) as b:
        assert a.read("docProps/core.xml") == b.read("docProps/core.xml")

"""The rendered report opens and converts in a real office suite (LibreOffice, headless).

These tests need LibreOffice; .ci/run installs it, so in CI they run, never skip.
"""

from __future__ import annotations

from pathlib import Path

import reportkit
from reportkit.model import PART_HEADINGS
from reportkit.pdf import convert, find_soffice
from tests.helpers import FIXTURES, normalise, pdf_text


def test_both_fixtures_convert_to_pdf_in_one_soffice_run(tmp_path: Path) -> None:
    assert find_soffice(), "LibreOffice is required (apt-get install libreoffice-writer-nogui)"
    docs = [
        reportkit.render(FIXTURES / f"{name}.toml", tmp_path / f"{name}.docx").output
        for name in ("jiangpo-2022", "huaian-2024")
    ]
    pdfs = convert(docs)
    assert [p.name for p in pdfs] == ["jiangpo-2022.pdf", "huaian-2024.pdf"]
    for pdf in pdfs:
        text = normalise(pdf_text(pdf))
        for heading in PART_HEADINGS:
            assert normalise(heading) in text, (pdf.name, heading)
        assert normalise("（本列数据的勾稽关系为：") in text  # the note cell wraps
    huaian = normalise(pdf_text(pdfs[1]))
    for cell in ("447228", "3985758", "96171.6", "3119", "3050", "351"):
        assert cell in huaian
    assert "—1—" in huaian and "—2—" in huaian  # page numbers
    jiangpo = normalise(pdf_text(pdfs[0]))
    assert normalise("2022年度无收取行政事业性收费情况。") in jiangpo
    assert normalise("2023年1月10日") in jiangpo
    assert list(tmp_path.glob("*.tmp")) == []

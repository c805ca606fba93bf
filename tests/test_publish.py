"""Publishing: GB/T 9704 typography read back from LibreOffice's PDF (pdftotext -bbox), PDF/A,
the parallel conversion, and batch previews."""

from __future__ import annotations

import csv
import html
import itertools
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import reportkit
from reportkit.context import title_lines
from reportkit.errors import OutputError
from reportkit.pdf import convert
from tests.helpers import FIXTURES, run_cli

PT_PER_MM = 72 / 25.4
PAGE_W, PAGE_H = 595.3, 841.9
LEFT, RIGHT = 28 * PT_PER_MM, PAGE_W - 26 * PT_PER_MM  # the text block's edges
TOP, BOTTOM = 37 * PT_PER_MM, PAGE_H - 35 * PT_PER_MM
CHAR = 15.75  # a 3号 character's advance (16 pt, tracking −0.25 pt)
LINE = 28.95  # the document grid's line pitch
LONG_NAME = "楚雄彝族自治州牟定县人民政府办公室"  # longer than its date: the 署名 stands 2 in
LONGER_NAME = "新疆维吾尔自治区伊犁哈萨克自治州人民政府办公室"  # too long for one title line

# a line must not start with these (避头), nor end with the openers (避尾)
NOT_AT_START = "，。、；：？！）》」』】〕’”…·%‰"
NOT_AT_END = "（《「『【〔‘“"


@dataclass
class Line:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def lines(pdf: Path) -> list[Line]:
    """Return every text line of the PDF, as pdftotext -bbox-layout groups them."""
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext is required: .ci/run installs poppler-utils"
    xml = subprocess.run(
        [exe, "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for number, page in enumerate(xml.split("<page ")[1:], start=1):
        for match in re.finditer(
            r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>',
            page,
            re.S,
        ):
            words = re.findall(r">([^<]*)</word>", match.group(5))
            box = (float(match.group(i)) for i in range(1, 5))
            found.append(Line(number, *box, html.unescape("".join(words))))
    return found


def render_variant(folder: Path, name: str, agency: str | None = None) -> Path:
    source = FIXTURES / "huaian-2024.toml"
    text = source.read_text(encoding="utf-8")
    if agency:
        text = text.replace('name = "淮安市人民政府"', f'name = "{agency}"', 1)
    data = folder / f"{name}.toml"
    data.write_text(text, encoding="utf-8")
    return reportkit.render(data, folder / f"{name}.docx").output


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("publish")
    docs = {
        "jiangpo": reportkit.render(FIXTURES / "jiangpo-2022.toml", folder / "jiangpo.docx").output,
        "huaian": render_variant(folder, "huaian"),
        "long": render_variant(folder, "long", LONG_NAME),
        "longer": render_variant(folder, "longer", LONGER_NAME),
        "en": reportkit.render(FIXTURES / "jiangpo-2022.en.toml", folder / "en.docx").output,
    }
    made = convert(list(docs.values()))
    return dict(zip(docs, made, strict=True))


AGENCIES = {
    "jiangpo": ("江坡镇人民政府", 2022),
    "huaian": ("淮安市人民政府", 2024),
    "long": (LONG_NAME, 2024),
    "longer": (LONGER_NAME, 2024),
}


# --- title -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agency", "expected"),
    [
        ("财政局", ["财政局2022年政府信息公开工作年度报告"]),
        ("江坡镇人民政府", ["江坡镇人民政府", "2022年政府信息公开工作年度报告"]),
        (LONG_NAME, [LONG_NAME, "2022年政府信息公开工作年度报告"]),
        (
            "中共云南省楚雄彝族自治州牟定县委员会宣传部",
            ["中共云南省", "楚雄彝族自治州牟定县委员会宣传部", "2022年政府信息公开工作年度报告"],
        ),
        (
            LONGER_NAME,
            ["新疆维吾尔自治区伊犁哈萨克自治州人民政府", "办公室2022年政府信息公开工作年度报告"],
        ),
        ("某市市场监督管理局", ["某市市场监督管理局", "2022年政府信息公开工作年度报告"]),
    ],
    ids=["fits", "town", "long", "three-lines", "break-in-name", "market-not-split"],
)
def test_title_breaks_between_words(agency: str, expected: list[str]) -> None:
    title = f"{agency}2022年政府信息公开工作年度报告"
    got = title_lines(title, agency)
    assert got == expected
    assert "".join(got) == title


@pytest.mark.parametrize("name", list(AGENCIES))
def test_title_lines_in_the_pdf_break_after_the_agency_and_are_centred(
    pdfs: dict[str, Path], name: str
) -> None:
    agency, year = AGENCIES[name]
    title = f"{agency}{year}年政府信息公开工作年度报告"
    # the title is set in 2号 (22 pt): its lines are the tall ones at the top of page 1
    heads = [ln for ln in lines(pdfs[name]) if ln.page == 1 and ln.y1 - ln.y0 > 25]
    texts = [ln.text for ln in heads]
    assert "".join(texts) == title
    assert texts == title_lines(title, agency)
    if len(agency) <= 20:
        assert texts[0] == agency  # the natural break: after the agency name
    for before, after in itertools.pairwise(texts):
        assert not (before[-1].isdigit() and after[0].isdigit())  # never inside a number
        assert not after.startswith(("年度报告", "度报告", "报告", "告"))
    for line in heads:
        assert abs((line.x0 + line.x1) / 2 - (LEFT + RIGHT) / 2) < 3, line  # centred
        assert line.x0 >= LEFT - 1 and line.x1 <= RIGHT + 1


# --- signature and date (§7.3.5.2) ---------------------------------------------------------------


@pytest.mark.parametrize("name", list(AGENCIES))
def test_signature_and_date_stand_where_gbt9704_puts_them(pdfs: dict[str, Path], name: str) -> None:
    agency, _ = AGENCIES[name]
    found = lines(pdfs[name])
    last_page = max(ln.page for ln in found)
    text = [ln for ln in found if ln.page == last_page and ln.y1 < BOTTOM]
    signature, date = text[-2], text[-1]
    assert signature.text == agency
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", date.text)
    # one blank line after the text, the date on the next line
    assert abs((signature.y0 - text[-3].y0) - 2 * LINE) < 3
    assert abs((date.y0 - signature.y0) - LINE) < 3
    # the date's first character is 2 characters right of the 署名's first character
    assert abs((date.x0 - signature.x0) - 2 * CHAR) < 0.3 * CHAR
    if date.x1 - date.x0 <= signature.x1 - signature.x0:
        assert name in ("long", "longer")
        assert abs((RIGHT - signature.x1) - 2 * CHAR) < 0.5 * CHAR  # 署名 right-indented 2
    else:  # the date is longer: it ends 2 characters from the margin, the 署名 moves with it
        assert name in ("jiangpo", "huaian")
        assert abs((RIGHT - date.x1) - 2 * CHAR) < 0.5 * CHAR


def test_english_signature_and_date_are_right_aligned_two_characters_in(
    pdfs: dict[str, Path],
) -> None:
    found = lines(pdfs["en"])
    last_page = max(ln.page for ln in found)
    text = [ln for ln in found if ln.page == last_page and ln.y1 < BOTTOM]
    signature, date = text[-2], text[-1]
    expected = ("Jiangpo Town People's Government", "10 January 2023")
    assert (signature.text, date.text) == tuple(t.replace(" ", "") for t in expected)
    assert abs((signature.y0 - text[-3].y0) - 2 * LINE) < 3
    for line in (signature, date):
        assert abs((RIGHT - line.x1) - 32) < 2  # 2 characters of 16 pt


# --- line breaking (避头尾) and the text block --------------------------------------------------


@pytest.mark.parametrize("name", list(AGENCIES))
def test_no_line_starts_or_ends_with_forbidden_punctuation_or_hangs_past_the_margin(
    pdfs: dict[str, Path], name: str
) -> None:
    found = lines(pdfs[name])
    assert len(found) > 100
    for line in found:
        assert line.text[0] not in NOT_AT_START, line
        assert line.text[-1] not in NOT_AT_END, line
        # nothing sticks out of the text block (punctuation used to hang 16 pt past it)
        assert line.x0 >= LEFT - 1 and line.x1 <= RIGHT + 1, line


def test_punctuation_settings_are_declared_for_word_and_wps(tmp_path: Path) -> None:
    from tests.helpers import xml_part

    out = reportkit.render(FIXTURES / "jiangpo-2022.toml", tmp_path / "j.docx").output
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    normal = next(
        s
        for s in xml_part(out, "word/styles.xml").iter(f"{w}style")
        if s.get(f"{w}styleId") == "Normal"
    )
    ppr = normal.find(f"{w}pPr")
    values = {
        tag: ppr.find(f"{w}{tag}").get(f"{w}val")
        for tag in ("kinsoku", "overflowPunct", "autoSpaceDE", "autoSpaceDN")
    }
    assert values == {"kinsoku": "1", "overflowPunct": "1", "autoSpaceDE": "1", "autoSpaceDN": "1"}
    control = xml_part(out, "word/settings.xml").find(f"{w}characterSpacingControl")
    assert control.get(f"{w}val") == "compressPunctuation"
    # tables: no row splits across pages; table 二's article title and header rows keep with
    # the next row, as does the paragraph before each table
    body = xml_part(out).find(f"{w}body")
    tables = body.findall(f"{w}tbl")
    for table in tables:
        assert all(tr.find(f"{w}trPr/{w}cantSplit") is not None for tr in table.iter(f"{w}tr"))
    keeps = [
        tr.find(f"{w}tc/{w}p/{w}pPr/{w}keepNext") is not None for tr in tables[0].findall(f"{w}tr")
    ]
    assert [i for i, keep in enumerate(keeps) if keep] == [0, 1, 4, 5, 7, 8, 11, 12]
    for table in tables:
        before = table.getprevious()
        style = before.find(f"{w}pPr/{w}pStyle").get(f"{w}val")
        assert style in ("RKLeadIn", "Heading1"), style  # both keep with the next


def test_a_group_label_row_is_never_left_alone_at_a_page_foot(tmp_path: Path) -> None:
    # push table 二 down a line at a time, so that its rows fall at a page foot in turn (with
    # 12 lines, LibreOffice left 「第二十条第（一）项」 alone at the foot before the title rows
    # kept with the next row)
    base = (FIXTURES / "huaian-2024.toml").read_text(encoding="utf-8")
    docs = []
    for extra in range(1, 16):
        filler = "补" * (28 * extra - 3) + "。"  # `extra` lines of text
        text = base.replace("[part2]\ntext = [", f'[part2]\ntext = [\n  "{filler}",', 1)
        assert text != base
        data = tmp_path / f"push{extra}.toml"
        data.write_text(text, encoding="utf-8")
        docs.append(reportkit.render(data, tmp_path / f"push{extra}.docx").output)
    labels = (
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    )
    for pdf in convert(docs):
        found = lines(pdf)
        for page in {ln.page for ln in found}:
            body = [ln for ln in found if ln.page == page and ln.y0 > TOP - 2 and ln.y1 < BOTTOM]
            assert body[-1].text not in (*labels, "信息内容本年处理决定数量"), (pdf.name, page)


# --- PDF/A --------------------------------------------------------------------------------------


def pdfinfo(pdf: Path, *options: str) -> str:
    return subprocess.run(
        ["pdfinfo", *options, str(pdf)], capture_output=True, text=True, check=True
    ).stdout


def test_pdf_is_pdfa_2b_with_fonts_embedded_and_properties(pdfs: dict[str, Path]) -> None:
    pdf = pdfs["jiangpo"]
    meta = pdfinfo(pdf, "-meta")
    assert re.search(r"<pdfaid:part>2</pdfaid:part>", meta)
    assert re.search(r"<pdfaid:conformance>B</pdfaid:conformance>", meta)
    info = pdfinfo(pdf)
    assert re.search(r"^Title:\s+江坡镇人民政府2022年政府信息公开工作年度报告$", info, re.M)
    assert re.search(r"^Author:\s+江坡镇人民政府$", info, re.M)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)  # every font embedded


def test_pdf_standard_none_writes_a_plain_pdf(tmp_path: Path) -> None:
    data = tmp_path / "j.toml"
    shutil.copy(FIXTURES / "jiangpo-2022.toml", data)
    done = run_cli("render", str(data), "--pdf", "--pdf-standard", "none")
    assert done.returncode == 0, done.stderr
    assert "pdfaid" not in pdfinfo(tmp_path / "j.pdf", "-meta")
    refused = run_cli("render", str(data), "--pdf", "--pdf-standard", "pdfa-9")
    assert refused.returncode == 2


# --- the parallel conversion, with a stand-in for LibreOffice -----------------------------------

FAKE_SOFFICE = """\
#!{python}
# Stands in for soffice --convert-to: logs each file, then hangs on "hang", dies the first
# time it meets "crash", makes nothing for "corrupt", and a small PDF for the others.
import os, sys, time
from pathlib import Path
args = sys.argv[1:]
out = Path(args[args.index("--outdir") + 1])
profile = next(a for a in args if a.startswith("-env:UserInstallation="))
files = args[args.index("--outdir") + 2:]
log = Path(os.environ["FAKE_SOFFICE_LOG"])
for name in files:
    stem = Path(name).stem
    with log.open("a") as f:
        f.write(f"{{profile}} {{stem}}\\n")
    if "hang" in stem:
        time.sleep(60)
    if "crash" in stem:
        marker = log.with_name("crashed")
        if not marker.exists():
            marker.touch()
            os._exit(3)
    if "corrupt" in stem:
        continue
    (out / (stem + ".pdf")).write_bytes(b"%PDF-1.4 stand-in\\n%%EOF\\n")
"""


@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "soffice"
    exe.write_text(FAKE_SOFFICE.format(python=sys.executable), encoding="utf-8")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    log = tmp_path / "soffice.log"
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(log))
    return log


def documents(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(exist_ok=True)
    made = []
    for name in names:
        path = folder / f"{name}.docx"
        path.write_bytes(b"not really a docx")
        made.append(path)
    return made


def started(log: Path) -> list[tuple[str, str]]:
    pairs = [tuple(line.split()) for line in log.read_text().splitlines()]
    return [(profile, stem) for profile, stem in pairs]


def test_files_are_shared_among_processes_with_their_own_profiles(
    tmp_path: Path, fake_soffice: Path
) -> None:
    docs = documents(tmp_path / "in", *(f"r{i}" for i in range(6)))
    made = convert(docs, workers=2)
    assert [p.name for p in made] == [f"r{i}.pdf" for i in range(6)]
    runs = started(fake_soffice)
    assert sorted(stem for _, stem in runs) == [f"r{i}" for i in range(6)]
    profiles = {profile for profile, _ in runs}
    assert len(profiles) == 2  # two processes, each with its own profile folder
    assert list((tmp_path / "in").glob("*.tmp")) == []


def test_a_hanging_process_is_ended_and_its_file_retried_once(
    tmp_path: Path, fake_soffice: Path
) -> None:
    docs = documents(tmp_path / "in", "a", "hang", "b")
    with pytest.raises(OutputError) as caught:
        convert(docs, workers=1, timeout=1)
    assert [p.file for p in caught.value.problems] == [str(docs[1])]
    assert "no progress" in caught.value.problems[0].params["detail"]
    assert (tmp_path / "in" / "a.pdf").is_file() and (tmp_path / "in" / "b.pdf").is_file()
    assert not (tmp_path / "in" / "hang.pdf").exists()
    assert [stem for _, stem in started(fake_soffice)].count("hang") == 2  # retried once


def test_a_process_that_dies_is_restarted_and_the_file_converted(
    tmp_path: Path, fake_soffice: Path
) -> None:
    docs = documents(tmp_path / "in", "a", "crash", "b")
    made = convert(docs, workers=1)
    assert [p.name for p in made] == ["a.pdf", "crash.pdf", "b.pdf"]
    assert [stem for _, stem in started(fake_soffice)] == ["a", "crash", "crash", "b"]


def test_a_file_libreoffice_cannot_read_fails_alone(tmp_path: Path, fake_soffice: Path) -> None:
    docs = documents(tmp_path / "in", "a", "corrupt", "b")
    with pytest.raises(OutputError) as caught:
        convert(docs, workers=2)
    assert [p.file for p in caught.value.problems] == [str(docs[1])]
    assert (tmp_path / "in" / "a.pdf").is_file() and (tmp_path / "in" / "b.pdf").is_file()


def test_one_process_fallback_converts_everything_in_one_start(
    tmp_path: Path, fake_soffice: Path
) -> None:
    docs = documents(tmp_path / "in", "a", "b", "c")
    convert(docs, workers=1)
    assert len({profile for profile, _ in started(fake_soffice)}) == 1
    assert len(fake_soffice.read_text().splitlines()) == 3


# --- batch: web pages, PDFs and previews -------------------------------------------------------


def test_batch_writes_pages_pdfs_and_previews_listed_in_the_summary(tmp_path: Path) -> None:
    county = tmp_path / "county"
    shutil.copytree(FIXTURES / "mouding-2022", county)
    out = tmp_path / "out"
    out.mkdir()
    done = run_cli("batch", str(county), "-o", str(out), "--html", "--preview", timeout=600)
    assert done.returncode == 1, done.stderr  # one town of the fixture county fails, on purpose
    with (out / "summary.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert "预览" in rows[0]
    rendered = [r for r in rows if r["预览"]]
    assert len(rendered) >= 6
    for row in rendered:
        image = out / row["预览"]
        assert image.suffix == ".png" and image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        # page 1 only, at 60 dpi: an A4 page about 496 × 702 pixels
        width = int.from_bytes(image.read_bytes()[16:20], "big")
        height = int.from_bytes(image.read_bytes()[20:24], "big")
        assert 495 <= width <= 497 and 700 <= height <= 703
        assert row["输出文件"] == image.with_suffix(".docx").name
        assert image.with_suffix(".pdf").is_file() and image.with_suffix(".html").is_file()
    failed = [r for r in rows if not r["预览"]]
    assert failed and all(not r["输出文件"] for r in failed)


@pytest.mark.libreoffice
def test_a_plain_libreoffice_conversion_keeps_every_full_stop(tmp_path: Path) -> None:
    # a clerk may convert the .docx with LibreOffice themselves: with punctuation allowed to
    # hang LibreOffice 7.4 dropped a line's final 。 from the PDF (「二是宣传不够」 lost its 。)
    from tests.helpers import normalise, pdf_text, projection, to_pdf

    docx = reportkit.render(FIXTURES / "jiangpo-2022.toml", tmp_path / "j.docx").output
    text = normalise("".join(projection(docx)))
    pdf = normalise(pdf_text(to_pdf(docx, tmp_path)))
    for mark in "。，、；":
        assert pdf.count(mark) == text.count(mark), mark
    assert "二是宣传不够。" in pdf

"""Fonts: each role's official font, its Simplified Chinese substitute, and what the PDF embeds."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import reportkit
from reportkit import fonts
from reportkit.pdf import convert
from tests.helpers import FIXTURES, run_cli

NOTO = frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC", "LXGW WenKai", "WenQuanYi Zen Hei"})


def test_a_missing_official_font_gets_its_first_installed_candidate() -> None:
    chosen = {c.role.key: c for c in fonts.choices(NOTO)}
    assert {k: str(c.substitute) for k, c in chosen.items()} == {
        "title": "Noto Serif CJK SC Bold",
        "heading": "Noto Sans CJK SC",
        "body": "Noto Serif CJK SC Regular",
        "subhead": "LXGW WenKai Regular",
        "page_number": "Noto Serif CJK SC Regular",
    }
    assert not any(c.installed for c in chosen.values())
    # without Noto Sans, the heading falls back to WenQuanYi Zen Hei
    fallback = {c.role.key: c for c in fonts.choices(NOTO - {"Noto Sans CJK SC"})}
    assert str(fallback["heading"].substitute) == "WenQuanYi Zen Hei"


def test_an_installed_official_font_is_used_as_it_is() -> None:
    chosen = {c.role.key: c for c in fonts.choices(NOTO | {"仿宋_GB2312", "SimHei"})}
    assert chosen["body"].installed and chosen["body"].substitute is None
    assert chosen["heading"].installed  # installed under another of its names
    text = fonts.fontconfig(NOTO | {"仿宋_GB2312", "SimHei"}, base="/etc/fonts/fonts.conf")
    assert text is not None
    assert "<string>仿宋_GB2312</string>" not in text  # no rule overrides an installed font
    assert "<string>楷体_GB2312</string>" in text


def test_fontconfig_file_includes_the_system_configuration_and_maps_every_missing_role() -> None:
    text = fonts.fontconfig(NOTO, base="/etc/fonts/fonts.conf")
    assert text is not None
    assert '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>' in text
    for role in fonts.ROLES:
        assert f"<string>{role.official}</string>" in text
    assert text.count("<string>zh-cn</string>") == sum(1 + len(r.aliases) for r in fonts.ROLES)
    # no candidate installed: no rule, LibreOffice's own fallback
    assert "<match" not in (fonts.fontconfig(frozenset(), base="/x.conf") or "")


def test_no_candidate_draws_taiwanese_or_japanese_forms() -> None:
    # AR PL UMing/UKai draw 骨, 直 … in Taiwanese forms; cwTeX FangSong covers Big5 only
    for role in fonts.ROLES:
        for face in role.candidates:
            assert not re.search(r"\b(TW|HK|JP|KR|TC)\b|UMing|UKai|cwTeX", face.family), face


def test_fonts_command_lists_every_role(tmp_path: Path) -> None:
    done = run_cli("fonts")
    assert done.returncode == 0, done.stderr
    for role in fonts.ROLES:
        assert role.official in done.stdout
    for label in ("标题", "正文", "PDF 转换使用"):
        assert label in done.stdout
    assert "apt-get install" in done.stdout
    english = run_cli("--lang", "en", "fonts")
    assert english.returncode == 0 and "official font" in english.stdout


# --- the converted PDF -------------------------------------------------------------------------


def pdffonts(pdf: Path) -> list[tuple[str, str, str]]:
    exe = shutil.which("pdffonts")
    assert exe, "pdffonts is required: .ci/run installs poppler-utils"
    lines = subprocess.run([exe, str(pdf)], capture_output=True, text=True, check=True).stdout
    found = []
    for line in lines.splitlines()[2:]:
        parts = line.split()
        name = parts[0].split("+", 1)[-1]  # drop the subset tag (ABCDEF+)
        emb = parts[-5]
        found.append((name, parts[1], emb))
    return found


# The PDF name of each substitute. Noto CJK ships as collections whose faces share one CFF font
# named after the Japanese face: a PDF names the Simplified Chinese face "NotoSerifCJKjp-Bold"
# too. The glyph forms are checked below, by drawing them.
PDF_NAMES = {
    ("Noto Serif CJK SC", "bold"): "NotoSerifCJKjp-Bold",
    ("Noto Serif CJK SC", "regular"): "NotoSerifCJKjp-Regular",
    ("Noto Serif CJK SC Light", "light"): "NotoSerifCJKjp-Light",
    ("Noto Sans CJK SC", ""): "NotoSansCJKjp-Regular",
    ("WenQuanYi Zen Hei", ""): "WenQuanYiZenHei",
    ("LXGW WenKai", "regular"): "LXGWWenKai-Regular",
}


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fonts")
    docx = reportkit.render(FIXTURES / "huaian-2024.toml", folder / "huaian.docx").output
    return convert([docx])[0]


def test_pdf_embeds_distinct_simplified_chinese_faces_by_role(converted: Path) -> None:
    embedded = pdffonts(converted)
    assert all(emb == "yes" for _, _, emb in embedded), embedded
    names = {name for name, _, _ in embedded}
    chosen = {c.role.key: c.substitute for c in fonts.choices()}
    assert all(chosen.values()), "install the substitutes: apt-get install fonts-noto-cjk …"
    expected = {
        key: PDF_NAMES[(face.family, face.weight)]
        for key, face in chosen.items()
        if face is not None
    }
    for key, name in expected.items():
        assert any(n.startswith(name) for n in names), (key, name, names)
    # title, headings, body and sub-heads each in a face of its own
    roles = [expected[k] for k in ("title", "heading", "body", "subhead")]
    assert len(set(roles)) == 4, roles
    # nothing in a Traditional Chinese, Japanese or Korean face (the Noto collections' shared
    # CFF name aside, in whatever weight a style asks for: the header mark is bold 黑体)
    for name in names:
        plain = name.removesuffix("-VKana")
        if plain in PDF_NAMES.values() or re.fullmatch(r"Noto(Sans|Serif)CJKjp-\w+", plain):
            continue
        assert not re.search(r"(TW|HK|JP|KR|TC|jp|kr|tc|hk)\b|UMing|UKai", plain), name
        assert plain.startswith(("LiberationSerif", "LiberationSans", "DejaVu")), name


def _glyph(pdf: Path, page: int, box: tuple[float, float, float, float]) -> list[int]:
    """Return the pixels (0–255 grey) of a region of a page, drawn by pdftoppm at 300 dpi."""
    x0, y0, x1, y1 = (round(v * 300 / 72) for v in box)
    raw = subprocess.run(
        [
            "pdftoppm",
            "-gray",
            "-r",
            "300",
            "-f",
            str(page),
            "-l",
            str(page),
            "-x",
            str(x0),
            "-y",
            str(y0),
            "-W",
            str(x1 - x0),
            "-H",
            str(y1 - y0),
            str(pdf),
        ],
        capture_output=True,
        check=True,
    ).stdout
    # PGM: "P5\n<w> <h>\n255\n" then the pixels
    header_end = 0
    for _ in range(3):
        header_end = raw.index(b"\n", header_end) + 1
    return list(raw[header_end:])


def test_glyphs_have_simplified_chinese_forms(tmp_path: Path) -> None:
    # The Noto CJK faces (title, headings, body) carry Chinese and Japanese forms of shared
    # characters; 直 differs between them. Draw it in those roles' fonts, tagged zh-CN as the
    # template tags every run, and tagged ja-JP, converted as reports are: the zh-CN glyphs must
    # not be the Japanese ones. (LXGW WenKai, the sub-heads' face, is a Chinese face only.)
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    made = {}
    for lang in ("zh-CN", "ja-JP"):
        doc = Document()
        for font in ("方正小标宋简体", "仿宋_GB2312", "黑体"):
            run = doc.add_paragraph().add_run("直")
            run.font.size = Pt(40)
            rpr = run._element.get_or_add_rPr()
            rpr.get_or_add_rFonts().set(qn("w:eastAsia"), font)
            rpr.append(rpr.makeelement(qn("w:lang"), {qn("w:eastAsia"): lang}))
        path = tmp_path / f"{lang}.docx"
        doc.save(str(path))
        made[lang] = path
    zh, ja = convert([made["zh-CN"], made["ja-JP"]], standard="none")
    html = subprocess.run(
        ["pdftotext", "-bbox", str(zh), "-"], capture_output=True, text=True, check=True
    ).stdout
    boxes = [
        tuple(float(v) for v in m.groups())
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">直', html
        )
    ]
    assert len(boxes) == 3
    for box in boxes:
        assert _glyph(zh, 1, box) != _glyph(ja, 1, box), box  # type: ignore[arg-type]

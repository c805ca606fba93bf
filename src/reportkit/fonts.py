"""Stage 5b (pdf), its fonts: the official Chinese fonts of each role, and free substitutes.

The template declares the fonts GB/T 9704 asks for (方正小标宋简体, 黑体, 仿宋_GB2312,
楷体_GB2312, 宋体). Where they are not installed (LibreOffice on Linux, as a rule), LibreOffice
asks fontconfig for a substitute, and fontconfig's own choice sets every role in one face. So
the PDF conversion hands the LibreOffice it starts a fontconfig file of its own
(`FONTCONFIG_FILE`) that includes the system's configuration and maps each official font that is
missing to a free face of the same style with Simplified Chinese glyphs. Nothing on the system
is changed, and an official font that is installed is always used as it is.

Candidates, first installed wins (Debian packages in brackets):
  title      方正小标宋简体 → Noto Serif CJK SC Bold              [fonts-noto-cjk]
  heading    黑体           → Noto Sans CJK SC, WenQuanYi Zen Hei  [fonts-noto-cjk, fonts-wqy-zenhei]
  body       仿宋_GB2312    → Noto Serif CJK SC Light, Noto Serif CJK SC  [fonts-noto-cjk(-extra)]
  sub-head   楷体_GB2312    → LXGW WenKai                          [fonts-lxgw-wenkai]
  page number, tables 宋体 → Noto Serif CJK SC                     [fonts-noto-cjk]
There is no free FangSong with GB 2312 coverage in Debian (cwTeX FangSong covers Big5 only), so
the body takes a light serif face. AR PL UMing and UKai are left out: they draw many shared
characters (骨, 直 …) in their Taiwanese forms.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Face:
    """A free font face: its fontconfig family, the weight to ask for, its Debian package."""

    family: str
    weight: str = ""  # a fontconfig weight constant (light, regular, bold), or any
    package: str = ""

    def __str__(self) -> str:
        return f"{self.family} {self.weight.capitalize()}".strip()


@dataclass(frozen=True)
class Role:
    """A typographic role of the report: the font GB/T 9704 asks for, and its substitutes."""

    key: str
    official: str
    aliases: tuple[str, ...]  # other names of the same font that templates use
    candidates: tuple[Face, ...]


NOTO_SERIF, NOTO_SANS = "Noto Serif CJK SC", "Noto Sans CJK SC"
ROLES = (
    Role(
        "title",
        "方正小标宋简体",
        ("方正小标宋_GBK", "方正小标宋简", "小标宋"),
        (Face(NOTO_SERIF, "bold", "fonts-noto-cjk"),),
    ),
    Role(
        "heading",
        "黑体",
        ("SimHei", "方正黑体_GBK", "方正黑体简体"),
        (Face(NOTO_SANS, "", "fonts-noto-cjk"), Face("WenQuanYi Zen Hei", "", "fonts-wqy-zenhei")),
    ),
    Role(
        "body",
        "仿宋_GB2312",
        ("仿宋", "FangSong", "FangSong_GB2312", "方正仿宋_GBK", "方正仿宋简体"),
        (
            Face("Noto Serif CJK SC Light", "light", "fonts-noto-cjk-extra"),
            Face(NOTO_SERIF, "regular", "fonts-noto-cjk"),
        ),
    ),
    Role(
        "subhead",
        "楷体_GB2312",
        ("楷体", "KaiTi", "KaiTi_GB2312", "方正楷体_GBK", "方正楷体简体"),
        (Face("LXGW WenKai", "regular", "fonts-lxgw-wenkai"),),
    ),
    Role(
        "page_number",
        "宋体",
        ("SimSun", "新宋体", "NSimSun"),
        (Face(NOTO_SERIF, "regular", "fonts-noto-cjk"),),
    ),
)
PACKAGES = tuple(dict.fromkeys(f.package for r in ROLES for f in r.candidates if f.package))


@dataclass(frozen=True)
class Choice:
    """What PDF conversion uses for a role on this machine."""

    role: Role
    installed: bool | None  # None: cannot tell (no fontconfig on this system)
    substitute: Face | None  # None: the official font is installed, or no candidate is


@functools.cache
def installed_families() -> frozenset[str] | None:
    """Return the font family names fontconfig knows (every name of every face), or None
    where there is no fontconfig (Windows, macOS without it)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return None
    try:
        listing = subprocess.run(
            [exe, "--format", "%{family}\n"], capture_output=True, text=True, timeout=60
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    return frozenset(name.strip() for line in listing.splitlines() for name in line.split(","))


def choices(families: frozenset[str] | None = None) -> list[Choice]:
    """Return, for each role, whether its official font is installed and the substitute."""
    known = installed_families() if families is None else families
    found = []
    for role in ROLES:
        if known is None:
            found.append(Choice(role, None, None))
            continue
        installed = any(name in known for name in (role.official, *role.aliases))
        substitute = (
            None if installed else next((f for f in role.candidates if f.family in known), None)
        )
        found.append(Choice(role, installed, substitute))
    return found


def fontconfig(families: frozenset[str] | None = None, base: str | None = None) -> str | None:
    """Return the text of a fontconfig file: the system's configuration (or `base`) plus a
    rule per missing official font (and its other names) mapping it to its substitute; None
    where there is no fontconfig."""
    if families is None and installed_families() is None:
        return None
    include = base or os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    rules = []
    for choice in choices(families):
        face = choice.substitute
        if face is None:
            continue
        # the family is assigned (not prepended): the official name must not reach
        # fontconfig's default fallback, which picks a Japanese face; zh-cn selects the
        # Simplified Chinese face of a collection such as Noto CJK
        edits = (
            f'<edit name="family" mode="assign" binding="strong"><string>{escape(face.family)}'
            "</string></edit>"
            + (
                f'<edit name="weight" mode="assign" binding="strong"><const>{face.weight}</const>'
                "</edit>"
                if face.weight
                else ""
            )
            + '<edit name="lang" mode="assign" binding="strong"><string>zh-cn</string></edit>'
        )
        for name in (choice.role.official, *choice.role.aliases):
            rules.append(
                f"  <!-- {choice.role.key}: {escape(name)} -> {escape(str(face))} -->\n"
                '  <match target="pattern"><test qual="any" name="family" compare="eq">'
                f"<string>{escape(name)}</string></test>{edits}</match>"
            )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<!-- written by reportkit for the LibreOffice it starts; the system is not changed -->\n"
        f'<fontconfig>\n  <include ignore_missing="yes">{escape(include)}</include>\n'
        + "\n".join(rules)
        + "\n</fontconfig>\n"
    )


def write_fontconfig(folder: Path) -> dict[str, str]:
    """Write the fontconfig file into `folder`; return the environment that makes a process
    use it (empty where there is no fontconfig)."""
    text = fontconfig()
    if text is None:
        return {}
    path = folder / "fonts.conf"
    path.write_text(text, encoding="utf-8")
    return {"FONTCONFIG_FILE": str(path)}

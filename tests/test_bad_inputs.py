"""The bad-input corpus (tests/bad_inputs/cases.toml), every case run through the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from reportkit.cli import main
from reportkit.renderer import default_template
from tests.helpers import FIXTURES

CASES = tomllib.loads((Path(__file__).parent / "bad_inputs" / "cases.toml").read_text("utf-8"))
CASES_BY_NAME = {c["name"]: c for c in CASES["case"]}


def make_template(kind: str, path: Path) -> None:
    """The template recipes the corpus names."""
    if kind == "text":
        path.write_text("这不是 Word 文档", encoding="utf-8")
    elif kind == "truncated":
        path.write_bytes(default_template().read_bytes()[:300])
    elif kind == "zip-bomb":  # a small file that would unpack to 20 MB of zeros
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", b"\0" * 20_000_000)
    elif kind == "external-entity":  # XXE: the template asks for a file of this machine
        with zipfile.ZipFile(default_template()) as src, zipfile.ZipFile(path, "w") as out:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "word/document.xml":
                    head, rest = data.decode("utf-8").split("?>", 1)
                    entity = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
                    assert "{{ signature }}" in rest
                    data = (
                        head
                        + "?>"
                        + entity
                        + rest.replace("{{ signature }}", "{{ signature }}&xxe;")
                    ).encode("utf-8")
                out.writestr(item, data)
    elif kind == "official":
        path.write_bytes(default_template().read_bytes())
    elif kind == "no-document":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
    else:
        text = {
            "jinja-syntax": "封面文字 {% if title %} 其后文字",
            "undefined": "{{ no_such_figure }}",
        }[kind]
        doc = Document()
        doc.add_paragraph(text)
        doc.save(str(path))


def build_input(case: dict[str, Any], path: Path) -> None:
    if "base" in case:
        text = (FIXTURES / f"{case['base']}.toml").read_text(encoding="utf-8")
    elif "text" in case:
        text = case["text"]
    else:
        return
    sizes = {  # hostile sizes, too long to write out in the corpus
        "{digits}": "9" * 5000,
        "{deep_array}": "[" * 5000 + "]" * 5000,
        "{deep_key}": ".".join(["a"] * 3000),
    }
    for old, new in case.get("replace", []):
        assert old in text, (case["name"], old)
        for name, value in sizes.items():
            new = new.replace(name, value)
        text = text.replace(old, new, 1)
    data = text.encode(case.get("encoding", "utf-8"))
    data = (
        bytes.fromhex(case.get("prefix_hex", "")) + data + bytes.fromhex(case.get("append_hex", ""))
    )
    path.write_bytes(data)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", list(CASES_BY_NAME))
def test_bad_input(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES_BY_NAME[name]
    data, template = tmp_path / "data.toml", tmp_path / "template.docx"
    build_input(case, data)
    if "template" in case:
        make_template(case["template"], template)

    def fill(text: str) -> str:
        return (
            text.replace("{input}", str(data))
            .replace("{template}", str(template))
            .replace("{dir}", str(tmp_path))
        )

    before = snapshot(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main([fill(a) for a in case["args"]])
    out, err = capsys.readouterr()
    assert exited.value.code == case["exit"], out + err
    assert fill(case["message"]) in out + err
    assert "Traceback" not in out + err
    after = snapshot(tmp_path)
    created = sorted(set(after) - set(before))
    assert created == sorted(case.get("creates", []))
    assert {k: after[k] for k in before} == before  # nothing changed


def test_debug_shows_the_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--debug", "render", str(tmp_path / "nope.toml")])
    assert exited.value.code == 1
    assert "Traceback" in capsys.readouterr().err


def test_output_held_open_says_to_close_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On Windows, replacing a file Word or WPS holds open fails; the old file must stay."""
    out = tmp_path / "out.docx"
    out.write_bytes(b"the report the clerk has open")

    def locked(src: Any, dst: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("reportkit.output.os.replace", locked)
    with pytest.raises(SystemExit) as exited:
        main(["render", str(FIXTURES / "jiangpo-2022.toml"), "-o", str(out)])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert (
        f"{out}: 无法写入输出文件：Permission denied（如文件正被 Word/WPS 打开，请先关闭）" in err
    )
    assert out.read_bytes() == b"the report the clerk has open"
    assert [p.name for p in tmp_path.iterdir()] == ["out.docx"]  # no temporary file left


def test_read_only_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder the user may not write in (simulated: the tests may run as root)."""

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("reportkit.output.tempfile.mkstemp", refused)
    with pytest.raises(SystemExit) as exited:
        main(["render", str(FIXTURES / "jiangpo-2022.toml"), "-o", str(tmp_path / "x.docx")])
    assert exited.value.code == 1
    assert "无法写入输出文件：Permission denied" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_leftovers_of_a_killed_run_are_removed_but_not_a_live_writer_s(tmp_path: Path) -> None:
    from reportkit.output import _HOST

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    killed = tmp_path / f".out.docx.{_HOST}~{dead.stdout.strip()}~abc123.reportkit.tmp"
    killed.write_bytes(b"half a report")
    old = tmp_path / ".out.docx.abc123.reportkit.tmp"  # reportkit 0.1's name: removed when stale
    old.write_bytes(b"half a report")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    live = tmp_path / f".out.docx.{_HOST}~{os.getppid()}~def456.reportkit.tmp"
    live.write_bytes(b"another process is writing this")
    other = tmp_path / "notes.tmp"
    other.write_bytes(b"not ours")
    with pytest.raises(SystemExit) as exited:
        main(["render", str(FIXTURES / "jiangpo-2022.toml"), "-o", str(tmp_path / "out.docx")])
    assert exited.value.code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["notes.tmp", "out.docx", live.name]
    )


def test_pdf_without_libreoffice_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("reportkit.pdf.find_soffice", lambda: None)
    out = tmp_path / "out.docx"
    with pytest.raises(SystemExit) as exited:
        main(["render", str(FIXTURES / "jiangpo-2022.toml"), "-o", str(out), "--pdf"])
    assert exited.value.code == 1
    assert (
        "未找到 LibreOffice（soffice），无法转换为 PDF；请安装 LibreOffice"
        in capsys.readouterr().err
    )
    assert out.is_file() and not out.with_suffix(".pdf").exists()

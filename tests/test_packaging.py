"""The package as it is published: its name, metadata, dependencies, sdist and wheel.

The build test makes the sdist and the wheel from this tree (without build isolation, with the
setuptools of the test extra), compares their file lists with the tree's, and runs the commands
a new user runs from the wheel alone, in an empty folder.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import reportkit
from reportkit import distribution
from tests.helpers import REPO, projection
from tests.test_skeleton import fill_in

NAME = "reportkit-zfxxgk"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
LOWEST = REPO / ".ci" / "constraints-lowest.txt"


def requirements() -> list[Requirement]:
    return [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]


def test_the_distribution_has_its_own_name_and_the_command_is_reportkit() -> None:
    assert PYPROJECT["project"]["name"] == NAME == distribution.NAME
    installed = metadata.distribution(NAME)
    assert installed.metadata["Name"] == NAME
    assert reportkit.__version__ == installed.version == PYPROJECT["project"]["version"]
    scripts = {e.name: e.value for e in installed.entry_points if e.group == "console_scripts"}
    assert scripts == {"reportkit": "reportkit.cli:main"}
    assert "reportkit" in (installed.read_text("top_level.txt") or "").split()


def test_version_option_reads_the_distributions_metadata() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reportkit", "--lang", "en", "--version"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"reportkit, version {metadata.version(NAME)}"


def test_readme_installs_the_distribution_by_its_name() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"pip install {NAME}" in readme


def test_license_metadata_is_spdx() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert "reportkit contributors" in (REPO / "LICENSE").read_text(encoding="utf-8")
    classifiers = project["classifiers"]
    assert not [c for c in classifiers if c.startswith("License ::")]  # forbidden beside SPDX
    for wanted in (
        "Natural Language :: Chinese (Simplified)",
        "Operating System :: OS Independent",
        "Topic :: Office/Business",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.13",
    ):
        assert wanted in classifiers
    backend = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    assert [r.name for r in backend] == ["setuptools"]
    assert backend[0].specifier.contains("77.0.3") and not backend[0].specifier.contains("76.1")
    tested = [Requirement(r) for r in project["optional-dependencies"]["test"]]
    assert next(r for r in tested if r.name == "setuptools").specifier == backend[0].specifier


def third_party_imports() -> set[str]:
    """Return the top-level modules the package imports that are not its own or stdlib."""
    found = set()
    for path in (REPO / "src" / "reportkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "reportkit"}


def test_every_import_is_a_declared_dependency() -> None:
    providers = metadata.packages_distributions()
    declared = {canonicalize_name(r.name) for r in requirements()}
    imported = {m: {canonicalize_name(d) for d in providers[m]} for m in third_party_imports()}
    assert {"markupsafe", "pydantic_core", "docx", "docxtpl"} <= set(imported)
    assert {m: d for m, d in imported.items() if not d & declared} == {}


def test_the_lowest_constraints_pin_every_floor() -> None:
    pins = {}
    for line in LOWEST.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    floors = {}
    for requirement in requirements():
        (lowest,) = [s.version for s in requirement.specifier if s.operator == ">="]
        floors[canonicalize_name(requirement.name)] = Version(lowest)
    backend = Requirement(PYPROJECT["build-system"]["requires"][0])
    (floor,) = [s.version for s in backend.specifier if s.operator == ">="]
    floors["setuptools"] = Version(floor)
    assert pins == floors


def test_caps_are_kept_for_the_libraries_whose_internals_are_used() -> None:
    capped = {
        r.name: r.specifier for r in requirements() if any(s.operator == "<" for s in r.specifier)
    }
    assert set(capped) == {"docxtpl", "tomlkit"}
    assert not capped["docxtpl"].contains("0.21.0")


# ---------------------------------------------------------------------------------------------
# The sdist and the wheel

JUNK = re.compile(
    r"(^|/)(__pycache__|\.hypothesis|\.pytest_cache)(/|$)|\.py[cod]$|\.reportkit\.tmp$"
)
SDIST_TREES = ("src", "tests", "fixtures", "docs", "templates", "benchmarks", "kinds", ".ci")
SDIST_FILES = ("README.md", "LICENSE", "pyproject.toml", "MANIFEST.in")
EGG_INFO = ("PKG-INFO", "SOURCES.txt", "dependency_links.txt", "entry_points.txt")
EGG_INFO += ("requires.txt", "top_level.txt")


def tree_files() -> set[str]:
    """Return what the sdist must hold: the project's files as they are on disk."""
    found = set(SDIST_FILES)
    for top in SDIST_TREES:
        for path in (REPO / top).rglob("*"):
            name = path.relative_to(REPO).as_posix()
            if path.is_file() and not JUNK.search(name) and ".egg-info/" not in name:
                found.add(name)
    # made by a run, never shipped
    return {n for n in found if not re.match(r"fixtures/.*\.(docx|pdf)$", n)}


def git_files() -> set[str] | None:
    """Return the files git tracks, or None outside a git checkout (an unpacked sdist)."""
    if shutil.which("git") is None:
        return None
    result = subprocess.run(
        ["git", "-C", str(REPO), "ls-files"], capture_output=True, text=True, check=False
    )
    if result.returncode != 0 or not (REPO / ".git").exists():
        return None
    return set(result.stdout.splitlines())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Build the sdist, then the wheel from the sdist (as a package index's user gets it)."""
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "absent from the `packages` configuration" not in output
    noise = ("no previously-included files", "byte-compiling is disabled")
    warnings = [
        line
        for line in output.splitlines()
        if "warning" in line.lower() and not any(n in line for n in noise)
    ]
    assert warnings == []
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


def test_the_sdist_holds_the_whole_project_and_nothing_else(built: tuple[Path, Path]) -> None:
    sdist, _ = built
    assert sdist.name == "reportkit_zfxxgk-0.1.0.tar.gz"
    with tarfile.open(sdist) as archive:
        names = {m.name.split("/", 1)[1] for m in archive.getmembers() if m.isfile()}
    made = {"PKG-INFO", "setup.cfg"} | {f"src/reportkit_zfxxgk.egg-info/{n}" for n in EGG_INFO}
    assert names == tree_files() | made
    # what the tests read is there: conftest, helpers, their data, the fixtures, the docs and
    # the templates' build script
    for needed in (
        "tests/conftest.py",
        "tests/helpers.py",
        "tests/data/seed-jiangpo-2022.txt",
        "tests/bad_inputs/cases.toml",
        "fixtures/mouding-2022/county.toml",
        "fixtures/invalid/five-defects.toml",
        "docs/data-format.md",
        "templates/build_template.py",
        ".ci/constraints-lowest.txt",
    ):
        assert needed in names
    tracked = git_files()
    if tracked is not None:  # in a checkout, everything git tracks ships (but .gitignore)
        assert tracked - names == {".gitignore"}


def test_the_wheel_holds_the_package_its_data_and_docs(built: tuple[Path, Path]) -> None:
    _, wheel = built
    assert wheel.name == "reportkit_zfxxgk-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        meta = archive.read("reportkit_zfxxgk-0.1.0.dist-info/METADATA").decode("utf-8")
    source = REPO / "src"
    package = {p.relative_to(source).as_posix() for p in (source / "reportkit").rglob("*.py")}
    package |= {"reportkit/py.typed"}
    package |= {
        f"reportkit/rulebooks/{p.name}" for p in (REPO / "src/reportkit/rulebooks").glob("*.toml")
    }
    package |= {f"reportkit/templates/{p.name}" for p in (REPO / "templates").glob("*.docx")}
    package |= {f"reportkit/templates/{p.name}" for p in (REPO / "templates").glob("*.py")}
    package |= {f"reportkit/docs/{p.name}" for p in (REPO / "docs").glob("*.md")}
    package |= {"reportkit/docs/__init__.py"}
    info = "reportkit_zfxxgk-0.1.0.dist-info"
    package |= {f"{info}/{n}" for n in ("METADATA", "WHEEL", "RECORD", "entry_points.txt")}
    package |= {f"{info}/top_level.txt", f"{info}/licenses/LICENSE"}
    assert names == package
    assert "Name: reportkit-zfxxgk\n" in meta
    assert "License-Expression: MIT\n" in meta
    assert "License-File: LICENSE\n" in meta
    assert "Requires-Dist: docxtpl<0.21,>=0.20.2\n" in meta
    assert "Project-URL: Source, https://github.com/reportkit-dev/reportkit\n" in meta


def test_the_wheel_alone_works_from_an_empty_folder(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    """What a user of the published package does first, with nothing of the repository."""
    _, wheel = built
    site = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index"]
    subprocess.run([*install, "--target", str(site), str(wheel)], check=True, timeout=300)
    work = tmp_path / "empty"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reportkit", *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    where = subprocess.run(
        [sys.executable, "-c", "import reportkit; print(reportkit.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip() == str(site / "reportkit" / "__init__.py")

    assert run("new", "--agency", "新桥镇人民政府", "--year", "2023").returncode == 0
    unfilled = run("check", "新桥镇-2023.toml")
    assert unfilled.returncode == 1 and "「联系电话」尚未填写 [FILL]" in unfilled.stdout
    made = work / "新桥镇-2023.toml"
    made.write_text(fill_in(made.read_text(encoding="utf-8")), encoding="utf-8")
    checked = run("check", "新桥镇-2023.toml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    rendered = run("render", "新桥镇-2023.toml")
    assert rendered.returncode == 0, rendered.stderr
    assert "新桥镇人民政府\n2023年政府信息公开工作年度报告" in projection(work / "新桥镇-2023.docx")
    docs = run("docs", "data-format")
    assert docs.returncode == 0 and docs.stdout.startswith("# The data file")
    exported = run("template", "export")
    assert exported.returncode == 0, exported.stderr
    shipped = site / "reportkit" / "templates" / "gov-info-disclosure-2021.docx"
    assert (work / "gov-info-disclosure-2021.docx").read_bytes() == shipped.read_bytes()
    assert run("schema").returncode == 0
    assert sorted(p.name for p in work.iterdir()) == [
        "gov-info-disclosure-2021.docx",
        "新桥镇-2023.docx",
        "新桥镇-2023.toml",
    ]

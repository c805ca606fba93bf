from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import FIXTURES


@pytest.fixture
def seed_text() -> str:
    return (FIXTURES / "jiangpo-2022.toml").read_text(encoding="utf-8")


@pytest.fixture
def huaian_text() -> str:
    return (FIXTURES / "huaian-2024.toml").read_text(encoding="utf-8")


@pytest.fixture
def write_data(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a data file into the test's folder and return its path."""

    def write(text: str, name: str = "data.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write

"""The seed: rendering fixtures/jiangpo-2022.toml reproduces the published report."""

from __future__ import annotations

from pathlib import Path

import pytest

import reportkit
from tests.helpers import DATA, FIXTURES, normalise, projection

SEED = DATA / "seed-jiangpo-2022.txt"


def seed_lines() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [line.removesuffix("|") for line in lines if line.strip()]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "jiangpo-2022.docx"
    reportkit.render(FIXTURES / "jiangpo-2022.toml", out)
    return out


def test_seed_is_reproduced_paragraph_by_paragraph_and_cell_by_cell(rendered: Path) -> None:
    expected = [normalise(line) for line in seed_lines()]
    got = [normalise(line) for line in projection(rendered)]
    assert got[0] == normalise("江坡镇人民政府2022年政府信息公开工作年度报告")  # the added title
    assert got[1:] == expected


def test_seed_copy_has_every_table_cell() -> None:
    # 4-column table 二: 27 cells; table 三: 10 header cells + 25 rows × 8 + merged labels;
    # table 四: 9 + 10 header cells and 15 numbers. The format's reference counts 279 cells.
    cells = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.endswith("|")]
    assert len(cells) == 279


def test_fee_sentence_is_generated_not_typed() -> None:
    text = (FIXTURES / "jiangpo-2022.toml").read_text(encoding="utf-8")
    assert "无收取行政事业性收费" not in text

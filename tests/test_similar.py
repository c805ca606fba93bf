"""雷同: the similarity's definition, the index against comparing every pair, the batch's
findings against reportkit 0.1's exhaustive difflib comparison, and the signature cache."""

from __future__ import annotations

import contextlib
import difflib
import random
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reportkit
from reportkit import batch, similar
from reportkit.check import check, plain
from reportkit.load import SHARED
from reportkit.records import Record, Records
from tests.helpers import FIXTURES
from tests.synthetic import make_county, near_copy

# 40 distinct characters, and others to put in their place
BASE = "".join(chr(0x4E00 + i) for i in range(40))
OTHER = "".join(chr(0x5E00 + i) for i in range(40))


def substituted(text: str, count: int) -> str:
    """Return `text` with `count` characters replaced, evenly spread."""
    chars = list(text)
    for n in range(count):
        chars[(n * len(text)) // max(count, 1)] = OTHER[n]
    return "".join(chars)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (BASE[:30], BASE[:30], 1.0),
        (BASE[:30], substituted(BASE[:30], 1), 1 - 2 / 60),  # LCS 29 of 30 + 30
        (BASE[:30], substituted(BASE[:30], 3), 0.9),  # exactly at the threshold: alike
        (BASE[:30], substituted(BASE[:30], 4), 0.0),  # 52/60 < 0.9
        (BASE[:29], BASE[:29], 0.0),  # too short to compare
        (BASE[:30], BASE[:30] + OTHER[:7], 0.0),  # 60/67: lengths too far apart
        (BASE[:30], BASE[:30] + OTHER[:6], 1 - 6 / 66),  # 60/66 ≥ 0.9
        (BASE[:30], BASE[:30][::-1], 0.0),
    ],
    ids=["same", "one-changed", "at-threshold", "below", "short", "too-long", "longer", "reversed"],
)
def test_similarity_is_twice_the_lcs_over_both_lengths(a: str, b: str, expected: float) -> None:
    assert similar.similarity(a, b) == pytest.approx(expected)
    assert similar.similarity(b, a) == similar.similarity(a, b)  # symmetric, unlike difflib


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="甲乙丙丁戊己庚辛", min_size=30, max_size=80),
    st.lists(st.tuples(st.integers(0, 79), st.sampled_from("甲乙丙丁戊己庚辛壬")), max_size=6),
)
def test_similarity_is_never_below_difflib(text: str, edits: list[tuple[int, str]]) -> None:
    other = list(text)
    for position, char in edits:
        other[position % len(other)] = char
    copy = "".join(other)
    ratio = difflib.SequenceMatcher(None, text, copy, autojunk=False).ratio()
    if ratio >= similar.SIMILAR:
        assert similar.similarity(text, copy) >= ratio - 1e-12


def every_pair(texts: Sequence[str]) -> set[tuple[int, int, float]]:
    return {
        (i, j, ratio)
        for i in range(len(texts))
        for j in range(i + 1, len(texts))
        if (ratio := similar.similarity(texts[i], texts[j]))
    }


def mutated(text: str, rate: float, rng: random.Random, alphabet: str) -> str:
    """Return `text` with deletions, substitutions and insertions scattered at `rate`."""
    out = []
    for char in text:
        roll = rng.random()
        if roll < rate / 3:
            continue
        if roll < 2 * rate / 3:
            out.append(rng.choice(alphabet))
        elif roll < rate:
            out += [char, rng.choice(alphabet)]
        else:
            out.append(char)
    return "".join(out)


@pytest.mark.parametrize("size", [40, 400, 3000], ids=lambda n: f"{n}-characters")
def test_the_index_finds_what_comparing_every_pair_finds(size: int) -> None:
    """Texts built to be hard: random characters, each with two copies edited evenly all over
    (2–12% of the characters): copies within a few edits are always found, and nearly all of
    those just above the threshold."""
    rng = random.Random(size)
    alphabet = "".join(chr(0x4E00 + i) for i in range(size))
    texts = []
    for _ in range(150):
        base = "".join(rng.choice(alphabet) for _ in range(rng.randint(30, 400)))
        texts.append(base)
        texts += [mutated(base, rng.choice([0.02, 0.05, 0.08, 0.1, 0.12]), rng, alphabet)]
        texts += [mutated(base, rng.choice([0.02, 0.05, 0.08, 0.1, 0.12]), rng, alphabet)]
    expected = every_pair(texts)
    found = set(similar.index(texts).pairs())
    assert found <= expected  # every pair found is alike
    assert len(found) >= 0.97 * len(expected)
    assert {p for p in expected if p[2] >= 0.93} <= found
    # asked about some texts only, the pairs touching them are the same
    some = set(range(0, len(texts), 7))
    touching = {p for p in found if p[0] in some or p[1] in some}
    assert set(similar.index(texts).pairs(some)) == touching
    # and a text's matches are its pairs
    index = similar.index(texts)
    for i in range(0, len(texts), 37):
        mine = {(m.other, m.ratio) for m in index.matches(i)}
        assert mine == {(b if a == i else a, r) for a, b, r in found if i in (a, b)}


def test_the_index_never_compares_short_texts_and_keeps_numbering() -> None:
    texts = ["短", BASE[:30], substituted(BASE[:30], 1), BASE[:20]]
    assert similar.index(texts).pairs() == [(1, 2, pytest.approx(1 - 2 / 60))]
    assert similar.index(texts).matches(0) == []


# ---------------------------------------------------------------------------------------------
# The batch, against reportkit 0.1's comparison of every paragraph with difflib


@pytest.fixture
def county(tmp_path: Path) -> Path:
    folder = tmp_path / "mouding-2022"
    shutil.copytree(FIXTURES / "mouding-2022", folder)
    return folder


def difflib_alike(text: str, other: str) -> float:
    """reportkit 0.1's measure: difflib's ratio, when at least 0.9."""
    matcher = difflib.SequenceMatcher(None, text, other, autojunk=False)
    if matcher.real_quick_ratio() < 0.9 or matcher.quick_ratio() < 0.9:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= 0.9 else 0.0


def exhaustive(agencies: Sequence[batch.Agency], inherited: set[str]) -> dict[tuple, int]:
    """reportkit 0.1's similar_across: each paragraph against every earlier agency's, in order;
    the first alike one is named. Return {(data file, path, other name, other path): percent}."""
    seen: list[tuple[str, batch.Agency, str]] = []
    found = {}
    for agency in agencies:
        if agency.report is None:
            continue
        for path, block in agency.report.narrative():
            text = plain(block.lead + block.text)
            if len(text) < 30 or text in inherited:
                continue
            for other_text, other, other_path in seen:
                if other is agency:
                    continue
                ratio = difflib_alike(text, other_text)
                if ratio:
                    found[agency.data.name, path, other.name, other_path] = int(ratio * 100)
                    break
            seen.append((text, agency, path))
    return found


def read_county(folder: Path) -> tuple[list[batch.Agency], set[str]]:
    agencies = []
    for data in batch.agency_files(folder):
        agency = batch.Agency(data)
        with contextlib.suppress(reportkit.ReportkitError):  # as in a batch: no paragraphs
            agency.report = reportkit.load(data)
        agencies.append(agency)
    return agencies, batch.shared_paragraphs(folder / SHARED)


def findings(agencies: Sequence[batch.Agency]) -> dict[tuple, int]:
    return {
        (a.data.name, p.path, p.params["other"], p.params["where"]): p.params["percent"]
        for a in agencies
        for p in a.problems
        if p.code == "similar_agency"
    }


def assert_same_as_exhaustive(folder: Path) -> dict[tuple, int]:
    agencies, inherited = read_county(folder)
    old = exhaustive(agencies, inherited)
    batch.similar_across(agencies, inherited)
    new = findings(agencies)
    assert new.keys() == old.keys()
    assert all(old[key] <= new[key] for key in old)  # LCS is never below difflib's matches
    return new


def test_the_fixture_county_has_the_same_findings_as_before(county: Path) -> None:
    assert assert_same_as_exhaustive(FIXTURES / "mouding-2022") == {}
    gonghe = (county / "gonghe.toml").read_text(encoding="utf-8")
    copied = (
        "共和镇以政务公开标准化规范化建设为抓手，把信息公开融入镇村日常工作，全年工作运行平稳。"
    )
    assert copied in gonghe
    anle = county / "anle.toml"
    own = "安乐乡结合山区乡实际，把公开工作与为民办实事结合起来，推动政策落地见效。"
    anle.write_text(anle.read_text("utf-8").replace(own, copied), "utf-8")
    xinqiao = county / "xinqiao.toml"
    text = xinqiao.read_text("utf-8")
    first = text.split('text = [\n  "', 1)[1].split('"', 1)[0]
    xinqiao.write_text(text.replace(first, copied.replace("共和镇", "新桥镇"), 1), "utf-8")
    found = assert_same_as_exhaustive(county)
    assert set(found) == {
        ("gonghe.toml", "part1.text[0]", "安乐乡人民政府", "part1.text[0]"),
        ("xinqiao.toml", "part1.text[0]", "安乐乡人民政府", "part1.text[0]"),
    }


def test_a_generated_county_has_the_same_findings_as_before(tmp_path: Path) -> None:
    made = make_county(tmp_path / "county", 60, seed=15)
    assert len(made.copies) >= 2
    found = assert_same_as_exhaustive(made.folder)
    names = {f.name: reportkit.load(f).agency.name for f in made.files}
    assert set(found) == {
        (copier, path, names[source], source_path)
        for copier, path, source, source_path in made.copies
    }


def test_year_over_year_finds_what_comparing_every_pair_found(tmp_path: Path) -> None:
    [problem] = check(FIXTURES / "invalid" / "similar-to-last-year.toml")
    assert problem.rule == "S"
    # a paragraph of 56,000 characters, also in last year's file with one figure changed
    rng = random.Random(56)
    long = "".join(rng.choice(BASE + OTHER) for _ in range(56_000))
    last = tmp_path / "last.toml"
    this = tmp_path / "this.toml"
    seed = (FIXTURES / "huaian-2024.toml").read_text("utf-8")
    for path, year, paragraph in ((last, 2023, long), (this, 2024, near_copy(long, rng, "", ""))):
        text = seed.replace("year = 2024", f"year = {year}").replace(
            "date = 2025-", f"date = {year + 1}-"
        )
        start = text.index("[part5]\ntext = [") + len("[part5]\ntext = [")
        path.write_text(text[:start] + f'\n  "{paragraph}",' + text[start:], "utf-8")
    found = [p for p in check(this, previous=last) if p.rule == "S"]
    assert any(p.path == "part5.text[0]" and p.params["percent"] >= 99 for p in found)


# ---------------------------------------------------------------------------------------------
# The signature cache


def persist(agencies: Sequence[batch.Agency], records: Records) -> None:
    """Keep each agency's signature as the batch does, in its record."""
    for agency in agencies:
        if agency.similar:
            extra = {batch.SIMILAR_KEY: agency.similar}
            records.put(Record(agency.data.name, "-", "-", "-", 0, extra=extra))


def test_cached_runs_find_what_a_fresh_run_finds(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    made = make_county(tmp_path / "county", 16, seed=3, copy_every=5)
    records = Records(tmp_path / "out")
    rng = random.Random(8)
    asked: list[int] = []
    real_pairs = similar.Index.pairs

    def spy(self, touching=None):  # type: ignore[no-untyped-def]
        touching = None if touching is None else list(touching)
        asked.append(len(self.texts) if touching is None else len(touching))
        return real_pairs(self, touching)

    changed = True
    for turn in range(8):
        agencies, inherited = read_county(made.folder)
        fresh, _ = read_county(made.folder)
        batch.similar_across(fresh, inherited)
        asked.clear()
        monkeypatch.setattr(similar.Index, "pairs", spy)
        batch.similar_across(agencies, inherited, records)
        monkeypatch.undo()
        assert findings(agencies) == findings(fresh), f"turn {turn}"
        if turn == 0:
            assert findings(agencies)  # the county's copies are there
        if not changed:
            assert asked == [], "nothing changed: nothing is compared"
        persist(agencies, records)
        files = sorted(made.folder.glob("town*.toml"))
        changed = turn % 3 != 1
        if not changed:
            continue  # the next turn runs on an unchanged county
        # change the county: a town copies another's paragraph, a copy is undone, a town goes
        source, target = rng.sample(files, 2)
        paragraph = reportkit.load(source).part1.text[rng.randrange(6)].text
        text = target.read_text("utf-8")
        start = text.index('[part1]\ntext = [\n  "') + len('[part1]\ntext = [\n  "')
        end = text.index('"', start)
        target.write_text(text[:start] + paragraph + text[end:], "utf-8")
        if turn == 3:
            files[0].unlink()
        if turn == 5:
            shutil.copy(files[1], made.folder / "town99999.toml")


def test_an_unchanged_agency_is_warned_of_a_new_earlier_copy(tmp_path: Path) -> None:
    """a.toml, b.toml and c.toml: c copies b; then a, changed, has the same paragraph: b and c,
    both unchanged, now name a, the first in order."""
    made = make_county(tmp_path / "county", 3, seed=4, copy_every=0)
    paths = {}
    for name, path in zip("abc", sorted(made.files), strict=True):
        paths[name] = path.rename(made.folder / f"{name}.toml")
    agencies, inherited = read_county(made.folder)
    copied = agencies[1].report.part1.text[2].text  # type: ignore[union-attr]

    def put(name: str, paragraph: str) -> None:
        text = paths[name].read_text("utf-8")
        start = text.index('[part1]\ntext = [\n  "') + len('[part1]\ntext = [\n  "')
        paths[name].write_text(text[:start] + paragraph + text[text.index('"', start) :], "utf-8")

    put("c", copied)
    records = Records(tmp_path / "out")
    agencies, inherited = read_county(made.folder)
    batch.similar_across(agencies, inherited, records)
    names = [a.name for a in agencies]
    assert set(findings(agencies)) == {("c.toml", "part1.text[0]", names[1], "part1.text[2]")}
    persist(agencies, records)
    put("a", copied)
    agencies, inherited = read_county(made.folder)
    batch.similar_across(agencies, inherited, records)
    assert set(findings(agencies)) == {
        ("b.toml", "part1.text[2]", names[0], "part1.text[0]"),
        ("c.toml", "part1.text[0]", names[0], "part1.text[0]"),
    }


def test_the_batch_keeps_signatures_and_compares_nothing_when_nothing_changed(
    county: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    anle = county / "anle.toml"
    copied = (
        "共和镇以政务公开标准化规范化建设为抓手，把信息公开融入镇村日常工作，全年工作运行平稳。"
    )
    own = "安乐乡结合山区乡实际，把公开工作与为民办实事结合起来，推动政策落地见效。"
    anle.write_text(anle.read_text("utf-8").replace(own, copied), "utf-8")
    first = batch.run(county, tmp_path / "out")
    warned = findings(first.agencies)
    assert len(warned) == 1
    records = Records(tmp_path / "out")
    for agency in first.agencies:
        if agency.status != "failed":
            record = records.get(agency.data.name)
            assert record is not None
            assert record.extra[batch.SIMILAR_KEY]["signature"] == agency.similar["signature"]

    asked: list[str] = []
    real_pairs = similar.Index.pairs

    def spy(self, touching=None):  # type: ignore[no-untyped-def]
        touching = list(touching)
        asked.extend(self.texts[i] for i in touching)
        return real_pairs(self, touching)

    monkeypatch.setattr(similar.Index, "pairs", spy)
    # nothing changed: the run's record answers, nothing is read or compared
    same = batch.run(county, tmp_path / "out")
    assert findings(same.agencies) == warned and asked == []
    records.drop_run()  # the county read again: the signatures kept in the records serve
    again = batch.run(county, tmp_path / "out")
    assert {a.status for a in again.agencies} == {"unchanged", "failed"}
    assert findings(again.agencies) == warned
    # only the paragraphs of the agency that fails (it has no record) are compared again
    [failed] = [a for a in again.agencies if a.status == "failed"]
    assert failed.report is not None
    texts = {plain(b.lead + b.text) for _, b in failed.report.narrative()}
    texts = {t for t in texts if len(t) >= 30} - batch.shared_paragraphs(county / SHARED)
    assert texts
    assert sorted(asked) == sorted(texts)
    # the copy undone: its agency alone is compared again, and the warning is gone
    monkeypatch.undo()
    anle.write_text(anle.read_text("utf-8").replace(copied, own), "utf-8")
    undone = batch.run(county, tmp_path / "out")
    assert findings(undone.agencies) == {}
    assert records.get("gonghe.toml").extra[batch.SIMILAR_KEY]["alike"] == {}  # type: ignore[union-attr]


def test_a_record_not_as_the_batch_writes_it_is_compared_again(tmp_path: Path) -> None:
    made = make_county(tmp_path / "county", 6, seed=9, copy_every=2)
    records = Records(tmp_path / "out")
    agencies, inherited = read_county(made.folder)
    batch.similar_across(agencies, inherited, records)
    expected = findings(agencies)
    assert expected
    persist(agencies, records)
    for agency in agencies:
        record = records.get(agency.data.name)
        assert record is not None
        record.extra[batch.SIMILAR_KEY]["alike"] = {"x": [[1]], "y": 3}
        records.put(record)
    agencies, inherited = read_county(made.folder)
    batch.similar_across(agencies, inherited, records)
    assert findings(agencies) == expected

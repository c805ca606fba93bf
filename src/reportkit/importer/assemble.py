"""Stage 1 (import): a read document made into a report's data, and what could not be read.

The outline (`narrative`) and the tables (`tables`) are put together as the data a data file
holds: the format the tables follow, the agency, year and date, the narrative of the six parts,
and the figures. Sentences reportkit writes itself (the preamble, the fee sentences of part 六,
the signature) are recognised: where the document says what reportkit would write, nothing is
kept; where it says it its own way, its words become the sentence's text in `[sentences]`; where
it says nothing, the sentence is switched off. So rendering the data writes the document again.

Alongside the data: every problem of reading, located in the document; each figure as printed
(blank cells, totals over their parts: `reportkit.check.Printed`), and where each key of the data
stands in the document, so that the checks of a published report point into it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reportkit.check import Printed
from reportkit.errors import Problem, Sorted
from reportkit.format2019.model import FORMAT_2019
from reportkit.importer import narrative as nar
from reportkit.importer import tables as tab
from reportkit.importer.document import Document, Grid
from reportkit.importer.labels import best, clean, key
from reportkit.model import APPLICANT_COLUMNS, FORMAT_2021, PART_HEADINGS, Report
from reportkit.narrate import narrate, rulebook
from reportkit.skeleton import guess_level, short_name

MIXED = "mixed"  # a 2021-format report whose table 三 kept the 2019 format's single （六） row


@dataclass(frozen=True)
class Place:
    """Where something stands in the document: its page (PDF) and words that find it there."""

    page: int | None
    label: str


@dataclass
class Imported(Sorted):
    """What was read from a published report: the data of a data file (`data`), the layout its
    tables follow, and every problem of reading; for the checks as published, what it printed
    (`printed`) and where each key of the data stands in it (`places`); for the data file, a
    comment on the keys that need one (`notes`) and the rows that could not be read."""

    source: str
    layout: str = FORMAT_2021
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    printed: Printed = field(default_factory=Printed)
    places: dict[str, Place] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    unread: set[str] = field(default_factory=set)

    @property
    def format(self) -> str:
        return str(self.data.get("format", FORMAT_2021))

    def place(self, dotted: str) -> Place | None:
        """Return where the key path `dotted` (or the nearest key above it) stands."""
        while dotted:
            if dotted in self.places:
                return self.places[dotted]
            cut = max(dotted.rfind("."), dotted.rfind("["))
            dotted = dotted[:cut] if cut > 0 else ""
        return None


# --------------------------------------------------------------------------------------------


def assemble(document: Document) -> Imported:
    """Return the data, problems and places of the report `document` holds."""
    found = Imported(document.source)
    outline = nar.outline(document)
    _headings(outline, found)
    _tables(outline, found)
    _head(outline, found)
    _parts(outline, found)
    _sentences(outline, found)
    return found


def _problem(
    found: Imported, code: str, params: dict[str, Any] | None = None, **where: Any
) -> None:
    found.problems.append(Problem(code, params or {}, file=found.source, **where))


def _headings(outline: nar.Outline, found: Imported) -> None:
    for number, heading in enumerate(PART_HEADINGS, start=1):
        if number not in outline.headings:
            _problem(found, "import_part_missing", {"heading": heading}, severity="warning")


# --------------------------------------------------------------------------------------------
# Tables


_TABLES = {2: "proactive", 3: "applications", 4: "appeals"}
_HEADINGS = {
    "proactive": PART_HEADINGS[1],
    "applications": PART_HEADINGS[2],
    "appeals": PART_HEADINGS[3],
}


def _classify(grid: Grid, before: str | None = None) -> str | None:
    """Return which table a grid (or a fragment of one) holds, by the labels it prints. A
    fragment printing one label only (the last row of table 二 over a page break) is the
    table `before` it, the table it directly follows on an earlier page, when it is one of its
    labels."""
    texts = {key(t) for row in grid.cells for t in row if t}
    score: dict[str, int] = {}
    for spec in (
        tab.PROACTIVE_2021,
        tab.PROACTIVE_2019,
        tab.APPLICATIONS_2021,
        tab.APPLICATIONS_2019,
    ):
        hits = sum(1 for row in spec.rows if any(best(t, [row.label]) for t in texts if t))
        score[spec.table] = max(score.get(spec.table, 0), hits)
    score["appeals"] = sum(
        1
        for word in ("行政复议", "未经复议直接起诉", "复议后起诉", "结果维持", "尚未审结")
        if word in texts
    )
    table, hits = max(score.items(), key=lambda item: item[1])
    if hits < 2 and before is not None and score.get(before, 0) >= 1:
        return before
    return table if hits >= 2 else None


def _tables(outline: nar.Outline, found: Imported) -> None:
    grids: dict[str, list[Grid]] = {"proactive": [], "applications": [], "appeals": []}
    for number, part in outline.parts.items():
        last: tuple[str | None, int | None] = (None, None)  # the grid just before, its page
        for item in part:
            if not isinstance(item, Grid):
                last = (None, None)
                continue
            before, page = last
            later = page is not None and item.page is not None and item.page > page
            table = _classify(item, before if later else None)
            last = (table, max((p for p in item.pages if p), default=item.page))
            if table is not None:
                grids[table].append(item)
            else:  # a table of the report's own (a list of items published, say)
                _problem(
                    found,
                    "import_other_table",
                    {},
                    path=f"part{number}",
                    label=PART_HEADINGS[number - 1],
                    page=item.page,
                    severity="warning",
                )
    readings: dict[str, tab.TableReading] = {}
    for table, candidates in (
        ("proactive", (tab.PROACTIVE_2021, tab.PROACTIVE_2019)),
        ("applications", (tab.APPLICATIONS_2021, tab.APPLICATIONS_2019)),
        ("appeals", (tab.APPEALS,)),
    ):
        if not grids[table]:
            _problem(
                found,
                "import_table_missing",
                {"table": tab.TABLE_NAMES[table], "heading": _HEADINGS[table]},
                path=table,
            )
            continue
        tried = [tab.read_table(spec, grids[table], found.source) for spec in candidates]
        readings[table] = max(tried, key=lambda r: r.score)
    proactive, applications = readings.get("proactive"), readings.get("applications")
    layouts = {r.spec.layout for r in (proactive, applications) if r is not None}
    if proactive is not None:
        found.layout = proactive.spec.layout
    elif applications is not None:
        found.layout = applications.spec.layout
    mixed = (
        proactive is not None
        and applications is not None
        and proactive.spec.layout == FORMAT_2021
        and applications.spec.layout == FORMAT_2019
    )
    found.data["format"] = FORMAT_2019 if found.layout == FORMAT_2019 else FORMAT_2021
    if mixed:
        found.layout = MIXED
    elif len(layouts) > 1 and applications is not None:
        # a 2019-format table 二 over a 2021-format table 三: table 三 decides
        found.layout = applications.spec.layout
        found.data["format"] = applications.spec.layout
    for reading in readings.values():
        found.problems += reading.problems
        _figures(reading, found, mixed)


def _figures(reading: tab.TableReading, found: Imported, mixed: bool) -> None:
    """Put a table's figures into the data, with what was printed blank, and where each is."""
    spec = reading.spec
    table: dict[str, Any] = found.data.setdefault(spec.table, {})
    for row in spec.rows:
        dotted = f"{spec.table}.{row.key}"
        figures = reading.rows.get(row.key)
        if not figures or any(f.value is None and not f.blank for f in figures):
            found.unread.add(dotted)
            continue
        values: list[Any] = []
        blank: list[str] = []
        for cell, fig in zip(row.cells, figures, strict=True):
            path = f"{dotted}.{cell.key}" if cell.key else dotted
            label = spec.cell_label(row, cell)
            found.printed.labels[path] = label
            found.places[path] = Place(fig.page, label)
            if fig.blank:
                found.printed.blank[path] = label
                blank.append(cell.label)
            if cell.key == "total" and fig.blank:
                continue  # a blank total: left out of the data file, where it is computed
            values.append(fig.value if fig.value is not None else 0)
        found.places[dotted] = Place(figures[0].page, spec.label((spec.table, *row.key.split("."))))
        if blank:
            found.notes[dotted] = (
                "原报告此行未填写：" + "、".join(blank) + "（按 0 写入；总计由程序计算）"
            )
        unit = next((f.unit for f in figures if f.unit in ("元", "万元")), "")
        if row.key == "procurement":
            _set(
                table,
                row.key,
                {"projects": values[0], "amount": values[1], **({"unit": unit} if unit else {})},
            )
        elif len(row.cells) == 1:
            _set(table, row.key, values[0])
        else:
            _set(table, row.key, values)
        _totals(spec, row, found)
    if spec.table == "applications" and mixed:
        _single_other(table, found)


def _totals(spec: tab.TableSpec, row: tab.RowSpec, found: Imported) -> None:
    """Record which printed cells each printed total adds up (for the as-published checks)."""
    dotted = f"{spec.table}.{row.key}"
    if any(c.key == "total" for c in row.cells):
        parts = tuple(f"{dotted}.{c.key}" for c in row.cells if c.key != "total")
        found.printed.totals[f"{dotted}.total"] = parts
    if row.key == "total" and spec.table == "applications":
        outcome = [r for r in spec.rows[2:-2]]
        for column in APPLICANT_COLUMNS:
            found.printed.totals[f"{dotted}.{column.key}"] = tuple(
                f"applications.{r.key}.{column.key}" for r in outcome
            )


def _set(table: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        table = table.setdefault(part, {})
    table[leaf] = value


def _single_other(table: dict[str, Any], found: Imported) -> None:
    """A 2021-format report whose table 三 kept the 2019 format's one （六）其他处理 row: its
    figures go under 3.其他, 1. and 2. are 0, and both the data file and the problems say so."""
    single = table.pop("other_handling", None)
    if single is None:
        found.unread |= {
            f"applications.other_handling.{k}" for k in ("no_correction", "unpaid_fee", "other")
        }
        return
    zeros = [0] * (len(APPLICANT_COLUMNS) - 1)
    table["other_handling"] = {"no_correction": zeros, "unpaid_fee": zeros, "other": single}
    note = "原报告（六）其他处理只有一行（2019 年版格式）：其数字写在 3.其他，1. 2. 按 0 写入，请按实际情况拆分"
    for key_ in ("no_correction", "unpaid_fee", "other"):
        found.notes[f"applications.other_handling.{key_}"] = note
    place = found.places.get("applications.other_handling")
    _problem(
        found,
        "import_single_other",
        {},
        path="applications.other_handling",
        label="三：（六）其他处理",
        page=place.page if place else None,
        severity="warning",
    )
    for column in APPLICANT_COLUMNS:
        old = f"applications.other_handling.{column.key}"
        new = f"applications.other_handling.other.{column.key}"
        if old in found.places:
            found.places[new] = found.places.pop(old)
        for labels in (found.printed.labels, found.printed.blank):
            if old in labels:
                labels[new] = labels.pop(old)
    totals = found.printed.totals
    if "applications.other_handling.total" in totals:
        parts = totals.pop("applications.other_handling.total")
        totals["applications.other_handling.other.total"] = tuple(
            p.replace("other_handling.", "other_handling.other.") for p in parts
        )
    for path, parts in list(totals.items()):
        totals[path] = tuple(
            p.replace("applications.other_handling.", "applications.other_handling.other.")
            if p.startswith("applications.other_handling.") and ".other." not in p
            else p
            for p in parts
        )


# --------------------------------------------------------------------------------------------
# Agency, year, date


def _head(outline: nar.Outline, found: Imported) -> None:
    title, signature = outline.title, outline.signature
    preamble = "".join(p.text for p in outline.preamble)
    year = nar.year_in(title) or _year_of_preamble(preamble)
    if year is None and outline.date is not None:
        year = outline.date.year - 1
    # the agency's name is what the title says before its year (a title without a year, such
    # as a blank form's 「…格式模板」, names no agency)
    parts = re.split(r"(?:19|20)\d\d\s*年", title, maxsplit=1)
    named = parts[0].strip() if len(parts) == 2 else ""
    name = named
    if signature and (not named or named in signature):
        name = signature
    title_place = Place(outline.title_page, "标题")
    found.places["agency"] = title_place if title else Place(outline.date_page, "落款")
    if year is None:
        _problem(found, "import_no_year", path="year", label="标题")
    else:
        found.data["year"] = year
        found.places["year"] = title_place
    if not name:
        _problem(found, "import_no_agency", path="agency.name", label="标题、落款")
        name = ""
    found.data["agency"] = {
        "name": name,
        "short_name": short_name(name) if name else "",
        "level": guess_level(name).level if name else "other",
        "county": "",
        "prefecture": "",
        "province": "",
        "contact_office": "",
        "phone": "",
        "fax": "",
    }
    found.places["date"] = Place(outline.date_page, "落款日期")
    if not signature:
        _problem(found, "import_no_signature", path="signature", label="落款", severity="warning")
    if outline.date is None:
        _problem(found, "import_no_date", path="date", label="落款日期", page=outline.date_page)
        found.notes["date"] = "原报告中没有找到落款日期，请填写后删去行首的 #"
    else:
        found.data["date"] = outline.date


def _year_of_preamble(text: str) -> int | None:
    for pattern in (
        r"《[^》]*?((?:19|20)\d\d)\s*年[^》]*报告》",
        r"统计期限?自\s*((?:19|20)\d\d)\s*年",
    ):
        match = re.search(pattern, text)
        if match:
            return int(match.group(1))
    return None


# --------------------------------------------------------------------------------------------
# The narrative


def _parts(outline: nar.Outline, found: Imported) -> None:
    """Put each part's paragraphs into the data: before and after its table, each a block."""
    for number in range(1, 7):
        part = outline.parts.get(number, [])
        name = f"part{number}"
        heading = PART_HEADINGS[number - 1]
        if number in outline.headings:
            found.places[name] = Place(outline.headings[number].page, heading)
        before: list[nar.Placed] = []
        after: list[nar.Placed] = []
        seen_table = False
        for item in part:
            if isinstance(item, Grid):
                seen_table = seen_table or (_classify(item) == _TABLES.get(number))
                continue
            (after if seen_table and number in _TABLES else before).append(item)
        found.data[name] = {"text": before}
        if number in _TABLES:
            found.data[name]["after_table"] = after


def _blocks(found: Imported, name: str, field_: str, paras: list[nar.Placed]) -> list[Any]:
    heading = PART_HEADINGS[int(name[-1]) - 1]
    out: list[Any] = []
    for para in paras:
        index = len(out)
        found.places[f"{name}.{field_}[{index}]"] = Place(
            para.page, f"{heading} 第 {para.number} 段"
        )
        out.append(nar.block(para.text))
    return out


# --------------------------------------------------------------------------------------------
# Sentences reportkit writes itself


def _sentences(outline: nar.Outline, found: Imported) -> None:
    """Recognise the sentences reportkit writes (title, preamble, fee sentences, signature,
    date): the document's own wording of one becomes its text in [sentences], one it lacks is
    switched off, and what reportkit would write the same is left to it."""
    data = found.data
    overrides: dict[str, Any] = {}
    agency = data["agency"]
    pieces: dict[str, list[str]] = {}  # joined once: adding to a str in a dict is quadratic
    preamble_place = Place(outline.preamble[0].page if outline.preamble else None, "前言")
    last = "preamble.compiled"
    for para in outline.preamble:
        for sentence in nar.sentences(para.text):
            kind = nar.kind_of(sentence) or last
            pieces.setdefault(kind, []).append(sentence)
            last = kind
    said = {kind: "".join(texts) for kind, texts in pieces.items()}
    for name, value in nar.contact(said.get("preamble.contact", "")).items():
        agency[name] = value
        found.places[f"agency.{name}"] = preamble_place
    basis = nar.legal_basis(said.get("preamble.compiled", ""))
    if basis:
        data["legal_basis"] = basis
    fee = _processing_fee(outline)
    if found.format == FORMAT_2021:
        data["part6"]["info_processing_fee"] = fee if fee is not None else 0
        if fee is None:
            found.notes["fee"] = "原报告没有写本年收取的信息处理费，按 0 写入，请核对"
            _problem(
                found,
                "import_no_fee",
                path="part6.info_processing_fee",
                label=PART_HEADINGS[5],
                severity="warning",
            )
    generated = _generated(found)
    book = rulebook()
    for rule in book.rules:
        if rule.slot == "preamble":
            text = said.get(rule.id)
            if text is None:
                overrides[rule.id] = False
            elif generated is None or _same(text, generated.get(rule.id, "")):
                pass
            else:
                overrides[rule.id] = text
            found.places[f"sentences.{rule.id}"] = preamble_place
    for number in range(1, 7):
        name = f"part{number}"
        slot = [r for r in book.rules if r.slot == name]
        if not slot:
            continue
        paras: list[nar.Placed] = data[name]["text"]
        taken: set[str] = set()
        while paras and generated is not None:
            match = next(
                (
                    r
                    for r in slot
                    if r.id not in taken and _same(paras[0].text, generated.get(r.id, ""))
                ),
                None,
            )
            if match is None:
                break
            taken.add(match.id)
            paras.pop(0)
            if match.optional:
                overrides[match.id] = True
        for rule in slot:
            if rule.id not in taken and not rule.optional:
                overrides[rule.id] = False
    if generated is not None:
        # a title or signature the text lacks is left to reportkit (a page copied without its
        # heading still had one); the checks as published say that the signature is missing
        if outline.title and not _same(outline.title, generated.get("title", "")):
            overrides["title"] = outline.title
        if outline.signature and not _same(outline.signature, generated.get("signature", "")):
            overrides["signature"] = outline.signature
        if outline.date_text and not _same(outline.date_text, generated.get("date", "")):
            overrides["date"] = outline.date_text
    for number in range(1, 7):
        name = f"part{number}"
        part = data[name]
        part["text"] = _blocks(found, name, "text", part["text"])
        if "after_table" in part:
            part["after_table"] = _blocks(found, name, "after_table", part["after_table"])
    if found.format == FORMAT_2019:
        data["part6"].pop("info_processing_fee", None)
    if overrides and found.format == FORMAT_2021:
        data["sentences"] = {k: overrides[k] for k in book.ids() if k in overrides}


def _same(text: str, other: str) -> bool:
    return bool(other) and key(clean(text)) == key(clean(other))


def _processing_fee(outline: nar.Outline) -> Decimal | int | None:
    """Return the 信息处理费 part 六 says was collected (in 元), or None if it says nothing."""
    for item in outline.parts.get(6, []):
        if not isinstance(item, nar.Placed) or "信息处理费" not in item.text:
            continue
        match = re.search(r"信息处理费[^。\d]{0,12}?(\d+(?:\.\d+)?)\s*(万?)元", item.text)
        if match:
            value = Decimal(match.group(1)) * (10000 if match.group(2) else 1)
            return int(value) if value == value.to_integral() else value
        if re.search(r"(未|没有|无|不)(收取|收费|产生)[^。]{0,12}信息处理费", item.text):
            return 0
    return None


def _generated(found: Imported) -> dict[str, str] | None:
    """Return what reportkit would write for each sentence, every optional one switched on,
    from the data read so far (None when the data cannot make a report: then no sentence is
    recognised, and the document's words are all kept)."""
    if found.format != FORMAT_2021:
        return None
    probe = _probe(found.data)
    if probe is None:
        return None
    book = rulebook()
    probe = probe.model_copy(update={"sentences": {r.id: True for r in book.rules if r.optional}})
    try:
        return narrate(probe, book).sentences
    except Exception:  # a report that reads but cannot be narrated: keep the document's words
        return None


def _probe(data: dict[str, Any]) -> Report | None:
    """Return a report of the data read, with zeros where a figure could not be read and a
    date where none was found (only for writing sentences to compare with the document)."""
    filled: dict[str, Any] = {
        k: v
        for k, v in data.items()
        if k not in ("part1", "part2", "part3", "part4", "part5", "part6")
    }
    filled.setdefault("year", dt.date.today().year)
    filled.setdefault("date", dt.date(filled["year"] + 1, 1, 1))
    filled["part6"] = {"info_processing_fee": data.get("part6", {}).get("info_processing_fee", 0)}
    agency = dict(filled.get("agency", {}))
    agency["name"] = agency.get("name") or "—"
    agency["short_name"] = agency.get("short_name") or "—"
    filled["agency"] = agency
    try:
        return Report.model_validate(_zeros(filled))
    except ValueError:
        return None


def _zeros(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    zeros7 = [0] * (len(APPLICANT_COLUMNS) - 1)
    proactive = dict(out.get("proactive", {}))
    for k, v in (
        ("rules", [0, 0, 0]),
        ("normative_documents", [0, 0, 0]),
        ("licensing", 0),
        ("penalties", 0),
        ("coercion", 0),
        ("fees", 0),
    ):
        proactive.setdefault(k, v)
    apps = {
        k: (dict(v) if isinstance(v, dict) else v) for k, v in out.get("applications", {}).items()
    }
    for dotted in ("received", "carried_over", "disclosed", "partly_disclosed", "carried_forward"):
        apps.setdefault(dotted, zeros7)
    for group, keys in (
        (
            "withheld",
            (
                "state_secret",
                "prohibited_by_law",
                "security_stability",
                "third_party_rights",
                "internal_affairs",
                "process_information",
                "enforcement_files",
                "inquiry_matters",
            ),
        ),
        ("unavailable", ("not_held", "needs_creation", "still_unclear")),
        ("not_processed", ("complaint", "repeated", "publication", "excessive", "confirmation")),
        ("other_handling", ("no_correction", "unpaid_fee", "other")),
    ):
        inner = apps.setdefault(group, {})
        if isinstance(inner, dict):
            for k in keys:
                inner.setdefault(k, zeros7)
    appeals = dict(out.get("appeals", {}))
    for k in ("review", "lawsuit_direct", "lawsuit_after_review"):
        appeals.setdefault(k, [0, 0, 0, 0])
    out.update(proactive=proactive, applications=apps, appeals=appeals)
    return out

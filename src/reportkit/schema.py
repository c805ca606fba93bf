"""The JSON Schema of a data file, for editors with TOML schema support and for scripts.

A description of the model (stage 1), derived from it: pydantic writes the schema of `Report`,
and this module adjusts what pydantic cannot see or say, so that model.py stays the one
description of the data:

- the short forms the model accepts through validators are declared: a table row written as a
  list in the paper form's column order (its 总计 may be left off), and a paragraph written as a
  plain string;
- amounts are numbers (TOML writes them as numbers; pydantic would also offer a string);
- every property carries its Chinese label as its title, so that an editor's hover shows
  「一、本年新收政府信息公开申请数量」, not "Received": table rows and columns take the paper
  form's labels from the model, the other keys their label from the message catalogue.

Three schemas are published (draft 2020-12): ``report`` for a data file on its own; ``agency``
for a file in a county folder, which inherits county.toml, so that no key is required in it
(the loader checks the merged data); ``county`` for county.toml itself, the same plus the
``[totals]`` table the batch reads.
"""

from __future__ import annotations

import copy
import typing
from typing import Any, Literal

from pydantic import BaseModel

from reportkit.messages import translate
from reportkit.model import (
    APPEAL_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    DOCUMENT_COLUMNS,
    FIRST_YEAR,
    LEVEL_LABELS,
    OUTCOME_COLUMNS,
    PART_HEADINGS,
    PROACTIVE_ROWS,
    Agency,
    Appeals,
    ApplicantRow,
    Applications,
    Block,
    Column,
    DocumentRow,
    OtherMatters,
    OutcomeRow,
    Part,
    Proactive,
    Report,
    Row,
    TablePart,
)

Kind = Literal["report", "agency", "county"]
KINDS: tuple[Kind, ...] = ("report", "agency", "county")
DIALECT = "https://json-schema.org/draft/2020-12/schema"
LAST_YEAR = 2100  # the model refuses later report years as implausible

# Keys whose title is not a label of the paper form: their catalogue code is help_field_<key>.
_CATALOGUED: dict[type[BaseModel], tuple[str, ...]] = {
    Report: (
        "format",
        "locale",
        "sample",
        "year",
        "date",
        "legal_basis",
        "previous",
        "rulebook",
        "deadline",
        "agency",
        "sentences",
    ),
    Agency: tuple(Agency.model_fields),
    Part: ("text", "draft"),
    TablePart: ("draft", "after_table"),
    OtherMatters: ("text", "draft", "info_processing_fee"),
    Block: ("text", "lead", "heading"),
}

# The rows of each table, and the columns of each kind of row.
_ROWS: dict[type[BaseModel], tuple[Row, ...]] = {
    Proactive: PROACTIVE_ROWS,
    Applications: APPLICATION_ROWS,
    Appeals: APPEAL_ROWS,
}
_COLUMNS: dict[type[BaseModel], tuple[Column, ...]] = {
    ApplicantRow: APPLICANT_COLUMNS,
    OutcomeRow: OUTCOME_COLUMNS,
    DocumentRow: DOCUMENT_COLUMNS,
}


def generate(kind: Kind = "report", lang: str = "zh") -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a data file of `kind`, titled in `lang`."""

    def t(code: str, **params: Any) -> str:
        return translate(code, lang, **params)

    document = Report.model_json_schema()
    defs: dict[str, Any] = document["$defs"]
    definitions = {Report.__name__: document, **defs}

    for model in _models():
        node = definitions[model.__name__]
        node.pop("title", None)  # a class name, which means nothing to a clerk
        node.pop("description", None)  # a developer's docstring
        properties = node["properties"]
        for key in _CATALOGUED.get(model, ()):
            properties[key]["title"] = t(f"help_field_{key}")
        for column in _COLUMNS.get(model, ()):
            properties[column.key]["title"] = column.label
        for row in _ROWS.get(model, ()):
            _title_row(definitions, model, row)

    _numbers_only(document)
    _no_nulls(document)
    properties = document["properties"]
    properties["year"].update(minimum=FIRST_YEAR, maximum=LAST_YEAR)
    level = defs[Agency.__name__]["properties"]["level"]
    level["description"] = "；".join(f"{key} = {label}" for key, label in LEVEL_LABELS.items())
    for number, heading in enumerate(PART_HEADINGS, start=1):
        properties[f"part{number}"]["title"] = heading
    for key, part in (("proactive", 1), ("applications", 2), ("appeals", 3)):
        properties[key]["title"] = t("help_field_table", heading=PART_HEADINGS[part])
    defs[TablePart.__name__]["properties"]["text"]["title"] = t("help_field_before_table")
    defs[Proactive.__name__]["properties"]["fees"]["title"] += t("help_field_unit", unit="万元")
    fee = defs[OtherMatters.__name__]["properties"]["info_processing_fee"]
    fee["title"] += t("help_field_unit", unit="元")

    for model, columns in _COLUMNS.items():
        defs[model.__name__] = _row_forms(defs[model.__name__], columns, t)
    block = defs[Block.__name__]
    defs[Block.__name__] = {
        "description": t("help_schema_block"),
        "anyOf": [{"type": "string"}, block],
    }

    _refs_alone(document)
    if kind != "report":
        _drop_required(document)
    if kind == "county":
        agency = copy.deepcopy(defs[Agency.__name__])
        properties["totals"] = {
            "title": t("help_field_totals"),
            "type": "object",
            "properties": {"agency": {**agency, "title": t("help_field_totals_agency")}},
            "additionalProperties": False,
        }
    document.pop("title", None)
    title = {"report": "help_schema_report", "agency": "help_schema_agency"}
    return {
        "$schema": DIALECT,
        "title": t(title.get(kind, "help_schema_county")),
        **document,
    }


def _models() -> list[type[BaseModel]]:
    """Return `Report` and every model it contains, each once."""
    found: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [Report]
    while pending:
        model = pending.pop()
        if model in found:
            continue
        found.append(model)
        for field in model.model_fields.values():
            pending.extend(_models_in(field.annotation))
    return found


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _field_model(model: type[BaseModel], key: str) -> type[BaseModel]:
    (inner,) = _models_in(model.model_fields[key].annotation)
    return inner


def _title_row(definitions: dict[str, Any], table: type[BaseModel], row: Row) -> None:
    """Title a table's row, and the group holding it (e.g. （三）不予公开), with their labels."""
    *groups, key = row.key.split(".")
    model = table
    for group in groups:
        definitions[model.__name__]["properties"][group]["title"] = row.group
        model = _field_model(model, group)
    label = row.label
    if table is Appeals and row.group:
        label = f"{row.group}·{row.label}"
    definitions[model.__name__]["properties"][key]["title"] = label


def _row_forms(node: dict[str, Any], columns: tuple[Column, ...], t: Any) -> dict[str, Any]:
    """Return the schema of a table row: a list in the form's column order, or a table keyed by
    column. A row with a 总计 column may leave it off the list (model._row_from_list)."""
    cells = []
    for column in columns:
        cell = dict(node["properties"][column.key])
        cell.pop("default", None)
        number = next((c for c in cell.pop("anyOf", []) if c.get("type") == "integer"), None)
        cells.append({**cell, **(number or {}), "title": column.label})
    optional_total = columns[-1].key == "total"
    labels = "、".join(c.label for c in columns)
    if optional_total:
        description = t("help_schema_row_total", count=len(columns), columns=labels)
    else:
        description = t("help_schema_row", count=len(columns), columns=labels)
    # prefixItems titles each column (draft 2020-12); `items` checks every number for the
    # validators that know only older drafts (Taplo, which Even Better TOML uses)
    any_cell = {k: v for k, v in cells[0].items() if k != "title"}
    as_list = {
        "type": "array",
        "prefixItems": cells,
        "items": any_cell,
        "minItems": len(columns) - 1 if optional_total else len(columns),
        "maxItems": len(columns),
    }
    return {"description": description, "anyOf": [as_list, node]}


def _numbers_only(tree: Any) -> None:
    """Make amounts plain numbers: pydantic offers a string beside the number for a Decimal."""
    if isinstance(tree, dict):
        options = tree.get("anyOf")
        if isinstance(options, list) and len(options) == 2:
            types = sorted(str(o.get("type")) for o in options)
            if types == ["number", "string"]:
                number = next(o for o in options if o.get("type") == "number")
                del tree["anyOf"]
                tree.update(number)
        for value in tree.values():
            _numbers_only(value)
    elif isinstance(tree, list):
        for value in tree:
            _numbers_only(value)


def _no_nulls(tree: Any) -> None:
    """Take out `null`, which TOML cannot write: an optional total is simply left out."""
    if isinstance(tree, dict):
        options = tree.get("anyOf")
        if isinstance(options, list) and {"type": "null"} in options:
            options.remove({"type": "null"})
            if len(options) == 1:
                del tree["anyOf"]
                tree.update(options[0])
            if tree.get("default", "") is None:
                del tree["default"]
        for value in tree.values():
            _no_nulls(value)
    elif isinstance(tree, list):
        for value in tree:
            _no_nulls(value)


def _refs_alone(tree: Any) -> None:
    """Put a `$ref` that has a title (or default) beside it inside `allOf`: before draft
    2019-09 the keywords beside a `$ref` are ignored, and Taplo reads schemas that way, so the
    hover would lose the title."""
    if isinstance(tree, dict):
        for value in tree.values():
            _refs_alone(value)
        if "$ref" in tree and len(tree) > 1:
            tree["allOf"] = [{"$ref": tree.pop("$ref")}]
    elif isinstance(tree, list):
        for value in tree:
            _refs_alone(value)


def _drop_required(tree: Any) -> None:
    """Make every key optional: a file in a county folder may take any of them from
    county.toml. (A row written as a list still needs all its numbers.)"""
    if isinstance(tree, dict):
        tree.pop("required", None)
        for value in tree.values():
            _drop_required(value)
    elif isinstance(tree, list):
        for value in tree:
            _drop_required(value)

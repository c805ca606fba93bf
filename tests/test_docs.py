"""The documentation names every field of the data file."""

from __future__ import annotations

import typing

from pydantic import BaseModel

from reportkit.load import _model_in
from reportkit.model import Report
from reportkit.narrate import rulebook
from tests.helpers import REPO


def field_names(model: type[BaseModel]) -> set[str]:
    names = set()
    for name, field in model.model_fields.items():
        names.add(name)
        inner = _model_in(field.annotation)
        if inner is not None and inner is not model:
            names |= field_names(inner)
    return names


def test_data_format_doc_names_every_field_and_sentence() -> None:
    doc = (REPO / "docs" / "data-format.md").read_text(encoding="utf-8")

    def documented(name: str) -> bool:
        return any(form in doc for form in (f"`{name}`", f"`{name}.", f".{name}`", f"[{name}]"))

    missing = sorted(n for n in field_names(Report) if not documented(n))
    assert missing == []
    assert sorted(i for i in rulebook().ids() if f"`{i}`" not in doc) == []
    assert typing.get_args(Report.model_fields["format"].annotation)[0] in doc


def test_errors_doc_covers_every_message_a_user_can_meet() -> None:
    from reportkit.messages import CATALOGUE

    doc = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    not_problems = (
        "help_",
        "col_",
        "status_",
        "metavar_",
        "level_why_",
        "lint_part_",
        "lint_place",
        "layout_",  # names of table layouts, parameters of import_layout
    )
    notes = {
        "problem_report_head",
        "batch_done",
        "batch_progress",
        "totals_written",
        "warning_prefix",
        "rendered",
        "pdf_written",
        "problems_found",
        "check_ok",
        "not_written",
        "forced",
        "interrupted",
        "filled",
        "internal_error",
        "new_needs",
        "new_from_alone",
        "skeleton_written",
        "rolled",
        "sheet_exported",
        "sheet_imported",
        "sheet_nothing",
        "batch_warnings_hint",
        "level_guessed",
        "warning_report_head",
        "level_choices",  # parts of other messages
        "did_you_mean",
        "standard_sentences",
        "template_ok",
        "adopted",
        "kinds_list",
        "adopt_mapped",
        "adopt_removed",
        "docs_topics",
        "template_exported",
    }
    codes = [c for c in CATALOGUE if not c.startswith(not_problems) and c not in notes]
    assert sorted(c for c in codes if f"`{c}`" not in doc) == []

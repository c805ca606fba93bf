"""The command line: argument parsing and printing, nothing else.

Every message comes from the catalogue in `reportkit.messages`, in Chinese unless `--lang en`
(or REPORTKIT_LANG=en) is given; the language is read before the commands are built, so the help
text is translated too. A `ReportkitError` prints its problems, one line each, and exits 1;
usage errors exit 2; anything else is a bug, reported in one line (or in full with `--debug`).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reportkit import api, batch, bundled, distribution, schema, sheet, skeleton
from reportkit.check import check
from reportkit.errors import DataError, Problem, ReportkitError
from reportkit.fill import fill as fill_totals
from reportkit.load import last_year, load
from reportkit.messages import LANGS, translate
from reportkit.model import LEVEL_LABELS
from reportkit.output import write
from reportkit.pdf import convert
from reportkit.renderer import DEFAULT_TEMPLATES


def _language(argv: Sequence[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in LANGS else "zh"
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in LANGS else "zh"
    env = os.environ.get("REPORTKIT_LANG", "zh")
    return env if env in LANGS else "zh"


class Printer:
    """Writes messages for people: results to stdout, problems and notes to stderr."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.out = Console(highlight=False, soft_wrap=True)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    def say(self, code: str, **params: Any) -> None:
        self.out.print(escape(translate(code, self.lang, **params)))

    def note(self, code: str, **params: Any) -> None:
        self.err.print(escape(translate(code, self.lang, **params)))

    def summary(self, result: batch.Result) -> None:
        """Print the batch's summary table, and every failing agency's problems above it."""
        for agency in result.agencies:
            if agency.status == "failed":
                self.problems(agency.problems)
        table = Table(box=box.SIMPLE)
        for code in ("col_agency", "col_status", "col_errors", "col_warnings", "col_output"):
            table.add_column(translate(code, self.lang))
        counts = {"rendered": 0, "unchanged": 0, "failed": 0, "forced": 0}
        for a in result.agencies:
            counts[a.status] += 1
            output = a.output.name if a.output and a.status != "failed" else ""
            style = "red" if a.status == "failed" else None
            table.add_row(
                escape(a.name),
                batch.status_text(a, self.lang),
                str(len(a.errors)),
                str(len(a.warnings)),
                escape(output),
                style=style,
            )
        self.out.print(table)
        self.say(
            "batch_done",
            total=len(result.agencies),
            rendered=counts["rendered"] + counts["forced"],
            unchanged=counts["unchanged"],
            failed=counts["failed"],
        )

    def problems(self, problems: Sequence[Problem], *, stdout: bool = False) -> None:
        console = self.out if stdout else self.err
        for problem in problems:
            style = "red" if problem.severity == "error" else "yellow"
            console.print(escape(problem.format(self.lang)), style=style)


def build(lang: str) -> click.Group:
    """Return the `reportkit` command group with its help in `lang`."""

    def t(code: str) -> str:
        return translate(code, lang)

    settings = {"help_option_names": ["-h", "--help"]}

    @click.group(help=t("help_main"), context_settings=settings)
    @click.version_option(package_name=distribution.NAME, help=t("help_version"))
    @click.help_option("-h", "--help", help=t("help_help"))
    @click.option("--lang", type=click.Choice(LANGS), default=lang, help=t("help_lang"))
    @click.option("--debug", is_flag=True, help=t("help_debug"))
    @click.pass_context
    def main(ctx: click.Context, lang: str, debug: bool) -> None:
        ctx.obj = Printer(lang)

    def command(name: str, help_code: str) -> Any:
        def decorate(function: Any) -> Any:
            function = click.help_option("-h", "--help", help=t("help_help"))(function)
            return main.command(name=name, help=t(help_code))(function)

        return decorate

    @command("render", "help_render")
    @click.argument("data", type=click.Path(path_type=Path))
    @click.option("-o", "--output", type=click.Path(path_type=Path), help=t("help_output"))
    @click.option("--template", type=click.Path(path_type=Path), help=t("help_template"))
    @click.option("--previous", type=click.Path(path_type=Path), help=t("help_previous"))
    @click.option("--force", is_flag=True, help=t("help_force"))
    @click.option("--pdf", "pdf", is_flag=True, help=t("help_pdf"))
    @click.pass_obj
    def render(
        printer: Printer,
        data: Path,
        output: Path | None,
        template: Path | None,
        previous: Path | None,
        force: bool,
        pdf: bool,
    ) -> None:
        report = load(data)
        try:
            result = api.render(report, output, template=template, previous=previous, force=force)
        except DataError as exc:
            printer.problems(exc.problems)
            if any(p.severity == "error" for p in exc.problems):
                printer.note("not_written")
            raise click.exceptions.Exit(1) from exc
        printer.problems(result.problems)
        if result.errors:
            printer.note("forced")
        printer.say("rendered", path=result.output)
        if pdf:
            for made in convert([result.output]):
                printer.say("pdf_written", path=made)

    @command("check", "help_check")
    @click.argument("data", nargs=-1, required=True, type=click.Path(path_type=Path))
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        help=t("help_format"),
    )
    @click.option("--strict", is_flag=True, help=t("help_strict"))
    @click.option("--previous", type=click.Path(path_type=Path), help=t("help_previous"))
    @click.option("--fill", is_flag=True, help=t("help_fill"))
    @click.pass_obj
    def check_command(
        printer: Printer,
        data: tuple[Path, ...],
        fmt: str,
        strict: bool,
        previous: Path | None,
        fill: bool,
    ) -> None:
        problems: list[Problem] = []
        passed = []
        for path in data:
            try:
                if fill:
                    for key in fill_totals(path):
                        printer.note("filled", file=path, path=key)
                report = load(path)
                found = check(report, last_year(report, previous))
            except DataError as exc:
                found = exc.problems
            problems += found
            if not found:
                passed.append(path)
        if fmt == "json":
            click.echo(
                json.dumps(
                    [p.to_dict(printer.lang) for p in problems], ensure_ascii=False, indent=2
                )
            )
        else:
            printer.problems(problems, stdout=True)
            for path in passed:
                printer.say("check_ok", file=path)
            errors = sum(p.severity == "error" for p in problems)
            if problems:
                printer.say("problems_found", errors=errors, warnings=len(problems) - errors)
        failing = [p for p in problems if p.severity == "error" or strict]
        if failing:
            raise click.exceptions.Exit(1)

    @command("batch", "help_batch")
    @click.argument("county", type=click.Path(path_type=Path))
    @click.option(
        "-o",
        "--output",
        "out_dir",
        type=click.Path(path_type=Path),
        required=True,
        help=t("help_out_dir"),
    )
    @click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        default=os.cpu_count() or 1,
        show_default=True,
        help=t("help_jobs"),
    )
    @click.option("--previous", type=click.Path(path_type=Path), help=t("help_previous_dir"))
    @click.option("--pdf", "pdf", is_flag=True, help=t("help_pdf"))
    @click.option("--force", is_flag=True, help=t("help_force_batch"))
    @click.option("--rebuild", is_flag=True, help=t("help_rebuild"))
    @click.option("--totals", is_flag=True, help=t("help_totals"))
    @click.option("--template", type=click.Path(path_type=Path), help=t("help_template"))
    @click.pass_obj
    def batch_command(
        printer: Printer,
        county: Path,
        out_dir: Path,
        jobs: int,
        previous: Path | None,
        pdf: bool,
        force: bool,
        rebuild: bool,
        totals: bool,
        template: Path | None,
    ) -> None:
        options = batch.Options(
            jobs=jobs, previous=previous, force=force, rebuild=rebuild, template=template
        )
        total = len(batch.agency_files(county))
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=printer.err,
            transient=True,
        ) as bar:
            task = bar.add_task(t("batch_progress"), total=total)
            result = batch.run(county, out_dir, options, progress=lambda agency: bar.advance(task))
        printer.summary(result)
        if pdf:
            made = [
                a.output
                for a in result.agencies
                if a.output is not None
                and (
                    a.status in ("rendered", "forced")
                    or (a.status == "unchanged" and not a.output.with_suffix(".pdf").is_file())
                )
            ]
            for path in convert(made, out_dir):
                printer.say("pdf_written", path=path)
        if totals:
            path, problems, names = batch.write_county_totals(result, county)
            printer.problems(problems)
            printer.say("totals_written", path=path, count=len(names))
        if not result.ok:
            raise click.exceptions.Exit(1)

    @command("new", "help_new")
    @click.option("--agency", help=t("help_agency"))
    @click.option("--year", type=click.IntRange(min=2021, max=2100), help=t("help_year"))
    @click.option("--level", type=click.Choice(list(LEVEL_LABELS)), help=t("help_level"))
    @click.option("--from", "last", type=click.Path(path_type=Path), help=t("help_from"))
    @click.option("-o", "--output", type=click.Path(path_type=Path), help=t("help_output"))
    @click.pass_obj
    def new(
        printer: Printer,
        agency: str | None,
        year: int | None,
        level: str | None,
        last: Path | None,
        output: Path | None,
    ) -> None:
        if last is not None:
            target = output or skeleton.next_name(last, year)
            skeleton.rollover(last, target, year)
            printer.say("rolled", path=target)
            return
        if not agency or not year:
            raise click.UsageError(t("new_needs"))
        target = output or Path(f"{skeleton.short_name(agency)}-{year}.toml")
        if target.exists():
            raise ReportkitError(Problem("output_exists", file=str(target)))
        write(skeleton.skeleton(agency, year, level).encode("utf-8"), target)
        printer.say("skeleton_written", path=target)

    @main.group(name="sheet", help=t("help_sheet"))
    @click.help_option("-h", "--help", help=t("help_help"))
    def sheet_group() -> None:
        pass

    @sheet_group.command(name="export", help=t("help_sheet_export"))
    @click.help_option("-h", "--help", help=t("help_help"))
    @click.argument("county", type=click.Path(path_type=Path))
    @click.option(
        "-o", "--output", type=click.Path(path_type=Path), required=True, help=t("help_output")
    )
    @click.pass_obj
    def sheet_export(printer: Printer, county: Path, output: Path) -> None:
        count, problems = sheet.export(county, output)
        printer.problems(problems)
        printer.say("sheet_exported", count=count, path=output)
        if problems:
            raise click.exceptions.Exit(1)

    @sheet_group.command(name="import", help=t("help_sheet_import"))
    @click.help_option("-h", "--help", help=t("help_help"))
    @click.argument("source", type=click.Path(path_type=Path))
    @click.argument("county", type=click.Path(path_type=Path))
    @click.pass_obj
    def sheet_import(printer: Printer, source: Path, county: Path) -> None:
        notes: list[Problem] = []
        changes = sheet.import_sheet(source, county, notes)
        printer.problems(notes)
        for name, paths in changes.items():
            printer.say("sheet_imported", file=name, count=len(paths))
        if not changes:
            printer.say("sheet_nothing")

    @command("schema", "help_schema")
    @click.option("--agency", "kind", flag_value="agency", help=t("help_schema_agency"))
    @click.option("--county", "kind", flag_value="county", help=t("help_schema_county"))
    @click.pass_obj
    def schema_command(printer: Printer, kind: str | None) -> None:
        document = schema.generate(kind or "report", printer.lang)  # type: ignore[arg-type]
        # UTF-8 whatever the terminal's encoding, so that `reportkit schema > x.json` works
        click.echo(json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"))

    @command("docs", "help_docs")
    @click.argument("topic", required=False)
    @click.pass_obj
    def docs_command(printer: Printer, topic: str | None) -> None:
        topics = bundled.doc_topics()
        if topic is None:
            printer.say("docs_topics")
            width = max(len(name) for name in topics)
            for name, title in topics.items():
                printer.out.print(escape(f"  {name:<{width}}  {title}"))
            return
        found = bundled.topic_of(topic)
        if found is None:
            raise click.UsageError(
                translate("docs_unknown", printer.lang, topic=topic, topics=", ".join(topics))
            )
        text = bundled.read_doc(found, for_terminal=True)
        if printer.out.is_terminal:
            printer.out.print(Markdown(text))
        else:  # piped or redirected: the Markdown itself
            click.echo(text.encode("utf-8"), nl=False)

    @main.group(name="template", help=t("help_template_group"))
    @click.help_option("-h", "--help", help=t("help_help"))
    def template_group() -> None:
        pass

    @template_group.command(
        name="export",
        help=translate("help_template_export", lang, name=DEFAULT_TEMPLATES["zh-CN"]),
    )
    @click.help_option("-h", "--help", help=t("help_help"))
    @click.option("-o", "--output", type=click.Path(path_type=Path), help=t("help_output"))
    @click.option(
        "--locale",
        type=click.Choice(list(DEFAULT_TEMPLATES)),
        default="zh-CN",
        show_default=True,
        help=t("help_template_locale"),
    )
    @click.option("--force", is_flag=True, help=t("help_overwrite"))
    @click.pass_obj
    def template_export(printer: Printer, output: Path | None, locale: str, force: bool) -> None:
        path = bundled.export_template(output, locale, overwrite=force)
        printer.say("template_exported", path=path)

    return main


def _terminate(signum: int, frame: Any) -> None:
    """SIGTERM ends the run like Ctrl-C: files being written are finished or removed."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; exits with 0 on success, 1 on a problem, 2 on a usage error."""
    args = list(sys.argv[1:] if argv is None else argv)
    lang = _language(args)
    printer = Printer(lang)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _terminate)
    try:
        # without standalone mode, click returns a command's exit code instead of exiting
        code = build(lang).main(args, prog_name="reportkit", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        printer.note("interrupted")
        sys.exit(130)
    except ReportkitError as exc:
        if "--debug" in args:
            traceback.print_exc()
        printer.problems(exc.problems)
        sys.exit(1)
    except Exception as exc:
        if "--debug" in args:
            raise
        printer.note("internal_error", detail=f"{type(exc).__name__}: {exc}")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)

"""The command line: argument parsing and printing, nothing else.

Every message comes from the catalogue in `reportkit.messages`, in Chinese unless `--lang en`
(or REPORTKIT_LANG=en) is given anywhere on the line; the language is read before the commands
are built, so the help text, and click's own words (usage, option errors), are translated too.

Exit codes: 0 everything passed; 1 the data has errors (with `--force` the report is written all
the same, marked 「未通过校验」), or a file could not be read or written; 2 the command line is
wrong; 3 an internal error (a bug: please report it with `--debug`); 130 interrupted.
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import json
import os
import signal
import sys
import traceback
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from reportkit import distribution
from reportkit.check import check
from reportkit.errors import DataError, OutputError, Problem, ReportkitError
from reportkit.load import is_published, load, read_string
from reportkit.messages import LANGS, Msg, click_text, default_language, translate
from reportkit.model import LEVEL_LABELS, Report
from reportkit.output import write
from reportkit.pdf import STANDARDS
from reportkit.renderer import DEFAULT_TEMPLATES

if TYPE_CHECKING:
    from reportkit import batch

# A command imports what it alone needs (the document libraries, the batch, spreadsheets,
# Markdown) when it runs: `reportkit check` starts without them.

INTERNAL_ERROR = 3
STDIO = "-"  # a data file read from standard input, or a document written to standard output


def _language(argv: Sequence[str]) -> str:
    """Return the language asked for anywhere on the command line, else the default."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in LANGS else "zh"
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in LANGS else "zh"
    return default_language()


# ---------------------------------------------------------------------------------------------
# The console: what it can show, and click's words in the clerk's language

# Signs a legacy console (GBK, ASCII) cannot show, and what stands in for them.
_STAND_INS = {"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00d7": "x"}


def _fit(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: replace what the console's encoding cannot show by the nearest
    sign it can (ASCII minus for U+2212, the half-width form of a full-width sign), else ?."""
    assert isinstance(error, UnicodeEncodeError)
    encoding = error.encoding
    out = []
    for char in error.object[error.start : error.end]:
        for candidate in (_STAND_INS.get(char, ""), unicodedata.normalize("NFKC", char)):
            try:
                if candidate:
                    candidate.encode(encoding)
                    out.append(candidate)
                    break
            except UnicodeEncodeError:
                continue
        else:
            out.append("?")
    return "".join(out), error.end


codecs.register_error("reportkit-fit", _fit)


def _fit_console() -> None:
    """Make printing never fail on a console that cannot show every character (a Windows
    console in GBK, a pipe in ASCII): a result must never be lost to a print."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="reportkit-fit")


class _Group(click.Group):
    """A command group that names the nearest command when one is mistyped, whatever click's
    release (8.1 names none), in click's own words (translated by `_speak_click`)."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        unknown = name and not name.startswith("-") and self.get_command(ctx, name) is None
        if unknown and not ctx.resilient_parsing:
            words = getattr(click.core, "_", lambda message: message)
            close = difflib.get_close_matches(name, list(self.commands))
            message = words("No such command {name!r}.").format(name=name)
            if close:
                message += " " + words("Did you mean {possibility}?").format(
                    possibility=repr(close[0])
                )
            raise click.UsageError(message, ctx)
        return super().resolve_command(ctx, args)


def _speak_click(lang: str) -> None:
    """Have click write its own words (usage, help headings, its errors) in `lang`."""

    def gettext(message: str) -> str:
        return click_text(lang, message)

    def ngettext(singular: str, plural: str, count: int) -> str:
        return click_text(lang, singular if count == 1 else plural)

    for module in (click.core, click.exceptions, click.formatting, click.types, click.parser):
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    click.decorators._ = gettext  # type: ignore[attr-defined]
    # help columns line up by what a terminal shows: a Chinese character takes two cells
    click.formatting.term_len = lambda text: cell_len(click.unstyle(text))  # type: ignore[attr-defined,assignment]


# ---------------------------------------------------------------------------------------------
# Printing


class Printer:
    """Writes messages for people: results to stdout, problems and notes to stderr.

    `verbosity` is -1 with --quiet (errors only), 0 by default, 1 with --verbose (warnings of
    every agency of a batch too).
    """

    def __init__(self, lang: str, verbosity: int = 0, debug: bool = False) -> None:
        self.lang = lang
        self.verbosity = verbosity
        self.debug = debug
        self.out = Console(highlight=False, soft_wrap=True)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    def say(self, code: str, **params: Any) -> None:
        if self.verbosity >= 0:
            self.out.print(escape(translate(code, self.lang, **params)))

    def note(self, code: str, **params: Any) -> None:
        if self.verbosity >= 0:
            self.err.print(escape(translate(code, self.lang, **params)))

    def problems(self, problems: Sequence[Problem], *, stdout: bool = False) -> None:
        console = self.out if stdout else self.err
        for problem in problems:
            if problem.severity != "error" and self.verbosity < 0:
                continue
            style = "red" if problem.severity == "error" else "yellow"
            console.print(escape(problem.format(self.lang)), style=style)

    @contextlib.contextmanager
    def progress(self, description: str, total: int) -> Iterator[Callable[[object], None]]:
        """Show a progress bar on standard error (none with -q) while the block runs; yield
        what advances it by one (a batch's `progress` callback)."""
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.err,
            transient=True,
            disable=self.verbosity < 0,
        ) as bar:
            task = bar.add_task(description, total=total)

            def advance(_: object) -> None:
                if _signalled:  # an interrupt raised inside a finalizer is lost: stop here
                    raise KeyboardInterrupt
                bar.advance(task)

            yield advance

    def agencies(self, agencies: Sequence[batch.Agency], last_column: str) -> None:
        """Print every failing agency's problems (with --verbose every agency's warnings too),
        then the table of agencies, its last column `last_column`: "col_output" (the report
        written) or "col_data" (the data file)."""
        from reportkit.batch import status_text

        for agency in agencies:
            if agency.status == "failed" or self.verbosity > 0:
                self.problems(agency.problems)
        if self.verbosity < 0:
            return
        table = Table(box=box.SIMPLE)
        for code in ("col_agency", "col_status", "col_errors", "col_warnings", last_column):
            table.add_column(translate(code, self.lang))
        for a in agencies:
            last = a.data.name if last_column == "col_data" else a.output.name if a.output else ""
            table.add_row(
                escape(a.name),
                status_text(a, self.lang),
                str(len(a.errors)),
                str(len(a.warnings)),
                escape(last),
                style="red" if a.status == "failed" else None,
            )
        self.out.print(table)

    def summary(self, result: batch.Result) -> None:
        """Print the batch's summary table, and the problems above it: every failing agency's,
        and with --verbose every agency's warnings too."""
        self.agencies(result.agencies, "col_output")
        if self.verbosity < 0:
            return
        counts = result.counts()
        self.say(
            "batch_done",
            total=len(result.agencies),
            rendered=counts["rendered"] + counts["forced"],
            unchanged=counts["unchanged"],
            failed=counts["failed"],
        )
        if any(a.warnings for a in result.agencies) and self.verbosity == 0:
            self.say("batch_warnings_hint")


# ---------------------------------------------------------------------------------------------
# The commands


def build(lang: str) -> click.Group:
    """Return the `reportkit` command group with its help in `lang`."""

    def t(code: str) -> str:
        return translate(code, lang)

    settings = {"help_option_names": ["-h", "--help"]}

    def set_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value and isinstance(ctx.find_root().obj, Printer):
            ctx.find_root().obj.verbosity = -1 if param.name == "quiet" else 1

    def common(function: Any) -> Any:
        """Options every command takes, wherever they stand on the line."""
        for option in (
            click.option(
                "--lang",
                type=click.Choice(LANGS),
                default=lang,
                expose_value=False,
                help=t("help_lang"),
            ),
            click.option(
                "-q",
                "--quiet",
                is_flag=True,
                expose_value=False,
                callback=set_verbosity,
                help=t("help_quiet"),
            ),
            click.option(
                "-v",
                "--verbose",
                is_flag=True,
                expose_value=False,
                callback=set_verbosity,
                help=t("help_verbose"),
            ),
            click.option("--debug", is_flag=True, expose_value=False, help=t("help_debug")),
            click.help_option("-h", "--help", help=t("help_help")),
        ):
            function = option(function)
        return function

    @click.group(
        cls=_Group,
        help=t("help_main"),
        context_settings=settings,
        options_metavar=t("metavar_options"),
        subcommand_metavar=t("metavar_command"),
    )
    @click.version_option(package_name=distribution.NAME, help=t("help_version"))
    @common
    @click.pass_context
    def main(ctx: click.Context) -> None:
        if not isinstance(ctx.obj, Printer):
            ctx.obj = Printer(lang)

    shared = {"lang", "quiet", "verbose", "debug", "help"}

    def command(name: str, help_code: str, group: click.Group = main, **params: Any) -> Any:
        def decorate(function: Any) -> Any:
            made = group.command(
                name=name,
                help=translate(help_code, lang, **params),
                options_metavar=t("metavar_options"),
            )(common(function))
            # the command's own options first in its help, the ones every command takes after
            made.params.sort(key=lambda p: p.name in shared)
            return made

        return decorate

    data_argument = click.argument(
        "data", type=click.Path(path_type=Path), metavar=t("metavar_data")
    )
    previous_option = click.option(
        "--previous",
        type=click.Path(path_type=Path),
        metavar=t("metavar_file"),
        help=t("help_previous"),
    )
    template_option = click.option(
        "--template",
        type=click.Path(path_type=Path),
        metavar=t("metavar_template"),
        help=t("help_template"),
    )

    @command("render", "help_render")
    @data_argument
    @click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        metavar=t("metavar_file"),
        help=t("help_output_docx"),
    )
    @template_option
    @previous_option
    @click.option("--force", is_flag=True, help=t("help_force"))
    @click.option("--pdf", "pdf", is_flag=True, help=t("help_pdf"))
    @click.option(
        "--pdf-standard",
        type=click.Choice(STANDARDS),
        default="pdfa-2b",
        show_default=True,
        help=t("help_pdf_standard"),
    )
    @click.option("--html", "html", is_flag=True, help=t("help_html"))
    @click.pass_obj
    def render(
        printer: Printer,
        data: Path,
        output: Path | None,
        template: Path | None,
        previous: Path | None,
        force: bool,
        pdf: bool,
        pdf_standard: str,
        html: bool,
    ) -> None:
        from reportkit import api, webpage
        from reportkit.pdf import convert

        source: Report | Path = data
        if str(data) == STDIO:
            if output is None:
                raise click.UsageError(t("stdin_needs_output"))
            source = _from_stdin(printer)
        try:
            if output is not None and str(output) == STDIO:
                if pdf:
                    raise click.UsageError(t("stdout_no_pdf"))
                body, problems = api.render_bytes(
                    source, template=template, previous=previous, force=force
                )
                printer.problems(problems)
                sys.stdout.buffer.write(body)
                sys.stdout.buffer.flush()
                forced = any(p.severity == "error" for p in problems)
            else:
                result = api.render(
                    source, output, template=template, previous=previous, force=force
                )
                printer.problems(result.problems)
                forced = bool(result.errors)
                printer.say("rendered", path=result.output)
                if html:
                    locale = source.locale if isinstance(source, Report) else load(data).locale
                    page = webpage.write_page(result.output, lang=locale)
                    printer.say("html_written", path=page)
                if pdf:
                    for made in convert([result.output], standard=pdf_standard):  # type: ignore[arg-type]
                        printer.say("pdf_written", path=made)
        except DataError as exc:
            if printer.debug:
                traceback.print_exc()
            printer.problems(exc.problems)
            printer.note("not_written")
            raise click.exceptions.Exit(1) from exc
        if forced:
            printer.note("forced")
            raise click.exceptions.Exit(1)

    @command("check", "help_check")
    @click.argument(
        "data", nargs=-1, required=True, type=click.Path(path_type=Path), metavar=t("metavar_data")
    )
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        help=t("help_format"),
    )
    @click.option("--strict", is_flag=True, help=t("help_strict"))
    @previous_option
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
        if fill and any(is_published(path) for path in data):
            raise click.UsageError(t("published_no_fill"))
        last: Any = previous
        if previous is not None and is_published(previous):
            from reportkit import review

            try:  # last year's published report, read once for every report checked
                last = review.previous_report(previous)
            except DataError as exc:
                problems += exc.problems
                last = None
        for path in data:
            if str(path) == STDIO:
                if fill:
                    raise click.UsageError(t("stdin_no_fill"))
                reading = read_string(sys.stdin.read(), "<stdin>")
                found = reading.problems + (
                    check(reading.report, last) if reading.report is not None else []
                )
            elif is_published(path):  # a published report, checked as it stands
                from reportkit import review

                found = review.check_document(path, last)
            else:
                if fill:
                    from reportkit.fill import fill as fill_totals

                    try:
                        for key in fill_totals(path):
                            printer.note("filled", file=path, path=key)
                    except DataError:
                        pass  # the check below reports what stops the file being read
                found = check(path, last)
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
        if any(p.severity == "error" or strict for p in problems):
            raise click.exceptions.Exit(1)

    @command("batch", "help_batch")
    @click.argument("county", type=click.Path(path_type=Path), metavar=t("metavar_county"))
    @click.option(
        "-o",
        "--output",
        "out_dir",
        type=click.Path(path_type=Path),
        required=True,
        metavar=t("metavar_folder"),
        help=t("help_out_dir"),
    )
    @click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        default=os.cpu_count() or 1,
        metavar="N",
        help=t("help_jobs"),
    )
    @click.option(
        "--previous",
        type=click.Path(path_type=Path),
        metavar=t("metavar_folder"),
        help=t("help_previous_dir"),
    )
    @click.option("--pdf", "pdf", is_flag=True, help=t("help_pdf"))
    @click.option(
        "--pdf-standard",
        type=click.Choice(STANDARDS),
        default="pdfa-2b",
        show_default=True,
        help=t("help_pdf_standard"),
    )
    @click.option("--html", "html", is_flag=True, help=t("help_html"))
    @click.option("--preview", is_flag=True, help=t("help_preview"))
    @click.option("--force", is_flag=True, help=t("help_force_batch"))
    @click.option("--rebuild", is_flag=True, help=t("help_rebuild"))
    @click.option("--totals", is_flag=True, help=t("help_totals"))
    @click.option("--review", is_flag=True, help=t("help_review"))
    @template_option
    @click.pass_obj
    def batch_command(
        printer: Printer,
        county: Path,
        out_dir: Path,
        jobs: int,
        previous: Path | None,
        pdf: bool,
        pdf_standard: str,
        html: bool,
        preview: bool,
        force: bool,
        rebuild: bool,
        totals: bool,
        review: bool,
        template: Path | None,
    ) -> None:
        from reportkit import batch

        if review:
            _review_folder(printer, county, out_dir, previous)
            return
        options = batch.Options(
            jobs=jobs,
            previous=previous,
            force=force,
            rebuild=rebuild,
            template=template,
            pdf=pdf,
            pdf_standard=pdf_standard,  # type: ignore[arg-type]  # one of STANDARDS (click.Choice)
            html=html,
            preview=preview,
        )
        with printer.progress(t("batch_progress"), len(batch.agency_files(county))) as advance:
            result = batch.run(county, out_dir, options, progress=advance)
        printer.summary(result)
        for path in result.pages:
            printer.say("html_written", path=path)
        for path in result.pdfs:
            printer.say("pdf_written", path=path)
        for path in result.previews:
            printer.say("preview_written", path=path)
        printer.problems(result.problems)
        if totals:
            path, problems, names = batch.write_county_totals(result, county)
            printer.problems(problems)
            printer.say("totals_written", path=path, count=len(names))
        if not result.ok:
            raise click.exceptions.Exit(1)

    @command("fonts", "help_fonts")
    @click.pass_obj
    def fonts_command(printer: Printer) -> None:
        from reportkit import fonts

        table = Table(box=box.SIMPLE)
        for code in ("col_role", "col_font", "col_installed", "col_substitute"):
            table.add_column(t(code))
        for choice in fonts.choices():
            role = choice.role
            installed = {True: "font_yes", False: "font_no", None: "font_unknown"}
            if choice.installed:
                using = t("font_official")
            elif choice.substitute is not None:
                using = f"{choice.substitute} ({choice.substitute.package})"
            elif choice.installed is None:
                using = t("font_system")
            else:
                packages = " ".join(f.package for f in role.candidates)
                using = translate("font_none", printer.lang, packages=packages)
            table.add_row(
                t(f"role_{role.key}"),
                role.official,
                t(installed[choice.installed]),
                escape(using),
            )
        printer.out.print(table)
        printer.say("fonts_hint", packages=" ".join(fonts.PACKAGES))

    @command("new", "help_new")
    @click.option("--agency", metavar=t("metavar_name"), help=t("help_agency"))
    @click.option(
        "--year",
        type=click.IntRange(min=2021, max=2100),
        metavar=t("metavar_year"),
        help=t("help_year"),
    )
    @click.option("--level", type=click.Choice(list(LEVEL_LABELS)), help=t("help_level"))
    @click.option(
        "--from",
        "last",
        type=click.Path(path_type=Path),
        metavar=t("metavar_file_or_folder"),
        help=t("help_from"),
    )
    @click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        metavar=t("metavar_file"),
        help=t("help_output"),
    )
    @click.option("--kind", "kind_name", metavar=t("metavar_kind"), help=t("help_kind"))
    @click.pass_obj
    def new(
        printer: Printer,
        agency: str | None,
        year: int | None,
        level: str | None,
        last: Path | None,
        output: Path | None,
        kind_name: str | None,
    ) -> None:
        from reportkit import kinds, skeleton

        if last is not None and (agency is not None or level is not None or kind_name is not None):
            raise click.UsageError(t("new_from_alone"))  # they come from last year's file
        if kind_name is not None and kind_name != kinds.GOV_INFO_2021:
            if not agency or not agency.strip() or not year:
                raise click.UsageError(t("new_needs"))
            kind = kinds.find(kind_name, near=Path.cwd())
            target = output or skeleton.default_name(agency, year)
            if target.exists():
                raise OutputError(Problem("output_exists", file=str(target)))
            write(kind.skeleton(agency, year).encode("utf-8"), target)
            printer.say("skeleton_written", path=target)
            return
        if last is not None:
            target = output or skeleton.next_name(last, year)
            skeleton.rollover(last, target, year)
            printer.say("rolled", path=target)
            return
        if not agency or not agency.strip() or not year:
            raise click.UsageError(t("new_needs"))
        target = output or skeleton.default_name(agency, year)
        if target.exists():
            raise OutputError(Problem("output_exists", file=str(target)))
        write(skeleton.skeleton(agency, year, level).encode("utf-8"), target)
        printer.say("skeleton_written", path=target)
        if level is None:
            guess = skeleton.guess_level(agency)
            label = LEVEL_LABELS[guess.level]
            printer.note("level_guessed", level=guess.level, label=label, why=guess.why)

    @command("import", "help_import")
    @click.argument("source", type=click.Path(path_type=Path), metavar=t("metavar_report"))
    @click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        metavar=t("metavar_file"),
        help=t("help_import_output"),
    )
    @click.option("--force", is_flag=True, help=t("help_overwrite"))
    @click.pass_obj
    def import_command(printer: Printer, source: Path, output: Path | None, force: bool) -> None:
        target = output or source.with_suffix(".toml")
        if target.suffix.lower() != ".toml":
            raise OutputError(Problem("output_suffix", {"suffix": ".toml"}, file=str(target)))
        if target.exists() and not force:
            raise OutputError(Problem("output_exists_force", file=str(target)))
        from reportkit import api, importer

        api.refuse_inputs(target, source)
        imported = importer.import_report(source)
        printer.note(
            "import_layout",
            file=source.name,
            layout=Msg(importer.LAYOUT_MESSAGES.get(imported.layout, "layout_2021")),
        )
        printer.problems(imported.problems)
        fatal = [p for p in imported.problems if p.code in ("import_no_year", "import_no_agency")]
        if fatal:
            printer.note("not_written")
            raise click.exceptions.Exit(1)
        write(importer.data_text(imported).encode("utf-8"), target)
        errors = len(imported.errors)
        printer.say("imported", path=target) if not errors else printer.say(
            "imported_incomplete", path=target, count=errors
        )
        if errors:
            raise click.exceptions.Exit(1)

    @main.group(
        cls=_Group,
        name="sheet",
        help=t("help_sheet"),
        options_metavar=t("metavar_options"),
        subcommand_metavar=t("metavar_command"),
    )
    @common
    def sheet_group() -> None:
        pass

    @command("export", "help_sheet_export", sheet_group)
    @click.argument("county", type=click.Path(path_type=Path), metavar=t("metavar_county"))
    @click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        required=True,
        metavar=t("metavar_file"),
        help=t("help_output"),
    )
    @click.pass_obj
    def sheet_export(printer: Printer, county: Path, output: Path) -> None:
        from reportkit import sheet

        count, problems = sheet.export(county, output)
        printer.problems(problems)
        printer.say("sheet_exported", count=count, path=output)
        if problems:
            raise click.exceptions.Exit(1)

    @command("import", "help_sheet_import", sheet_group)
    @click.argument("source", type=click.Path(path_type=Path), metavar=t("metavar_sheet"))
    @click.argument("county", type=click.Path(path_type=Path), metavar=t("metavar_county"))
    @click.pass_obj
    def sheet_import(printer: Printer, source: Path, county: Path) -> None:
        from reportkit import sheet

        notes: list[Problem] = []
        changes = sheet.import_sheet(source, county, notes)
        printer.problems(notes)
        for name, paths in changes.items():
            printer.say("sheet_imported", file=name, count=len(paths))
        if not changes:
            printer.say("sheet_nothing")

    @command("kinds", "help_kinds")
    @click.pass_obj
    def kinds_command(printer: Printer) -> None:
        from reportkit import kinds

        printer.say("kinds_list")
        found = {name: kind.title for name, kind in kinds.installed(Path.cwd()).items()}
        width = max(len(name) for name in found)
        for name, title in found.items():
            printer.out.print(escape(f"  {name:<{width}}  {title}"))

    @command("schema", "help_schema")
    @click.option("--agency", "kind", flag_value="agency", help=t("help_schema_agency"))
    @click.option("--county", "kind", flag_value="county", help=t("help_schema_county"))
    @click.option("--kind", "kind_name", metavar=t("metavar_kind"), help=t("help_kind"))
    @click.pass_obj
    def schema_command(printer: Printer, kind: str | None, kind_name: str | None) -> None:
        from reportkit import kinds, schema

        if kind_name is not None and kind_name != kinds.GOV_INFO_2021:
            made = kinds.find(kind_name, near=Path.cwd()).schema()
            click.echo(json.dumps(made, ensure_ascii=False, indent=2).encode("utf-8"))
            return
        document = schema.generate(kind or "report", printer.lang)  # type: ignore[arg-type]
        # UTF-8 whatever the terminal's encoding, so that `reportkit schema > x.json` works
        click.echo(json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"))

    @command("docs", "help_docs")
    @click.argument("topic", required=False)
    @click.pass_obj
    def docs_command(printer: Printer, topic: str | None) -> None:
        from rich.markdown import Markdown

        from reportkit import bundled

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

    @main.group(
        cls=_Group,
        name="template",
        help=t("help_template_group"),
        options_metavar=t("metavar_options"),
        subcommand_metavar=t("metavar_command"),
    )
    @common
    def template_group() -> None:
        pass

    @command("adopt", "help_template_adopt", template_group)
    @click.argument("form", type=click.Path(path_type=Path), metavar=t("metavar_file"))
    @click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        required=True,
        metavar=t("metavar_template"),
        help=t("help_output"),
    )
    @click.pass_obj
    def template_adopt(printer: Printer, form: Path, output: Path) -> None:
        if output.exists():
            raise OutputError(Problem("output_exists", file=str(output)))
        from reportkit.adopt import adopt

        adoption = adopt(form, output)
        for what in adoption.mapped:
            printer.say("adopt_mapped", what=what)
        for what in adoption.removed:
            printer.say("adopt_removed", what=what)
        printer.say("adopted", path=output, count=len(adoption.mapped))

    @command("lint", "help_template_lint", template_group)
    @click.argument("template", type=click.Path(path_type=Path), metavar=t("metavar_template"))
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        help=t("help_format"),
    )
    @click.option("--kind", "kind_name", metavar=t("metavar_kind"), help=t("help_lint_kind"))
    @click.pass_obj
    def template_lint(printer: Printer, template: Path, fmt: str, kind_name: str | None) -> None:
        from reportkit import kinds
        from reportkit.lint import lint

        kind = kinds.find(kind_name or kinds.GOV_INFO_2021, near=Path.cwd())
        problems = lint(template, kinds.vocabulary_of(kind))
        if fmt == "json":
            click.echo(
                json.dumps(
                    [p.to_dict(printer.lang) for p in problems], ensure_ascii=False, indent=2
                )
            )
        else:
            printer.problems(problems, stdout=True)
            if not problems:
                printer.say("template_ok", file=template)
        if any(p.severity == "error" for p in problems):
            raise click.exceptions.Exit(1)

    @command("export", "help_template_export", template_group, file=DEFAULT_TEMPLATES["zh-CN"])
    @click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        metavar=t("metavar_file"),
        help=t("help_output"),
    )
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
        from reportkit import bundled

        path = bundled.export_template(output, locale, overwrite=force)
        printer.say("template_exported", path=path)

    return main


def _review_folder(printer: Printer, folder: Path, out_dir: Path, previous: Path | None) -> None:
    """Check every published report of a folder as published (`batch --review`)."""
    from reportkit import review

    total = len(review.report_files(folder))
    with printer.progress(translate("review_progress", printer.lang), total) as advance:
        result = review.review_folder(folder, out_dir, previous, progress=advance)
    printer.agencies(result.agencies, "col_data")
    counts = review.count(result.agencies)
    printer.say("review_done", total=len(result.agencies), folder=out_dir, **counts)
    printer.problems(result.problems)
    if not result.ok:
        raise click.exceptions.Exit(1)


def _from_stdin(printer: Printer) -> Report:
    """Return the report read from standard input; raise `DataError` with every problem."""
    reading = read_string(sys.stdin.read(), "<stdin>")
    if reading.report is None:
        raise DataError(reading.problems)
    if reading.problems:
        raise DataError(reading.problems + check(reading.report))
    return reading.report


# The signals received. Python runs a handler between two steps of whatever the main thread is
# doing; when that is a finalizer (`__del__`, run by the collector), the KeyboardInterrupt it
# raises is printed as ignored and the run goes on, so long work also stops at its next step.
_signalled: list[int] = []


def _terminate(signum: int, frame: Any) -> None:
    """Ctrl-C, SIGTERM and SIGHUP end the run alike: files being written are finished or
    removed."""
    _signalled.append(signum)
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line and exit with its code (see the module docstring)."""
    args = list(sys.argv[1:] if argv is None else argv)
    lang = _language(args)
    _fit_console()
    _speak_click(lang)
    debug = "--debug" in args
    printer = Printer(lang, debug=debug)
    _signalled.clear()
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminate)
    run: Callable[[], Any] = lambda: build(lang).main(  # noqa: E731
        args, prog_name="reportkit", standalone_mode=False, obj=printer
    )
    try:
        # without standalone mode, click returns a command's exit code instead of exiting
        code = run()
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        printer.verbosity = max(printer.verbosity, 0)
        printer.note("interrupted")
        sys.exit(130)
    except ReportkitError as exc:
        if debug:
            traceback.print_exc()
        printer.problems(exc.problems)
        sys.exit(1)
    except Exception as exc:
        if debug:
            raise
        printer.verbosity = max(printer.verbosity, 0)
        printer.note("internal_error", detail=f"{type(exc).__name__}: {exc}")
        sys.exit(INTERNAL_ERROR)
    sys.exit(code if isinstance(code, int) else 0)

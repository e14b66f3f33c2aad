"""The ``support-toolkit`` command line: one group, one sub-command per capability.

Sub-commands live next to the code they drive (``toolkit/<module>.py`` or
``toolkit/<package>/cli.py``) and are imported only when used, so ``--help`` is
fast. A user mistake (:class:`~toolkit.errors.ToolkitError`) ends with its
message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from toolkit import __version__
from toolkit.errors import ToolkitError

# name -> "module:attribute" of a click command; add one line per sub-command.
COMMANDS = {
    "load": "toolkit.io.cli:load",
    "schema": "toolkit.cli:schema",
    "samples": "toolkit.samples.cli:samples",
    "maturity": "toolkit.maturity.cli:maturity",
    "report": "toolkit.report.cli:report",
    "tables": "toolkit.report.cli:tables",
    "portfolio": "toolkit.maturity.cli:portfolio",
    "duplicates": "toolkit.duplicates.cli:duplicates",
    "vocabulary": "toolkit.cli:vocabulary",
}


class LazyGroup(click.Group):
    """A click group that imports a sub-command's module only when it is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="support-toolkit")
def cli() -> None:
    """Assess a customer-support organisation from its helpdesk, survey and interview data.

    Typical flow: `support-toolkit samples` to make demo data, `support-toolkit load`
    to turn a client's exports into canonical tables, `support-toolkit report` to
    render the client's HTML report.
    """


@click.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of printing.")
def schema(out: str | None) -> None:
    """Print the canonical data model as Markdown (the source of docs/data-model.md)."""
    from toolkit.schema import data_model_markdown

    text = data_model_markdown()
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        click.echo(text, nl=False)


@click.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of printing.")
def vocabulary(out: str | None) -> None:
    """Print the client vocabulary (metrics, units, definitions) as Markdown (the source of docs/vocabulary.md)."""
    from toolkit.vocabulary import vocabulary_markdown

    text = vocabulary_markdown()
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        click.echo(text, nl=False)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; toolkit errors become a message on stderr and exit code 2."""
    try:
        cli.main(args=argv, prog_name="support-toolkit", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ToolkitError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:  # a path the user gave cannot be read or written
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(f"error: {exc.strerror or exc}{where}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)

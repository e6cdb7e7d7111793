"""The reference: a minimal Typer app with one command that prints a small Rich table.

Its start-up is the floor any Typer + Rich command pays on this machine; bench_cli.py
times alliance's commands beside it.
"""

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer()


def _version(value: bool) -> None:
    if value:
        print("reference 1.0")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True)) -> None:
    """The reference app."""


@app.command()
def table() -> None:
    """Print a small table."""
    t = Table("Date", "Client", "Empathy")
    t.add_row("2026-11-20", "C-014", "7")
    t.add_row("2026-11-19", "C-002", "8")
    Console().print(t)


@app.command()
def other() -> None:
    """A second command, so Typer builds a group as alliance does."""


if __name__ == "__main__":
    app()

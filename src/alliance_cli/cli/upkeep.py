"""Commands that look after the journal: config, backup, restore, doctor."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from alliance_cli.cli.root import (
    AllianceGroup,
    DbOption,
    Format,
    PromptsOption,
    _print_kept,
    _say,
    _warn_if_shared,
    app,
    format_option,
)
from alliance_cli.core.messages import Hint, count, leftover_removed, plural
from alliance_cli.errors import ExitCode

PRECEDENCE = (
    "For each setting the first one found wins: a flag on the command line (--db, --prompts, --modality), "
    "then the environment (ALLIANCE_DB, ALLIANCE_PROMPTS), then the settings file, then the built-in default."
    "\n\nThe settings file is ~/.config/alliance/config.toml (ALLIANCE_CONFIG points elsewhere). "
    "Settings: journal, prompts, default_modality (in person, video, phone or text), "
    "encrypt_new (true: a new journal starts encrypted, asking for its passphrase), "
    "report.low_mean (a client mean below it is flagged; 0 to 10, default 5.0), "
    "report.falling_sessions (this many falling session means in a row are flagged; 2 or more, default 3)."
)


config_app = typer.Typer(
    cls=AllianceGroup,
    help=f"See or change your settings.\n\n{PRECEDENCE}\n\n    alliance config set default_modality video",
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show() -> None:
    """Print the settings in effect as TOML, each with where it comes from.

    alliance config show
    """
    from alliance_cli.settings.config import effective_settings, show_toml
    from alliance_cli.settings.paths import config_path

    path = config_path()
    print(show_toml(effective_settings(path), path), end="")


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(metavar="KEY", help="journal, prompts, default_modality, report.low_mean, ...")],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The new value.")],
) -> None:
    """Change one setting; a bad value is refused and nothing is written.

    alliance config set default_modality video
    """
    from alliance_cli.settings.config import set_value
    from alliance_cli.settings.paths import config_path

    stored = set_value(key, value)
    _say(f"Set {key} = {stored} in {config_path()}.")


@config_app.command("unset")
def config_unset(key: Annotated[str, typer.Argument(metavar="KEY", help="The setting to remove.")]) -> None:
    """Remove a setting from the file, so the default applies again.

    alliance config unset default_modality
    """
    from alliance_cli.settings.config import unset_value
    from alliance_cli.settings.paths import config_path

    if unset_value(key):
        _say(f"Removed {key} from {config_path()}; the default applies again.")
    else:
        _say(f"{key} was not set in {config_path()}; nothing changed.")


@config_app.command("path")
def config_path_cmd() -> None:
    """Print where the settings file is (it may not exist yet).

    alliance config path
    """
    from alliance_cli.settings.paths import config_path

    print(config_path())


@app.command()
def backup(
    path: Annotated[
        Optional[Path],
        typer.Argument(
            help="A folder that exists, or a new file name ending in .db (default: backups/ beside the journal)."
        ),
    ] = None,
    keep: Annotated[
        Optional[int],
        typer.Option("--keep", metavar="N", help="Keep only the newest N timestamped backups there (1 or more)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Make a consistent copy of the journal, safe while another terminal is logging.

        alliance backup --keep 10

    In a folder, backups are named after the journal file (journal-YYYYMMDD-HHMMSSZ.db for
    journal.db, UTC) and readable by you alone. The new backup's path is printed on stdout.
    """
    from alliance_cli.app.backup import make_backup
    from alliance_cli.settings.config import resolve_db_path

    journal = resolve_db_path(db)
    _warn_if_shared(journal)
    result = make_backup(journal, path, keep=keep)
    for leftover in result.cleared:
        _say(leftover_removed(leftover))
    size = f"{result.size / 1_048_576:.1f} MB" if result.size >= 1_048_576 else f"{result.size // 1024 + 1} KB"
    if not result.intact:
        _say(f"Copied to {result.path}, but the copy shows damage from the journal; {Hint.DOCTOR}.")
        print(result.path)
        raise typer.Exit(int(ExitCode.REFUSED))
    _say(f"Backed up {count(result.sessions, 'session')} ({size}).")
    for old in result.pruned:
        _say(f"Removed the older backup {old.name}.")
    _print_kept(str(result.path), "the backup is made", "its path")


@app.command()
def restore(
    backup_file: Annotated[Path, typer.Argument(metavar="BACKUP", help="The backup file to bring back.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before replacing the journal.")] = False,
    db: DbOption = None,
) -> None:
    """Put a backup in place of the journal, after checking it; the journal as it was is kept.

    alliance restore backups/journal-20261120-095200Z.db
    """
    from alliance_cli.app.erase import restore_command
    from alliance_cli.settings.config import resolve_db_path
    from alliance_cli.ui.terminal import TerminalConversation

    journal = resolve_db_path(db)
    _warn_if_shared(journal)
    result = restore_command(backup_file, journal, yes=yes, conversation=TerminalConversation())
    if result is None:
        _say("Nothing was changed.")
        raise typer.Exit(int(ExitCode.REFUSED))
    for leftover in result.cleared:
        _say(leftover_removed(leftover))
    if result.replaced_copy is not None:
        _say(f"The journal as it was is kept in {result.replaced_copy}.")
    _say(f"Restored: the journal now holds {count(result.sessions, 'session')}.")


@app.command()
def doctor(
    fmt: Annotated[Format, format_option(Format.table, Format.json, Format.jsonl, Format.csv)] = Format.table,
    db: DbOption = None,
    prompts: PromptsOption = None,
) -> None:
    """Check the journal, its folder, your settings and prompts; exit 1 if anything needs care.

        alliance doctor

    It only reads: a damaged journal is reported, never changed. Keys for json, jsonl and
    csv: level (ok, note, warning, problem), check, message (README: "Data formats").
    """
    from dataclasses import asdict

    from alliance_cli.app.doctor import healthy, run_checks, unchecked
    from alliance_cli.ui.formats import emit

    findings = run_checks(db, prompts)
    emit(
        fmt,
        plain=lambda: "".join(f"{f.level:<8} {f.check:<12} {f.message}\n" for f in findings),
        records=(asdict(f) for f in findings),
        columns=["level", "check", "message"],
    )
    if healthy(findings):
        _say("All that could be looked at without the passphrase is well." if unchecked(findings) else "All is well.")
        return
    found = sum(f.level in ("warning", "problem") for f in findings)
    _say(f"{count(found, 'finding')} {plural(found, 'needs')} your attention.")
    raise typer.Exit(int(ExitCode.REFUSED))

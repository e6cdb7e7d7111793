"""Commands that look after the journal: config."""

from __future__ import annotations

from typing import Annotated

import typer

from . import AllianceGroup, _say, app

PRECEDENCE = (
    "For each setting the first one found wins: a flag on the command line (--db, --prompts, --modality), "
    "then the environment (ALLIANCE_DB, ALLIANCE_PROMPTS), then the settings file, then the built-in default."
    "\n\nThe settings file is ~/.config/alliance/config.toml (ALLIANCE_CONFIG points elsewhere). "
    "Settings: journal, prompts, default_modality (in person, video, phone or text), "
    "report.low_mean (a session mean below it is flagged; default 5.0), "
    "report.falling_sessions (this many falling session means in a row are flagged; 2 or more, default 3)."
)


config_app = typer.Typer(
    cls=AllianceGroup,
    help=f"See or change your settings.\n\n{PRECEDENCE}",
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show() -> None:
    """Print the settings in effect as TOML, each with where it comes from.

    alliance config show
    """
    from ..config import config_path, effective_settings, show_toml

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
    from ..config import config_path, set_value

    stored = set_value(key, value)
    _say(f"Set {key} = {stored} in {config_path()}.")


@config_app.command("unset")
def config_unset(key: Annotated[str, typer.Argument(metavar="KEY", help="The setting to remove.")]) -> None:
    """Remove a setting from the file, so the default applies again.

    alliance config unset default_modality
    """
    from ..config import config_path, unset_value

    if unset_value(key):
        _say(f"Removed {key} from {config_path()}; the default applies again.")
    else:
        _say(f"{key} was not set in {config_path()}; nothing changed.")


@config_app.command("path")
def config_path_cmd() -> None:
    """Print where the settings file is (it may not exist yet)."""
    from ..config import config_path

    print(config_path())

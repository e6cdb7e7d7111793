"""Where the journal, the config and the prompt set live.

Each location has one function with an environment override, so tests (and users) can
point every path elsewhere. The per-user folders follow the XDG base directory spec on
Linux and the platform conventions elsewhere; written by hand because platformdirs
would add an import to every command for three small functions.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "alliance"
DB_ENV = "ALLIANCE_DB"
PROMPTS_ENV = "ALLIANCE_PROMPTS"
CONFIG_ENV = "ALLIANCE_CONFIG"
JOURNAL_NAME = "journal.db"


def _home() -> Path:
    return Path.home()


def user_data_dir() -> Path:
    """The per-user data folder: ~/.local/share/alliance on Linux, honouring XDG_DATA_HOME."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or _home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = _home() / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else _home() / ".local" / "share"
    return base / APP


def user_config_dir() -> Path:
    """The per-user config folder: ~/.config/alliance on Linux, honouring XDG_CONFIG_HOME."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or _home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = _home() / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_CONFIG_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else _home() / ".config"
    return base / APP


def config_path() -> Path:
    """Where the settings file is: ALLIANCE_CONFIG, else ~/.config/alliance/config.toml."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return user_config_dir() / "config.toml"


def default_db_path() -> Path:
    return user_data_dir() / JOURNAL_NAME


def bundled_prompts_path() -> Path:
    """The default prompt set shipped with the package (or the checkout's data/ folder)."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "data" / "prompts.yaml"
    if packaged.is_file():
        return packaged
    # An editable install runs from src/: the canonical file is at the top of the repo.
    return package.parent.parent / "data" / "prompts.yaml"


def user_cache_dir() -> Path:
    """The per-user cache folder: ~/.cache/alliance on Linux, honouring XDG_CACHE_HOME.
    It holds nothing a person wrote (`settings.prompts`: validated prompt sets)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or _home() / "AppData" / "Local")
        return base / APP / "Cache"
    if sys.platform == "darwin":
        return _home() / "Library" / "Caches" / APP
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else _home() / ".cache"
    return base / APP

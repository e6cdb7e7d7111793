"""The settings file: a small TOML file in the per-user config folder.

    journal = "/home/me/notes/journal.db"
    prompts = "/home/me/notes/my-prompts.yaml"
    default_modality = "video"
    client_measure = "SRS"  # or "WAI-SR", or your own: "My scale 0 to 100, cutoff 70"
    encrypt_new = true    # a new journal starts encrypted (`alliance encrypt`): the first log asks a passphrase

    [report]
    below_baseline = 1.5  # a client's period mean this far below your own 12-week mean
    falling_sds = 2.5     # a last session this many of the client's own SDs below their mean
    # ... every threshold of the weekly review (`core.rules.SETTINGS`; README, "Weekly review")

    [privacy]
    region = "GB"         # how the privacy guard reads phone and ID numbers (default: the locale's country)

For every setting the first found wins: a command-line flag, then the environment
(ALLIANCE_DB, ALLIANCE_PROMPTS), then this file, then the built-in default.

Every command that looks for the journal reads this file, so it is kept cheap: nothing is
imported or read when the file does not exist, and the checks are a few plain functions
(a dataclass, not a pydantic model: pydantic would add ~100 ms to `alliance list`). Unknown
keys and bad values are refused, each named: a typo like `jounral` must never send the
sessions into a different journal silently. The file is written by `config set` through
the tiny writer below (the standard library reads TOML but cannot write it; five keys do
not justify a dependency); it rewrites the file, so comments in it are not kept.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alliance_cli.core.measures import DEFAULT as DEFAULT_MEASURE
from alliance_cli.core.measures import Measure, parse_measure
from alliance_cli.core.rules import DEFAULTS, SETTINGS
from alliance_cli.errors import ConfigError
from alliance_cli.settings.paths import (
    DB_ENV,
    PROMPTS_ENV,
    bundled_prompts_path,
    config_path,
    default_db_path,
)


@dataclass(frozen=True)
class ReportSettings:
    """The weekly review's thresholds set in the file (the rest keep `core.rules.DEFAULTS`).

    `low_mean` and `falling_sessions` were the review's settings before it compared clients
    with your own baseline: a file that has them still loads, and they are shown as no longer
    used (the review reads `values` only)."""

    values: Mapping[str, float | int] = field(default_factory=dict)
    low_mean: float = 5.0  # no longer used
    falling_sessions: int = 3  # no longer used

    def thresholds(self) -> dict[str, float | int]:
        """Every threshold: the file's, else the default."""
        return {**DEFAULTS, **self.values}


@dataclass(frozen=True)
class PrivacySettings:
    region: str | None = None  # None: the locale's country (`locale_region`)


@dataclass(frozen=True)
class Config:
    journal: Path | None = None
    prompts: Path | None = None
    default_modality: str | None = None
    client_measure: Measure = DEFAULT_MEASURE  # what a client's own score is on (`core.measures`)
    encrypt_new: bool = False
    report: ReportSettings = field(default_factory=ReportSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)


# -- checking values --------------------------------------------------------------------


def _path(value: Any, base: Path) -> Path:
    from alliance_cli.core.inputs import is_text

    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a file path in quotes")
    if not is_text(value):  # the settings file is UTF-8; a name in other bytes cannot be kept in it
        raise ValueError("must be a file path in UTF-8 text (rename the file, or give it with --db/--prompts)")
    path = Path(value.strip()).expanduser()
    return path if path.is_absolute() else base / path


def _modality(value: Any, base: Path) -> str:
    from alliance_cli.core.inputs import MODALITIES, parse_modality
    from alliance_cli.errors import InputError

    if not isinstance(value, str):
        raise ValueError(f"must be one of: {', '.join(MODALITIES)}")
    try:
        return parse_modality(value)
    except InputError:
        raise ValueError(f"must be one of: {', '.join(MODALITIES)} (got {_got(value)})") from None


def _flag(value: Any, base: Path) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false (got {_got(value)})")
    return value


def _low_mean(value: Any, base: Path) -> float:
    # Ratings run from 0 to 10: a threshold outside that would flag every client, or none.
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= 10
    ):
        raise ValueError(f"must be a number from 0 to 10, as ratings are, such as 5.0 (got {_got(value)})")
    return float(value)


def _client_measure(value: Any, base: Path) -> Measure:
    return parse_measure(value)


def _falling_sessions(value: Any, base: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise ValueError(f"must be a whole number of 2 or more (got {_got(value)})")
    return value


def _threshold(name: str) -> Callable[[Any, Path], float | int]:
    spec = SETTINGS[name]

    def check(value: Any, base: Path) -> float | int:
        low, high = f"{spec.low:g}", f"{spec.high:g}"
        if spec.whole:
            if isinstance(value, bool) or not isinstance(value, int) or not spec.low <= value <= spec.high:
                raise ValueError(f"must be a whole number from {low} to {high} (got {_got(value)})")
            return value
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not spec.low <= value <= spec.high
        ):
            raise ValueError(f"must be a number from {low} to {high} (got {_got(value)})")
        return float(value)

    return check


RETIRED = ("report.low_mean", "report.falling_sessions")  # still read, no longer used


def _region(value: Any, base: Path) -> str:
    # Two letters, as in en_GB: the privacy guard reads "020 7946 0958" as a London number in GB.
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2}", value.strip()):
        raise ValueError(f"must be a country's two-letter code, such as GB, US, AU or IN (got {value!r})")
    return value.strip().upper()


def _got(value: Any) -> str:
    """A bad value as a message repeats it: short and printable, else by its type alone."""
    shown = repr(value) if isinstance(value, int | float | str) and len(repr(value)) <= 40 else ""
    if shown and shown.isprintable():
        return shown
    kinds: dict[type, str] = {str: "text", list: "a list", dict: "a table"}
    return kinds.get(type(value), type(value).__name__)


CHECKS: dict[str, Callable[[Any, Path], Any]] = {
    "journal": _path,
    "prompts": _path,
    "default_modality": _modality,
    "client_measure": _client_measure,
    "encrypt_new": _flag,
    **{f"report.{name}": _threshold(name) for name in SETTINGS},
    "report.low_mean": _low_mean,
    "report.falling_sessions": _falling_sessions,
    "privacy.region": _region,
}
KEYS: tuple[str, ...] = tuple(CHECKS)
TABLES = ("report", "privacy")
MAX_CONFIG = 64 << 10  # 64 KB: five settings take a few hundred bytes


def flatten(doc: Mapping[str, Any]) -> dict[str, Any]:
    """{'report': {'low_mean': 4}} -> {'report.low_mean': 4}; other nesting stays as it is."""
    flat: dict[str, Any] = {}
    for key, value in doc.items():
        if key in TABLES and isinstance(value, dict):
            flat.update({f"{key}.{sub}": v for sub, v in value.items()})
        else:
            flat[key] = value
    return flat


def check(flat: Mapping[str, Any], source: str, base: Path) -> tuple[dict[str, Any], list[str]]:
    """Checked values by key, and one problem line for each unknown key or bad value."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, raw in flat.items():
        if key not in CHECKS:
            if key in TABLES:
                problems.append(f"{source}: {key}: must be a [{key}] table")
            else:
                problems.append(f"{source}: {key}: unknown setting; the settings are {', '.join(KEYS)}")
            continue
        try:
            values[key] = CHECKS[key](raw, base)
        except ValueError as exc:
            problems.append(f"{source}: {key}: {exc}")
    return values, problems


def read_document(path: Path) -> dict[str, Any]:
    """The file's TOML as a dict ({} when there is no file); unreadable TOML is refused, and
    so is a file larger than MAX_CONFIG or nested deeper than a settings file ever is."""
    from alliance_cli.settings.documents import TooLarge, read_capped, size_words

    try:
        with open(path, "rb") as binary:
            data = read_capped(binary, MAX_CONFIG)
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise ConfigError(f"{path} is a folder; the settings file must be a file.") from None
    except TooLarge:
        raise ConfigError(
            f"{path}: the settings file is larger than {size_words(MAX_CONFIG)}; fix it or remove it."
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the settings file ({exc.strerror}).") from None
    import tomllib

    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix it or remove it.") from None
    except RecursionError:  # tomllib reads nested arrays and tables by recursion
        raise ConfigError(f"{path}: nested too deeply to be a settings file; fix it or remove it.") from None


def load_config(path: Path | None = None) -> Config:
    """The settings, checked; defaults when there is no file. ConfigError lists every problem."""
    path = path or config_path()
    if not path.exists():
        return Config()
    values, problems = check(flatten(read_document(path)), str(path), path.parent)
    if problems:
        raise ConfigError(problems[0], problems)
    defaults = ReportSettings()
    return Config(
        journal=values.get("journal"),
        prompts=values.get("prompts"),
        default_modality=values.get("default_modality"),
        client_measure=values.get("client_measure", DEFAULT_MEASURE),
        encrypt_new=values.get("encrypt_new", False),
        report=ReportSettings(
            values={name: values[f"report.{name}"] for name in SETTINGS if f"report.{name}" in values},
            low_mean=values.get("report.low_mean", defaults.low_mean),
            falling_sessions=values.get("report.falling_sessions", defaults.falling_sessions),
        ),
        privacy=PrivacySettings(region=values.get("privacy.region")),
    )


# -- changing the file ------------------------------------------------------------------


def parse_value(key: str, text: str) -> Any:
    """A value typed on the command line, as the TOML value to store for `key`."""
    if key not in CHECKS:
        raise ConfigError(f"{key}: unknown setting; the settings are {', '.join(KEYS)}.")
    raw: Any = text
    try:
        if key == "encrypt_new" and text.strip().lower() in ("true", "false"):
            raw = text.strip().lower() == "true"
        elif key == "report.low_mean" or (key.startswith("report.") and not _whole(key)):
            raw = float(text)
        elif key.startswith("report."):
            raw = int(text)
    except ValueError:
        pass  # left as text: the check below names the key and what it needs
    try:
        value = CHECKS[key](raw, Path.cwd())
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}") from None
    if isinstance(value, Measure):
        return value.spec()
    return str(value) if isinstance(value, Path) else value


def _whole(key: str) -> bool:
    spec = SETTINGS.get(key.split(".", 1)[1])
    return spec.whole if spec is not None else key == "report.falling_sessions"


def set_value(key: str, text: str, path: Path | None = None) -> Any:
    """Check and store one setting; the file is only written when all of it is valid."""
    path = path or config_path()
    value = parse_value(key, text)
    flat = flatten(read_document(path))
    flat[key] = value
    _write_checked(path, flat)
    return value


def unset_value(key: str, path: Path | None = None) -> bool:
    """Remove a setting (any key in the file, so a misspelt one can be taken out); False if a
    known setting was not there. A key that is neither in the file nor a setting is refused."""
    path = path or config_path()
    flat = flatten(read_document(path))
    if key not in flat:
        if key not in CHECKS:
            raise ConfigError(f"{key}: unknown setting, and not in {path}; the settings are {', '.join(KEYS)}.")
        return False
    del flat[key]
    _write_checked(path, flat)
    return True


def _write_checked(path: Path, flat: dict[str, Any]) -> None:
    _, problems = check(flat, str(path), path.parent)
    if problems:
        raise ConfigError(problems[0], [*problems, "Nothing was changed; `alliance config unset KEY` removes a key."])
    _save(path, dumps(flat))


def dumps(flat: Mapping[str, Any]) -> str:
    """TOML for checked settings: top-level keys first, then one [table] each."""
    lines = ["# alliance settings. `alliance config set KEY VALUE` rewrites this file (comments are not kept)."]
    top = [k for k in KEYS if "." not in k and k in flat]
    lines += [f"{k} = {_toml_value(flat[k])}" for k in top]
    for table in TABLES:
        keys = [k for k in KEYS if k.startswith(table + ".") and k in flat]
        if keys:
            lines += ["", f"[{table}]"]
            lines += [f"{k.split('.', 1)[1]} = {_toml_value(flat[k])}" for k in keys]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    # A JSON string is a TOML basic string, except that TOML wants DEL escaped too.
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _save(path: Path, text: str) -> None:
    """The settings file, written as every private file is (`files.write_private`)."""
    from alliance_cli.settings.files import write_private

    try:
        write_private(path, text)
    except OSError as exc:
        raise ConfigError(f"Cannot write the settings file {path} ({exc.strerror}).") from None


# -- what applies -----------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    key: str
    value: Any
    source: str  # "environment (NAME)", "config file", "default"


def effective_settings(path: Path | None = None) -> list[Setting]:
    """Each setting's value as commands will use it (without flags) and where it comes from."""

    path = path or config_path()
    cfg = load_config(path)
    in_file = set(flatten(read_document(path)))
    out: list[Setting] = []
    for key, env, configured, default in (
        ("journal", DB_ENV, cfg.journal, default_db_path()),
        ("prompts", PROMPTS_ENV, cfg.prompts, bundled_prompts_path()),
    ):
        if os.environ.get(env):
            out.append(Setting(key, str(Path(os.environ[env]).expanduser()), f"environment ({env})"))
        elif configured is not None:
            out.append(Setting(key, str(configured), "config file"))
        else:
            out.append(Setting(key, str(default), "default"))
    modality = cfg.default_modality or "the last one used, else in person"
    out.append(Setting("default_modality", modality, "config file" if cfg.default_modality else "default"))
    source = "config file" if "client_measure" in in_file else "default"
    out.append(Setting("client_measure", cfg.client_measure.spec(), source))
    if "encrypt_new" in in_file:
        out.append(Setting("encrypt_new", cfg.encrypt_new, "config file"))
    thresholds = cfg.report.thresholds()
    for name in SETTINGS:
        key = f"report.{name}"
        out.append(Setting(key, thresholds[name], "config file" if key in in_file else "default"))
    for key in RETIRED:
        if key in in_file:
            name = key.split(".", 1)[1]
            out.append(Setting(key, getattr(cfg.report, name), "config file; no longer used by the review"))
    if cfg.privacy.region:
        out.append(Setting("privacy.region", cfg.privacy.region, "config file"))
    else:
        found = locale_region()
        out.append(
            Setting("privacy.region", found[0] if found else None, f"locale ({found[1]})" if found else "default")
        )
    return out


def show_toml(settings: list[Setting], path: Path) -> str:
    """The settings in effect as TOML, each line commented with its source."""
    lines = [f"# settings file: {path}{'' if path.exists() else ' (not created yet)'}"]
    for s in settings:
        if s.key == f"report.{next(iter(SETTINGS))}":
            lines += ["", "[report]"]
        if s.key == "privacy.region":
            lines += ["", "[privacy]"]
        name = s.key.split(".", 1)[-1]
        if s.key == "default_modality" and s.source == "default":
            lines.append(f"# default_modality: not set; {s.value}")
            continue
        if s.key == "privacy.region" and s.value is None:
            lines.append("# region: not set, and the locale names no country; international numbers only")
            continue
        lines.append(f"{name} = {_toml_value(s.value)}  # {s.source}")
    return "\n".join(lines) + "\n"


# -- where the journal and the prompt set are: flags, environment, this file, defaults --


def resolve_db_path(flag: Path | None) -> Path:
    """The journal to use: --db (Typer also reads ALLIANCE_DB into it), the environment,
    `journal` in the settings file, else the default."""
    if flag is not None:
        return flag.expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return _configured("journal") or default_db_path()


def resolve_prompts_path(flag: Path | None) -> Path:
    """The prompt set: --prompts / ALLIANCE_PROMPTS, `prompts` in the settings file, else the built-in one."""
    if flag is not None:
        return flag.expanduser()
    env = os.environ.get(PROMPTS_ENV)
    if env:
        return Path(env).expanduser()
    return _configured("prompts") or bundled_prompts_path()


def client_measure() -> Measure:
    """The measure clients' own scores are on: `client_measure` in the settings file, else the SRS."""
    path = config_path()
    return load_config(path).client_measure if path.exists() else DEFAULT_MEASURE


def _configured(key: str) -> Path | None:
    """A path from the settings file; the file is only read (and checked) when it exists."""
    path = config_path()
    if not path.exists():
        return None
    found: Path | None = getattr(load_config(path), key)
    return found


# -- the privacy guard's region ---------------------------------------------------------

_LOCALE_VARS = ("LC_ALL", "LC_TELEPHONE", "LC_ADDRESS", "LANG")


def locale_region() -> tuple[str, str] | None:
    """The country of the locale (en_GB.UTF-8 -> GB) and the variable it came from, if any.

    The first of LC_ALL, LC_TELEPHONE, LC_ADDRESS and LANG that is set decides, as for the C
    library; C and POSIX name no country."""
    for name in _LOCALE_VARS:
        value = os.environ.get(name)
        if value:
            m = re.match(r"[A-Za-z]{2,3}_([A-Za-z]{2})\b", value)
            return (m.group(1).upper(), name) if m else None
    return None


def privacy_region() -> str | None:
    """The region the privacy guard is given: `privacy.region` in the settings file, else the
    locale's country, else None (then only numbers written with a country code are read as
    phone numbers by the library; the guard's own patterns still apply)."""
    path = config_path()
    configured = load_config(path).privacy.region if path.exists() else None
    if configured:
        return configured
    found = locale_region()
    return found[0] if found else None

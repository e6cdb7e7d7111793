"""Every test runs against its own temporary home: journal, config and prompts paths all
point inside tmp_path, so no test can read or touch a real journal."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from alliance_cli.ui.terminal import TerminalConversation

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

REPO = Path(__file__).resolve().parent.parent
FULL_ANSWERS = {
    "empathy": "7",
    "respect": "8",
    "genuineness": "6",
    "positive_regard": "8",
    "active_listening": "5",
    "rupture": "no",
}


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for name in ("ALLIANCE_DB", "ALLIANCE_PROMPTS", "ALLIANCE_CONFIG", "ALLIANCE_DEBUG", "VISUAL", "EDITOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    # The login session's runtime folder (an encrypted journal's editor files, the keyring
    # backend noted): none unless a test makes its own.
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "journal" / "journal.db"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run(db_path: Path) -> Callable[..., Result]:
    """Run the CLI in-process against the test journal; stdout and stderr kept apart."""

    def invoke(*args: str, input: str | None = None, db: Path | None = db_path) -> Result:
        from alliance_cli.cli.main import app, only_the_command_run

        argv = list(args)
        env = {"ALLIANCE_DB": str(db)} if db is not None else {}
        with only_the_command_run(argv):  # as the installed command builds only the command run
            result = CliRunner().invoke(app, argv, input=input, env=env, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


def set_flags(answers: dict[str, str]) -> list[str]:
    flags: list[str] = []
    for key, value in answers.items():
        flags += ["--set", f"{key}={value}"]
    return flags


@pytest.fixture
def alliance_exe() -> list[str]:
    """The command that runs alliance as a separate process (the installed script)."""
    exe = Path(sys.executable).with_name("alliance")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "alliance_cli"]


@pytest.fixture
def subprocess_env(db_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["ALLIANCE_DB"] = str(db_path)
    return env


from prompt_toolkit.input import PipeInput  # noqa: E402


class Talk(TerminalConversation):
    """The terminal conversation on a test's pipe input: questions are answered by the keys
    sent to `pipe`; what it would say or show is kept in lists instead."""

    def __init__(self, pipe: Input, output: Output | None = None) -> None:
        from prompt_toolkit.output import DummyOutput

        super().__init__(interactive=True, input=pipe, output=output or DummyOutput())
        # The keys are all sent before the conversation starts: closing the pipe's write end
        # makes a test that runs out of keys stop at once (EOF, as Ctrl-D) instead of waiting.
        if isinstance(pipe, PipeInput):
            pipe.close()
        self.said: list[str] = []
        self.shown: list[Any] = []  # sessions about to be deleted
        self.summaries: list[Any] = []  # the states shown before the question whether to save
        self.recaps: list[Any] = []

    def say(self, line: str) -> None:
        self.said.append(line)

    def show_sessions(self, rows: Any, principles: Any = ()) -> None:
        self.shown.append(rows)

    def show_summary(self, ps: Any, state: Any) -> None:
        self.summaries.append(state)

    def show_recap(self, found: Any) -> None:
        self.recaps.append(found)


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the OS keyring: the null backend (none available); and no key
    unlocked by an earlier test is still known."""
    from alliance_cli.store import cipher

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.delenv("ALLIANCE_PASSPHRASE_FILE", raising=False)
    cipher._keys.clear()


def passphrase_file(tmp_path: Path, text: str, name: str = "pass", mode: int = 0o600) -> Path:
    """A passphrase file holding `text`, as a user keeps one (0600 unless `mode` says)."""
    path = tmp_path / name
    path.write_text(text + "\n")
    path.chmod(mode)
    return path


@pytest.fixture
def unlocked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The passphrase file in use for this test ("correct horse"); the test is skipped, saying
    so, where SQLCipher (the `encryption` extra) is not installed."""
    pytest.importorskip("sqlcipher3", reason="sqlcipher3 (the encryption extra) is not installed")
    from alliance_cli.store import cipher

    path = passphrase_file(tmp_path, "correct horse")
    monkeypatch.setenv(cipher.PASSPHRASE_ENV, str(path))
    return path

"""The house's rules, checked: the layers point one way, start-up stays light."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import FULL_ANSWERS, REPO, set_flags

LINT = [str(Path(sys.executable).with_name("lint-imports"))]


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin", "HOME": str(tree)}
    return subprocess.run([*LINT, "--no-cache"], cwd=tree, capture_output=True, text=True, env=env)


def test_the_layer_contracts_hold():
    result = lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted"),
    [
        ("core/answers.py", "from alliance_cli.store.journal import Journal"),  # core reaching up
        ("store/sessions.py", "from alliance_cli.ui.clients import clients_table"),  # sibling to sibling
        ("ui/review.py", "import sqlite3"),  # SQL outside store
    ],
)
def test_a_wrong_direction_import_breaks_the_build(tmp_path: Path, module: str, planted: str):
    """Even an import only for type checkers counts."""
    shutil.copytree(REPO / "src", tmp_path / "src")
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    target = tmp_path / "src" / "alliance_cli" / module
    target.write_text(
        target.read_text() + f"\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    {planted}\n"
    )
    result = lint(tmp_path)
    assert result.returncode != 0 and "BROKEN" in result.stdout


def loaded_modules(alliance_exe: list[str], env: dict[str, str], *args: str) -> set[str]:
    """The modules a real `alliance ARGS` run has imported when its command is done."""
    probe = (
        "import sys, atexit, json, os\n"
        "from alliance_cli.cli import main as m\n"
        f"code = m.run({list(args)!r})\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


HEAVY = ("questionary", "prompt_toolkit", "pydantic", "yaml", "sqlite_utils", "rich")


def test_short_commands_load_only_what_they_use(alliance_exe, subprocess_env, run):
    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    version = loaded_modules(alliance_exe, subprocess_env, "--version")
    assert not {m for m in version if m.split(".")[0] in HEAVY}, "--version loads a heavy module"
    listed = loaded_modules(alliance_exe, subprocess_env, "list", "--format", "json")
    # (Typer's own adapters bring pydantic in for an option given that is not a plain string,
    # flag, list of strings or path, such as --format: `cli.coercion`.)
    assert not {m.split(".")[0] for m in listed} & {"questionary", "prompt_toolkit", "yaml", "sqlite_utils", "rich"}
    report = loaded_modules(alliance_exe, subprocess_env, "report", "--format", "json")
    tops = {m.split(".")[0] for m in report}
    assert "pydantic" in tops  # the review's model
    assert not tops & {"questionary", "prompt_toolkit", "yaml", "sqlite_utils"}


def test_the_review_lays_out_its_own_tables(alliance_exe, subprocess_env, run):
    """Rich's Table costs its import and measures every cell: the weekly review lays its
    tables out itself, and reads no more of the store than it needs."""
    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    review = loaded_modules(alliance_exe, subprocess_env, "report", "--no-pager")
    assert "rich.console" in review and "rich.table" not in review
    assert "alliance_cli.store.sessions" not in review  # only `--client` checks the code exists


def test_clients_alone_runs_its_table_without_the_help_machinery(alliance_exe, subprocess_env, run):
    """`alliance clients` is a group that runs a command of its own: unlike a bare `alliance
    goal`, it prints no help, so it loads neither Typer's help renderer nor Rich's Table."""
    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    clients = loaded_modules(alliance_exe, subprocess_env, "clients")
    assert "alliance_cli.ui.clients" in clients
    assert not {"typer.rich_utils", "rich.table", "rich.markdown"} & clients


def test_main_runs_the_command_and_ends_with_its_code(monkeypatch, run, capsys, db_path):
    """`main` itself, in-process: the exit code reaches os._exit, and every command is back after."""
    from alliance_cli.cli import main as entry

    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    ended: list[int] = []

    def fake_exit(code: int) -> None:
        ended.append(code)
        raise SystemExit(code)

    monkeypatch.setattr(entry.os, "_exit", fake_exit)
    monkeypatch.setenv("ALLIANCE_DB", str(db_path))
    monkeypatch.setattr(sys, "argv", ["alliance", "show", "99"])
    with pytest.raises(SystemExit):
        entry.main()
    assert ended == [1] and "99" in capsys.readouterr().err
    assert len(entry.app.registered_commands) > 10


# What the question waits for, without what is done once it is on screen: with HOLD set,
# the thread building the prompt set's models meanwhile is not started (else it could win
# the race with the signal).
MODULES_AT_SIGNAL = (
    "import json, os, signal, sys, threading\n"
    "start = threading.Thread.start\n"
    "def held(self):\n"
    "    if not (os.environ.get('HOLD') and self.name == 'alliance-prompt-set'):\n"
    "        start(self)\n"
    "threading.Thread.start = held\n"
    "def dump(signum, frame):\n"
    "    out = os.environ['MODULES_OUT']\n"
    "    with open(out + '.part', 'w') as f:\n"
    "        json.dump(sorted(sys.modules), f)\n"
    "    os.replace(out + '.part', out)\n"
    "signal.signal(signal.SIGUSR1, dump)\n"
    "from alliance_cli.cli import main as m\n"
    "sys.exit(m.run(sys.argv[1:]))\n"
)


def modules_at_first_question(env: dict[str, str], tmp_path: Path, question: str, *args: str) -> set[str]:
    """The modules an interactive `alliance ARGS` has imported once `question` is on the
    pseudo-terminal's screen: the child dumps sys.modules on SIGUSR1, sent when it shows."""
    import pexpect

    out = tmp_path / "modules.json"
    out.unlink(missing_ok=True)  # a dump from an earlier run must not count
    env = dict(env, TERM="xterm", COLUMNS="100", LINES="40", PROMPT_TOOLKIT_NO_CPR="1", MODULES_OUT=str(out), HOLD="1")
    child = pexpect.spawn(
        sys.executable, ["-c", MODULES_AT_SIGNAL, *args], env=env, encoding="utf-8", timeout=30, dimensions=(40, 100)
    )
    try:
        child.expect_exact(question)
        child.kill(signal.SIGUSR1)
        deadline = time.monotonic() + 30
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        child.kill(signal.SIGKILL)  # no Ctrl-C: nothing answered, no draft left
        child.close(force=True)
    return set(json.loads(out.read_text()))


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX-only")
def test_the_first_question_of_log_loads_only_the_question(subprocess_env, run, tmp_path, private_home):
    """Pinned (issue 17): the first question of an interactive log waits for prompt_toolkit
    (the question itself; questionary too for a new client's) and nothing else heavy. Not
    pydantic: Typer's plain options are coerced without its adapters (`cli.coercion`), and the
    prompt set comes from the cache the scripted log below left, its models built once the
    question is on screen (`settings.prompts.DeferredPromptSet`). Not Rich: a known client's recap is written as
    plain styled lines. Not YAML: only the first log after the prompts file changes reads and
    validates it. A change here is a change to what every clinician waits for: make it on
    purpose, and update the sets."""
    today = date.today().isoformat()
    assert run("log", "-c", "C-1", "--date", today, *set_flags(FULL_ANSWERS)).exit_code == 0

    new = modules_at_first_question(subprocess_env, tmp_path, "Client code", "log")
    assert {m.split(".")[0] for m in new} & set(HEAVY) == {"questionary", "prompt_toolkit"}
    assert "alliance_cli.ui.recap" not in new and "alliance_cli.store.continuity" not in new

    # A known client's first question is the modality, asked without questionary (`ui.select`).
    known = modules_at_first_question(subprocess_env, tmp_path, "Modality:", "log", "-c", "C-1", "--date", today)
    assert {m.split(".")[0] for m in known} & set(HEAVY) == {"prompt_toolkit"}
    assert {"alliance_cli.ui.recap", "alliance_cli.store.continuity"} <= known
    # Neither loads what only other commands need, nor the prompt set's models.
    for loaded in (new, known):
        assert not {m for m in loaded if m.startswith(("alliance_cli.store.exchange", "alliance_cli.app.export"))}
        assert "alliance_cli.core.models" not in loaded

    for kept in (private_home / ".cache" / "alliance").glob("prompts-*.json"):
        kept.unlink()  # as after an edit of the prompts file: validated from the YAML again, once
    cold = modules_at_first_question(subprocess_env, tmp_path, "Client code", "log")
    assert {"yaml", "pydantic", "alliance_cli.core.models"} <= cold
    assert "yaml" not in modules_at_first_question(subprocess_env, tmp_path, "Client code", "log")


def modules_once_built(env: dict[str, str], tmp_path: Path, question: str, *args: str) -> set[str]:
    """The modules an interactive `alliance ARGS` has imported while `question` waits, asked
    again and again until the prompt set's models are built (or 30 seconds have passed)."""
    import pexpect

    out = tmp_path / "modules.json"
    out.unlink(missing_ok=True)
    env = dict(env, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", MODULES_OUT=str(out))
    child = pexpect.spawn(
        sys.executable, ["-c", MODULES_AT_SIGNAL, *args], env=env, encoding="utf-8", timeout=30, dimensions=(40, 100)
    )
    loaded: set[str] = set()
    try:
        child.expect_exact(question)
        deadline = time.monotonic() + 30
        built = {"alliance_cli.core.models", "pydantic"}  # a module is listed as its import starts: wait for both
        while not built <= loaded and time.monotonic() < deadline:
            child.kill(signal.SIGUSR1)  # asked again until the build is seen (or the time is up)
            time.sleep(0.1)
            if out.exists():
                loaded = set(json.loads(out.read_text()))
    finally:
        child.kill(signal.SIGKILL)
        child.close(force=True)
    return loaded


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX-only")
def test_the_prompt_set_is_built_while_the_first_question_waits(subprocess_env, run, tmp_path):
    """The models the questions after the first need are built while the first one waits for
    its answer (a background thread), so no later question waits for them either."""
    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0  # the cache, kept
    loaded = modules_once_built(subprocess_env, tmp_path, "Client code", "log")
    assert {"alliance_cli.core.models", "pydantic"} <= loaded


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX-only")
def test_an_unfinished_log_is_asked_about_first_and_the_models_built_meanwhile(subprocess_env, run, tmp_path, db_path):
    """With an unfinished log waiting, the first question is what to do with it: asked without
    questionary or the prompt set's models, which are built while it waits, so resuming a
    draft that knows its client, date and modality (whose next question is a prompt of the
    set) does not wait for them after the answer."""
    from alliance_cli.store.journal import open_journal

    today = date.today().isoformat()
    assert run("log", "-c", "C-1", "--date", today, *set_flags(FULL_ANSWERS)).exit_code == 0  # the cache, kept
    with open_journal(db_path) as journal:
        state = {"client": "C-1", "date": today, "modality": "video", "answers": {"empathy": 7}, "asked": ["empathy"]}
        journal.save_draft(None, state)

    first = modules_at_first_question(subprocess_env, tmp_path, "unfinished log", "log")
    assert {m.split(".")[0] for m in first} & set(HEAVY) == {"prompt_toolkit"}
    assert "alliance_cli.core.models" not in first
    assert {"alliance_cli.core.models", "pydantic"} <= modules_once_built(
        subprocess_env, tmp_path, "unfinished log", "log"
    )


def test_help_lists_the_everyday_commands_first(run):
    """`alliance --help` starts where a newcomer starts: log, list, show, then the review."""
    box = run("--help").stdout.split("Commands")[1]
    names = [line.split()[1] for line in box.splitlines() if line.startswith("│ ") and not line.startswith("│  ")]
    assert names[:4] == ["log", "list", "show", "client-code"], names
    assert names.index("report") < names.index("export") < names.index("encrypt")

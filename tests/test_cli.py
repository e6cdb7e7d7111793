"""The command line as a whole: help, version, exit codes, machine formats, architecture."""

from __future__ import annotations

import ast
import csv
import io
import json
import subprocess
from pathlib import Path

from alliance_cli import __version__
from conftest import FULL_ANSWERS, set_flags

SRC = Path(__file__).resolve().parent.parent / "src" / "alliance_cli"


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and result.stdout == f"alliance {__version__}\n"


def test_help_lists_commands_and_teaches(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in ("log", "list", "show", "prompts", "client-code"):
        assert command in result.stdout
    log_help = run("log", "--help").stdout
    assert "alliance log -c C-014" in log_help and "ALLIANCE_DB" in log_help


def test_usage_error_exits_2(run):
    result = run("list", "--format", "yaml")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_list_csv_and_json_are_clean_data(run):
    run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS))
    run("log", "-c", "C-2", "-d", "2026-11-03", "-m", "video", *set_flags(FULL_ANSWERS))
    out = run("list", "--format", "csv")
    assert out.exit_code == 0 and out.stderr == ""
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["session_id", "date", "client", "session_number", "modality", "empathy", "respect",
                       "genuineness", "positive_regard", "active_listening", "client_view", "client_score"]  # fmt: skip
    assert rows[1] == ["2", "2026-11-03", "C-2", "1", "video", "7", "8", "6", "8", "5", "", ""]
    data = json.loads(run("list", "--format", "json").stdout)
    assert data[0]["empathy"] == 7 and data[1]["client"] == "C-1"


def test_list_filters(run):
    for client, day in [("C-1", "2026-11-02"), ("C-2", "2026-11-09"), ("C-1", "2026-11-16")]:
        run("log", "-c", client, "-d", day, *set_flags(FULL_ANSWERS))
    ids = lambda *a: [r["session_id"] for r in json.loads(run("list", "-f", "json", *a).stdout)]  # noqa: E731
    assert ids("--client", "C-1") == [3, 1]
    assert ids("--since", "2026-11-03", "--until", "2026-11-10") == [2]
    assert ids("--limit", "1") == [3]
    bad = run("list", "--since", "next tuesday")
    assert bad.exit_code == 1 and "'next tuesday' is not a date" in bad.stderr


def test_show_unknown_id(run):
    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    result = run("show", "9")
    assert result.exit_code == 1
    assert result.stderr == "alliance: No session with id 9; `alliance list` shows the ids.\n"


def test_client_code_is_fresh_and_random(run):
    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    codes = {run("client-code").stdout.strip() for _ in range(5)}
    assert len(codes) > 1
    for code in codes:
        assert code.startswith("C-") and len(code) == 6
        assert run("log", "-c", code, *set_flags(FULL_ANSWERS)).exit_code == 0


def test_module_entry_point(alliance_exe, subprocess_env):
    proc = subprocess.run([*alliance_exe, "--version"], capture_output=True, text=True, env=subprocess_env)
    assert proc.returncode == 0 and proc.stdout.strip() == f"alliance {__version__}"


def test_no_traceback_for_unexpected_errors_but_a_hint(run, monkeypatch):
    from alliance_cli.store import journal as store

    def broken(self, *args, **kwargs):
        raise RuntimeError("Client said something private")

    monkeypatch.setattr(store.Journal, "list_sessions", broken)
    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    result = run("list")
    assert result.exit_code == 1
    assert (
        result.stderr == "alliance: unexpected error (RuntimeError); run again with ALLIANCE_DEBUG=1 to see details.\n"
    )


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_dependencies_point_one_way():
    """Only cli/ imports typer; only ui/ imports questionary and rich (and cli/, rich);
    SQL libraries only in store/; nothing imports cli; nothing opens a socket."""
    rules = {
        "typer": lambda rel: rel.startswith("cli/"),
        "questionary": lambda rel: rel.startswith("ui/"),
        "prompt_toolkit": lambda rel: rel.startswith("ui/"),
        "rich": lambda rel: rel.startswith(("cli/", "ui/")),
        "sqlite3": lambda rel: rel.startswith("store/"),
        "sqlite_utils": lambda rel: rel.startswith("store/"),
        "socket": lambda rel: False,
        "urllib": lambda rel: False,
        "http": lambda rel: False,
    }
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        for name in imports_of(path):
            if name in rules and not rules[name](rel):
                offenders.append(f"{rel} imports {name}")
        text = path.read_text()
        if not rel.startswith(("cli/", "__main__")) and ("from .cli" in text or "from alliance_cli.cli" in text):
            offenders.append(f"{rel} imports cli")
    assert offenders == []


def test_installed_command_runs_each_subcommand(alliance_exe, subprocess_env):
    """The real entry point builds only the command it runs; every kind of command still works."""

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*alliance_exe, *args], capture_output=True, text=True, env=subprocess_env)

    logged = cli("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    assert logged.returncode == 0 and logged.stdout.strip() == "1", logged.stderr
    assert json.loads(cli("list", "-f", "json").stdout)[0]["client"] == "C-1"
    assert "empathy_moment" in cli("prompts", "show").stdout
    assert "Usage: alliance report" in cli("report", "--help").stdout
    typo = cli("lst")
    assert typo.returncode == 2 and "No such command" in typo.stderr
    assert "client-code" in cli("--help").stdout


def test_help_text_keeps_its_brackets(run):
    """Typer reads help as Rich markup, where [words] vanish unless escaped."""
    assert "with [redacted]" in " ".join(run("export", "--help").stdout.split())
    log_help = " ".join(run("log", "--help").stdout.split())
    assert "Journal file to use (default:" in log_help and "use ." not in log_help


def test_list_refuses_a_negative_limit_and_reversed_dates(run):
    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    negative = run("list", "--limit", "-1")
    assert (negative.exit_code, negative.stderr) == (2, "alliance: --limit needs 0 or more (0 lists every session).\n")
    reversed_dates = run("list", "--since", "2026-12-01", "--until", "2026-01-01")
    assert reversed_dates.exit_code == 1 and "is after --until" in reversed_dates.stderr

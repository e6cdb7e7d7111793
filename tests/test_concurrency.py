"""Two terminals writing to one journal at the same moment take turns; nothing is lost."""

from __future__ import annotations

import subprocess
import sys
import textwrap

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from pathlib import Path
    from alliance_cli.app.answering import Given
    from alliance_cli.app.log import log_scripted
    from alliance_cli.settings.paths import bundled_prompts_path
    from alliance_cli.settings.prompts import load_prompt_set
    from alliance_cli.store.journal import open_journal
    from alliance_cli.ui.terminal import TerminalConversation

    db, client = Path(sys.argv[1]), sys.argv[2]
    ps = load_prompt_set(bundled_prompts_path())
    answers = {"empathy": "7", "respect": "8", "genuineness": "6", "positive_regard": "8",
               "active_listening": "5", "rupture": "no"}
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    for n in range(50):
        # a fresh open per session, as 50 separate `alliance log` runs would do
        with open_journal(db, create=True) as journal:
            given = Given(client=client, day="2026-11-20", modality="video", answers=answers)
            log_scripted(journal, ps, given, TerminalConversation(interactive=False))
    """
)


def test_two_processes_logging_fifty_sessions_each_end_with_a_hundred(db_path, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(db_path), client],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for client in ("C-1", "C-2")
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    from alliance_cli.store.journal import open_journal

    with open_journal(db_path) as journal:
        rows = journal.list_sessions(limit=None)
    assert len(rows) == 100
    assert sorted(r["session_number"] for r in rows if r["client"] == "C-1") == list(range(1, 51))
    assert sorted(r["session_number"] for r in rows if r["client"] == "C-2") == list(range(1, 51))

"""`clients` bare (the last year's clients) reads only those clients' sessions, and shows
for each what `clients --all` shows: the same sessions, means and open ruptures."""

from __future__ import annotations

import json
from datetime import date, timedelta

from conftest import FULL_ANSWERS, set_flags


def log(run, client: str, days_ago: int, **answers: str) -> None:
    day = (date.today() - timedelta(days=days_ago)).isoformat()
    result = run("log", "-c", client, "-d", day, *set_flags({**FULL_ANSWERS, **answers}))
    assert result.exit_code == 0, result.stderr


def test_the_last_years_clients_as_every_client_shows_them(run):
    log(run, "C-9", 900, rupture="yes", repaired="no")  # gone quiet: hidden, its rupture too
    log(run, "C-1", 500, rupture="yes", repaired="no")  # seen long ago and again lately
    log(run, "C-1", 400, rupture="yes", repaired="partly")
    log(run, "C-1", 30, rupture_revisited="yes")  # closes both
    log(run, "C-1", 20, rupture="yes", repaired="partly")  # a new one, open
    log(run, "C-2", 10, rupture="yes", repaired="yes")  # repaired in its own session
    log(run, "C-2", 5, rupture="yes", repaired="no", empathy="3")
    log(run, "C-2", 5, rupture_revisited="yes")  # the same day, saved later: closes it
    log(run, "C-3", 1, rupture="yes", repaired="no")

    recent = json.loads(run("clients", "-f", "json").stdout)
    every = {c["client"]: c for c in json.loads(run("clients", "--all", "-f", "json").stdout)}
    assert [c["client"] for c in recent] == ["C-3", "C-2", "C-1"]
    assert all(c == every[c["client"]] for c in recent)
    assert {c["client"]: c["open_ruptures"] for c in recent} == {"C-1": 1, "C-2": 0, "C-3": 1}
    assert every["C-9"]["open_ruptures"] == 1
    assert "1 client not seen" in run("clients").stderr

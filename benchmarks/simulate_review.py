"""How often does the weekly review raise a false alarm, and how often does it catch a real decline?

    python benchmarks/simulate_review.py            # 3 journals of each kind, 40 reviewed weeks each
    python benchmarks/simulate_review.py --reps 6 --seed 7

Journals are generated here, with the standard library's random numbers, and written through
alliance's own store; nothing in the generation calls the review's rules (`core.rules`,
`core.report`). Each journal is then reviewed week by week with `alliance report`'s own code
(`app.review.load_report`, the default thresholds) and the rates are counted.

The model of a journal, for 10, 20 or 50 sessions a week:
- a caseload of that many clients, each seen once a week on a weekday; each week a client
  ends with a chance of 1 in 26 and a new one (new code) takes the place;
- each client has a level of their own (the clinician's 7.0, plus a normal spread of SD 0.5
  between clients) and a within-client SD of session means drawn from 0.6 to 1.2;
- a session's shared level is the client's level plus normal noise; each of the five
  principles is that level plus its own noise (SD 0.5), rounded to a whole rating and kept
  within 0 to 10. The within-client SD above is that of the session mean, rounding and all;
- no rupture, no client score: the rates are those of the rating rules alone.

"No real change" journals are exactly that. In the "planted decline" journals, about one
client in five, after at least 6 sessions, drops by 2 points (every rating, for good) from a
week chosen at random; "caught within two weeks" means the client is on the check-in list
for a rating rule in the review of that week or of the next one (among the declines whose
client was seen in both weeks).

Printed: per sessions-a-week, the share of clients seen in a week who are flagged by each
rule and by any, the share of weeks with a focus, and the share of declines caught. For
information (no target): journals where one principle (active listening) dips by 1 point in
every session from week 30, and the share of weeks, from its fourth on, that name it the focus.
Targets (issue 14): at most 5% flagged, a focus in at most 10% of weeks, at least 80% caught.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

WEEKS = 52
WARM_UP = 12  # weeks logged before the first one reviewed: the baseline's 12 weeks
FIRST_MONDAY = date(2025, 11, 24)
CLINICIAN_LEVEL = 7.0
BETWEEN_CLIENTS_SD = 0.5
PRINCIPLE_SD = 0.5
WITHIN_SD = (0.6, 1.2)
END_CHANCE = 1 / 26
DECLINE = 2.0
DECLINE_SHARE = 0.2
DECLINE_AFTER = 6  # sessions before a decline may start
DIP = 1.0  # a planted dip of one principle (the last, active listening) in every session ...
DIP_FROM = 30  # ... from this week on
RATING_RULES = ("early_below_baseline", "below_baseline", "falling")


@dataclass
class Client:
    code: str
    level: float
    shared_sd: float
    seen: int = 0
    decline_week: int | None = None  # the week the decline starts, if planted


@dataclass
class Journal:
    sessions: list[tuple[str, date, list[int]]] = field(default_factory=list)
    declines: dict[str, int] = field(default_factory=dict)  # client: first week of the decline
    dip: bool = False  # a principle dips for every client from DIP_FROM on


def _shared_sd(rng: random.Random) -> float:
    """The SD of a session's shared level that gives a session-mean SD drawn from WITHIN_SD,
    once the five principles' own noise and the rounding are added."""
    target = rng.uniform(*WITHIN_SD)
    added = (PRINCIPLE_SD**2 + 1 / 12) / 5
    return math.sqrt(max(target**2 - added, 0.01))


def generate(per_week: int, rng: random.Random, *, plant: bool, dip: bool = False) -> Journal:
    out = Journal(dip=dip)
    made = 0

    def new_client() -> Client:
        nonlocal made
        made += 1
        return Client(f"S-{made:04d}", CLINICIAN_LEVEL + rng.gauss(0, BETWEEN_CLIENTS_SD), _shared_sd(rng))

    caseload = [new_client() for _ in range(per_week)]
    for week in range(WEEKS):
        monday = FIRST_MONDAY + timedelta(weeks=week)
        for i, client in enumerate(caseload):
            if week and rng.random() < END_CHANCE:
                client = caseload[i] = new_client()
            if (
                plant
                and week >= WARM_UP
                and client.decline_week is None
                and client.seen >= DECLINE_AFTER
                and rng.random() < DECLINE_SHARE / 8  # spread the declines over the weeks
            ):
                client.decline_week = week
                out.declines[client.code] = week
            level = client.level - (DECLINE if client.decline_week is not None else 0.0)
            shared = level + rng.gauss(0, client.shared_sd)
            offsets = [0.0, 0.0, 0.0, 0.0, -DIP if dip and week >= DIP_FROM else 0.0]
            five = [min(10, max(0, round(shared + o + rng.gauss(0, PRINCIPLE_SD)))) for o in offsets]
            out.sessions.append((client.code, monday + timedelta(days=rng.randrange(5)), five))
            client.seen += 1
    return out


@dataclass
class Tally:
    seen: int = 0
    flagged: dict[str, int] = field(default_factory=lambda: {r: 0 for r in (*RATING_RULES, "any")})
    weeks: int = 0
    focus_weeks: int = 0
    declines: int = 0
    caught: int = 0
    dip_weeks: int = 0  # weeks of a planted principle dip, from its 4th week on
    dip_focus: int = 0  # ... with that principle as the focus


def review(journal: Journal, path: Path, tally: Tally, settings: dict[str, float]) -> None:
    from alliance_cli.app.log import new_session
    from alliance_cli.app.review import load_report
    from alliance_cli.core.periods import Period
    from alliance_cli.core.report import Thresholds
    from alliance_cli.settings.paths import bundled_prompts_path
    from alliance_cli.settings.prompts import load_prompt_set
    from alliance_cli.store.journal import open_journal

    ps = load_prompt_set(bundled_prompts_path())
    limits = Thresholds.model_validate(settings)
    ids = [p.id for p in ps.rating_prompts()]
    with open_journal(path, create=True) as store:
        store.save_sessions(
            [
                new_session(ps, code, day, "in person", {**dict(zip(ids, five, strict=True)), "rupture": False})
                for code, day, five in sorted(journal.sessions, key=lambda s: s[1])
            ]
        )
        flagged_in: dict[int, set[str]] = {}
        seen_in: dict[int, set[str]] = {}
        for code, day, _ in journal.sessions:
            seen_in.setdefault((day - FIRST_MONDAY).days // 7, set()).add(code)
        for week in range(WARM_UP, WEEKS):
            monday = FIRST_MONDAY + timedelta(weeks=week)
            report = load_report(store, ps, Period(monday, monday + timedelta(days=6)), thresholds=limits)
            planted = {c for c, w in journal.declines.items() if w <= week}
            null_clients = seen_in[week] - planted
            tally.weeks += 1
            tally.focus_weeks += report.focus is not None
            if journal.dip and week >= DIP_FROM + 3:
                tally.dip_weeks += 1
                tally.dip_focus += report.focus is not None and report.focus.id == "active_listening"
            flagged_in[week] = set()
            for f in report.flags:
                rules = [r for r in f.reasons if r in RATING_RULES]
                if rules:
                    flagged_in[week].add(f.client)
                if f.client in null_clients:
                    for r in rules:
                        tally.flagged[r] += 1
                    tally.flagged["any"] += bool(rules)
            tally.seen += len(null_clients)
    for code, week in journal.declines.items():
        if week + 1 < WEEKS and code in seen_in.get(week, set()) and code in seen_in.get(week + 1, set()):
            tally.declines += 1
            tally.caught += code in flagged_in.get(week, set()) or code in flagged_in.get(week + 1, set())


def pct(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "     –"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3, help="journals of each kind per sessions-a-week")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--per-week", type=int, nargs="*", default=[10, 20, 50])
    parser.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE", help="try another threshold")
    args = parser.parse_args()
    settings = {k: float(v) for k, v in (item.split("=", 1) for item in args.set)}
    rng = random.Random(args.seed)
    print(
        "sessions/week  clients-weeks  below_baseline  early_below  falling  any flagged  weeks  with a focus"
        "  declines  caught in 2 weeks  dip: weeks focused"
    )
    totals = Tally()
    with tempfile.TemporaryDirectory() as folder:
        for per_week in args.per_week:
            tally = Tally()
            for rep in range(args.reps):
                for plant in (False, True):
                    path = Path(folder) / f"sim-{per_week}-{rep}-{plant}.db"
                    part = Tally()
                    review(generate(per_week, rng, plant=plant), path, part, settings)
                    if not plant:  # false alarms and focus weeks: the journals with no real change
                        tally.seen += part.seen
                        tally.weeks += part.weeks
                        tally.focus_weeks += part.focus_weeks
                        for k, v in part.flagged.items():
                            tally.flagged[k] += v
                    tally.declines += part.declines
                    tally.caught += part.caught
                dipped = Tally()
                review(
                    generate(per_week, rng, plant=False, dip=True),
                    Path(folder) / f"dip-{per_week}-{rep}.db",
                    dipped,
                    settings,
                )
                tally.dip_weeks += dipped.dip_weeks
                tally.dip_focus += dipped.dip_focus
            f = tally.flagged
            print(
                f"{per_week:>13}  {tally.seen:>13}  {pct(f['below_baseline'], tally.seen):>14}  "
                f"{pct(f['early_below_baseline'], tally.seen):>11}  {pct(f['falling'], tally.seen):>7}  "
                f"{pct(f['any'], tally.seen):>11}  {tally.weeks:>5}  {pct(tally.focus_weeks, tally.weeks):>12}  "
                f"{tally.declines:>8}  {pct(tally.caught, tally.declines):>17}"
                f"  {pct(tally.dip_focus, tally.dip_weeks):>18}",
                flush=True,
            )
            totals.seen += tally.seen
            totals.weeks += tally.weeks
            totals.focus_weeks += tally.focus_weeks
            totals.flagged["any"] += f["any"]
            totals.declines += tally.declines
            totals.caught += tally.caught
    flagged = totals.flagged["any"] / max(totals.seen, 1)
    focus = totals.focus_weeks / max(totals.weeks, 1)
    caught = totals.caught / max(totals.declines, 1)
    print(
        f"\nAll: {flagged:.1%} of clients flagged a week (target <= 5%), a focus in {focus:.1%} of weeks "
        f"(target <= 10%), {caught:.1%} of {totals.declines} declines caught within two weeks (target >= 80%)."
    )
    sys.exit(0 if flagged <= 0.05 and focus <= 0.10 and caught >= 0.80 else 1)


if __name__ == "__main__":
    main()

"""The weekly review's thresholds and the plain arithmetic of its rules (no pydantic, no I/O).

Every number the review decides with is here, once, with its bounds: `settings.config`
checks the `[report]` table of the settings file against `SETTINGS`, `core.report` reads
them into its `Thresholds` model (which the JSON output carries), and the README's
"Weekly review" section gives each one's rationale or source. The defaults were tuned with
`benchmarks/simulate_review.py`, on journals generated without these functions, so that on
journals where nothing really changes at most 5% of clients are put on the check-in list a
week and a focus is named in at most 10% of weeks, while at least 80% of planted 2-point
declines are caught within two weeks.

The rules compare you with yourself: a client's ratings with your own 12-week session mean
(so a clinician who rates harshly is not flagged for it), a client's last session with
their own running mean and spread, a principle with the other principles of the same
sessions (so a good or a hard day, which moves every rating at once, is taken out).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Spec:
    default: float
    low: float
    high: float
    whole: bool = False  # a count (of weeks, sessions, ratings), not a rating difference
    about: str = ""  # one line: what it decides


SETTINGS: dict[str, Spec] = {
    "baseline_weeks": Spec(12, 4, 104, True, "weeks of your own sessions that make your baseline"),
    "below_baseline": Spec(2.2, 0, 10, False, "a client's period mean this far below your baseline"),
    "early_sessions": Spec(3, 1, 20, True, "a client's first sessions, where the alliance is young"),
    "early_below_baseline": Spec(2.2, 0, 10, False, "an early client's period mean this far below your baseline"),
    "falling_sds": Spec(2.5, 0.5, 10, False, "last session this many of the client's own SDs below their mean"),
    "falling_two_sds": Spec(1.6, 0.5, 10, False, "mean of the last two sessions this many SDs below the mean before"),
    "falling_history": Spec(5, 2, 50, True, "earlier sessions needed before the falling rule applies"),
    "falling_min_sd": Spec(0.7, 0, 10, False, "the client's SD is taken as at least this"),
    "focus_min_ratings": Spec(15, 1, 1000, True, "ratings of a principle in the period before it can be the focus"),
    "focus_margin": Spec(0.4, 0, 10, False, "how far below the session's own level the focus must sit"),
    "focus_weeks_lowest": Spec(3, 1, 12, True, "weeks, of the last `focus_weeks`, it must be the lowest"),
    "focus_weeks": Spec(4, 1, 12, True, "the weeks looked at for persistence"),
    "confrontation_weeks": Spec(2, 0, 52, True, "a confrontation rupture this recent puts the client on the list"),
    "check_ins_shown": Spec(5, 1, 100, True, "clients shown on the check-in list; the rest are counted"),
    "open_rupture_weeks": Spec(12, 0, 520, True, "open ruptures this recent are listed; older ones are counted"),
    "discordant_self": Spec(8.0, 0, 10, False, "a low client score while your ratings averaged this or more"),
}
DEFAULTS: dict[str, float | int] = {
    name: int(spec.default) if spec.whole else float(spec.default) for name, spec in SETTINGS.items()
}


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def sd(values: Sequence[float]) -> float | None:
    """The sample standard deviation (n − 1); None under two values."""
    if len(values) < 2:
        return None
    m = sum(values) / len(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0 to 100), linear between the ordered values (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def below_baseline(period_mean: float | None, baseline: float | None, margin: float) -> bool:
    """A client's period mean at least `margin` below your baseline (on the one-decimal figures)."""
    if period_mean is None or baseline is None:
        return False
    return round(baseline, 1) - round(period_mean, 1) >= margin - 1e-9


def falling(means: Sequence[float], *, sds: float, two_sds: float, history: int, min_sd: float) -> bool:
    """A client's last session mean at least `sds` of their own SDs below the mean of their
    sessions before it, or the mean of their last two at least `two_sds` SDs below the mean of
    those before them; either only with `history` sessions before (the SD taken as at least
    `min_sd`). The second catches a real drop of a noisy client a week later, with fewer false
    alarms than a lower threshold on one session would raise."""
    for last_n, limit in ((1, sds), (2, two_sds)):
        before, last = means[:-last_n], means[-last_n:]
        if len(before) < history:
            continue
        spread = max(sd(before) or 0.0, min_sd)
        if sum(before) / len(before) - sum(last) / last_n >= limit * spread:
            return True
    return False


def lowest_principle(sessions: Sequence[dict[str, float]]) -> dict[str, float]:
    """Each principle's mean rating once each session's shared level is taken out: the mean of
    (its rating minus the mean of that session's ratings), over the sessions with 2 or more."""
    total: dict[str, float] = {}
    n: dict[str, int] = {}
    for ratings in sessions:
        if len(ratings) < 2:
            continue
        level = sum(ratings.values()) / len(ratings)
        for principle, value in ratings.items():
            total[principle] = total.get(principle, 0.0) + value - level
            n[principle] = n.get(principle, 0) + 1
    return {p: total[p] / n[p] for p in total}

"""The client's voice in the review: score alerts, and how well your reads match their scores.

Pure rules on rows `store.review` fetched: for each session with your read (the
`client_view` prompt, a prediction made before any score of theirs) or their score (the
`client_score` prompt, a total on the measure in use, `core.measures`): its date, client,
the mean of your self-ratings and the client's previous score.

- **Alerts** (`score_alerts`), for the period's sessions: a score below the measure's
  cutoff (SRS: under 36, the PCOMS convention), or a fall of `drop` points or more from that
  client's previous score (OpenFIT: 1 point). A session below the cutoff while your own
  ratings averaged `discordant_self` (8) or more is *discordant*: you saw it going well, the
  client did not. The first score of a client has no previous one, so it cannot fall.
- **Calibration** (`build_calibration`), over the review's 12 weeks: your read and their score
  on one 0 to 10 scale, overall: how many sessions have both (pairs), the mean gap (their
  score minus your read), Spearman's rank correlation from `MIN_PAIRS` pairs on, and the
  sessions where you read them highest and lowest against their score; and per client seen
  in the period, their sessions of the 12 weeks and their own mean gap.

Figures are kept to two decimals (the JSON's data, for your own analysis); the review shows
them with one (`shown`), and a rule that reads a figure (a mean gap under 0.5 is close; your
ratings averaged 8 or more) reads it as shown, so that what the reader sees and what was
decided agree, as in the rest of the review (`core.report`). The rank correlation is shown
with two, as correlations are reported. A score outside the measure's range (the measure
was changed since) is left out and counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from alliance_cli.core.measures import Measure

MIN_PAIRS = 8  # the rank correlation is shown from this many pairs on
CLOSE = 0.5  # a mean gap smaller than this (0 to 10 scale) reads as close
SESSIONS_SHOWN = 12  # a client's sparklines: their last sessions in the window


class _Model(BaseModel):
    """A part of the calibration: made without validation, as the review's parts are
    (`core.report._Model`)."""

    model_config = ConfigDict(frozen=True, defer_build=True)


class MeasureInfo(_Model):
    name: str
    min: float
    max: float
    cutoff: float | None
    drop: float
    cutoff_source: str | None  # where the cutoff comes from ("the PCOMS convention"); null: your setting
    drop_source: str | None  # where the fall rule comes from ("OpenFIT's rule"); null: your setting


class ScoreAlert(_Model):
    """A session of the period whose client score calls for a check-in, and why."""

    session_id: int
    date: date
    score: float
    previous: float | None  # the client's score before this one (null: the first)
    below_cutoff: bool
    fell: bool  # by `drop` or more from `previous`
    discordant: bool  # below the cutoff while your own ratings averaged `discordant_self` or more
    self_mean: float | None  # your ratings' mean in that session


class ScoredSession(_Model):
    session_id: int
    date: date
    client: str
    view: float | None  # your read, as answered
    score: float | None  # their score, on the measure
    view_10: float | None  # both on 0 to 10
    score_10: float | None
    gap: float | None  # score_10 − view_10: above 0, they rated it higher than you read it
    discordant: bool


class ClientCalibration(_Model):
    client: str
    pairs: int
    mean_gap: float | None
    sessions: list[ScoredSession]  # up to SESSIONS_SHOWN, oldest first


class Calibration(_Model):
    since: date
    until: date
    measure: MeasureInfo
    reads: int
    scores: int
    pairs: int
    mean_gap: float | None
    direction: Literal["client_higher", "read_higher", "close"] | None  # the mean gap, read as shown (`shown`)
    rank_correlation: float | None  # Spearman, from `min_pairs` pairs on
    min_pairs: int
    read_highest: ScoredSession | None  # your read furthest above their score (from 2 pairs)
    read_lowest: ScoredSession | None  # your read furthest below their score
    clients: list[ClientCalibration]  # those with a read or score in the period, by code
    discordant: list[ScoredSession]  # under the cutoff while your own ratings averaged `discordant_self` or more
    left_out: int  # scores outside the measure's range
    discordant_self: float  # a score below the cutoff while your own ratings averaged this or more


def measure_info(measure: Measure) -> MeasureInfo:
    return MeasureInfo.model_construct(
        name=measure.name,
        min=float(measure.low),
        max=float(measure.high),
        cutoff=None if measure.cutoff is None else float(measure.cutoff),
        drop=float(measure.drop),
        cutoff_source=measure.cutoff_source,
        drop_source=measure.drop_source,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def shown(value: float) -> float:
    """A figure as the review prints it, to one decimal; the rules decide on this."""
    return round(value, 1)


def _discordant(below: bool, self_mean: float | None, discordant_self: float) -> bool:
    return below and self_mean is not None and shown(self_mean) >= discordant_self


@dataclass(frozen=True)
class Scale:
    """The range of your read's rating prompt (0 to 10 in the built-in set)."""

    low: float = 0.0
    high: float = 10.0

    def on_ten(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low) * 10 if self.high > self.low else value


def score_alerts(
    rows: Sequence[dict[str, Any]], measure: Measure, start: date, discordant_self: float
) -> dict[str, list[ScoreAlert]]:
    """The alerts of the sessions from `start` on, by client, oldest first."""
    out: dict[str, list[ScoreAlert]] = {}
    for r in rows:
        day = _day(r["date"])
        score = r["score"]
        if day < start or score is None or not measure.holds(score):
            continue
        previous = r.get("previous")
        if previous is not None and not measure.holds(previous):
            previous = None
        self_mean = _round(r.get("self_mean"))
        below = measure.cutoff is not None and score < measure.cutoff
        fell = previous is not None and round(previous - score, 6) >= measure.drop
        if not (below or fell):
            continue
        out.setdefault(r["client"], []).append(
            ScoreAlert.model_construct(
                session_id=r["session_id"],
                date=day,
                score=float(score),
                previous=None if previous is None else float(previous),
                below_cutoff=below,
                fell=fell,
                discordant=_discordant(below, self_mean, discordant_self),
                self_mean=self_mean,
            )
        )
    return out


class _Scored(NamedTuple):
    """A `ScoredSession` before it is shown: its fields, as a tuple."""

    session_id: int
    date: date
    client: str
    view: float | None
    score: float | None
    view_10: float | None
    score_10: float | None
    gap: float | None
    discordant: bool


def _shown(s: _Scored) -> ScoredSession:
    """A session the calibration shows, as its model: built without validation
    (`model_construct`) from values already of the fields' types."""
    return ScoredSession.model_construct(**s._asdict())


def _by_gap(s: _Scored) -> tuple[float, date, int]:
    return (s.gap or 0.0, s.date, s.session_id)


def build_calibration(
    rows: Sequence[dict[str, Any]],
    measure: Measure,
    *,
    since: date,
    until: date,
    start: date | None = None,
    scale: Scale | None = None,
    discordant_self: float = 8.0,
) -> Calibration:
    """Your reads beside their scores, from `since` to `until` (rows oldest first); the
    clients listed one by one are those with a read or score from `start` (the period's
    first day; by default `since`) on."""
    scale = scale or Scale()
    sessions: list[_Scored] = []
    left_out = 0
    for r in rows:
        day = _day(r["date"])
        if not since <= day <= until:
            continue
        view, score = r["view"], r["score"]
        if score is not None and not measure.holds(score):
            left_out += 1
            score = None
        if view is None and score is None:
            continue
        view_10 = _round(scale.on_ten(view)) if view is not None else None
        score_10 = _round(measure.on_ten(score)) if score is not None else None
        self_mean = _round(r.get("self_mean"))
        below = score is not None and measure.cutoff is not None and score < measure.cutoff
        # Plain tuples for the hundreds of sessions of 12 weeks, of the types validation would
        # have made (a read or score stored as a whole number becomes a float); the few the
        # calibration shows become models (`_shown`).
        sessions.append(
            _Scored(
                session_id=int(r["session_id"]),
                date=day,
                client=str(r["client"]),
                view=None if view is None else float(view),
                score=None if score is None else float(score),
                view_10=view_10,
                score_10=score_10,
                gap=_round(score_10 - view_10) if score_10 is not None and view_10 is not None else None,
                discordant=_discordant(below, self_mean, discordant_self),
            )
        )
    pairs = [s for s in sessions if s.gap is not None]
    mean_gap = _round(sum(s.gap or 0.0 for s in pairs) / len(pairs)) if pairs else None
    direction: Literal["client_higher", "read_higher", "close"] | None = None
    if mean_gap is not None:
        gap = shown(mean_gap)
        direction = "client_higher" if gap >= CLOSE else "read_higher" if gap <= -CLOSE else "close"
    rho = None
    if len(pairs) >= MIN_PAIRS:
        rho = _round(spearman([s.view_10 or 0.0 for s in pairs], [s.score_10 or 0.0 for s in pairs]))
    by_client: dict[str, list[_Scored]] = {}
    for s in sessions:
        by_client.setdefault(s.client, []).append(s)
    clients = []
    seen = {s.client for s in sessions if s.date >= (start or since)}
    for client in sorted(seen):
        mine = by_client[client]
        paired = [s.gap or 0.0 for s in mine if s.gap is not None]
        clients.append(
            ClientCalibration.model_construct(
                client=client,
                pairs=len(paired),
                mean_gap=_round(sum(paired) / len(paired)) if paired else None,
                sessions=[_shown(s) for s in mine[-SESSIONS_SHOWN:]],
            )
        )
    return Calibration.model_construct(
        since=since,
        until=until,
        measure=measure_info(measure),
        reads=sum(1 for s in sessions if s.view is not None),
        scores=sum(1 for s in sessions if s.score is not None),
        pairs=len(pairs),
        mean_gap=mean_gap,
        direction=direction,
        rank_correlation=rho,
        min_pairs=MIN_PAIRS,
        read_highest=_shown(min(pairs, key=_by_gap)) if len(pairs) >= 2 else None,
        read_lowest=_shown(max(pairs, key=_by_gap)) if len(pairs) >= 2 else None,
        clients=clients,
        discordant=[_shown(s) for s in sessions if s.discordant],
        left_out=left_out,
        discordant_self=discordant_self,
    )


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation: Pearson's r of the ranks (ties averaged); None when either
    side does not vary, or with fewer than two pairs."""
    if len(xs) != len(ys) or len(xs) < 2:
        return None
    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    if sxx == 0 or syy == 0:
        return None
    return float(sxy / (sxx * syy) ** 0.5)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))

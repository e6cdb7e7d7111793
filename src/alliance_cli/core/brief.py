"""The supervision brief as a model: the cases to bring, and what supervision needs of each.

Pure data and rules, no I/O: `app.brief` fills it from `store.brief`'s rows, `ui.brief`
writes it as Markdown or HTML. For each case: a short timeline of the last sessions (the
mean of your self-ratings, the client's score and your prediction of it where recorded,
ruptures), every rupture in full, your feelings and what you thought was going on between
you, the intentions and whether they were carried out, and the questions you want help
with. Then the learning goal's progress and the calibration summary, when they exist.

Prompts are found by the role they play (`core.vocabulary`), or, in a set that does not
declare that role, by the id alliance's own prompt set gives them (`ROLE_IDS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from alliance_cli.core.calibration import Calibration
    from alliance_cli.core.models import Prompt, PromptSet

TIMELINE = 12  # a case's timeline: its last sessions up to the period's end
# The ids alliance's own prompt set uses for the roles the brief reads.
ROLE_IDS: dict[str, tuple[str, ...]] = {
    "for_supervision": ("for_supervision",),
    "supervision_question": ("supervision_question",),
    "feelings": ("feelings",),
    "analysis": ("going_on", "analysis"),
    "goal_practised": ("goal_practised",),
    "my_part": ("my_part",),
}


def find_prompt(ps: PromptSet, role: str) -> Prompt | None:
    """The prompt playing `role`, or the one with its usual id when none declares it."""
    for p in ps.prompts:
        if p.role == role:
            return p
    ids = ROLE_IDS.get(role, (role,))
    for wanted in ids:
        for p in ps.prompts:
            if p.id == wanted and p.role is None:
                return p
    return None


def label_of(p: Prompt) -> str:
    """A prompt's short title (its `label:`, when the set gives one), else its text."""
    label = getattr(p, "label", None)
    return str(label) if label else p.text.rstrip(" ?.:")


@dataclass(frozen=True)
class TimelinePoint:
    session_id: int
    day: date
    self_mean: float | None  # mean of the session's ratings (0 to 10)
    score: float | None  # the client's score, on 0 to 10
    read: float | None  # your prediction, on 0 to 10
    rupture: bool
    marked: bool  # marked for supervision


@dataclass(frozen=True)
class Detail:
    """One answer shown as "label: value" (a rupture's kind, what you tried, ...)."""

    label: str
    value: str
    free_text: bool = False  # a written answer: goes through the privacy guard


@dataclass(frozen=True)
class RuptureNote:
    session_id: int
    day: date
    details: list[Detail]
    open: bool
    repaired_later: bool = False  # not in its own session, at a later one with the client


@dataclass(frozen=True)
class Note:
    session_id: int
    day: date
    label: str
    text: str


@dataclass(frozen=True)
class IntentionNote:
    session_id: int
    day: date
    text: str
    followed: str | None  # yes / partly / no, as recorded at the next session; None: not (yet) recorded
    next_day: date | None  # the next session with the client (None: none yet)
    note: str | None = None  # what the next session said about it


@dataclass(frozen=True)
class Case:
    client: str
    reason: Literal["marked", "named"]
    sessions: int  # the client's sessions up to the period's end
    first_day: date | None
    timeline: list[TimelinePoint]
    ruptures: list[RuptureNote]
    notes: list[Note]
    intentions: list[IntentionNote]
    questions: list[Note]

    @property
    def has_scores(self) -> bool:
        return any(p.score is not None for p in self.timeline)

    @property
    def has_reads(self) -> bool:
        return any(p.read is not None for p in self.timeline)


@dataclass(frozen=True)
class GoalProgress:
    text: str
    principle: str | None  # the principle's title
    started: date
    practised: dict[str, int]  # answer -> sessions, since the goal started
    mean_before: float | None  # the principle's mean rating in as many weeks before the goal
    mean_since: float | None


@dataclass(frozen=True)
class Brief:
    start: date
    end: date
    cases: list[Case]
    from_marks: bool  # the cases are the sessions marked for supervision (not named with --client)
    can_mark: bool  # the prompt set has the for_supervision prompt
    goal: GoalProgress | None = None
    calibration: Calibration | None = None
    redacted: bool = False
    unknown: list[str] = field(default_factory=list)  # --client codes no session has


def mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def map_texts(brief: Brief, fn: Callable[[str], str]) -> Brief:
    """The brief with every free text (notes, intentions, questions, written rupture
    details, the goal) passed through `fn`: the privacy guard's one door."""

    def detail(d: Detail) -> Detail:
        return replace(d, value=fn(d.value)) if d.free_text else d

    cases = [
        replace(
            c,
            ruptures=[replace(r, details=[detail(d) for d in r.details]) for r in c.ruptures],
            notes=[replace(n, text=fn(n.text)) for n in c.notes],
            intentions=[
                replace(i, text=fn(i.text), note=fn(i.note) if i.note is not None else None) for i in c.intentions
            ],
            questions=[replace(q, text=fn(q.text)) for q in c.questions],
        )
        for c in brief.cases
    ]
    goal = replace(brief.goal, text=fn(brief.goal.text)) if brief.goal is not None else None
    return replace(brief, cases=cases, goal=goal)


@dataclass(frozen=True)
class PrincipleWeeks:
    title: str
    values: list[float | None]  # one per week of `ChartData.weeks`


@dataclass(frozen=True)
class ChartData:
    """What the HTML review draws beside the text: per-principle weekly means over `weeks`
    (52), and over the last `grid_weeks` (12) each client's weekly mean and the rupture rate."""

    weeks: list[date]
    principles: list[PrincipleWeeks]
    grid_weeks: list[date]
    clients: list[str]
    cells: dict[tuple[str, date], float]
    sessions: list[int]  # per grid week
    ruptures: list[int]

"""Continuity between sessions with the same client, as plain data (`store.continuity` fills it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alliance_cli.core.measures import Measure


@dataclass
class LastSession:
    id: int
    date: str
    session_number: int
    modality: str
    ratings: dict[str, Any]  # principle id -> rating (None when not answered), in the principles' order
    intention: str | None


@dataclass
class OpenRupture:
    session_id: int
    date: str
    session_number: int
    repaired: str | None  # "no" or "partly" as recorded that day, None when not recorded
    kind: str | None  # withdrawal / confrontation / both, when recorded


@dataclass
class Seen:
    """A value from an earlier session with the client: the client's score, or your read."""

    date: str
    value: float


@dataclass
class Continuity:
    """What a new log with `client` on `day` starts from."""

    client: str
    last: LastSession | None = None
    open_ruptures: list[OpenRupture] = field(default_factory=list)  # oldest first
    last_score: Seen | None = None  # the client's latest own score (`client_score`), whichever session had it
    last_view: Seen | None = None  # your latest read of them (`client_view`)
    measure: Measure | None = None  # what the score is on, for the recap to name it
    goal_active: bool = False  # a learning goal is active on the session's day (`store.goals`)

    @property
    def facts(self) -> frozenset[str]:
        """The `history:` conditions of the prompt set that hold for this log."""
        facts = set()
        if self.last is not None and self.last.intention:
            facts.add("intention_set")
        if self.open_ruptures:
            facts.add("open_rupture")
        if self.goal_active:
            facts.add("goal_active")
        return frozenset(facts)


@dataclass
class FollowThrough:
    """Intentions that came up for follow-up in a period, and what became of them."""

    came_up: int = 0  # sessions whose previous session with the client set an intention
    recorded: int = 0  # ... of which the follow-up question was answered
    carried_out: int = 0
    partly: int = 0
    not_carried_out: int = 0

    @property
    def not_recorded(self) -> int:
        return self.came_up - self.recorded

    @property
    def rate(self) -> float | None:
        """Carried out, out of the follow-ups answered (unanswered ones are left out, not
        counted as not done); None when none was answered."""
        return self.carried_out / self.recorded if self.recorded else None

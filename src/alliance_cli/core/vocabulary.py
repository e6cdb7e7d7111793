"""The roles prompts play for the recap, the review, `list` and `clients`: one vocabulary.

Those features need to know which prompt records a rupture, its kind, its repair, an
intention, its follow-up, a later return to an open rupture, your read of how the client
saw the session and the client's own score. A prompt set says so with
`role:` on the prompt, each role at most once, on a prompt of a kind that fits the role
(`misfit`; `settings.prompts.check_prompt_set` reports a misfit or a second use). The
rating of each principle needs no role: it is the rating prompt (`kind: rating`) that names
the principle (`principle:`).

`roles_of(ps)` gives the prompt id playing each role, None when no prompt does: what needs
that role is then left out, without an error. `roles_of_snapshot` gives the same for a
prompt set as stored in the journal (JSON), without pydantic, for commands that must start
fast (`list`, `clients`). The store takes a `Roles` and passes its ids to SQL as parameters.

A set that declares no role at all (written before roles existed) gets each role from the
prompt whose id is the role's name, when its kind fits: the ids alliance used then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from alliance_cli.core.models import PromptSet

Role = Literal[
    "rupture",
    "rupture_kind",
    "repaired",
    "rupture_revisited",
    "intention",
    "intention_followed",
    "client_view",
    "client_score",
    "rupture_markers",
    "repair_strategies",
    "repair_response",
    "my_part",
    "goal_practised",
    "feelings",
    "analysis",
    "for_supervision",
    "supervision_question",
]
OUTCOMES = ("yes", "partly", "no")  # the answers of a role that records an outcome


@dataclass(frozen=True)
class RoleSpec:
    kind: str  # the prompt kind the role needs
    outcome: bool = False  # answered yes / partly / no: a choice among OUTCOMES, "yes" included


ROLES: dict[str, RoleSpec] = {
    "rupture": RoleSpec("yesno"),  # a strain or rupture in the session
    "rupture_kind": RoleSpec("choice"),  # what it looked like
    "repaired": RoleSpec("choice", outcome=True),  # repaired in its own session
    "rupture_revisited": RoleSpec("choice", outcome=True),  # a later session came back to it and repaired it
    "intention": RoleSpec("text"),  # one thing to do in the next session with the client
    "intention_followed": RoleSpec("choice", outcome=True),  # the last session's intention carried out
    "client_view": RoleSpec("rating"),  # your read of how the client saw the session, before any score of theirs
    "client_score": RoleSpec("number"),  # the client's own alliance score (`core.measures`), a total
    "rupture_markers": RoleSpec("multi"),  # what the rupture looked like, marker by marker (withdrawal, confrontation)
    "repair_strategies": RoleSpec("multi"),  # what was tried to repair it
    "repair_response": RoleSpec("choice"),  # how the client responded once it was addressed
    "my_part": RoleSpec("text"),  # what might have been your own part in it
    "goal_practised": RoleSpec("choice"),  # whether you practised your learning goal (`store.goals`)
    "feelings": RoleSpec("text"),  # what you felt in the session, and are left with
    "analysis": RoleSpec("text"),  # what might have been going on between you
    "for_supervision": RoleSpec("yesno"),  # a session to bring to supervision
    "supervision_question": RoleSpec("text"),  # the help you want from supervision
}


@dataclass(frozen=True)
class Roles:
    """The prompt id playing each role in one prompt set (None: no prompt plays it)."""

    ratings: tuple[tuple[str, str], ...] = ()  # (principle id, its rating prompt id), in the principles' order
    rupture: str | None = None
    rupture_kind: str | None = None
    repaired: str | None = None
    rupture_revisited: str | None = None
    intention: str | None = None
    intention_followed: str | None = None
    client_view: str | None = None
    client_score: str | None = None
    rupture_markers: str | None = None
    repair_strategies: str | None = None
    repair_response: str | None = None
    my_part: str | None = None
    goal_practised: str | None = None
    feelings: str | None = None
    analysis: str | None = None
    for_supervision: str | None = None
    supervision_question: str | None = None

    @property
    def principles(self) -> list[str]:
        """The principles that have a rating, in order: the rating columns of `list` and the recap."""
        return [principle for principle, _ in self.ratings]

    @property
    def rating_ids(self) -> list[str]:
        return [prompt_id for _, prompt_id in self.ratings]

    @property
    def client_columns(self) -> tuple[tuple[str, str], ...]:
        """(column, prompt id) of your read and the client's score, for the prompts that record
        them: the columns `list` adds after the ratings, named after the roles."""
        found = (("client_view", self.client_view), ("client_score", self.client_score))
        return tuple((name, prompt_id) for name, prompt_id in found if prompt_id is not None)


class PromptFacts(NamedTuple):
    """What the vocabulary reads of one prompt."""

    id: str
    kind: str
    principle: str | None = None
    role: str | None = None
    choices: tuple[str, ...] | None = None


def misfit(role: str, kind: str, choices: Sequence[str] | None) -> str | None:
    """Why a prompt of this kind (and these choices) cannot play `role`; None when it can."""
    spec = ROLES[role]
    if kind != spec.kind:
        return f"the role '{role}' needs a {spec.kind} prompt, not {kind}"
    if spec.outcome and (not choices or "yes" not in choices or any(c not in OUTCOMES for c in choices)):
        return f"the role '{role}' needs the choices yes, partly, no (or some of them, yes included)"
    return None


def roles_of(ps: PromptSet) -> Roles:
    """The roles in a validated prompt set."""
    return resolve(
        [a.id for a in ps.principles],
        [
            PromptFacts(p.id, p.kind, p.principle, p.role, tuple(p.choices) if p.choices is not None else None)
            for p in ps.prompts
        ],
    )


def roles_of_snapshot(data: Mapping[str, Any] | None) -> Roles:
    """The roles in a prompt set as the journal stores it (its JSON, parsed); none for None."""
    if not data:
        return Roles()
    prompts = []
    for p in data.get("prompts") or []:
        choices = p.get("choices")
        prompts.append(
            PromptFacts(
                str(p.get("id")),
                str(p.get("kind")),
                p.get("principle"),
                p.get("role"),
                tuple(choices) if isinstance(choices, list) else None,
            )
        )
    return resolve([str(a.get("id")) for a in data.get("principles") or []], prompts)


def resolve(principles: Sequence[str], prompts: Iterable[PromptFacts]) -> Roles:
    """The rule itself: a principle's rating is the (last) rating prompt naming it; a role
    is the prompt declaring it, or, in a set declaring none, the fitting prompt named after it."""
    prompts = list(prompts)
    by_principle = {p.principle: p.id for p in prompts if p.kind == "rating" and p.principle}
    ratings = tuple((a, by_principle[a]) for a in principles if a in by_principle)
    found: dict[str, str] = {}
    declared = any(p.role for p in prompts)
    for p in prompts:
        role = p.role if declared else (p.id if p.id in ROLES else None)
        if role in ROLES and role not in found and misfit(role, p.kind, p.choices) is None:
            found[role] = p.id
    return Roles(
        ratings=ratings,
        rupture=found.get("rupture"),
        rupture_kind=found.get("rupture_kind"),
        repaired=found.get("repaired"),
        rupture_revisited=found.get("rupture_revisited"),
        intention=found.get("intention"),
        intention_followed=found.get("intention_followed"),
        client_view=found.get("client_view"),
        client_score=found.get("client_score"),
        rupture_markers=found.get("rupture_markers"),
        repair_strategies=found.get("repair_strategies"),
        repair_response=found.get("repair_response"),
        my_part=found.get("my_part"),
        goal_practised=found.get("goal_practised"),
        feelings=found.get("feelings"),
        analysis=found.get("analysis"),
        for_supervision=found.get("for_supervision"),
        supervision_question=found.get("supervision_question"),
    )

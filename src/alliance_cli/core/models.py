"""pydantic models of the prompt set.

A prompt set is the YAML file that decides what `alliance log` asks. It is validated
strictly: unknown keys are errors (a typo must not silently drop a prompt), and the
cross-field rules (unique ids, `when:` pointing at an earlier prompt, min <= max, each
`role:` once and on a prompt that fits it) live in `prompts.check_prompt_set`, which
reports every problem at once with its location.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from alliance_cli.core.vocabulary import Role, roles_of

RuptureKind = Literal["withdrawal", "confrontation"]

Kind = Literal["rating", "choice", "multi", "yesno", "text", "number"]
KINDS: tuple[str, ...] = ("rating", "choice", "multi", "yesno", "text", "number")

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=32)]  # a prompt's short name in a summary
Scalar = bool | int | float | str


class Strict(BaseModel):
    # Validators are built on first use, not at import: a set read from the prompt cache
    # (`settings.prompts`) is rebuilt without them, before the first question of a log.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Area(Strict):
    """A principle or a practice of the therapeutic relationship."""

    id: Identifier
    title: Label
    description: Label
    tips: list[Label] = Field(default_factory=list)


HISTORY: dict[str, str] = {
    "intention_set": "the last session with this client set an intention",
    "open_rupture": "a rupture with this client is still open (not or partly repaired)",
    "goal_active": "a learning goal is active (`alliance goal set`)",
}
History = Literal["intention_set", "open_rupture", "goal_active"]


class When(Strict):
    """Ask a prompt only after a given answer to an earlier one (exactly one test is set),
    or, with `history:`, only when something holds about earlier sessions with the client
    (`store_continuity.continuity` says which facts hold)."""

    prompt: Identifier | None = None
    history: History | None = None
    equals: Scalar | None = None
    one_of: list[Scalar] | None = None
    between: tuple[float, float] | None = None
    not_between: tuple[float, float] | None = None
    # With `not_between`: ask only for the rating furthest outside the range among these
    # prompts (ties: the first listed), so a log asks for one moment, not one per rating.
    most_extreme_of: list[Identifier] | None = None

    def tests(self) -> list[str]:
        return [name for name in ("equals", "one_of", "between", "not_between") if getattr(self, name) is not None]

    def holds(self, value: object) -> bool:
        """Whether an earlier answer `value` (None when skipped) makes the prompt apply."""
        if value is None:
            return False
        if self.equals is not None:
            return _same(value, self.equals)
        if self.one_of is not None:
            if isinstance(value, list):
                return any(_same(v, w) for v in value for w in self.one_of)
            return any(_same(value, w) for w in self.one_of)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.between is not None:
            return self.between[0] <= value <= self.between[1]
        if self.not_between is not None:
            return not (self.not_between[0] <= value <= self.not_between[1])
        return False

    def most_extreme(self, answers: Mapping[str, object]) -> bool:
        """With `most_extreme_of`: whether the tested prompt's answer lies furthest outside
        the `not_between` range of all the listed prompts' answers (ties: the first listed)."""
        if self.most_extreme_of is None or self.not_between is None:
            return True
        low, high = self.not_between

        def beyond(value: object) -> float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return 0.0
            return max(low - value, value - high, 0.0)

        mine = beyond(answers.get(self.prompt or ""))
        earlier = True  # a listed prompt before the tested one wins a tie
        for other in self.most_extreme_of:
            if other == self.prompt:
                earlier = False
                continue
            out = beyond(answers.get(other))
            if out > mine or (earlier and out == mine):
                return False
        return True

    def describe(self) -> str:
        if self.history is not None:
            return HISTORY[self.history]
        if self.most_extreme_of is not None and self.not_between is not None:
            return (
                f"{self.prompt} is below {_num(self.not_between[0])} or above {_num(self.not_between[1])}, "
                f"the furthest out of {', '.join(self.most_extreme_of)} (ties: the first listed)"
            )
        if self.equals is not None:
            return f"{self.prompt} is {_show(self.equals)}"
        if self.one_of is not None:
            return f"{self.prompt} is one of {', '.join(_show(v) for v in self.one_of)}"
        if self.between is not None:
            return f"{self.prompt} is from {_num(self.between[0])} to {_num(self.between[1])}"
        assert self.not_between is not None
        return f"{self.prompt} is below {_num(self.not_between[0])} or above {_num(self.not_between[1])}"


def _same(value: object, wanted: object) -> bool:
    if isinstance(wanted, bool) or isinstance(value, bool):
        return value is wanted or (isinstance(value, str) and value == ("yes" if wanted else "no"))
    return value == wanted


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class Prompt(Strict):
    id: Identifier
    kind: Kind
    text: Label
    label: Title | None = None  # its short name in the summary, `show` and the review (the text when unset)
    section: Label | None = None  # the heading of the form section it opens; later prompts stay under it
    help: Label | None = None
    principle: Identifier | None = None
    role: Role | None = None  # what the recap, the review and `clients` read it as (`core.vocabulary`)
    required: bool = False
    min: float | None = None
    max: float | None = None
    labels: dict[int, Label] | None = None
    choices: list[Label] | None = None
    positive: list[Scalar] | None = None
    neutral: list[Scalar] | None = None  # answers that count neither way for its practice ("did not come up")
    # On the rupture markers: the kind each marker shows; the rupture kind follows from the
    # markers chosen (`core.ruptures.kind_from`) and is asked only when none of them is mapped.
    kinds: dict[Label, RuptureKind] | None = None
    when: When | None = None

    @property
    def title(self) -> str:
        """The short name of the prompt: its `label:`, else its question."""
        return self.label or self.text

    def is_positive(self, value: object) -> bool | None:
        """Whether an answer counts as the practice done (None when the prompt has no notion of it)."""
        if self.neutral is not None and any(_same(value, n) for n in self.neutral):
            return None
        if self.positive is not None:
            values = value if isinstance(value, list) else [value]
            return any(_same(v, p) for v in values for p in self.positive)
        if self.kind == "yesno":
            return value is True
        return None


class PromptSet(Strict):
    version: int = Field(ge=1)
    title: Label | None = None
    principles: list[Area]
    practices: list[Area] = Field(default_factory=list)
    prompts: list[Prompt]

    def prompt(self, prompt_id: str) -> Prompt | None:
        return self._by_id.get(prompt_id)

    @cached_property
    def _by_id(self) -> dict[str, Prompt]:
        # Looked up for every answer of every imported row: a dict, built once, not a scan.
        by_id: dict[str, Prompt] = {}
        for p in self.prompts:
            by_id.setdefault(p.id, p)
        return by_id

    def kind_source(self, prompt_id: str) -> Prompt | None:
        """The markers prompt whose `kinds:` decide the answer of `prompt_id` (the prompt with
        the role rupture_kind), or None: the prompt is asked as any other."""
        return self._kind_sources.get(prompt_id)

    @cached_property
    def _kind_sources(self) -> dict[str, Prompt]:
        kind = roles_of(self).rupture_kind
        source = next((p for p in self.prompts if p.kinds), None) if kind is not None else None
        return {kind: source} if kind is not None and source is not None else {}

    def area(self, area_id: str) -> Area | None:
        return next((a for a in (*self.principles, *self.practices) if a.id == area_id), None)

    def rating_prompts(self) -> list[Prompt]:
        """The per-principle self-ratings, in the order of the principles (`core.vocabulary`)."""
        return [self._by_id[prompt_id] for prompt_id in roles_of(self).rating_ids]

"""The client's own alliance score: which measure it is on, and its alert rules.

alliance stores a client-rated score as a total, never an instrument's items or wording
(the SRS, ORS and WAI are licensed instruments; the client fills them in on paper or in a
feedback app, and the clinician types the total). The measure is one setting for the whole
journal (`client_measure`), written as one line of text:

- `SRS`: the Session Rating Scale total, 0 to 40. A total below 36 is a possible alliance
  concern (the PCOMS convention), and feedback software alerts on a fall of 1 point or more
  from the client's previous score (OpenFIT's rule). The default.
- `WAI-SR`: the Working Alliance Inventory, short revised, 12 items scored 1 to 5, total 12
  to 60. It has no agreed cutoff, so only the fall rule alerts unless a cutoff is given.
- Your own measure: its name and range, `My scale 0 to 100, cutoff 70`.

Any of them takes `, cutoff N` and `, drop N` after it, to set the alerts yourself
(`SRS, cutoff 35`, `WAI-SR, cutoff 48, drop 2`). `parse_measure` reads that text and
`Measure.spec` writes it back. The review puts a score on the 0 to 10 scale of the
clinician's own ratings (`on_ten`) to set the two side by side.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alliance_cli.core.models import PromptSet

DEFAULT_DROP = 1.0  # OpenFIT: a fall of 1 point or more from the client's previous score
MAX_NAME = 40


@dataclass(frozen=True)
class Measure:
    """A client-rated alliance measure: its name, range and the two alerts."""

    name: str
    low: float
    high: float
    cutoff: float | None  # a score below this is an alert; None: no cutoff
    drop: float = DEFAULT_DROP  # a fall of at least this much from the client's previous score
    preset: bool = False  # one alliance knows by name (SRS, WAI-SR)
    cutoff_source: str | None = None  # where the cutoff comes from, when it is the preset's own

    def on_ten(self, score: float) -> float:
        """The score on the 0 to 10 scale of the clinician's own ratings."""
        return (score - self.low) / (self.high - self.low) * 10

    def holds(self, score: float) -> bool:
        """Whether a stored score fits this measure's range (it may not, after a change of measure)."""
        return self.low <= score <= self.high

    @property
    def range_text(self) -> str:
        return f"{_num(self.low)} to {_num(self.high)}"

    @property
    def drop_source(self) -> str | None:
        return "OpenFIT's rule" if self.drop == DEFAULT_DROP else None

    def spec(self) -> str:
        """The setting's text for this measure: `SRS`, `WAI-SR, cutoff 48`, `My scale 0 to 100, cutoff 70`."""
        base = PRESETS.get(self.name.lower())
        if self.preset and base is not None:
            text = base.name
            if self.cutoff != base.cutoff and self.cutoff is not None:
                text += f", cutoff {_num(self.cutoff)}"
        else:
            text = f"{self.name} {self.range_text}"
            if self.cutoff is not None:
                text += f", cutoff {_num(self.cutoff)}"
        if self.drop != DEFAULT_DROP:
            text += f", drop {_num(self.drop)}"
        return text


SRS = Measure("SRS", 0, 40, 36, preset=True, cutoff_source="the PCOMS convention")
WAI_SR = Measure("WAI-SR", 12, 60, None, preset=True)
PRESETS: dict[str, Measure] = {"srs": SRS, "wai-sr": WAI_SR}
DEFAULT = SRS

EXAMPLE = '"SRS", "WAI-SR", or your own measure with its range, such as "My scale 0 to 100, cutoff 70"'
_NUMBER = r"-?\d+(?:\.\d+)?"
_RANGED = re.compile(rf"^(?P<name>.*?)\s+(?P<low>{_NUMBER})\s+to\s+(?P<high>{_NUMBER})$")
_NAME = re.compile(r"^[^\W\d_][\w .'/+()-]*$")
_OPTION = re.compile(rf"^(?P<key>cutoff|drop)\s+(?P<value>{_NUMBER})$")


def parse_measure(text: str) -> Measure:
    """The measure a `client_measure` setting names; ValueError says what to write instead."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"must be {EXAMPLE}")
    head, *options = [part.strip() for part in text.split(",")]
    ranged = _RANGED.match(head)
    name = (ranged.group("name") if ranged else head).strip()
    preset = PRESETS.get(name.lower())
    if ranged is None:
        if preset is None:
            raise ValueError(
                f"'{name}' is not a measure alliance knows (SRS, WAI-SR); give your own with its range, "
                f'such as "{name} 0 to 100, cutoff 70"'
            )
        measure = preset
    else:
        if not _NAME.match(name) or len(name) > MAX_NAME:
            raise ValueError(
                f"a measure's name starts with a letter and is at most {MAX_NAME} letters, digits and spaces; {EXAMPLE}"
            )
        low, high = float(ranged.group("low")), float(ranged.group("high"))
        if preset is not None:
            if (low, high) != (preset.low, preset.high):
                raise ValueError(f"{preset.name} runs from {preset.range_text}; leave the range out")
            measure = preset
        else:
            if not low < high:
                raise ValueError(f"the range of '{name}' must run from a lower to a higher number")
            measure = Measure(name, low, high, None)
    cutoff, drop = measure.cutoff, measure.drop
    cutoff_source = measure.cutoff_source
    seen: set[str] = set()
    for option in options:
        found = _OPTION.match(option)
        if found is None or found.group("key") in seen:
            raise ValueError(f"after the measure, give ', cutoff N' and ', drop N' (at most once each); {EXAMPLE}")
        key, value = found.group("key"), float(found.group("value"))
        seen.add(key)
        if not math.isfinite(value):
            raise ValueError(f"{key} must be a number")
        if key == "cutoff":
            if not measure.low < value <= measure.high:
                raise ValueError(
                    f"the cutoff must be above {_num(measure.low)} and at most {_num(measure.high)}, "
                    f"within {measure.name}'s range"
                )
            if value != cutoff:
                cutoff, cutoff_source = value, None
        else:
            if not 0 < value <= measure.high - measure.low:
                raise ValueError(f"drop must be above 0 and at most {_num(measure.high - measure.low)}")
            drop = value
    return Measure(measure.name, measure.low, measure.high, cutoff, drop, measure.preset, cutoff_source)


def with_measure(ps: PromptSet, measure: Measure) -> PromptSet:
    """`ps` with the range of its client-score prompt (role `client_score`) set by `measure`,
    so the log, an edit and an import check a score against the measure in use."""
    from alliance_cli.core.models import PromptSet
    from alliance_cli.core.vocabulary import roles_of

    target = roles_of(ps).client_score
    if target is None:
        return ps
    prompts = [
        p.model_copy(update={"min": measure.low, "max": measure.high}) if p.id == target else p for p in ps.prompts
    ]
    # Its parts are valid models already: constructed, not validated again (which would build
    # the validators the prompt cache spares the first question of a log).
    return PromptSet.model_construct(
        version=ps.version, title=ps.title, principles=ps.principles, practices=ps.practices, prompts=prompts
    )


def _num(value: float) -> str:
    return f"{value:g}"

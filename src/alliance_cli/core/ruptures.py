"""When a rupture is open: the one rule the recap, the review and `clients` share.

A rupture is a session that answered the prompt with the role `rupture` with yes. It is
*open* as of a point when

- its own session did not record it as repaired (the `repaired` prompt was answered no or
  partly, or not at all), and
- no later session with the same client, up to that point, answered the `rupture_revisited`
  prompt with yes. One such answer closes every rupture of the client open at that time
  ("did you come back to the rupture still open, and was it repaired?").

The point depends on who asks: the recap of a new session looks at the sessions before it
(those of the same day saved earlier included), the review of a period at every session up
to the period's last day (a repair made after it does not count), `clients` at every
session. Sessions are ordered by date, then by id (the order they were saved in).

`store.continuity` writes the same rule as SQL, with `REPAIRED` as its parameter, so the
queries can filter with it; `is_open` decides on the rows they return.

A rupture's *kind* follows from the markers noticed (`kind_from`): the markers prompt maps
each of its choices to withdrawal or confrontation (`kinds:` in the prompt set; "none
noticed" maps to neither). Markers of one kind make the rupture that kind, markers of both
make it both; with no mapped marker chosen the kind is asked. The log stores the kind it
found as the answer to the rupture-kind prompt, so everything that reads the kind (the
recap, the review, its check-in list) reads it as before. A session logged before this
rule keeps the kind it recorded (`core.answers.KIND_AS_RECORDED`).
"""

from __future__ import annotations

from collections.abc import Mapping

REPAIRED = "yes"  # the answer to `repaired` or `rupture_revisited` that closes a rupture
BOTH = "both"  # the kind of a rupture with markers of withdrawal and of confrontation


def kind_from(markers: object, kinds: Mapping[str, str]) -> str | None:
    """The kind the chosen `markers` show by the map `kinds` (marker -> withdrawal or
    confrontation): that kind when every mapped marker chosen shows it, `BOTH` when they
    show both, None when none is mapped (no marker, or only "none noticed")."""
    if not isinstance(markers, list):
        return None
    found = {kinds[m] for m in markers if isinstance(m, str) and m in kinds}
    if not found:
        return None
    return found.pop() if len(found) == 1 else BOTH


def repairs(answer: object) -> bool:
    """Whether an answer to the repair question, or to the revisit question, closes the rupture."""
    return answer == REPAIRED


def is_open(repaired: object, closed_later: bool) -> bool:
    """Open: not repaired in its own session (`repaired` is no, partly, or None for no answer),
    and not closed later (`closed_later`: a later session with the client, up to the point,
    answered `rupture_revisited` so that it `repairs`)."""
    return not repairs(repaired) and not closed_later

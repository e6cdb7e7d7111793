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
"""

from __future__ import annotations

REPAIRED = "yes"  # the answer to `repaired` or `rupture_revisited` that closes a rupture


def repairs(answer: object) -> bool:
    """Whether an answer to the repair question, or to the revisit question, closes the rupture."""
    return answer == REPAIRED


def is_open(repaired: object, closed_later: bool) -> bool:
    """Open: not repaired in its own session (`repaired` is no, partly, or None for no answer),
    and not closed later (`closed_later`: a later session with the client, up to the point,
    answered `rupture_revisited` so that it `repairs`)."""
    return not repairs(repaired) and not closed_later

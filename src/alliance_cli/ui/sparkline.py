"""One sparkline for every screen: the clients list, the review's principles and its flagged clients.

One block character per value, a space for a missing one (a week without ratings). The
scale is the one given, or else the values' own range; either way a scale narrower than
`MIN_SPAN` rating points is widened to it about its middle, so that a wobble of a few
tenths never fills the whole height. The scale is cut into eight equal bands, `▁` the
lowest and `█` the highest; a value outside the scale takes the nearest end.

The clients list passes the rating scale (0 to 10), so its rows compare at a glance; the
review passes the range of all the rows of one table, so they compare with each other.
"""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"
MIN_SPAN = 2.0  # never magnify less than two rating points to the full height


def sparkline(values: Sequence[float | None], lo: float | None = None, hi: float | None = None) -> str:
    """The values as block characters on the scale [lo, hi] (default: the values' own range)."""
    present = [v for v in values if v is not None]
    if not present:
        return " " * len(values)
    lo = min(present) if lo is None else lo
    hi = max(present) if hi is None else hi
    if hi - lo < MIN_SPAN:
        middle = (hi + lo) / 2
        lo, hi = middle - MIN_SPAN / 2, middle + MIN_SPAN / 2
    bands = len(BLOCKS)
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            out.append(BLOCKS[max(0, min(bands - 1, int((v - lo) / (hi - lo) * bands)))])
    return "".join(out)

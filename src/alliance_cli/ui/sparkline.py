"""The one sparkline of every screen: the review's principles, clients, ruptures and
follow-through, and the clients list.

One block character per value on one absolute scale, 0 to 10 (the rating scale), cut into
eight equal bands: `▁` is 0 to 1.25, `▂` 1.25 to 2.5, ... `█` 8.75 to 10. A value outside
the scale takes the nearest end; a missing value (a week without ratings) is a space. The
scale never stretches to the values, so the same client draws the same in `report` and in
`clients`, and 6.8 (`▆`) and 7.8 (`▇`) never draw alike. A rate (ruptures a week, intentions
carried out) is drawn on the same scale as a share of 10: 100% is `█`.
"""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"
TOP = 10.0  # the scale is 0 to TOP, always


def sparkline(values: Sequence[float | None]) -> str:
    """The values (0 to 10) as block characters, one each."""
    bands = len(BLOCKS)
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            out.append(BLOCKS[max(0, min(bands - 1, int(v / TOP * bands)))])
    return "".join(out)


def rate_sparkline(rates: Sequence[float | None]) -> str:
    """Shares from 0 to 1 on the same scale (1 is the full height)."""
    return sparkline([None if r is None else r * TOP for r in rates])

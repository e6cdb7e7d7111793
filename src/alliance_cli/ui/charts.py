"""Small static SVG charts for the HTML review and supervision brief: no library, no script.

Each function returns a `Chart`: the `<svg>` element (well-formed XML, with a `<title>` and
a `<desc>` the element is labelled by) and `text`, a plain-sentence alternative the page
prints beside it. Nothing depends on colour: series differ by marker shape and line dash
and are named in a legend, cells of the heat-grid carry their number, bars their counts.
Sizes are in a fixed `viewBox`; the page's CSS scales the drawing to the column, so no
chart is ever wider than the printed page.

Only `ui.html` imports this module, and only `report --format html` imports that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from alliance_cli.core.messages import count

WIDTH = 640
FONT = 'font-family="sans-serif" font-size="11"'
INK = "#222"
SOFT = "#767676"
BAND = "#d9d9d9"


@dataclass(frozen=True)
class Chart:
    svg: str
    text: str  # the same content in words, for a screen reader or a reader without the picture


@dataclass(frozen=True)
class Point:
    """One session of a case's trajectory, every value on 0 to 10 (None: not recorded)."""

    day: date
    self_mean: float | None
    score: float | None = None  # the client's own score
    read: float | None = None  # your prediction of it
    rupture: bool = False


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _fmt(value: float | None) -> str:
    return "none" if value is None else f"{value:.1f}"


def _svg(uid: str, title: str, desc: str, height: int, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" aria-labelledby="{uid}-t {uid}-d" class="chart">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, words: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{_num(round(x, 1))}" y="{_num(round(y, 1))}" text-anchor="{anchor}" {FONT} '
        f'fill="{INK}"{extra}>{escape(words)}</text>'
    )


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0 to 100) by linear interpolation between ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    at = (len(ordered) - 1) * q / 100
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def usual_range(weekly: Sequence[float | None], weeks: int = 12) -> tuple[float, float] | None:
    """The 10th to 90th percentile of the last `weeks` weekly means (None: fewer than 4 rated)."""
    seen = [v for v in weekly[-weeks:] if v is not None]
    if len(seen) < 4:
        return None
    return round(percentile(seen, 10), 2), round(percentile(seen, 90), 2)


class _Frame:
    """A plot area: x by index (0 .. n-1), y from `low` to `high`."""

    def __init__(self, n: int, low: float, high: float, top: int, height: int, left: int = 44, right: int = 16):
        self.n, self.low, self.high = n, low, high
        self.left, self.right, self.top, self.height = left, WIDTH - right, top, height

    def x(self, i: float) -> float:
        span = max(self.n - 1, 1)
        return self.left + (self.right - self.left) * (i / span if self.n > 1 else 0.5)

    def y(self, v: float) -> float:
        v = min(max(v, self.low), self.high)
        return self.top + self.height * (1 - (v - self.low) / (self.high - self.low))

    def axes(self, ticks: Sequence[float], labels: Sequence[tuple[int, str]]) -> list[str]:
        out = []
        for t in ticks:
            y = self.y(t)
            out.append(
                f'<line x1="{self.left}" y1="{y:.1f}" x2="{self.right}" y2="{y:.1f}" stroke="{BAND}" '
                'stroke-width="0.5"/>'
            )
            out.append(_text(self.left - 6, y + 4, _num(t), "end"))
        bottom = self.top + self.height
        for i, words in labels:
            out.append(_text(self.x(i), bottom + 14, words, "middle"))
        return out


def _week_labels(weeks: Sequence[date], every: int | None = None) -> list[tuple[int, str]]:
    step = every or (1 if len(weeks) <= 13 else 4 if len(weeks) <= 26 else 8)
    return [(i, f"{d.day} {d:%b}") for i, d in enumerate(weeks) if (len(weeks) - 1 - i) % step == 0]


def _path(points: list[tuple[float, float] | None], dash: str = "") -> str:
    """A polyline broken where a value is missing."""
    parts, pen = [], "M"
    for p in points:
        if p is None:
            pen = "M"
            continue
        parts.append(f"{pen}{p[0]:.1f} {p[1]:.1f}")
        pen = "L"
    if not parts:
        return ""
    style = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<path d="{" ".join(parts)}" fill="none" stroke="{INK}" stroke-width="1.5"{style}/>'


def _marker(shape: str, x: float, y: float) -> str:
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="white" stroke="{INK}"/>'
    if shape == "triangle":
        return (
            f'<path d="M{x:.1f} {y - 4.5:.1f} L{x + 4.5:.1f} {y + 3.5:.1f} L{x - 4.5:.1f} {y + 3.5:.1f} Z" '
            f'fill="{SOFT}" stroke="{INK}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{INK}"/>'


def principle_chart(
    uid: str, title: str, weeks: Sequence[date], values: Sequence[float | None], band: tuple[float, float] | None
) -> Chart:
    """One principle's weekly means (0 to 10) over `weeks`, with its usual range as a grey band."""
    frame = _Frame(len(weeks), 0, 10, top=22, height=110)
    body = [_text(frame.left, 14, title)]
    if band is not None:
        y1, y2 = frame.y(band[1]), frame.y(band[0])
        body.append(
            f'<rect x="{frame.left}" y="{y1:.1f}" width="{frame.right - frame.left}" height="{max(y2 - y1, 1):.1f}" '
            f'fill="{BAND}" stroke="{SOFT}" stroke-dasharray="2 2"/>'
        )
        body.append(_text(frame.right, y1 - 3, f"usual range {band[0]:.1f}–{band[1]:.1f}", "end"))
    body += frame.axes([0, 5, 10], _week_labels(weeks))
    points = [None if v is None else (frame.x(i), frame.y(v)) for i, v in enumerate(values)]
    body.append(_path(points))
    body += [_marker("circle", *p) for p in points if p is not None]
    rated = [(d, v) for d, v in zip(weeks, values, strict=True) if v is not None]
    if rated:
        last_day, last = rated[-1]
        text = (
            f"{title}: weekly means over {len(weeks)} weeks, {len(rated)} of them rated, from {rated[0][1]:.1f} "
            f"(week of {rated[0][0].isoformat()}) to {last:.1f} (week of {last_day.isoformat()})"
        )
    else:
        text = f"{title}: no rating in these {len(weeks)} weeks"
    text += f"; usual range {band[0]:.1f} to {band[1]:.1f}." if band is not None else "."
    return Chart(_svg(uid, title, text, 160, body), text)


SERIES = (
    ("self_mean", "your ratings (mean)", "circle", ""),
    ("score", "client's score (0–10)", "square", "5 3"),
    ("read", "your prediction", "triangle", "1 3"),
)


def trajectory_chart(uid: str, title: str, points: Sequence[Point]) -> Chart:
    """A case's sessions: your ratings' mean, the client's score and your prediction of it
    (each on 0 to 10, each with its own marker and dash), ruptures marked "R"."""
    # the legend on its own line (baseline 32), the rupture marks on theirs (baseline 50),
    # then the plot: an "R" never touches the legend's words or a point rated 10
    frame = _Frame(len(points), 0, 10, top=58, height=120, left=44, right=24)
    present = [s for s in SERIES if any(getattr(p, s[0]) is not None for p in points)]
    body = [_text(frame.left, 14, title)]
    x = frame.left
    for _, label, shape, dash in present:  # the legend, in words
        body.append(_path([(x, 28), (x + 22, 28)], dash))
        body.append(_marker(shape, x + 11, 28))
        body.append(_text(x + 28, 32, label))
        x += 40 + 6 * len(label)
    if any(p.rupture for p in points):
        body.append(_text(x, 32, "R: rupture"))
    step = max(1, len(points) // 8)
    labels = [(i, f"{p.day.day} {p.day:%b}") for i, p in enumerate(points) if (len(points) - 1 - i) % step == 0]
    body += frame.axes([0, 5, 10], labels)
    for attr, _, shape, dash in present:
        values = [getattr(p, attr) for p in points]
        coords = [None if v is None else (frame.x(i), frame.y(v)) for i, v in enumerate(values)]
        body.append(_path(coords, dash))
        body += [_marker(shape, *c) for c in coords if c is not None]
    for i, p in enumerate(points):
        if p.rupture:
            body.append(_text(frame.x(i), frame.top - 8, "R", "middle", ' font-weight="bold"'))
    lines = []
    for p in points:
        parts = [f"your ratings {_fmt(p.self_mean)}"]
        if p.score is not None:
            parts.append(f"client's score {_fmt(p.score)}")
        if p.read is not None:
            parts.append(f"your prediction {_fmt(p.read)}")
        lines.append(f"{p.day.isoformat()}: " + ", ".join(parts) + (", rupture" if p.rupture else ""))
    text = f"{title}, {count(len(points), 'session')}, on 0 to 10: " + "; ".join(lines) + "."
    return Chart(_svg(uid, title, text, 208, body), text)


def heat_grid(
    uid: str,
    title: str,
    clients: Sequence[str],
    weeks: Sequence[date],
    cells: dict[tuple[str, date], float],
) -> Chart:
    """Clients by weeks: each cell the client's mean rating that week, its number printed in
    it and its shade darker the lower it is; an empty cell: no session that week."""
    left, top, cell_h = 70, 34, 16
    cell_w = (WIDTH - left - 8) / max(len(weeks), 1)
    body = [_text(0, 14, title), _text(left, 28, "mean rating per week; darker = lower; blank = no session")]
    for j, d in enumerate(weeks):
        if (len(weeks) - 1 - j) % (1 if len(weeks) <= 13 else 4) == 0:
            body.append(_text(left + cell_w * (j + 0.5), top + cell_h * len(clients) + 12, f"{d.day} {d:%b}", "middle"))
    for i, client in enumerate(clients):
        y = top + cell_h * i
        body.append(_text(left - 6, y + 12, client, "end"))
        for j, d in enumerate(weeks):
            value = cells.get((client, d))
            x = left + cell_w * j
            if value is None:
                body.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{cell_w - 1:.1f}" height="{cell_h - 1}" fill="white" '
                    f'stroke="{BAND}" stroke-width="0.5"/>'
                )
                continue
            shade = int(120 + 13.5 * max(0.0, min(10.0, value)))  # 0 -> dark grey, 10 -> near white
            ink = "white" if shade < 170 else INK
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{cell_w - 1:.1f}" height="{cell_h - 1}" '
                f'fill="rgb({shade},{shade},{shade})"/>'
            )
            body.append(
                f'<text x="{x + cell_w / 2:.1f}" y="{y + 11}" text-anchor="middle" font-family="sans-serif" '
                f'font-size="9" fill="{ink}">{value:.1f}</text>'
            )
    height = top + cell_h * len(clients) + 20
    lows = sorted(((v, c, d) for (c, d), v in cells.items()), key=lambda t: (t[0], t[1], t[2]))[:3]
    text = f"{title}: {len(clients)} clients over {len(weeks)} weeks, {len(cells)} client-weeks with a session."
    if lows:
        text += " Lowest: " + "; ".join(f"{c} in the week of {d.isoformat()}, {v:.1f}" for v, c, d in lows) + "."
    return Chart(_svg(uid, title, text, height, body), text)


def rupture_rate(
    uid: str, title: str, weeks: Sequence[date], sessions: Sequence[int], ruptures: Sequence[int]
) -> Chart:
    """The share of each week's sessions with a rupture, as bars labelled with the counts."""
    frame = _Frame(len(weeks), 0, 1, top=28, height=100, left=44, right=24)
    top_rate = max([r / s for r, s in zip(ruptures, sessions, strict=True) if s] or [0.0])
    frame.high = max(0.25, round(top_rate + 0.05, 1))
    body = [_text(frame.left, 14, title)]
    ticks = [0.0, frame.high / 2, frame.high]
    for t in ticks:
        y = frame.y(t)
        body.append(
            f'<line x1="{frame.left}" y1="{y:.1f}" x2="{frame.right}" y2="{y:.1f}" stroke="{BAND}" stroke-width="0.5"/>'
        )
        body.append(_text(frame.left - 6, y + 4, f"{t:.0%}", "end"))
    bar = (frame.right - frame.left) / max(len(weeks), 1) * 0.6
    for i, (s, r) in enumerate(zip(sessions, ruptures, strict=True)):
        x = frame.x(i) if len(weeks) > 1 else frame.x(0)
        y = frame.y(r / s if s else 0)
        base = frame.y(0)
        body.append(
            f'<rect x="{x - bar / 2:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{max(base - y, 0.5):.1f}" '
            f'fill="{SOFT}" stroke="{INK}" stroke-width="0.5"/>'
        )
        if s and len(weeks) <= 26:
            body.append(
                f'<text x="{x:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-family="sans-serif" font-size="8" '
                f'fill="{INK}">{r}/{s}</text>'
            )
    body += [_text(frame.x(i), frame.top + frame.height + 14, w, "middle") for i, w in _week_labels(weeks)]
    total_s, total_r = sum(sessions), sum(ruptures)
    rate = f"{total_r / total_s:.0%}" if total_s else "no sessions"
    text = (
        f"{title}: {total_r} ruptures in {total_s} sessions over {len(weeks)} weeks ({rate}); by week: "
        + "; ".join(f"{d.isoformat()} {r} of {s}" for d, s, r in zip(weeks, sessions, ruptures, strict=True) if s)
        + "."
    )
    return Chart(_svg(uid, title, text, 150, body), text)


def calibration_scatter(uid: str, title: str, pairs: Sequence[tuple[float, float]]) -> Chart:
    """Your prediction (x) against the client's score (y), both on 0 to 10, with the line
    where they agree: a point above it, the client rated the session higher than you read it.
    Sessions at the same point share one circle, its size growing with their number."""
    size = 220
    left, top = 44, 24
    body = [_text(0, 14, title)]

    def px(v: float) -> float:
        return left + size * min(max(v, 0), 10) / 10

    def py(v: float) -> float:
        return top + size * (1 - min(max(v, 0), 10) / 10)

    body.append(f'<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="none" stroke="{SOFT}"/>')
    body.append(f'<line x1="{px(0)}" y1="{py(0)}" x2="{px(10)}" y2="{py(10)}" stroke="{SOFT}" stroke-dasharray="4 3"/>')
    body.append(_text(px(3.2), py(2.8), "where you agree", "start", f' transform="rotate(-45 {px(3.2)} {py(2.8)})"'))
    for t in (0, 5, 10):
        body.append(_text(left - 6, py(t) + 4, str(t), "end"))
        body.append(_text(px(t), top + size + 14, str(t), "middle"))
    body.append(_text(left + size / 2, top + size + 30, "your prediction", "middle"))
    body.append(_text(12, top + size / 2, "client's score", "middle", f' transform="rotate(-90 12 {top + size / 2})"'))
    seen: dict[tuple[float, float], int] = {}
    for x, y in pairs:  # sessions at the same spot share one circle, larger the more they are
        seen[(x, y)] = seen.get((x, y), 0) + 1
    for (x, y), n in sorted(seen.items()):
        r = 3 + 1.5 * (n - 1) ** 0.5
        body.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="{r:.1f}" fill="none" stroke="{INK}"/>')
    if any(n > 1 for n in seen.values()):
        body.append(_text(left + size + 12, top + 12, "a larger circle: more sessions"))
        body.append(_text(left + size + 12, top + 26, "at the same point"))
    above = sum(1 for x, y in pairs if y > x)
    below = sum(1 for x, y in pairs if y < x)
    text = (
        f"{title}: {len(pairs)} sessions with both your prediction and the client's score; "
        f"the client rated higher than you predicted in {above}, lower in {below}, "
        f"the same in {len(pairs) - above - below}."
    )
    return Chart(_svg(uid, title, text, top + size + 40, body), text)

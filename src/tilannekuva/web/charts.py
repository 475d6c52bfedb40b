"""Charts drawn on the server as SVG: a line chart over time, a bar chart across units and a
sparkline for cards.

Why server-side SVG and not a JavaScript library: pages must work without JavaScript and
without internet access, and the Content-Security-Policy forbids inline scripts and styles.
So every chart is plain SVG markup with presentation attributes (``fill``, ``stroke``), and it
scales with its container through its ``viewBox``.

Accessibility (WCAG 2.1 AA, product brief "tables behind every chart"):

- each chart is ``role="img"`` named by its ``<title>`` and described by its ``<desc>``
  (``aria-labelledby``); the page puts the data table and a text summary next to it;
- series colours are the Okabe–Ito colour-blind-safe palette, with orange, sky blue and
  yellow darkened to the same hue so every line reaches 3:1 against white (1.4.11); each
  series also has its own marker shape and dash pattern, so colour is never the only cue;
- text is near-black or dark grey (at least 4.5:1, 1.4.3);
- a missing or suppressed value is a gap in the line and an empty bar with its note, never a
  zero.

All text passed in is escaped; numbers on axes are formatted by the reader's
:class:`~tilannekuva.web.i18n.Formatter`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from tilannekuva.web.i18n import Formatter

# Okabe & Ito (2008), "Color Universal Design"; contrast against white in the comment.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue, 5.2:1
    "#D55E00",  # vermillion, 3.9:1
    "#009E73",  # bluish green, 3.4:1
    "#CC79A7",  # reddish purple, 3.1:1
    "#A66F00",  # orange #E69F00 darkened, 4.3:1
    "#3D87B8",  # sky blue #56B4E9 darkened, 3.9:1
    "#8A7E00",  # yellow #F0E442 darkened, 4.2:1
    "#000000",  # black, 21:1
)
DASHES: tuple[str, ...] = ("", "8 4", "2 3", "10 3 2 3", "5 5", "12 4", "1 4", "14 3 3 3 3 3")
MARKERS: tuple[str, ...] = (
    "circle",
    "square",
    "triangle",
    "diamond",
    "triangle-down",
    "plus",
    "cross",
    "star",
)
TEXT = "#1a1a1a"  # 17:1
MUTED_TEXT = "#4a4a4a"  # 8.9:1
AXIS = "#595959"  # 7:1
GRID = "#d9d9d9"  # decorative only; the tick labels carry the values
TARGET = "#4a4a4a"
TARGET_DASH = "10 5"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
CHAR_WIDTH = 7.8  # a generous average glyph advance at 13 px, for layout estimates
LABEL_CHARS = 34  # longest bar label before it is shortened with an ellipsis

_ids = itertools.count(1)


@dataclass(frozen=True)
class Point:
    """One value on a time axis; ``label`` is already formatted for the reader's locale."""

    label: str
    value: float | None


@dataclass(frozen=True)
class Series:
    """One line of a line chart (the county, a unit or a municipality)."""

    name: str
    points: list[Point]


@dataclass(frozen=True)
class Bar:
    """One bar; ``note`` says why a value is missing (e.g. "suppressed")."""

    label: str
    value: float | None
    note: str = ""


def line_chart(
    series: list[Series],
    *,
    title: str,
    description: str,
    fmt: Formatter,
    target: float | None = None,
    target_label: str = "",
    y_min: float | None = None,
    y_max: float | None = None,
) -> Markup:
    """Series over shared x labels (the union of the series' labels in order of first
    appearance; give every series the same labels, ``None`` where a value is missing)."""
    width, left, top = 640.0, 64.0, 24.0
    plot_height = 220.0
    labels = _ordered_labels(series)
    # Room for half of the last x label, which is centred on the plot's right edge.
    right = max(24.0, len(labels[-1]) * CHAR_WIDTH / 2 + 6) if labels else 24.0
    values = [p.value for s in series for p in s.points if p.value is not None]
    low, high = _domain(values, target, y_min, y_max)
    ticks = _ticks(low, high)
    low, high = min(low, ticks[0]), max(high, ticks[-1])
    plot_width = width - left - right
    bottom = top + plot_height

    def x_of(label: str) -> float:
        if len(labels) == 1:
            return left + plot_width / 2
        return left + plot_width * labels.index(label) / (len(labels) - 1)

    def y_of(value: float) -> float:
        return bottom - plot_height * (value - low) / (high - low)

    parts: list[str] = []
    parts += _y_axis(ticks, y_of, left, width - right, fmt)
    parts += _x_labels(labels, x_of, bottom, plot_width)
    parts.append(_line(left, bottom, width - right, bottom, AXIS, 1.0))
    if target is not None:
        y = y_of(target)
        parts.append(_line(left, y, width - right, y, TARGET, 2.0, TARGET_DASH))
    for index, one in enumerate(series):
        parts += _series_marks(one, index, x_of, y_of)
    entries: list[tuple[str, int | None]] = [(s.name, i) for i, s in enumerate(series) if s.name]
    if target is not None:
        entries.append((target_label or fmt.number(target, _value_decimals(target)), None))
    legend, legend_height = _legend(entries, top=bottom + 44, width=width)
    parts += legend
    height = bottom + 44 + legend_height + 8
    return _svg(width, height, title, description, parts)


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    description: str,
    fmt: Formatter,
    target: float | None = None,
    target_label: str = "",
    value_text: Callable[[float], str] | None = None,
) -> Markup:
    """Horizontal bars in the order given (sort them before), from zero; a bar without a
    value shows its note (or a dash) instead of a bar. ``value_text`` writes the number at
    a bar's end (default: the locale's number with at most one decimal), so a page can
    write it as its table and summary do (``86,9 %``, ``+33``)."""
    width, top, row = 640.0, 28.0, 26.0
    write = value_text or (lambda v: fmt.number(v, _value_decimals(v)))
    texts = [
        (write(b.value) + (f" ({b.note})" if b.note else "")) if b.value is not None else ""
        for b in bars
    ]
    right = min(200.0, max([48.0] + [len(t) * CHAR_WIDTH + 8 for t in texts]))
    label_chars = min(LABEL_CHARS, max([6] + [len(b.label) for b in bars]))
    left = label_chars * CHAR_WIDTH + 20
    values = [b.value for b in bars if b.value is not None]
    low, high = _domain(values + [0.0], target, None, None)
    ticks = _ticks(low, high)
    low, high = min(low, ticks[0]), max(high, ticks[-1])
    plot_width = width - left - right
    plot_height = row * max(len(bars), 1)
    bottom = top + plot_height

    def x_of(value: float) -> float:
        return left + plot_width * (value - low) / (high - low)

    parts: list[str] = []
    for tick in ticks:
        x = x_of(tick)
        parts.append(_line(x, top, x, bottom, GRID, 1.0))
        parts.append(_text(x, bottom + 16, fmt.number(tick, _decimals(ticks)), anchor="middle"))
    zero = x_of(0.0)
    for index, bar in enumerate(bars):
        y = top + index * row
        middle = y + row / 2
        parts.append(
            _text(left - 8, middle + 4, _clip(bar.label, label_chars), anchor="end", fill=TEXT)
        )
        if bar.value is None:
            parts.append(_text(zero + 6, middle + 4, bar.note or "–", fill=MUTED_TEXT))
            continue
        x0, x1 = sorted((zero, x_of(bar.value)))
        parts.append(
            f'<rect x="{x0:.1f}" y="{y + 4:.1f}" width="{max(x1 - x0, 1.0):.1f}" '
            f'height="{row - 8:.1f}" fill="{PALETTE[0]}"/>'
        )
        # A negative bar's value goes right of the zero line, clear of the unit labels.
        value_x = x1 + 4 if bar.value >= 0 else zero + 4
        parts.append(_text(value_x, middle + 4, texts[index], fill=TEXT, halo=True))
    parts.append(_line(zero, top, zero, bottom, AXIS, 1.0))
    if target is not None:
        x = x_of(target)
        parts.append(_line(x, top - 6, x, bottom, TARGET, 2.0, TARGET_DASH))
        label = target_label or fmt.number(target, _value_decimals(target))
        anchor = "end" if x > left + plot_width * 0.7 else "start"
        parts.append(
            _text(x + (-4 if anchor == "end" else 4), top - 10, label, anchor=anchor, fill=TEXT)
        )
    return _svg(width, bottom + 28, title, description, parts)


def sparkline(points: list[Point], *, title: str, description: str, fmt: Formatter) -> Markup:
    """A small trend line without axes (the card beside it gives the numbers); the last
    value is marked. ``fmt`` is taken for a uniform signature; a sparkline prints no
    numbers."""
    width, height, pad = 160.0, 40.0, 5.0
    values = [p.value for p in points if p.value is not None]
    low, high = _domain(values, None, None, None)
    count = len(points)

    def x_of(index: int) -> float:
        return pad if count == 1 else pad + (width - 2 * pad) * index / (count - 1)

    def y_of(value: float) -> float:
        return height - pad - (height - 2 * pad) * (value - low) / (high - low)

    coordinates = [
        None if p.value is None else (x_of(i), y_of(p.value)) for i, p in enumerate(points)
    ]
    parts = [_path(run, PALETTE[0], "", 2.0) for run in _runs(coordinates)]
    last = next((c for c in reversed(coordinates) if c is not None), None)
    if last is not None:
        parts.append(_marker("circle", last[0], last[1], PALETTE[0], size=3.5))
    return _svg(width, height, title, description, parts, css_class="chart sparkline")


# --- layout ---------------------------------------------------------------------------------


def _ordered_labels(series: Sequence[Series]) -> list[str]:
    seen: dict[str, None] = {}
    for one in series:
        for point in one.points:
            seen.setdefault(point.label, None)
    return list(seen)


def _domain(
    values: list[float], target: float | None, y_min: float | None, y_max: float | None
) -> tuple[float, float]:
    """The value range to show: the data and the target, widened when flat."""
    candidates = values + ([target] if target is not None else [])
    low = y_min if y_min is not None else min(candidates, default=0.0)
    high = y_max if y_max is not None else max(candidates, default=1.0)
    if high <= low:
        spread = abs(high) * 0.1 or 1.0
        low, high = (low if y_min is not None else low - spread), high + spread
    return float(low), float(high)


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 × 10ⁿ apart) covering ``low``…``high``."""
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _decimals(ticks: Sequence[float]) -> int:
    return 0 if all(float(t).is_integer() for t in ticks) else 1


def _value_decimals(value: float) -> int:
    return 0 if float(value).is_integer() else 1


def _x_labels(
    labels: list[str], x_of: Callable[[str], float], bottom: float, plot_width: float
) -> list[str]:
    """Every k-th label, so that the estimated widths do not overlap."""
    if not labels:
        return []
    widest = max(len(label) for label in labels) * CHAR_WIDTH + 10
    fits = max(1, int(plot_width // widest) + 1)
    step = max(1, math.ceil(len(labels) / fits))
    parts = []
    for index in range(0, len(labels), step):
        x = x_of(labels[index])
        parts.append(_line(x, bottom, x, bottom + 5, AXIS, 1.0))
        parts.append(_text(x, bottom + 20, labels[index], anchor="middle"))
    return parts


def _y_axis(
    ticks: list[float], y_of: Callable[[float], float], left: float, right: float, fmt: Formatter
) -> list[str]:
    parts = []
    decimals = _decimals(ticks)
    for tick in ticks:
        y = y_of(tick)
        parts.append(_line(left, y, right, y, GRID, 1.0))
        parts.append(_text(left - 8, y + 4, fmt.number(tick, decimals), anchor="end"))
    return parts


def _series_marks(
    one: Series, index: int, x_of: Callable[[str], float], y_of: Callable[[float], float]
) -> list[str]:
    colour, dash, marker = _style(index)
    coordinates = [None if p.value is None else (x_of(p.label), y_of(p.value)) for p in one.points]
    parts = [_path(run, colour, dash, 2.0) for run in _runs(coordinates)]
    parts += [_marker(marker, x, y, colour) for x, y in filter(None, coordinates)]
    return parts


def _legend(
    entries: list[tuple[str, int | None]], *, top: float, width: float
) -> tuple[list[str], float]:
    """Legend rows under the plot: a line sample with its marker, then the name. An entry
    without a series index is the target: its dashed line, labelled here rather than on the
    plot, where the label would cross the data lines."""
    if not entries:
        return [], 0.0
    parts: list[str] = []
    x, y, line_height = 16.0, top + 8, 22.0
    for name, index in entries:
        entry_width = 40 + len(name) * CHAR_WIDTH + 20
        if x > 16 and x + entry_width > width - 8:
            x, y = 16.0, y + line_height
        if index is None:
            parts.append(_line(x, y, x + 30, y, TARGET, 2.0, TARGET_DASH))
            parts.append(_text(x + 38, y + 4, name, fill=TEXT, weight="600"))
        else:
            colour, dash, marker = _style(index)
            parts.append(_line(x, y, x + 30, y, colour, 2.0, dash))
            parts.append(_marker(marker, x + 15, y, colour))
            parts.append(_text(x + 38, y + 4, name, fill=TEXT))
        x += entry_width
    return parts, y - top + line_height


def _style(index: int) -> tuple[str, str, str]:
    return (
        PALETTE[index % len(PALETTE)],
        DASHES[index % len(DASHES)],
        MARKERS[index % len(MARKERS)],
    )


def _runs(coordinates: Iterable[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Unbroken stretches of a line: a missing value ends one (a gap, never a zero)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in coordinates:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if len(run) > 1]


# --- SVG elements ---------------------------------------------------------------------------


def _svg(
    width: float,
    height: float,
    title: str,
    description: str,
    parts: list[str],
    *,
    css_class: str = "chart",
) -> Markup:
    number = next(_ids)
    title_id, desc_id = f"chart-{number}-title", f"chart-{number}-desc"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="{FONT}" font-size="13">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>' + "".join(parts) + "</svg>"
    )


def _line(
    x1: float, y1: float, x2: float, y2: float, colour: str, stroke_width: float, dash: str = ""
) -> str:
    dashing = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
        f'stroke-width="{stroke_width:g}"{dashing}/>'
    )


def _path(run: list[tuple[float, float]], colour: str, dash: str, stroke_width: float) -> str:
    commands = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(run))
    dashing = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path d="{commands}" fill="none" stroke="{colour}" stroke-width="{stroke_width:g}" '
        f'stroke-linejoin="round"{dashing}/>'
    )


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    fill: str = MUTED_TEXT,
    weight: str = "",
    halo: bool = False,
) -> str:
    """A text element; ``halo`` draws a white outline under the glyphs so a label stays
    readable where it crosses a line."""
    extra = f' font-weight="{weight}"' if weight else ""
    if halo:
        extra += ' stroke="#ffffff" stroke-width="3" paint-order="stroke"'
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{escape(content)}</text>"
    )


def _clip(label: str, chars: int) -> str:
    """A label shortened with an ellipsis to fit the label column (the table has it whole)."""
    return label if len(label) <= chars else label[: max(chars - 1, 1)] + "…"


def _rotated(outline: list[tuple[float, float]], degrees: float) -> list[tuple[float, float]]:
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    return [(x * cos - y * sin, x * sin + y * cos) for x, y in outline]


# Marker outlines around (0, 0), in units of the marker size; the plus is one arm turned four
# times, the cross is the plus turned 45 degrees, the star has five points.
_ARM = [(-0.35, -1.2), (0.35, -1.2), (0.35, -0.35)]
_PLUS = [corner for turn in range(4) for corner in _rotated(_ARM, 90 * turn)]
_OUTLINES: dict[str, list[tuple[float, float]]] = {
    "triangle": [(0, -1.2), (1.1, 0.9), (-1.1, 0.9)],
    "triangle-down": [(0, 1.2), (1.1, -0.9), (-1.1, -0.9)],
    "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
    "plus": _PLUS,
    "cross": _rotated(_PLUS, 45),
    "star": [_rotated([(0, -1.3 if k % 2 == 0 else -0.55)], 36 * k)[0] for k in range(10)],
}


def _marker(shape: str, x: float, y: float, colour: str, *, size: float = 4.5) -> str:
    """A filled marker; a white outline keeps overlapping markers apart."""
    common = f'fill="{colour}" stroke="#ffffff" stroke-width="1"'
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" {common}/>'
    if shape == "square":
        return (
            f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" '
            f'height="{2 * size:.1f}" {common}/>'
        )
    points = " ".join(f"{x + dx * size:.1f},{y + dy * size:.1f}" for dx, dy in _OUTLINES[shape])
    return f'<polygon points="{points}" {common}/>'

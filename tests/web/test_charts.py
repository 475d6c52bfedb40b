"""Server-rendered SVG charts: accessible names, no inline styles, gaps for missing values,
series told apart without colour, and colours with enough contrast against white."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tilannekuva.web import charts
from tilannekuva.web.charts import Bar, Point, Series, bar_chart, line_chart, sparkline
from tilannekuva.web.i18n import Formatter

SVG = "{http://www.w3.org/2000/svg}"
FI = Formatter("fi")


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def months(values: list[float | None]) -> list[Point]:
    return [Point(f"{i + 1}/2025", value) for i, value in enumerate(values)]


def contrast_on_white(colour: str) -> float:
    """WCAG 2.1 contrast ratio of a #rrggbb colour against white."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_line_chart_is_an_image_named_by_its_title_and_description() -> None:
    svg = parse(
        line_chart(
            [Series("Koko alue", months([80.0, 82.5]))],
            title="Hoitotakuu",
            description="Kaksi kuukautta",
            fmt=FI,
        )
    )
    assert svg.get("role") == "img"
    assert svg.get("viewBox", "").startswith("0 0 ")
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.text == "Hoitotakuu"
    assert desc is not None and desc.text == "Kaksi kuukautta"
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_each_chart_gets_its_own_ids() -> None:
    first = parse(sparkline(months([1.0, 2.0]), title="a", description="b", fmt=FI))
    second = parse(sparkline(months([1.0, 2.0]), title="a", description="b", fmt=FI))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_text_is_escaped_and_no_inline_styles() -> None:
    markup = str(
        line_chart(
            [Series("<script>x</script> & co", months([1.0, 2.0]))],
            title='"<b>"',
            description="a < b",
            fmt=FI,
            target=1.5,
            target_label="<i>target</i>",
        )
    )
    markup += str(bar_chart([Bar("<u>", 3.0, "<n>")], title="t", description="d", fmt=FI))
    assert "<script>" not in markup and "<u>" not in markup and "<i>" not in markup
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in markup
    assert not re.search(r"\sstyle=", markup)
    parse(markup.split("</svg>")[0] + "</svg>")  # well-formed XML


def test_missing_values_are_gaps_not_zeros() -> None:
    svg = parse(
        line_chart(
            [Series("A", months([50.0, 60.0, None, 70.0, 80.0]))],
            title="t",
            description="d",
            fmt=FI,
            y_min=0,
            y_max=100,
        )
    )
    paths = svg.findall(f"{SVG}path")
    assert len(paths) == 2  # two stretches around the gap
    markers = svg.findall(f"{SVG}circle")
    assert len(markers) == 4 + 1  # four values and the legend's sample marker
    # No marker sits on the zero line: the missing month is not drawn as 0.
    zero_y = _tick_y(svg, "0")
    assert all(abs(float(m.get("cy", "0")) - zero_y) > 1 for m in markers[:4])


def _tick_y(svg: ET.Element, label: str) -> float:
    text = next(t for t in svg.iter(f"{SVG}text") if t.text == label)
    return float(text.get("y", "0")) - 4


def test_series_differ_in_colour_dash_and_marker() -> None:
    series = [Series(f"S{i}", months([float(i), float(i + 1)])) for i in range(8)]
    svg = parse(line_chart(series, title="t", description="d", fmt=FI))
    paths = svg.findall(f"{SVG}path")
    assert len({p.get("stroke") for p in paths}) == 8
    assert len({p.get("stroke-dasharray", "solid") for p in paths}) == 8
    assert len(set(charts.MARKERS)) == 8
    legend = [t.text for t in svg.iter(f"{SVG}text") if t.text and t.text.startswith("S")]
    assert legend == [f"S{i}" for i in range(8)]


def test_target_is_a_labelled_dashed_line() -> None:
    svg = parse(
        line_chart(
            [Series("A", months([70.0, 90.0]))],
            title="t",
            description="d",
            fmt=FI,
            target=80.0,
            target_label="Tavoite ≥ 80 %",
        )
    )
    assert any(t.text == "Tavoite ≥ 80 %" for t in svg.iter(f"{SVG}text"))
    dashed = [
        line
        for line in svg.findall(f"{SVG}line")
        if line.get("stroke") == charts.TARGET and line.get("stroke-dasharray")
    ]
    assert len(dashed) == 2  # across the plot, and its sample beside the label
    across = max(dashed, key=lambda line: float(line.get("x2", 0)) - float(line.get("x1", 0)))
    assert across.get("y1") == across.get("y2")  # horizontal
    low, high = (float(c.get("cy", 0)) for c in svg.findall(f"{SVG}circle")[:2])
    assert high < float(across.get("y1", 0)) < low  # 80 lies between 70 and 90
    assert float(across.get("y1", 0)) == pytest.approx((low + high) / 2)


def test_axis_ticks_use_the_readers_decimal_comma() -> None:
    svg = parse(line_chart([Series("A", months([0.2, 1.1]))], title="t", description="d", fmt=FI))
    labels = {t.text for t in svg.iter(f"{SVG}text")}
    assert "0,5" in labels or "0,2" in labels
    assert not any(label and re.fullmatch(r"\d+\.\d+", label) for label in labels)


def test_bar_chart_keeps_order_and_shows_notes_instead_of_bars() -> None:
    bars = [Bar("Kuhmo", 71.2), Bar("Kajaani", 86.9), Bar("Paltamo", None, "piilotettu")]
    svg = parse(
        bar_chart(bars, title="t", description="d", fmt=FI, target=80.0, target_label="80 %")
    )
    rects = svg.findall(f"{SVG}rect")
    assert len(rects) == 2  # no bar for the suppressed unit
    widths = [float(r.get("width", "0")) for r in rects]
    assert widths[0] < widths[1]  # 71,2 before 86,9, as given
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts.index("Kuhmo") < texts.index("Kajaani") < texts.index("Paltamo")
    assert "piilotettu" in texts and "71,2" in texts and "80 %" in texts


def test_bar_chart_writes_values_as_the_page_does() -> None:
    svg = parse(
        bar_chart(
            [Bar("A", -20.0), Bar("B", 35.0)],
            title="t",
            description="d",
            fmt=FI,
            value_text=lambda v: f"{v:+.0f}",
        )
    )
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "-20" in texts and "+35" in texts


def test_long_bar_labels_are_shortened_with_an_ellipsis() -> None:
    name = "Hyrynsalmen terveysasema, mielenterveys- ja päihdepalvelut"
    svg = parse(bar_chart([Bar(name, 5.0)], title="t", description="d", fmt=FI))
    label = next(t.text for t in svg.iter(f"{SVG}text") if t.text and t.text.startswith("Hyryn"))
    assert label is not None and label.endswith("…")
    assert len(label) == charts.LABEL_CHARS


def test_sparkline_marks_the_last_value_and_skips_gaps() -> None:
    svg = parse(sparkline(months([1.0, 2.0, None, 3.0, 4.0]), title="t", description="d", fmt=FI))
    assert len(svg.findall(f"{SVG}path")) == 2
    assert len(svg.findall(f"{SVG}circle")) == 1


def test_a_chart_without_values_still_renders() -> None:
    svg = parse(line_chart([Series("A", months([None, None]))], title="t", description="d", fmt=FI))
    assert svg.findall(f"{SVG}path") == []


@pytest.mark.parametrize("colour", [*charts.PALETTE, charts.TARGET, charts.AXIS])
def test_graphics_reach_3_to_1_against_white(colour: str) -> None:
    assert contrast_on_white(colour) >= 3.0


@pytest.mark.parametrize("colour", [charts.TEXT, charts.MUTED_TEXT])
def test_text_reaches_4_5_to_1_against_white(colour: str) -> None:
    assert contrast_on_white(colour) >= 4.5

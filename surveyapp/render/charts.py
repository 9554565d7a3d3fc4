"""Charts as reportlab Drawings: the PDF draws them as they are and the web page as SVG.

Each chart reads a report_blocks.Chart and nothing else. Series differ by
line style and marker shape as well as colour, so no reader depends on
colour alone, and every chart's numbers are also in a table beside it.
Everything scales with the font size, because the web page's stylesheet
sets the SVG text size and the drawing must be laid out for it.
"""
from __future__ import annotations

import math
from types import MappingProxyType

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.attrmap import AttrMap, AttrMapValue
from reportlab.lib.validators import isAnything
from reportlab.pdfbase.pdfmetrics import stringWidth

from surveyapp.render.fonts import register_fonts
from surveyapp.reports.blocks import Chart

BASE_FONT_SIZE = 9.0
# (colour, dash pattern, marker) per series: colour, line and shape all differ.
STYLES = (
    ("#0b4f5c", None, "circle"),
    ("#b3541e", (6, 3), "square"),
    ("#505a5f", (2, 2), "diamond"),
)
TEXT = colors.HexColor("#0b0c0c")
GRID = colors.HexColor("#b1b4b6")
AXIS = colors.HexColor("#505a5f")


class ChartDrawing(Drawing):
    """A Drawing laid out for one font size, with text helpers."""

    # reportlab checks every attribute set on a shape; these are the layout's own
    _attrMap = AttrMap(BASE=Drawing, **{name: AttrMapValue(isAnything) for name in (
        "chart", "font", "bold", "fs", "s", "radius", "cx", "cy", "left", "right")})

    def __init__(self, width: float, height: float, font_size: float):
        super().__init__(width, height)
        self.font, self.bold = register_fonts()
        self.fs = font_size
        self.s = font_size / BASE_FONT_SIZE

    def add_text(self, x: float, y: float, value: str, anchor: str = "start", bold: bool = False) -> None:
        """Add one line of text; the anchor is kept for SVG so browsers align it in their own font."""
        label = String(x, y, value, fontName=self.bold if bold else self.font, fontSize=self.fs,
                       fillColor=TEXT, textAnchor=anchor)
        label._svgAttrs = {"data-anchor": anchor, "data-x": f"{x:.2f}"}
        self.add(label)

    def wrap_text(self, value: str, width: float, max_lines: int = 3) -> list[str]:
        """Break text into lines no wider than width, shortening the last line with an ellipsis."""
        lines, line = [], ""
        for word in value.split():
            trial = f"{line} {word}".strip()
            if line and stringWidth(trial, self.font, self.fs) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        if line:
            lines.append(line)
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            last = lines[-1]
            while last and stringWidth(last + "…", self.font, self.fs) > width:
                last = last[:-1]
            lines[-1] = last.rstrip() + "…"
        return lines or [""]

    def marker(self, x: float, y: float, shape: str, colour) -> None:
        """Add a series marker: circle, square or diamond."""
        r = 3.2 * self.s
        if shape == "circle":
            self.add(Circle(x, y, r, fillColor=colour, strokeColor=colour))
        elif shape == "square":
            self.add(Rect(x - r, y - r, 2 * r, 2 * r, fillColor=colour, strokeColor=colour))
        else:
            self.add(Polygon([x, y + r * 1.3, x + r * 1.3, y, x, y - r * 1.3, x - r * 1.3, y],
                             fillColor=colour, strokeColor=colour))

    def legend(self, chart: Chart, top: float) -> None:
        """Draw one legend row per series below `top`: line sample, marker, name and any note."""
        y = top
        for n, series in enumerate(chart.series):
            colour, dash, shape = _style(n)
            y -= self.fs * 1.8
            x = 20 * self.s
            self.add(Line(x, y + self.fs * 0.35, x + 24 * self.s, y + self.fs * 0.35, strokeColor=colour,
                          strokeWidth=2 * self.s, strokeDashArray=_dash(dash, self.s)))
            self.marker(x + 12 * self.s, y + self.fs * 0.35, shape, colour)
            label = series.name + (f" ({series.note})" if series.note else "")
            self.add_text(x + 32 * self.s, y, label)


def _style(n: int):
    """Return (colour, dash, marker) for the nth series."""
    colour, dash, shape = STYLES[n % len(STYLES)]
    return colors.HexColor(colour), dash, shape


def _dash(dash, scale: float):
    """Scale a dash pattern, or None for a solid line."""
    return [d * scale for d in dash] if dash else None


def _legend_height(chart: Chart, font_size: float) -> float:
    """Return the height the legend needs."""
    return len(chart.series) * font_size * 1.8 + font_size


class RadarChart(ChartDrawing):
    """A radar (spider) chart: one spoke per category, one outline per series."""

    def __init__(self, chart: Chart, font_size: float = BASE_FONT_SIZE):
        s = font_size / BASE_FONT_SIZE
        radius, label_room = 118 * s, 46 * s
        legend = _legend_height(chart, font_size)
        super().__init__(500 * s, legend + 2 * (radius + label_room), font_size)
        self.chart, self.radius = chart, radius
        self.cx, self.cy = self.width / 2, legend + label_room + radius
        self._grid()
        self._labels()
        for n, series in enumerate(chart.series):
            self._series(n, series.values)
        self.legend(chart, legend)

    def _angle(self, i: int) -> float:
        """Return the angle of spoke i: the first points up, the rest follow clockwise."""
        return math.pi / 2 - 2 * math.pi * i / len(self.chart.categories)

    def _point(self, i: int, value: float) -> tuple[float, float]:
        """Return the position of a value on spoke i."""
        share = (value - self.chart.low) / ((self.chart.high - self.chart.low) or 1)
        r = self.radius * max(0.0, min(1.0, share))
        return self.cx + r * math.cos(self._angle(i)), self.cy + r * math.sin(self._angle(i))

    def _grid(self) -> None:
        """Draw a ring at each whole level, the spokes, and the level values up the first spoke."""
        n = len(self.chart.categories)
        levels = range(math.ceil(self.chart.low), math.floor(self.chart.high) + 1)
        for level in levels:
            points = [c for i in range(n) for c in self._point(i, level)]
            self.add(Polygon(points, fillColor=None, strokeColor=GRID, strokeWidth=0.8 * self.s))
            # level values sit midway between the first two spokes, clear of the series markers
            (x0, y0), (x1, y1) = self._point(0, level), self._point(1, level)
            self.add_text((x0 + x1) / 2 + 2 * self.s, (y0 + y1) / 2 + 2 * self.s, f"{level:g}")
        for i in range(n):
            x, y = self._point(i, self.chart.high)
            self.add(Line(self.cx, self.cy, x, y, strokeColor=AXIS, strokeWidth=0.8 * self.s))

    def _labels(self) -> None:
        """Put each category's name, wrapped, just outside its spoke."""
        for i, name in enumerate(self.chart.categories):
            angle = self._angle(i)
            cos, sin = math.cos(angle), math.sin(angle)
            gap = (14 if sin > 0.5 else 8) * self.s
            x = self.cx + (self.radius + gap) * cos
            y = self.cy + (self.radius + gap) * sin
            anchor = "start" if cos > 0.2 else "end" if cos < -0.2 else "middle"
            lines = self.wrap_text(name, 118 * self.s)
            step = self.fs * 1.15
            # lines go up above the chart, down below it, and centre on the sides
            first = (y + (len(lines) - 1) * step if sin > 0.5
                     else y - step * 0.8 if sin < -0.5
                     else y + (len(lines) - 1) * step / 2 - self.fs * 0.35)
            for k, line in enumerate(lines):
                self.add_text(x, first - k * step, line, anchor)

    def _series(self, n: int, values) -> None:
        """Draw one series: a closed outline where every value is present, else its segments."""
        colour, dash, shape = _style(n)
        points = {i: self._point(i, v) for i, v in enumerate(values) if v is not None}
        width, pattern = 2 * self.s, _dash(dash, self.s)
        count = len(values)
        if points and len(points) == count:
            fill = colors.Color(colour.red, colour.green, colour.blue, alpha=0.10)
            self.add(Polygon([c for i in range(count) for c in points[i]], fillColor=fill, strokeColor=colour,
                             strokeWidth=width, strokeDashArray=pattern))
        else:
            for i in range(count):
                j = (i + 1) % count
                if i in points and j in points and count > 1:
                    self.add(PolyLine([*points[i], *points[j]], strokeColor=colour, strokeWidth=width,
                                      strokeDashArray=pattern))
        for x, y in points.values():
            self.marker(x, y, shape, colour)


class BarChart(ChartDrawing):
    """A vertical bar chart: one group of bars per category, value printed above each bar."""

    def __init__(self, chart: Chart, font_size: float = BASE_FONT_SIZE):
        s = font_size / BASE_FONT_SIZE
        self.chart = chart
        width = 500 * s
        left, right = 44 * s, 12 * s
        slot = (width - left - right) / max(len(chart.categories), 1)
        super().__init__(width, 10, font_size)
        label_lines = [self.wrap_text(c, slot - 6 * s, max_lines=3) for c in chart.categories]
        label_room = max(len(lines) for lines in label_lines) * font_size * 1.15 + 8 * s
        legend = _legend_height(chart, font_size) if len(chart.series) > 1 else 0
        plot_h = 190 * s
        self.height = legend + label_room + plot_h + 24 * s
        base = legend + label_room
        self._axes(left, base, width - right, plot_h)
        for k, lines in enumerate(label_lines):
            x = left + slot * (k + 0.5)
            for line_no, line in enumerate(lines):
                self.add_text(x, base - 4 * s - (line_no + 1) * font_size * 1.1, line, "middle")
        self._bars(left, base, slot, plot_h)
        if legend:
            self.legend(chart, legend)

    def _ticks(self) -> list[float]:
        """Return the value axis ticks: whole numbers, at most about six of them."""
        low, high = self.chart.low, self.chart.high
        step = max(1, math.ceil((high - low) / 6))
        ticks, value = [], math.floor(low)
        while value <= high + 1e-9:
            ticks.append(float(value))
            value += step
        if ticks[-1] < high:
            ticks.append(ticks[-1] + step)
        return ticks

    def _y(self, value: float, base: float, plot_h: float) -> float:
        """Return the height of a value on the plot."""
        ticks = self._ticks()
        return base + plot_h * (value - ticks[0]) / ((ticks[-1] - ticks[0]) or 1)

    def _axes(self, left: float, base: float, right: float, plot_h: float) -> None:
        """Draw gridlines with their values and the baseline."""
        for tick in self._ticks():
            y = self._y(tick, base, plot_h)
            self.add(Line(left, y, right, y, strokeColor=GRID, strokeWidth=0.8 * self.s,
                          strokeDashArray=[2 * self.s, 3 * self.s]))
            self.add_text(left - 6 * self.s, y - self.fs * 0.35, f"{tick:g}", "end")
        self.add(Line(left, base, right, base, strokeColor=AXIS, strokeWidth=1.2 * self.s))

    def _bars(self, left: float, base: float, slot: float, plot_h: float) -> None:
        """Draw each series' bars with their values above them."""
        count = len(self.chart.series)
        bar_w = min(60 * self.s, (slot * 0.7) / max(count, 1))
        integers = all(v is None or float(v).is_integer() for s in self.chart.series for v in s.values)
        for n, series in enumerate(self.chart.series):
            colour, dash, _ = _style(n)
            fill = colour if n == 0 else colors.Color(colour.red, colour.green, colour.blue, alpha=0.35)
            for k, value in enumerate(series.values):
                x = left + slot * (k + 0.5) - bar_w * count / 2 + bar_w * n
                if value is None:
                    self.add_text(x + bar_w / 2, base + 3 * self.s, "c", "middle")
                    continue
                top = self._y(value, base, plot_h)
                self.add(Rect(x, base, bar_w, top - base, fillColor=fill, strokeColor=colour,
                              strokeWidth=self.s, strokeDashArray=_dash(dash, self.s)))
                shown = f"{value:.0f}" if integers else f"{value:.1f}"
                self.add_text(x + bar_w / 2, top + 3 * self.s, shown, "middle")


class DotChart(ChartDrawing):
    """A ranked dot chart: one row per category, highest first, each series a marker on the row's scale.

    Laid out narrow (about 26 characters of text wide) so that on a phone's screen the
    text stays near its set size; each category's name has the full width above its row.
    """

    def __init__(self, chart: Chart, font_size: float = BASE_FONT_SIZE):
        s = font_size / BASE_FONT_SIZE
        width = 26 * font_size
        super().__init__(width, 10, font_size)
        self.chart = chart
        self.left, self.right = 10 * s, width - 10 * s
        rows = ranked(chart)
        label_lines = [self.wrap_text(chart.categories[k], self.right - self.left, max_lines=2) for k in rows]
        row_heights = [len(lines) * font_size * 1.2 + font_size * 1.6 for lines in label_lines]
        legend_lines = [self.wrap_text(self._legend_label(series), self.right - 32 * s - self.left, max_lines=3)
                        for series in chart.series]
        legend = sum(len(lines) for lines in legend_lines) * font_size * 1.3 + len(chart.series) * font_size * 0.6 \
            + font_size
        axis = font_size * 2.4
        self.height = legend + axis + sum(row_heights) + font_size
        y = self.height - font_size * 0.5
        self._axis(y - font_size)
        y -= axis
        for k, lines, h in zip(rows, label_lines, row_heights):
            for n, line in enumerate(lines):
                self.add_text(self.left, y - (n + 1) * font_size * 1.2 + font_size * 0.25, line)
            track = y - len(lines) * font_size * 1.2 - font_size * 0.8
            self.add(Line(self.left, track, self.right, track, strokeColor=GRID, strokeWidth=0.8 * s))
            for n, series in enumerate(chart.series):
                value = series.values[k]
                colour, _, shape = _style(n)
                if value is not None:
                    self.marker(self._x(value), track, shape, colour)
            y -= h
        self._wrapped_legend(legend_lines, legend)

    @staticmethod
    def _legend_label(series) -> str:
        """Name a series in the legend, with its note."""
        return series.name + (f" ({series.note})" if series.note else "")

    def _wrapped_legend(self, legend_lines: list[list[str]], top: float) -> None:
        """Draw the legend with each series' name wrapped on spaces to the chart's width."""
        y = top
        for n, lines in enumerate(legend_lines):
            colour, dash, shape = _style(n)
            y -= self.fs * 1.9
            x = self.left
            self.add(Line(x, y + self.fs * 0.35, x + 24 * self.s, y + self.fs * 0.35, strokeColor=colour,
                          strokeWidth=2 * self.s, strokeDashArray=_dash(dash, self.s)))
            self.marker(x + 12 * self.s, y + self.fs * 0.35, shape, colour)
            for k, line in enumerate(lines):
                self.add_text(x + 32 * self.s, y - k * self.fs * 1.3, line)
            y -= (len(lines) - 1) * self.fs * 1.3

    def _x(self, value: float) -> float:
        """Return the position of a value along a row."""
        share = (value - self.chart.low) / ((self.chart.high - self.chart.low) or 1)
        return self.left + (self.right - self.left) * max(0.0, min(1.0, share))

    def _axis(self, y: float) -> None:
        """Write the scale's whole values along the top, with faint lines down through every row."""
        for level in range(math.ceil(self.chart.low), math.floor(self.chart.high) + 1):
            anchor = "start" if level == self.chart.low else "end" if level == self.chart.high else "middle"
            self.add_text(self._x(level), y, f"{level:g}", anchor)


def ranked(chart: Chart) -> list[int]:
    """Return the categories' positions, highest value of the first series first; missing values last."""
    first = chart.series[0].values if chart.series else ()
    return sorted(range(len(chart.categories)),
                  key=lambda k: (first[k] is None, -(first[k] or 0.0), k) if first else k)


CHARTS = MappingProxyType({"radar": RadarChart, "bars": BarChart, "dots": DotChart})


def drawing_for(chart: Chart, font_size: float = BASE_FONT_SIZE) -> ChartDrawing:
    """Return the Drawing that shows a report chart."""
    return CHARTS[chart.chart](chart, font_size)

"""A radar (spider) chart: one spoke per category, one outline per series (3 to 8 categories)."""
from __future__ import annotations

import math

from reportlab.graphics.shapes import Line, Polygon, PolyLine
from reportlab.lib import colors

from surveyapp.render.chart_base import (
    AXIS,
    BASE_FONT_SIZE,
    GRID,
    ChartDrawing,
    legend_height,
    scaled_dash,
    series_style,
)
from surveyapp.reports.blocks import Chart


class RadarChart(ChartDrawing):
    """A radar (spider) chart: one spoke per category, one outline per series."""

    def __init__(self, chart: Chart, font_size: float = BASE_FONT_SIZE):
        s = font_size / BASE_FONT_SIZE
        radius, label_room = 118 * s, 46 * s
        legend = legend_height(chart, font_size)
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
        colour, dash, shape = series_style(n)
        points = {i: self._point(i, v) for i, v in enumerate(values) if v is not None}
        width, pattern = 2 * self.s, scaled_dash(dash, self.s)
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



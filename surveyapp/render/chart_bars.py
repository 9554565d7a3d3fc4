"""A bar chart: one group of bars per category, one bar per series."""
from __future__ import annotations

import math

from reportlab.graphics.shapes import Line, Rect
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
        legend = legend_height(chart, font_size) if len(chart.series) > 1 else 0
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
            colour, dash, _ = series_style(n)
            fill = colour if n == 0 else colors.Color(colour.red, colour.green, colour.blue, alpha=0.35)
            for k, value in enumerate(series.values):
                x = left + slot * (k + 0.5) - bar_w * count / 2 + bar_w * n
                if value is None:
                    self.add_text(x + bar_w / 2, base + 3 * self.s, "c", "middle")
                    continue
                top = self._y(value, base, plot_h)
                self.add(Rect(x, base, bar_w, top - base, fillColor=fill, strokeColor=colour,
                              strokeWidth=self.s, strokeDashArray=scaled_dash(dash, self.s)))
                shown = f"{value:.0f}" if integers else f"{value:.1f}"
                self.add_text(x + bar_w / 2, top + 3 * self.s, shown, "middle")



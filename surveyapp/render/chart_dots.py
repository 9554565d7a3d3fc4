"""A ranked dot chart: categories sorted by the first series, one row each (more than 8 categories)."""
from __future__ import annotations

import math

from reportlab.graphics.shapes import Line

from surveyapp.render.chart_base import (
    BASE_FONT_SIZE,
    GRID,
    ChartDrawing,
    scaled_dash,
    series_style,
)
from surveyapp.reports.blocks import Chart


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
                colour, _, shape = series_style(n)
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
            colour, dash, shape = series_style(n)
            y -= self.fs * 1.9
            x = self.left
            self.add(Line(x, y + self.fs * 0.35, x + 24 * self.s, y + self.fs * 0.35, strokeColor=colour,
                          strokeWidth=2 * self.s, strokeDashArray=scaled_dash(dash, self.s)))
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



"""Charts as reportlab Drawings: which Drawing shows a report chart (chart_radar, chart_bars, chart_dots).

The PDF draws them as they are and the web page as SVG.

Each chart reads a report_blocks.Chart and nothing else. Series differ by
line style and marker shape as well as colour, so no reader depends on
colour alone, and every chart's numbers are also in a table beside it.
Everything scales with the font size, because the web page's stylesheet
sets the SVG text size and the drawing must be laid out for it.
"""
from __future__ import annotations

from types import MappingProxyType

from surveyapp.render.chart_bars import BarChart
from surveyapp.render.chart_base import BASE_FONT_SIZE, ChartDrawing
from surveyapp.render.chart_dots import DotChart, ranked
from surveyapp.render.chart_radar import RadarChart
from surveyapp.reports.blocks import Chart

__all__ = ["BASE_FONT_SIZE", "CHARTS", "BarChart", "ChartDrawing", "DotChart", "RadarChart", "drawing_for", "ranked"]

CHARTS = MappingProxyType({"radar": RadarChart, "bars": BarChart, "dots": DotChart})


def drawing_for(chart: Chart, font_size: float = BASE_FONT_SIZE) -> ChartDrawing:
    """Return the Drawing that shows a report chart."""
    return CHARTS[chart.chart](chart, font_size)

"""What every chart shares: a Drawing laid out for one font size, its text helpers, series styles."""
from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
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
            colour, dash, shape = series_style(n)
            y -= self.fs * 1.8
            x = 20 * self.s
            self.add(Line(x, y + self.fs * 0.35, x + 24 * self.s, y + self.fs * 0.35, strokeColor=colour,
                          strokeWidth=2 * self.s, strokeDashArray=scaled_dash(dash, self.s)))
            self.marker(x + 12 * self.s, y + self.fs * 0.35, shape, colour)
            label = series.name + (f" ({series.note})" if series.note else "")
            self.add_text(x + 32 * self.s, y, label)


def series_style(n: int):
    """Return (colour, dash, marker) for the nth series."""
    colour, dash, shape = STYLES[n % len(STYLES)]
    return colors.HexColor(colour), dash, shape


def scaled_dash(dash, scale: float):
    """Scale a dash pattern, or None for a solid line."""
    return [d * scale for d in dash] if dash else None


def legend_height(chart: Chart, font_size: float) -> float:
    """Return the height the legend needs."""
    return len(chart.series) * font_size * 1.8 + font_size



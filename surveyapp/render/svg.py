"""Render a chart Drawing as SVG markup fit to put inside an HTML page.

reportlab writes inline style attributes, fixed sizes and the same ids in
every chart. The page's Content-Security-Policy refuses style attributes,
and two charts on one page must not share ids, so the markup is rewritten:
styles become presentation attributes, ids get the chart's prefix, and the
SVG gets role="img" with a title and description as its accessible name.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from reportlab.graphics import renderSVG

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)
# CSS properties reportlab writes that SVG also accepts as attributes.
PRESENTATION = frozenset({
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-dasharray", "stroke-opacity", "stroke-miterlimit", "font-family", "font-size", "font-weight",
    "clip-path", "opacity",
})
ANCHORS = {"start": "start", "middle": "middle", "end": "end"}
# Geometry is drawn from published (rounded) figures; two decimals of a pixel is more than a screen
# shows, and a drawn point must not carry more digits than the figure it stands for.
GEOMETRY = frozenset({"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "points", "d",
                      "transform", "viewBox"})
LONG_NUMBER = re.compile(r"-?\d+\.\d{3,}")


def svg_markup(drawing, chart_id: str, title: str, description: str) -> str:
    """Return accessible, CSP-safe SVG markup for a Drawing."""
    root = ET.fromstring(renderSVG.drawToString(drawing).encode("utf-8"))
    for name in ("width", "height"):
        root.attrib.pop(name, None)  # the viewBox stays: the chart scales to its container
    ids = {}
    for element in root.iter():
        if "id" in element.attrib:
            ids[element.get("id")] = f"{chart_id}-{element.get('id')}"
            element.set("id", ids[element.get("id")])
    _label(root, chart_id, title, description)
    for element in root.iter():
        _style_to_attributes(element)
        _restore_anchor(element)
        _round_geometry(element)
        for key, value in list(element.attrib.items()):
            if "url(#" in value:
                element.set(key, re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{ids.get(m[1], m[1])})", value))
    return ET.tostring(root, encoding="unicode")


def _label(root, chart_id: str, title: str, description: str) -> None:
    """Replace reportlab's placeholder title and description with real ones, and name the image."""
    for tag in ("title", "desc"):
        for old in root.findall(f"{{{SVG}}}{tag}"):
            root.remove(old)
    desc = ET.Element(f"{{{SVG}}}desc", {"id": f"{chart_id}-desc"})
    desc.text = description
    root.insert(0, desc)
    heading = ET.Element(f"{{{SVG}}}title", {"id": f"{chart_id}-title"})
    heading.text = title
    root.insert(0, heading)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    root.set("focusable", "false")


def _style_to_attributes(element) -> None:
    """Move a style attribute's declarations into presentation attributes."""
    style = element.attrib.pop("style", None)
    if not style:
        return
    for declaration in style.split(";"):
        if ":" not in declaration:
            continue
        name, value = (part.strip() for part in declaration.split(":", 1))
        if name in PRESENTATION and value:
            element.set(name, value.removesuffix("px") if name == "font-size" else value)


def _restore_anchor(element) -> None:
    """Let the browser anchor text itself, since it draws in its own font, not the PDF's."""
    anchor = element.attrib.pop("data-anchor", None)
    x = element.attrib.pop("data-x", None)
    if anchor in ANCHORS and x is not None:
        element.set("x", x)
        element.set("text-anchor", ANCHORS[anchor])


def _round_geometry(element) -> None:
    """Write coordinates with at most two decimals."""
    for key in GEOMETRY & set(element.attrib):
        element.set(key, LONG_NUMBER.sub(lambda m: f"{float(m[0]):.2f}", element.get(key)))

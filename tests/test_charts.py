"""Charts: reportlab Drawing subclasses, drawn into PDFs and turned into accessible, CSP-safe SVG."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.pdfbase.pdfmetrics import stringWidth

from surveyapp.render.charts import BarChart, RadarChart, drawing_for
from surveyapp.render.svg import svg_markup
from surveyapp.reports.blocks import Chart, Series, Table, make_table

SVG = "{http://www.w3.org/2000/svg}"


def chart(kind="radar", values=((4.0, 5.0, 3.5, 2.0),), names=("Alpha <script>alert(1)</script> & Co",),
          notes=("",)) -> Chart:
    """Make a small chart with four categories."""
    categories = ("Leadership – vision", "Staff’s wellbeing", "Café partnerships", "Łódź data")
    series = tuple(Series(n, tuple(v), note) for n, v, note in zip(names, values, notes))
    table = make_table("t", "numbers", ("Domain", *names), [], (False,) * (1 + len(names)), 3)
    return Chart(id="demo-chart", chart=kind, title="Domain scores", description="Scores on a scale of 1 to 6.",
                 categories=categories, series=series, low=1.0, high=6.0, value_label="Score", table=table)


def parse(markup: str):
    """Parse SVG markup, failing the test if it is not well-formed."""
    return ET.fromstring(markup)


def test_charts_are_drawings_and_draw_into_a_pdf():
    radar = drawing_for(chart())
    bars = drawing_for(chart("bars"))
    assert isinstance(radar, RadarChart) and isinstance(radar, Drawing)
    assert isinstance(bars, BarChart)
    for drawing in (radar, bars):
        assert renderPDF.drawToString(drawing).startswith(b"%PDF")


def test_drawings_are_laid_out_for_their_font_size():
    small, large = drawing_for(chart(), 9), drawing_for(chart(), 14)
    assert large.width == pytest.approx(small.width * 14 / 9)
    assert large.height == pytest.approx(small.height * 14 / 9)


def test_svg_is_an_image_with_a_title_and_description():
    root = parse(svg_markup(drawing_for(chart(), 14), "demo-chart", "Domain scores", "Scores on a scale of 1 to 6."))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "demo-chart-title demo-chart-desc"
    assert root.find(f"{SVG}title").get("id") == "demo-chart-title"
    assert root.find(f"{SVG}title").text == "Domain scores"
    assert root.find(f"{SVG}desc").text == "Scores on a scale of 1 to 6."
    assert root.get("viewBox") and root.get("width") is None and root.get("height") is None


def test_svg_has_no_style_attributes_and_prefixed_ids():
    markup = svg_markup(drawing_for(chart(), 14), "demo-chart", "t", "d")
    root = parse(markup)
    assert not [el for el in root.iter() if "style" in el.attrib]
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert ids and all(i.startswith("demo-chart-") for i in ids)
    assert "url(#clip)" not in markup
    assert any(el.get("fill") for el in root.iter())  # styles became presentation attributes


def test_text_is_text_never_markup_and_anchors_are_kept():
    root = parse(svg_markup(drawing_for(chart(), 14), "demo-chart", "t", "d"))
    texts = list(root.iter(f"{SVG}text"))
    assert "Alpha <script>alert(1)</script> & Co" in [el.text for el in texts]
    assert not list(root.iter(f"{SVG}script"))
    assert {el.get("text-anchor") for el in texts} >= {"start", "middle", "end"}
    assert not [el for el in root.iter() if any(k.startswith("data-") for k in el.attrib)]


def test_a_hidden_series_is_not_drawn_but_named_in_the_legend():
    hidden = chart(values=((4.0, 5.0, 3.5, 2.0), (None,) * 4), names=("Alpha", "Angus average"),
                   notes=("", "c: hidden, fewer than 3 organisations"))
    root = parse(svg_markup(drawing_for(hidden, 14), "c1", "t", "d"))
    assert "Angus average (c: hidden, fewer than 3 organisations)" in [el.text for el in root.iter(f"{SVG}text")]
    radar = drawing_for(hidden)
    orange_shapes = [s for s in radar.contents if getattr(s, "fillColor", None) is not None
                     and s.fillColor.hexval() == "0xb3541e"]
    assert len(orange_shapes) == 1  # the legend's marker only


def test_bars_print_their_values_and_mark_hidden_ones():
    bars = chart("bars", values=((2.0, 0.0, None, 5.0),), names=("Organisations",))
    root = parse(svg_markup(drawing_for(bars, 14), "b", "t", "d"))
    texts = [el.text for el in root.iter(f"{SVG}text")]
    assert {"2", "0", "5", "c"} <= set(texts)


def test_more_than_eight_domains_get_a_ranked_dot_chart_that_fits_a_phone():
    from reportlab.graphics.shapes import String

    from surveyapp.render.charts import DotChart
    from surveyapp.reports.sections import chart_kind

    assert [chart_kind(n) for n in (2, 3, 8, 9, 14)] == ["bars", "radar", "radar", "dots", "dots"]
    names = tuple(f"Domain number {n} with a name long enough to need a second line" for n in range(9))
    own = (3.0, 5.5, None, 4.0, 6.0, 1.0, 2.5, 4.5, 3.5)
    dots = Chart(id="d", chart="dots", title="Domain scores", description="Ranked.", categories=names,
                 series=(Series("An organisation with a very long name indeed (fictional)", own),
                         Series("Area average", (4.0,) * 9)),
                 low=1.0, high=6.0, value_label="Score",
                 table=Table(id="t", caption="n", columns=("Domain", "Score"), rows=(), numeric=(False, True)))
    drawing = drawing_for(dots, 14)
    assert isinstance(drawing, DotChart)
    labels = [s.text for s in drawing.contents if isinstance(s, String)]
    firsts = [n for n in range(9) if f"Domain number {n} with a name long enough to" in labels]
    order = sorted(firsts, key=lambda n: labels.index(f"Domain number {n} with a name long enough to"))
    assert order == [4, 1, 7, 3, 8, 0, 6, 5, 2]  # highest first, the missing score last
    # laid out about 26 characters wide: on a 360 px screen its 14 px text shrinks to no less than 13 px
    assert 360 / drawing.width * 14 >= 13
    for label in (s for s in drawing.contents if isinstance(s, String)):
        assert label.x + stringWidth(label.text, label.fontName, label.fontSize) <= drawing.width + 0.5, label.text

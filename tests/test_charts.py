"""The server-drawn score histogram: pure, deterministic, well-formed and accessible SVG."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from awards.services.charts import BINS, bin_index, histogram, score_histogram_svg

SVG = "{http://www.w3.org/2000/svg}"
LABELS = {"title": "Scores", "description": "Entries per band.", "x_label": "Score", "y_label": "Entries"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@pytest.mark.parametrize(("score", "expected"), [
    (0, 0), (Decimal("9.99"), 0), (10, 1), (Decimal("10.00"), 1), (Decimal("19.999"), 1),
    (Decimal("89.99"), 8), (90, 9), (Decimal("99.99"), 9), (100, 9), ("100.00", 9),
])
def test_bins_at_the_edges(score, expected):
    assert bin_index(score) == expected


@pytest.mark.parametrize("bad", [-1, Decimal("100.01"), "NaN", float("inf")])
def test_a_score_outside_0_to_100_is_refused(bad):
    with pytest.raises(ValueError):
        bin_index(bad)


def test_histogram_counts_every_score_once():
    counts = histogram([0, 10, 10, 55.5, 99, 100, Decimal("100")])
    assert counts == [1, 2, 0, 0, 0, 1, 0, 0, 0, 3]
    assert len(counts) == BINS


def test_empty_input_gives_an_empty_but_valid_chart():
    svg = score_histogram_svg([], **LABELS)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.findall(f"{SVG}rect") == []
    assert "0–10: 0" in root.find(f"{SVG}desc").text
    # The y axis still has a scale (0 and 1), so nothing divides by zero.
    assert {t.text for t in root.findall(f"{SVG}text")} >= {"0", "1", "100", "Score", "Entries"}


def test_accessible_and_sized():
    root = parse(score_histogram_svg([Decimal("72.5")], **LABELS))
    assert root.get("role") == "img"
    assert root.get("width") and root.get("height") and root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Scores"
    assert desc.text.startswith("Entries per band.") and "70–80: 1" in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_bars_are_labelled_with_their_counts():
    root = parse(score_histogram_svg([81, 82, 83, 45], **LABELS))
    assert len(root.findall(f"{SVG}rect")) == 2
    bold = [t.text for t in root.findall(f"{SVG}text") if t.get("font-weight") == "bold"]
    assert sorted(bold) == ["1", "3"]


def test_labels_are_escaped():
    nasty = {"title": "<script>alert(1)</script>", "description": 'a "quoted" & <b>bold</b>',
             "x_label": "Alama & <x>", "y_label": "Idadi ' \" >"}
    svg = score_histogram_svg([50], podium=[("<1>", 50)], **nasty)
    assert "<script>" not in svg and "<b>" not in svg and "<x>" not in svg and "<1>" not in svg
    root = parse(svg)  # well-formed despite the markup in the labels
    assert root.find(f"{SVG}title").text == nasty["title"]
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert nasty["x_label"] in texts and nasty["y_label"] in texts and "<1>" in texts


def test_podium_marks_the_scores_and_darkens_their_bars():
    root = parse(score_histogram_svg([Decimal("91.5"), Decimal("88"), 40], podium=[("1", Decimal("91.5")), ("2", 88)],
                                     **LABELS))
    dashed = [line for line in root.findall(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 2
    fills = {rect.get("fill") for rect in root.findall(f"{SVG}rect")}
    assert len(fills) == 2  # podium bars and the others differ


def test_output_is_deterministic():
    scores = [Decimal("12.34"), 56, Decimal("78.9"), 100]
    first = score_histogram_svg(scores, podium=[("1", 100)], **LABELS)
    assert first == score_histogram_svg(list(scores), podium=[("1", Decimal("100.00"))], **LABELS)


def test_many_scores_get_a_readable_scale():
    root = parse(score_histogram_svg([55] * 37, **LABELS))
    ticks = [int(t.text) for t in root.findall(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert ticks[0] == 0 and ticks[-1] >= 37 and len(ticks) <= 7

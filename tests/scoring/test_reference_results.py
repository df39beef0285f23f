"""awards.scoring against real published results of competitions judged by panels.

The files in /work/shared/reference-results/ (see its README.md) are official result sheets of
sports whose panels are aggregated with trimmed means. Recomputing every published figure with
``aggregate(..., method="trimmed_mean", trim=k)``, ``to_decimal`` and ``rank`` (the public view of
``competition_ranks``) checks the engine against numbers nobody on this team wrote, including
shared places.

A trimmed mean times the number of counted judges is the trimmed sum these sports publish.
Values are compared exactly; the only rounding allowed is the one the published rule applies.
"""

import csv
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from awards.scoring import aggregate, rank, to_decimal

REFERENCE_DIR = Path(__file__).resolve().parents[3] / "shared" / "reference-results"

DIVING = "diving_paris2024_men10m_final.csv"
SKI_JUMPING = "skijumping_oslo2013_wc_men_hs134.csv"
SKATING_MEN = "figureskating_worlds2017_men_free.csv"
SKATING_LADIES = "figureskating_worlds2017_ladies_free.csv"


def read_rows(name):
    path = REFERENCE_DIR / name
    if not path.is_file():
        pytest.skip(
            f"reference results not available: {path} is missing "
            "(expected in /work/shared/reference-results, see the README there)"
        )
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def exact(text):
    """A published number as an exact Fraction (via Decimal, never float)."""
    return Fraction(Decimal(text))


def judge_marks(row):
    """J1..Jn in published order."""
    return [row[column] for column in row if column[0] == "J" and column[1:].isdigit()]


def published(value, text):
    """``value`` rounded the way ``text`` is printed (same number of decimals)."""
    places = -Decimal(text).as_tuple().exponent
    return to_decimal(value, places)


def trimmed_sum(marks, trim):
    """Sum of the marks left after dropping ``trim`` highest and ``trim`` lowest."""
    counted = len(marks) - 2 * trim
    return aggregate([exact(mark) for mark in marks], method="trimmed_mean", trim=trim) * counted


def assert_ranks_match(totals, official_ranks):
    """rank() over ``{key: total}`` reproduces the official places, shared ones too.

    Returns ``{key: (place, shared)}`` in ranking order, ``shared`` when another key has the place.
    """
    places = rank(totals)
    assert places == official_ranks
    # Best first, equal places in key order.
    assert list(places) == sorted(places, key=lambda key: (places[key], key))
    used = defaultdict(int)
    for place in places.values():
        used[place] += 1
    return {key: (place, used[place] > 1) for key, place in places.items()}


# --- diving ---------------------------------------------------------------------------------------


def test_diving_dive_scores_and_totals():
    """7 judges, drop 2 highest and 2 lowest, sum the middle 3, times the degree of difficulty."""
    rows = read_rows(DIVING)
    assert len(rows) == 72
    totals = defaultdict(Fraction)
    official_totals = {}
    mismatches = []
    for row in rows:
        marks = judge_marks(row)
        assert len(marks) == 7
        dive_score = trimmed_sum(marks, trim=2) * exact(row["dd"])
        # 0.5-point marks times a one-decimal difficulty: never more than two decimals, so the
        # published dive score is the exact value, not a rounding of it.
        text = row["official_dive_score"]
        if dive_score != exact(text) or published(dive_score, text) != Decimal(text):
            mismatches.append((row["diver"], row["round"], dive_score, text))
        totals[row["diver"]] += dive_score
        official_totals[row["diver"]] = row["official_total"]
    assert mismatches == []
    assert len(totals) == 12
    for diver, total in totals.items():
        assert total == exact(official_totals[diver]), diver
        assert str(to_decimal(total, 2)) == official_totals[diver], diver


def test_diving_places():
    rows = read_rows(DIVING)
    totals = defaultdict(Fraction)
    for row in rows:
        totals[row["diver"]] += trimmed_sum(judge_marks(row), trim=2) * exact(row["dd"])
    official = {row["diver"]: int(row["official_rank"]) for row in rows}
    ranks = assert_ranks_match(totals, official)
    assert list(ranks)[:3] == ["Cao Yuan", "Tamai Rikuto", "Noah Williams"]
    assert not any(tied for _, tied in ranks.values())


# --- ski jumping ----------------------------------------------------------------------------------


def test_ski_jumping_style_and_jump_points():
    """5 judges, drop the highest and lowest, sum the middle 3; jump = distance + style + gate + wind."""
    rows = read_rows(SKI_JUMPING)
    assert len(rows) == 80
    mismatches = []
    for row in rows:
        marks = judge_marks(row)
        assert len(marks) == 5
        style = trimmed_sum(marks, trim=1)
        # FIS large hill: 60 points at the K point, meter_value (1.8) per metre either side.
        distance = 60 + (exact(row["distance_m"]) - exact(row["k_point_m"])) * exact(row["meter_value"])
        jump = distance + style + exact(row["gate_points"]) + exact(row["wind_points"])
        checks = {
            "style": (style, row["official_style_points"]),
            "distance": (distance, row["distance_points"]),
            "jump": (jump, row["official_jump_points"]),
        }
        for what, (value, text) in checks.items():
            # Every part is already in tenths, so no rounding is allowed at all.
            if value != exact(text) or published(value, text) != Decimal(text):
                mismatches.append((row["athlete"], row["round"], what, value, text))
    assert mismatches == []


def jump_points(row):
    style = trimmed_sum(judge_marks(row), trim=1)
    return exact(row["distance_points"]) + style + exact(row["gate_points"]) + exact(row["wind_points"])


def ski_jumping_totals(rows):
    totals = defaultdict(Fraction)
    for row in rows:
        totals[row["athlete"]] += jump_points(row)
    return totals


def test_ski_jumping_totals_and_places_with_shared_places():
    rows = read_rows(SKI_JUMPING)
    totals = ski_jumping_totals(rows)
    assert len(totals) == 50
    official_totals = {row["athlete"]: row["official_total"] for row in rows}
    assert {athlete: str(to_decimal(total, 1)) for athlete, total in totals.items()} == official_totals
    assert all(total == exact(official_totals[athlete]) for athlete, total in totals.items())

    official = {row["athlete"]: int(row["official_rank"]) for row in rows}
    ranks = assert_ranks_match(totals, official)
    shared = sorted({rank for rank, tied in ranks.values() if tied})
    assert shared == [1, 15, 21, 31, 33]
    # Standard competition ranking: after two athletes share 1st, the next is 3rd.
    assert ranks["schlierenzauer gregor"] == ranks["zyla piotr"] == (1, True)
    assert ranks["kranjec robert"] == (3, False)
    assert ranks["koch martin"] == (17, False)


def test_ski_jumping_round_places():
    """Each round's published places rank that round's jump points (round 2: the best 30)."""
    rows = read_rows(SKI_JUMPING)
    for round_no, jumpers in (("1", 50), ("2", 30)):
        in_round = [row for row in rows if row["round"] == round_no]
        assert len(in_round) == jumpers
        points = {row["athlete"]: jump_points(row) for row in in_round}
        assert_ranks_match(points, {row["athlete"]: int(row["official_round_rank"]) for row in in_round})


# --- figure skating -------------------------------------------------------------------------------

GRADE_COLUMNS = {
    "3": "sov_plus3",
    "2": "sov_plus2",
    "1": "sov_plus1",
    "-1": "sov_minus1",
    "-2": "sov_minus2",
    "-3": "sov_minus3",
}


def panel_goe(row):
    """Grades -> points with the element's scale of values, mean of the middle 7 of 9, to 0.01."""
    grades = judge_marks(row)
    if not any(grades):
        # An element with no marks at all (published with base value 0) scores nothing.
        return Fraction(0)
    points = [Fraction(0) if grade == "0" else exact(row[GRADE_COLUMNS[grade]]) for grade in grades]
    return Fraction(to_decimal(aggregate(points, method="trimmed_mean", trim=1), 2))


def panel_component(row):
    """Programme component: mean of the middle 7 of 9 marks, rounded to 0.01."""
    marks = [exact(mark) for mark in judge_marks(row)]
    return Fraction(to_decimal(aggregate(marks, method="trimmed_mean", trim=1), 2))


@pytest.mark.parametrize("name", [SKATING_MEN, SKATING_LADIES])
def test_figure_skating_panel_marks(name):
    rows = read_rows(name)
    mismatches = []
    for row in rows:
        assert len(judge_marks(row)) == 9
        if row["section"] == "element":
            goe = panel_goe(row)
            checks = {
                "goe": (goe, row["official_panel_goe"]),
                "score": (exact(row["base_value"]) + goe, row["official_panel_score"]),
            }
        else:
            checks = {"component": (panel_component(row), row["official_panel_score"])}
        for what, (value, text) in checks.items():
            if value != exact(text):
                mismatches.append((row["skater"], row["item"], what, value, text))
    assert mismatches == []


@pytest.mark.parametrize("name", [SKATING_MEN, SKATING_LADIES])
def test_figure_skating_segment_scores_and_places(name):
    rows = read_rows(name)
    by_skater = defaultdict(list)
    for row in rows:
        by_skater[row["skater"]].append(row)
    assert len(by_skater) == 24
    totals = {}
    for skater, items in by_skater.items():
        first = items[0]
        technical = sum(
            (exact(row["base_value"]) + panel_goe(row) for row in items if row["section"] == "element"),
            Fraction(0),
        )
        # Each component times its factor is rounded to 0.01 before summing (ladies' factor is
        # 1.6, so this rounding is visible there: summing first would be off by 0.01 at times).
        components = sum(
            (
                Fraction(to_decimal(panel_component(row) * exact(row["factor"]), 2))
                for row in items
                if row["section"] == "component"
            ),
            Fraction(0),
        )
        segment = technical + components - exact(first["official_deductions"])
        assert (technical, components, segment) == (
            exact(first["official_TES"]),
            exact(first["official_TCS"]),
            exact(first["official_TSS"]),
        ), skater
        totals[skater] = segment
    official = {skater: int(items[0]["official_rank"]) for skater, items in by_skater.items()}
    assert_ranks_match(totals, official)

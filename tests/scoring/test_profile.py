"""Criterion profiles: per-entry criterion means, the category median of each, and nearest levels."""

import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from awards.scoring import (
    CriterionProfile,
    CriterionSpec,
    RubricSpec,
    ScoringError,
    SheetInput,
    criterion_profile,
    nearest_level,
    to_decimal,
)

from tests.scoring.rubrics import PAIR, pair_sheets

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "tuzo-scoring-hypothesis")
EXAMPLES = settings(max_examples=60, deadline=None, database=None)

D = Decimal
F = Fraction

# {entry: {judge: (quality, reach)}} on PAIR (both 0..10). Worked by hand:
#   a: quality (8 + 7) / 2 = 15/2, reach (6 + 5) / 2 = 11/2
#   b: quality 4,                  reach 9
#   c: quality (6 + 5 + 7) / 3 = 6, reach (2 + 3 + 1) / 3 = 2
#   d: quality (9 + 10) / 2 = 19/2, reach (4 + 4) / 2 = 4
# Four entries: the median is the mean of the middle two.
#   quality sorted 4, 6, 15/2, 19/2 -> (6 + 15/2) / 2 = 27/4
#   reach   sorted 2, 4, 11/2, 9    -> (4 + 11/2) / 2 = 19/4
PANEL = {
    "a": {"j1": (8, 6), "j2": (7, 5)},
    "b": {"j1": (4, 9)},
    "c": {"j1": (6, 2), "j2": (5, 3), "j3": (7, 1)},
    "d": {"j2": (9, 4), "j3": (10, 4)},
}


def test_hand_computed_profile_with_an_even_number_of_entries():
    profile = criterion_profile(PAIR, pair_sheets(PANEL))
    assert isinstance(profile, CriterionProfile)
    assert profile.criteria == ("quality", "reach")
    assert profile.entries == 4
    assert profile.means == (
        ("a", (("quality", F(15, 2)), ("reach", F(11, 2)))),
        ("b", (("quality", F(4)), ("reach", F(9)))),
        ("c", (("quality", F(6)), ("reach", F(2)))),
        ("d", (("quality", F(19, 2)), ("reach", F(4)))),
    )
    assert profile.medians == (("quality", F(27, 4)), ("reach", F(19, 4)))
    assert profile.median("quality") == F(27, 4)
    assert profile.entry_means("c") == {"quality": F(6), "reach": F(2)}
    assert profile.difference("a", "quality") == F(15, 2) - F(27, 4) == F(3, 4)
    assert profile.difference("c", "reach") == F(2) - F(19, 4) == F(-11, 4)
    assert profile.sheets == (("a", 2), ("b", 1), ("c", 3), ("d", 2))
    assert profile.sheet_count("c") == 3 and profile.sheet_count("zz") == 0
    assert all(isinstance(value, Fraction) for _, pairs in profile.means for _, value in pairs)


def test_an_odd_number_of_entries_takes_the_middle_mean():
    three = {key: PANEL[key] for key in ("a", "b", "c")}
    profile = criterion_profile(PAIR, pair_sheets(three))
    # quality 4, 6, 15/2 -> 6; reach 2, 11/2, 9 -> 11/2
    assert profile.medians == (("quality", F(6)), ("reach", F(11, 2)))
    assert profile.entries == 3
    assert profile.difference("b", "quality") == F(-2)


def test_means_stay_exact_until_display():
    # Thirds never become 0.33...: the Fraction is exact, to_decimal rounds once, half up.
    sheets = pair_sheets({"x": {"j1": (1, 10), "j2": (1, 10), "j3": (2, 9)}, "y": {"j1": (5, 5)}})
    profile = criterion_profile(PAIR, sheets)
    assert profile.entry_means("x") == {"quality": F(4, 3), "reach": F(29, 3)}
    assert profile.median("quality") == (F(4, 3) + F(5)) / 2 == F(19, 6)
    assert to_decimal(profile.median("quality")) == D("3.17")
    assert to_decimal(profile.difference("x", "reach")) == D("2.33")  # 29/3 - (29/3 + 5)/2 = 7/3


def test_criteria_outside_the_total_are_profiled_too():
    rubric = RubricSpec((CriterionSpec("main", D(100), maximum=D(4)), CriterionSpec("extra", D(0), in_total=False)))
    sheets = [SheetInput.of("e", "j1", {"main": 4, "extra": 1}), SheetInput.of("e", "j2", {"main": 3, "extra": 2})]
    profile = criterion_profile(rubric, sheets)
    assert profile.entry_means("e") == {"main": F(7, 2), "extra": F(3, 2)}
    assert profile.medians == (("main", F(7, 2)), ("extra", F(3, 2)))


def test_no_sheets_is_an_empty_profile():
    profile = criterion_profile(PAIR, [])
    assert profile.entries == 0 and profile.means == () and profile.medians == () and profile.sheets == ()
    with pytest.raises(ScoringError):
        profile.entry_means("a")
    with pytest.raises(ScoringError):
        profile.median("quality")


def test_bad_sheets_are_refused_as_the_standings_refuse_them():
    incomplete = [SheetInput.of("a", "j1", {"quality": 5})]
    with pytest.raises(ScoringError) as error:
        criterion_profile(PAIR, incomplete)
    assert (error.value.entry, error.value.judge, error.value.criterion) == ("a", "j1", "reach")
    twice = pair_sheets({"a": {"j1": (1, 1)}}) * 2
    with pytest.raises(ScoringError, match="two scorecards"):
        criterion_profile(PAIR, twice)
    with pytest.raises(ScoringError):
        criterion_profile(PAIR, [SheetInput.of("a", "j1", {"quality": 11, "reach": 1})])


def test_nearest_level_rounds_half_up_and_stays_on_the_scale():
    spec = CriterionSpec("impact", D(25), maximum=D(5))
    assert nearest_level(spec, F(13, 3)) == D(4)  # 4.33
    assert nearest_level(spec, F(14, 3)) == D(5)  # 4.67
    assert nearest_level(spec, F(5, 2)) == D(3)  # exactly halfway: the higher level
    assert nearest_level(spec, D("2.49")) == D(2)
    assert nearest_level(spec, 0) == D(0) and nearest_level(spec, 5) == D(5)
    assert nearest_level(spec, F(-1, 3)) == D(0) and nearest_level(spec, F(17, 3)) == D(5)
    halves = CriterionSpec("q", D(100), minimum=D(1), maximum=D(10), step=D("0.5"))
    assert nearest_level(halves, F(7, 3)) == D("2.5")  # 2.333: 2.5 is nearer than 2.0
    assert nearest_level(halves, F(9, 4)) == D("2.5")  # 2.25: halfway between 2.0 and 2.5
    assert nearest_level(halves, F(11, 5)) == D(2)  # 2.2
    with pytest.raises(TypeError):
        nearest_level(spec, 2.5)


# --- properties --------------------------------------------------------------------------------

score = st.integers(min_value=0, max_value=10)
panels = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e", "f", "g"]),
    st.dictionaries(st.sampled_from(["j1", "j2", "j3", "j4"]), st.tuples(score, score), min_size=1, max_size=4),
    min_size=1,
    max_size=7,
)


@EXAMPLES
@given(panel=panels, data=st.data())
def test_permuting_the_sheets_changes_nothing(panel, data):
    sheets = pair_sheets(panel)
    shuffled = data.draw(st.permutations(sheets))
    assert criterion_profile(PAIR, shuffled) == criterion_profile(PAIR, sheets)


@EXAMPLES
@given(panel=panels)
def test_medians_lie_between_the_lowest_and_highest_entry_means(panel):
    profile = criterion_profile(PAIR, pair_sheets(panel))
    assert profile.entries == len(panel)
    for index, code in enumerate(PAIR.codes):
        means = [profile.entry_means(entry)[code] for entry in panel]
        assert min(means) <= profile.median(code) <= max(means)
        # At most half of the entries are strictly above the median, and at most half below it.
        assert 2 * sum(m > profile.median(code) for m in means) <= len(means)
        assert 2 * sum(m < profile.median(code) for m in means) <= len(means)
        for entry, cards in panel.items():
            raw = [card[index] for card in cards.values()]
            assert min(raw) <= profile.entry_means(entry)[code] <= max(raw)
            assert profile.entry_means(entry)[code] == F(sum(raw), len(raw))
            assert min(raw) <= nearest_level(PAIR.criterion(code), profile.entry_means(entry)[code]) <= max(raw)


low_panels = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e"]),
    st.dictionaries(st.sampled_from(["j1", "j2", "j3"]), st.tuples(st.integers(0, 5), st.integers(0, 5)),
                    min_size=1, max_size=3),
    min_size=1,
    max_size=5,
)


@EXAMPLES
@given(panel=low_panels, shift=st.integers(min_value=0, max_value=5))
def test_raising_every_score_alike_moves_means_and_medians_but_not_the_differences(panel, shift):
    before = criterion_profile(PAIR, pair_sheets(panel))
    raised = {entry: {judge: (q + shift, r + shift) for judge, (q, r) in cards.items()}
              for entry, cards in panel.items()}
    after = criterion_profile(PAIR, pair_sheets(raised))
    for code in PAIR.codes:
        assert after.median(code) == before.median(code) + shift
        for entry in panel:
            assert after.entry_means(entry)[code] == before.entry_means(entry)[code] + shift
            assert after.difference(entry, code) == before.difference(entry, code)

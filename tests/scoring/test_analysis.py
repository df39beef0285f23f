"""Normalisation, rank(), square roots, moderation flags, agreement, robustness and explanations."""

import inspect
from decimal import Decimal
from fractions import Fraction

import pytest

from awards.scoring import (
    Agreement,
    CriterionSpec,
    Disagreement,
    JudgeInfluence,
    RubricSpec,
    ScoringError,
    Settings,
    SheetInput,
    VersusNext,
    aggregate,
    complete_block,
    compute_standings,
    criterion_disagreements,
    explain,
    icc,
    kendalls_w,
    leave_one_judge_out,
    normalised_totals,
    outlier_judges,
    podium_decided_by,
    rank,
    square_root,
    standard_deviation,
    to_decimal,
)

from tests.scoring.rubrics import PAIR, SINGLE, single_sheets

D = Decimal
F = Fraction

# Half-point steps.
HALVES = RubricSpec((CriterionSpec("overall", D(100), maximum=D(10), step=D("0.5")),))


def matrix_sheets(rows, rubric=SINGLE):
    """Rows = entries e0.., columns = judges j0..; one-criterion rubric."""
    return [
        SheetInput.of(f"e{i}", f"j{j}", {"overall": D(value)})
        for i, row in enumerate(rows)
        for j, value in enumerate(row)
    ]


# Shrout & Fleiss (1979), table 2: 6 targets rated by 4 judges (0..10).
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


# --- aggregate keyword-only and rank --------------------------------------------------------------


def test_aggregate_method_and_trim_are_keyword_only():
    parameters = inspect.signature(aggregate).parameters
    assert parameters["method"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["method"].default == "mean"
    assert parameters["trim"].kind is inspect.Parameter.KEYWORD_ONLY
    with pytest.raises(TypeError):
        aggregate([1, 2], "median")


@pytest.mark.parametrize(
    ("values", "kwargs", "expected"),
    [
        ([D("7.5"), 8, F(17, 2)], {}, F(8)),
        ([D("7.5"), 8, F(17, 2)], {"method": "median"}, F(8)),
        ([1, 2, 3, 10], {"method": "trimmed_mean", "trim": 1}, F(5, 2)),
    ],
)
def test_aggregate_mixed_types(values, kwargs, expected):
    result = aggregate(values, **kwargs)
    assert type(result) is Fraction and result == expected


def test_aggregate_trim_leaving_nothing_is_a_value_error():
    with pytest.raises(ValueError):
        aggregate([1, 2, 3, 4], method="trimmed_mean", trim=2)


@pytest.mark.parametrize(
    ("scores", "descending", "expected"),
    [
        ({"a": 9, "b": 9, "c": 7}, True, {"a": 1, "b": 1, "c": 3}),
        ({"c": 7, "b": 9, "a": 9}, True, {"a": 1, "b": 1, "c": 3}),
        ({"a": 9, "b": 9, "c": 7}, False, {"c": 1, "a": 2, "b": 2}),
        ({"a": D("0.5"), "b": F(1, 2), "c": 1, "d": 0}, True, {"c": 1, "a": 2, "b": 2, "d": 4}),
        ({}, True, {}),
        ({1: 3, 2: 5}, True, {2: 1, 1: 2}),
    ],
)
def test_rank(scores, descending, expected):
    result = rank(scores, descending=descending)
    assert result == expected
    assert list(result) == list(expected)


def test_rank_refuses_floats():
    with pytest.raises(TypeError):
        rank({"a": 0.5})


# --- square roots and standard deviations ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, F(0)), (F(9, 4), F(3, 2)), (D("0.25"), F(1, 2)), (144, F(12))],
)
def test_square_root_of_perfect_squares_is_exact(value, expected):
    assert square_root(value) == expected


def test_square_root_is_40_digits_and_deterministic():
    root = square_root(2)
    assert str(to_decimal(root, 39)) == "1.414213562373095048801688724209698078570"
    assert abs(root * root - 2) < F(1, 10**38)
    assert square_root(F(2)) == square_root(D(2)) == root
    with pytest.raises(ScoringError):
        square_root(-1)


def test_standard_deviation_is_population_and_order_free():
    assert standard_deviation([2, 4, 4, 4, 5, 5, 7, 9]) == (F(5), F(2))
    assert standard_deviation([9, 7, 5, 5, 4, 4, 4, 2]) == (F(5), F(2))
    with pytest.raises(ScoringError):
        standard_deviation([])


# --- normalisation --------------------------------------------------------------------------------


def test_normalised_totals_rescale_each_judge_to_the_pool():
    # Judge "hard" is 20 points below "easy" on every entry, with the same spread.
    totals = {
        "a": {"easy": F(80), "hard": F(60)},
        "b": {"easy": F(60), "hard": F(40)},
    }
    result = normalised_totals(totals)
    # Pool: 80, 60, 60, 40 -> mean 60, sd sqrt(200); each judge: z = +1 / -1.
    pooled_sd = square_root(200)
    assert result["a"] == {"easy": 60 + pooled_sd, "hard": 60 + pooled_sd}
    assert result["b"] == {"easy": 60 - pooled_sd, "hard": 60 - pooled_sd}


def test_normalisation_keeps_raw_totals_of_single_card_or_flat_judges():
    totals = {
        "a": {"one": F(90), "flat": F(50), "x": F(80)},
        "b": {"flat": F(50), "x": F(20)},
    }
    result = normalised_totals(totals)
    assert result["a"]["one"] == 90
    assert result["a"]["flat"] == 50 and result["b"]["flat"] == 50
    assert result["a"]["x"] != 80


def test_normalisation_is_not_clamped():
    # Judge j is narrow (100, 90: z = +1, -1), judge k wide (0, 100). Pool: 100, 90, 0, 100 ->
    # mean 72.5, sd ~42.06, so j's 100 becomes ~114.6: above 100 and deliberately left there.
    totals = {"a": {"j": F(100), "k": F(0)}, "b": {"j": F(90), "k": F(100)}}
    result = normalised_totals(totals)
    _, pooled_sd = standard_deviation([100, 90, 0, 100])
    assert result["a"]["j"] == F(145, 2) + pooled_sd
    assert to_decimal(result["a"]["j"], 1) == D("114.6")
    assert to_decimal(result["a"]["k"], 1) == D("30.4")


def test_normalise_setting_changes_the_method_label_and_can_change_the_order():
    # Judge "easy" scores everything high, judge "hard" low; entries are each seen by one judge
    # plus a shared anchor so every judge has several cards.
    panel = {
        "anchor1": {"easy": 10, "hard": 2},
        "anchor2": {"easy": 8, "hard": 0},
        "x": {"easy": 9},
        "y": {"hard": 2},
    }
    entries = list(panel)
    raw = compute_standings(SINGLE, single_sheets(panel), entries=entries, settings=Settings())
    normal = compute_standings(SINGLE, single_sheets(panel), entries=entries, settings=Settings(normalise=True))
    assert [row.method for row in raw.rows] == ["mean"] * 4
    assert {row.method for row in normal.rows} == {"z:mean"}
    raw_rank = {row.entry: row.rank for row in raw.rows}
    normal_rank = {row.entry: row.rank for row in normal.rows}
    # Raw: y (20) is last; normalised, y is the hard judge's top score, level with anchor1.
    assert raw_rank["y"] == 4
    assert normal_rank["y"] < raw_rank["y"]
    assert Settings().normalise is False


def test_normalise_must_be_a_bool():
    with pytest.raises(ScoringError):
        compute_standings(SINGLE, [], entries=[], settings=Settings(normalise="yes"))


# --- moderation: criterion disagreements ----------------------------------------------------------


@pytest.mark.parametrize(
    ("rubric", "panel", "levels", "expected"),
    [
        # 1 level apart: fine. 2 levels apart: flagged.
        (SINGLE, {"a": {"j1": 5, "j2": 6}}, 2, []),
        (SINGLE, {"a": {"j1": 5, "j2": 7}}, 2, [("a", "overall", "5", "7", 2, ("j1",), ("j2",))]),
        # With half-point steps, one point is two levels.
        (HALVES, {"a": {"j1": "5", "j2": "6"}}, 2, [("a", "overall", "5", "6", 2, ("j1",), ("j2",))]),
        (HALVES, {"a": {"j1": "5", "j2": "5.5"}}, 2, []),
        # Several judges at each end; levels=3.
        (
            SINGLE,
            {"a": {"j1": 2, "j2": 2, "j3": 4, "j4": 5, "j5": 5}, "b": {"j1": 3, "j2": 5}},
            3,
            [("a", "overall", "2", "5", 3, ("j1", "j2"), ("j4", "j5"))],
        ),
        # A single judge cannot disagree.
        (SINGLE, {"a": {"j1": 0}}, 1, []),
    ],
)
def test_criterion_disagreements(rubric, panel, levels, expected):
    flags = criterion_disagreements(rubric, single_sheets(panel), levels=levels)
    assert all(isinstance(flag, Disagreement) for flag in flags)
    assert [
        (f.entry, f.criterion, str(f.low), str(f.high), f.spread_levels, f.judges_low, f.judges_high)
        for f in flags
    ] == expected


def test_criterion_disagreements_per_criterion_in_rubric_order():
    sheets = [
        SheetInput.of("a", "j1", {"quality": D(9), "reach": D(1)}),
        SheetInput.of("a", "j2", {"quality": D(2), "reach": D(8)}),
        SheetInput.of("b", "j1", {"quality": D(5), "reach": D(5)}),
        SheetInput.of("b", "j2", {"quality": D(5), "reach": D(6)}),
    ]
    flags = criterion_disagreements(PAIR, sheets)
    assert [(f.entry, f.criterion, f.spread_levels) for f in flags] == [("a", "quality", 7), ("a", "reach", 7)]
    with pytest.raises(ScoringError):
        criterion_disagreements(PAIR, sheets, levels=0)


# --- moderation: outlier judges -------------------------------------------------------------------


def test_outlier_judges_flags_a_harsh_judge():
    # j1..j3 agree; "grumpy" is 3 points below them on every entry.
    panel = {
        entry: {"j1": base, "j2": base, "j3": base, "grumpy": base - 3}
        for entry, base in [("a", 10), ("b", 8), ("c", 6), ("d", 4)]
    }
    sheets = single_sheets(panel)
    flags = outlier_judges(SINGLE, sheets, threshold=D(1))
    assert [flag.judge for flag in flags] == ["grumpy"]
    (grumpy,) = flags
    assert grumpy.sheets == 4
    assert grumpy.mean_difference == F(-30)  # 30 points below the others' mean on every entry
    assert grumpy.direction == "harsh"
    totals = [F(10 * score) for by_judge in panel.values() for score in by_judge.values()]
    _, sd = standard_deviation(totals)
    assert grumpy.distance_sd == to_decimal(F(-30) / sd, 2)
    assert grumpy.distance_sd < -1
    # Other judges sit 7.5 points above their colleagues' mean (which includes grumpy).
    assert outlier_judges(SINGLE, sheets, threshold=D(100)) == ()


def test_outlier_judges_lenient_and_ordering():
    panel = {
        "a": {"j1": 5, "j2": 5, "kind": 9},
        "b": {"j1": 4, "j2": 4, "kind": 8},
        "c": {"j1": 6, "j2": 6, "kind": 10},
        "solo": {"j1": 0},  # a single judge: ignored for differences (still in the panel sd)
    }
    flags = outlier_judges(SINGLE, single_sheets(panel), threshold=D("0.5"))
    assert flags[0].judge == "kind" and flags[0].direction == "lenient"
    assert flags[0].mean_difference == F(40)
    assert flags[0].sheets == 3
    assert [flag.judge for flag in flags[1:]] == ["j1", "j2"]  # equal distances: judge key order
    assert all(flag.direction == "harsh" for flag in flags[1:])


def test_outlier_judges_with_no_spread_flags_nobody():
    assert outlier_judges(SINGLE, single_sheets({"a": {"j1": 5, "j2": 5}}), threshold=D(0)) == ()


# --- agreement ------------------------------------------------------------------------------------


def test_icc_shrout_fleiss_table_2():
    result = icc(SINGLE, matrix_sheets(SHROUT_FLEISS))
    assert result == Agreement("icc_2_1", F(184, 635), judges=4, entries=6)
    assert to_decimal(result.value, 2) == D("0.29")  # Shrout & Fleiss 1979, ICC(2,1) = .29


def test_kendalls_w_shrout_fleiss_table_2_by_hand():
    # Mid-ranks per judge (highest = 1); rank sums 11, 22, 9, 20.5, 4.5, 17 (mean 14), S = 239.5;
    # ties: judge 1 has (6, 6) -> 6, judge 2 (2, 2) and (1, 1) -> 12, judges 3 and 4 one pair -> 6
    # each, sum 30; W = 12 * 239.5 / (16 * 210 - 4 * 30) = 2874 / 3240 = 479 / 540.
    result = kendalls_w(SINGLE, matrix_sheets(SHROUT_FLEISS))
    assert result == Agreement("kendalls_w", F(479, 540), judges=4, entries=6)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # Perfect agreement.
        ([[9, 8, 7], [6, 5, 4], [3, 2, 1], [1, 0, 0]], F(1)),
        # Two judges in exactly opposite order: rank sums all equal, W = 0.
        ([[1, 4], [2, 3], [3, 2], [4, 1]], F(0)),
        # m=3 judges (columns), n=3 entries, no ties: ranks e0 (1, 1, 2), e1 (2, 3, 1), e2 (3, 2, 3);
        # rank sums 4, 6, 8 (mean 6), S = 8, W = 12 * 8 / (3^2 * (27 - 3)) = 96 / 216 = 4/9.
        ([[9, 9, 5], [5, 1, 9], [1, 5, 1]], F(4, 9)),
    ],
)
def test_kendalls_w_examples(rows, expected):
    assert kendalls_w(SINGLE, matrix_sheets(rows)).value == expected


def test_icc_perfect_agreement_is_one_and_scale_free():
    rows = [[9, 9, 9], [5, 5, 5], [2, 2, 2]]
    assert icc(SINGLE, matrix_sheets(rows)).value == 1


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ([[1, 2], [3, 4]], "too_few_common_entries"),
        ([[1], [3], [5]], "too_few_judges"),
    ],
)
def test_agreement_needs_two_judges_and_three_entries(rows, reason):
    sheets = matrix_sheets(rows)
    assert kendalls_w(SINGLE, sheets) is None
    assert icc(SINGLE, sheets) is None
    assert complete_block(SINGLE, sheets).reason == reason


def test_agreement_all_tied_is_none():
    sheets = matrix_sheets([[5, 5], [5, 5], [5, 5]])
    assert kendalls_w(SINGLE, sheets) is None
    assert icc(SINGLE, sheets) is None


def test_complete_block_drops_the_judge_who_shares_least():
    panel = {
        "a": {"j1": 9, "j2": 8, "late": 7},
        "b": {"j1": 5, "j2": 6},
        "c": {"j1": 2, "j2": 1},
        "d": {"j1": 7, "j2": 7, "late": 1},
    }
    block = complete_block(SINGLE, single_sheets(panel))
    assert (block.judges, block.entries, block.reason) == (("j1", "j2"), ("a", "b", "c", "d"), None)
    assert kendalls_w(SINGLE, single_sheets(panel)).judges == 2
    # With all judges on the same 3+ entries, extra entries of some judges are left out.
    panel["e"] = {"late": 4}
    panel["c"]["late"] = 3
    block = complete_block(SINGLE, single_sheets(panel))
    assert (block.judges, block.entries) == (("j1", "j2", "late"), ("a", "c", "d"))


# --- robustness -----------------------------------------------------------------------------------


def test_leave_one_judge_out_finds_the_deciding_judge():
    panel = {
        "a": {"j1": 9, "j2": 9, "fan": 10},
        "b": {"j1": 10, "j2": 9, "fan": 5},
        "c": {"j1": 5, "j2": 5, "fan": 5},
        "d": {"j1": 1, "j2": 1, "fan": 1},
    }
    entries = list(panel)
    influences = leave_one_judge_out(SINGLE, single_sheets(panel), entries=entries, settings=Settings())
    assert [influence.judge for influence in influences] == ["fan", "j1", "j2"]
    by_judge = {influence.judge: influence for influence in influences}
    before = ((1, ("a",)), (2, ("b",)), (3, ("c",)))
    assert all(influence.podium_before == before for influence in influences)
    assert by_judge["fan"] == JudgeInfluence("fan", True, before, ((1, ("b",)), (2, ("a",)), (3, ("c",))))
    # Without j1: a 95, b 70; without j2: a 95, b 75: unchanged. Without fan: b 95 beats a 90.
    assert not by_judge["j1"].changes_podium and not by_judge["j2"].changes_podium
    assert podium_decided_by(SINGLE, single_sheets(panel), entries=entries, settings=Settings()) == ("fan",)


def test_leave_one_judge_out_ties_and_quorum():
    panel = {
        "a": {"j1": 8, "j2": 6},
        "b": {"j1": 6, "j2": 8},
        "c": {"j1": 5},
    }
    influences = leave_one_judge_out(SINGLE, single_sheets(panel), entries=list(panel), settings=Settings())
    by_judge = {influence.judge: influence for influence in influences}
    assert by_judge["j1"].podium_before == ((1, ("a", "b")), (3, ("c",)))
    # Without j1: b 80, a 60, c unscored -> below quorum, off the podium.
    assert by_judge["j1"].podium_after == ((1, ("b",)), (2, ("a",)))
    # Without j2: a 80, b 60, c 50: the shared first place is gone.
    assert by_judge["j2"].podium_after == ((1, ("a",)), (2, ("b",)), (3, ("c",)))
    assert podium_decided_by(SINGLE, single_sheets(panel), entries=list(panel)) == ("j1", "j2")


# --- explain --------------------------------------------------------------------------------------


def test_explain_breakdown_method_and_reasons():
    sheets = [
        SheetInput.of("a", "j1", {"quality": D(9), "reach": D(5)}),  # 74
        SheetInput.of("a", "j2", {"quality": D(7), "reach": D(5)}),  # 62 -> mean 68
        SheetInput.of("b", "j1", {"quality": D(8), "reach": D(2)}),  # 56
        SheetInput.of("b", "j2", {"quality": D(8), "reach": D(2)}),  # 56 -> 56
        SheetInput.of("c", "j1", {"quality": D(6), "reach": D(5)}),  # 56
        SheetInput.of("c", "j2", {"quality": D(6), "reach": D(5)}),  # 56 -> 56, tie-break: quality
        SheetInput.of("d", "j1", {"quality": D(6), "reach": D(5)}),
        SheetInput.of("d", "j2", {"quality": D(6), "reach": D(5)}),  # identical to c: tied
    ]
    settings = Settings(tie_breaks=("median", "criterion:quality"))
    standings = compute_standings(PAIR, sheets, entries=["a", "b", "c", "d"], settings=settings)
    explanations = explain(PAIR, sheets, standings)
    assert list(explanations) == ["a", "b", "c", "d"]
    a = explanations["a"]
    assert a.rank == 1 and a.score == 68
    assert a.breakdown == (
        ("j1", (("quality", D(9)), ("reach", D(5))), F(74)),
        ("j2", (("quality", D(7)), ("reach", D(5))), F(62)),
    )
    assert a.method == {
        "method": "mean",
        "judges": 2,
        "score": "68.00",
        "aggregation": "mean",
        "trim": 0,
        "auto_trim_from": 4,
        "quorum": 1,
        "tie_breaks": ["median", "criterion:quality"],
        "normalise": False,
    }
    assert a.versus_next == VersusNext("b", "score", F(68), F(56), F(12))
    # b and c: same score and median, separated by the quality mean (8 vs 6).
    assert explanations["b"].versus_next == VersusNext("c", "criterion:quality", F(8), F(6), F(2))
    assert explanations["c"].versus_next == VersusNext("d", "tied", None, None, None)
    assert explanations["d"].versus_next is None


def test_explain_with_normalisation_shows_raw_totals():
    panel = {"a": {"j1": 9, "j2": 4}, "b": {"j1": 7, "j2": 2}, "c": {"j1": 5, "j2": 3}}
    sheets = single_sheets(panel)
    standings = compute_standings(SINGLE, sheets, entries=list(panel), settings=Settings(normalise=True))
    explanations = explain(SINGLE, sheets, standings)
    assert explanations["a"].method["method"] == "z:mean"
    assert explanations["a"].method["normalise"] is True
    assert explanations["a"].breakdown == (
        ("j1", (("overall", D(9)),), F(90)),
        ("j2", (("overall", D(4)),), F(40)),
    )

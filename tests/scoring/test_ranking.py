"""Aggregation, tie-breaks, quorum and competition ranking of awards.scoring."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from awards.scoring import (
    AGGREGATIONS,
    TIE_BREAKS,
    CriterionSpec,
    RankedRow,
    RubricSpec,
    ScoringError,
    Settings,
    SheetInput,
    Standings,
    UnrankedRow,
    aggregate,
    competition_ranks,
    compute_standings,
    to_decimal,
    weighted_total,
)

from tests.scoring.rubrics import PAIR, SINGLE, pair_sheets, single_sheets

D = Decimal
F = Fraction

NO_AUTO_TRIM = Settings(auto_trim_from=None)


def summary(standings):
    return [(row.entry, row.rank, row.tied) for row in standings.rows]


# --- aggregate ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "method", "trim", "expected"),
    [
        ([1, 2, 3, 4], "mean", 0, F(5, 2)),
        ([F(1, 3), F(1, 3), F(1, 3)], "mean", 0, F(1, 3)),
        ([D("0.1"), D("0.2")], "mean", 0, F(3, 20)),
        ([5, 1, 3], "median", 0, F(3)),
        # Even count: the mean of the two middle values, not the lower or upper one.
        ([4, 1, 3, 10], "median", 0, F(7, 2)),
        ([7], "median", 0, F(7)),
        # Trim 1 over 5: drop 1 and 100, mean of 5, 6, 10.
        ([100, 5, 1, 6, 10], "trimmed_mean", 1, F(7)),
        # Trim 2 over 7 (the diving rule): keep the middle three.
        ([9, 1, 8, 2, 7, 3, 5], "trimmed_mean", 2, F(5)),
        # Equal values at the cut: dropping "which" 8 does not matter.
        ([8, 8, 8, 2, 5], "trimmed_mean", 1, F(7)),
        ([1, 2, 4], "trimmed_mean", 0, F(7, 3)),
        # Methods that do not trim ignore trim.
        ([1, 2, 4], "mean", 1, F(7, 3)),
    ],
)
def test_aggregate(values, method, trim, expected):
    result = aggregate(values, method=method, trim=trim)
    assert type(result) is Fraction
    assert result == expected


def test_aggregate_ignores_input_order():
    values = [F(1, 3), F(7), F(2, 9), F(5, 2), F(11, 7)]
    rng = random.Random(20240810)
    for method, trim in [("mean", 0), ("median", 0), ("trimmed_mean", 1), ("trimmed_mean", 2)]:
        expected = aggregate(values, method=method, trim=trim)
        for _ in range(10):
            shuffled = values[:]
            rng.shuffle(shuffled)
            assert aggregate(shuffled, method=method, trim=trim) == expected


@pytest.mark.parametrize(
    ("values", "method", "trim"),
    [
        ([1, 2], "trimmed_mean", 1),
        ([1, 2, 3, 4], "trimmed_mean", 2),
        ([], "mean", 0),
        ([1, 2, 3], "mode", 0),
        ([1, 2, 3], "trimmed_mean", -1),
    ],
)
def test_aggregate_errors(values, method, trim):
    with pytest.raises(ScoringError):
        aggregate(values, method=method, trim=trim)


def test_aggregate_refuses_floats():
    with pytest.raises(TypeError):
        aggregate([0.1, 0.2])


def test_registry_keys_are_stable():
    assert set(AGGREGATIONS) == {"mean", "median", "trimmed_mean"}
    assert set(TIE_BREAKS) == {"median", "first_places", "highest_weight"}


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (F(1, 3), 2, "0.33"),
        (F(2, 3), 2, "0.67"),
        (F(1, 8), 2, "0.13"),  # 0.125: half rounds up
        (F(-1, 8), 2, "-0.13"),  # and away from zero below it
        (F(1, 200), 2, "0.01"),
        (F(-1, 1000), 2, "0.00"),  # no "-0.00"
        (F(52), 2, "52.00"),
        (F(170, 3), 1, "56.7"),
        (F(5, 2), 0, "3"),
        (D("96.90"), 2, "96.90"),
        # Just below a half, beyond Decimal's 28-digit default precision: must still round down.
        (F(5 * 10**29 - 1, 10**32), 2, "0.00"),
        (F(10**40 + 1, 3), 2, "3333333333333333333333333333333333333333.67"),
    ],
)
def test_to_decimal_rounds_half_up(value, places, expected):
    result = to_decimal(value, places)
    assert isinstance(result, Decimal)
    assert str(result) == expected


# --- competition_ranks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys_and_values", "expected"),
    [
        (
            [("a", (9,)), ("b", (7,)), ("c", (7,)), ("d", (5,))],
            {"a": (1, False), "b": (2, True), "c": (2, True), "d": (4, False)},
        ),
        (
            [("d", (5,)), ("c", (9,)), ("b", (9,)), ("a", (9,))],
            {"a": (1, True), "b": (1, True), "c": (1, True), "d": (4, False)},
        ),
        # The second element only matters among equal first elements.
        (
            [("a", (9, 1)), ("b", (9, 2)), ("c", (8, 5)), ("d", (8, 5)), ("e", (7, 9))],
            {"a": (2, False), "b": (1, False), "c": (3, True), "d": (3, True), "e": (5, False)},
        ),
        ([], {}),
        ([("only", (F(1, 3),))], {"only": (1, False)}),
        # Exact values of different types that are equal do tie.
        ([("a", (D("0.5"),)), ("b", (F(1, 2),))], {"a": (1, True), "b": (1, True)}),
    ],
)
def test_competition_ranks(keys_and_values, expected):
    result = competition_ranks(keys_and_values)
    assert result == expected
    # Best first, ties in key order.
    assert list(result) == sorted(expected, key=lambda key: (expected[key][0], key))


def test_competition_ranks_refuses_a_key_twice():
    with pytest.raises(ScoringError):
        competition_ranks([("a", (1,)), ("a", (2,))])


# --- compute_standings: ranking and ties --------------------------------------------------------


def test_standard_competition_ranking_1_2_2_4():
    sheets = single_sheets({"a": {"j1": 9}, "b": {"j1": 7}, "c": {"j1": 7}, "d": {"j1": 5}})
    standings = compute_standings(SINGLE, sheets, entries=["a", "b", "c", "d"])
    assert summary(standings) == [("a", 1, False), ("b", 2, True), ("c", 2, True), ("d", 4, False)]
    assert [row.score for row in standings.rows] == [90, 70, 70, 50]
    assert standings.unranked == ()


def test_ranked_row_contents():
    rubric = RubricSpec(
        (
            CriterionSpec("quality", D(60), maximum=D(10)),
            CriterionSpec("reach", D(40), maximum=D(10)),
            CriterionSpec("style", D(0), maximum=D(10), in_total=False),
        )
    )
    sheets = [
        SheetInput.of("e1", "j2", {"quality": 5, "reach": 10, "style": 1}),  # 30 + 40 = 70
        SheetInput.of("e1", "j1", {"quality": 8, "reach": 8, "style": 2}),  # 48 + 32 = 80
    ]
    (row,) = compute_standings(rubric, sheets, entries=["e1"], settings=Settings(tie_breaks=("median",))).rows
    assert row == RankedRow(
        entry="e1",
        rank=1,
        tied=False,
        score=F(75),
        judge_totals=(("j1", F(80)), ("j2", F(70))),
        criterion_means=(("quality", F(13, 2)), ("reach", F(9)), ("style", F(3, 2))),
        tie_break_values=(("median", F(75)),),
        method="mean",
    )


# A and B tie on the mean (70). A's first-place count is 2, B's 2, C's 1; medians are all 70.
# j1: A 80, B 60, C 80 (A and C share j1's top); j2: A 60, B 80, C 70; j3: A 70, B 70, C 60.
FIRST_PLACES_PANEL = {
    "A": {"j1": 8, "j2": 6, "j3": 7},
    "B": {"j1": 6, "j2": 8, "j3": 7},
    "C": {"j1": 8, "j2": 7, "j3": 6},
}


@pytest.mark.parametrize(
    ("tie_breaks", "expected"),
    [
        ((), [("A", 1, True), ("B", 1, True), ("C", 1, True)]),
        # First places separate C; A and B share j3's top and stay level on it.
        (("first_places",), [("A", 1, True), ("B", 1, True), ("C", 3, False)]),
        # Medians are equal, so a tie surviving every tie-break keeps its shared rank.
        (("median", "first_places"), [("A", 1, True), ("B", 1, True), ("C", 3, False)]),
        (("median",), [("A", 1, True), ("B", 1, True), ("C", 1, True)]),
    ],
)
def test_first_places_tie_break(tie_breaks, expected):
    standings = compute_standings(
        SINGLE, single_sheets(FIRST_PLACES_PANEL), entries="ABC", settings=Settings(tie_breaks=tie_breaks)
    )
    assert summary(standings) == expected
    values = {row.entry: dict(row.tie_break_values) for row in standings.rows}
    if "first_places" in tie_breaks:
        assert {entry: v["first_places"] for entry, v in values.items()} == {"A": 2, "B": 2, "C": 1}


# All three average 70 (total = 6q + 4r). A is strong on quality, B on reach; C's totals spread.
CRITERION_PANEL = {
    "A": {"j1": (9, 4), "j2": (9, 4), "j3": (9, 4)},  # 70, 70, 70
    "B": {"j1": (5, 10), "j2": (5, 10), "j3": (5, 10)},  # 70, 70, 70
    "C": {"j1": (10, 10), "j2": (5, 5), "j3": (10, 5)},  # 100, 50, 80 -> mean 230/3
}


@pytest.mark.parametrize(
    ("tie_breaks", "expected"),
    [
        ((), [("A", 1, True), ("B", 1, True)]),
        (("criterion:quality",), [("A", 1, False), ("B", 2, False)]),
        (("criterion:reach",), [("B", 1, False), ("A", 2, False)]),
        # quality weighs 60, so highest_weight means quality.
        (("highest_weight",), [("A", 1, False), ("B", 2, False)]),
        # Median is equal (70), so the next key decides.
        (("median", "criterion:reach"), [("B", 1, False), ("A", 2, False)]),
    ],
)
def test_criterion_tie_breaks_resolve_a_tie(tie_breaks, expected):
    panel = {entry: CRITERION_PANEL[entry] for entry in ("A", "B")}
    settings = Settings(tie_breaks=tie_breaks)
    standings = compute_standings(PAIR, pair_sheets(panel), entries=["A", "B"], settings=settings)
    assert summary(standings) == expected
    assert all(row.score == 70 for row in standings.rows)


def test_tie_breaks_only_apply_after_the_score():
    # C has the higher mean, so no tie-break can put A or B above it.
    settings = Settings(tie_breaks=("criterion:quality",))
    standings = compute_standings(PAIR, pair_sheets(CRITERION_PANEL), entries="ABC", settings=settings)
    assert summary(standings) == [("C", 1, False), ("A", 2, False), ("B", 3, False)]
    assert standings.rows[0].score == F(230, 3)


@pytest.mark.parametrize(
    ("weights", "expected_code"),
    [
        ((60, 40), "quality"),
        ((40, 60), "reach"),
        ((50, 50), "quality"),  # equal weights: the first in rubric order
    ],
)
def test_highest_weight_picks_the_heaviest_counted_criterion(weights, expected_code):
    rubric = RubricSpec(
        (
            CriterionSpec("quality", D(weights[0]), maximum=D(10)),
            CriterionSpec("reach", D(weights[1]), maximum=D(10)),
            # Excluded criteria carry no meaningful weight, however large.
            CriterionSpec("style", D(1000), maximum=D(10), in_total=False),
        )
    )
    sheets = [SheetInput.of("A", "j1", {"quality": 3, "reach": 7, "style": 9})]
    settings = Settings(tie_breaks=("highest_weight",))
    (row,) = compute_standings(rubric, sheets, entries=["A"], settings=settings).rows
    assert row.tie_break_values == (("highest_weight", F({"quality": 3, "reach": 7}[expected_code])),)


def test_identical_cards_stay_tied_through_every_tie_break():
    panel = {
        "x": {"j1": (7, 7), "j2": (9, 4)},
        "y": {"j1": (9, 4), "j2": (7, 7)},
        "z": {"j1": (1, 1), "j2": (1, 1)},
    }
    settings = Settings(tie_breaks=("median", "first_places", "highest_weight", "criterion:reach"))
    standings = compute_standings(PAIR, pair_sheets(panel), entries=["z", "y", "x"], settings=settings)
    assert summary(standings) == [("x", 1, True), ("y", 1, True), ("z", 3, False)]
    assert standings.rows[0].tie_break_values == standings.rows[1].tie_break_values


# --- compute_standings: quorum and unranked entries ---------------------------------------------


def test_quorum_moves_entries_to_unranked_with_counts():
    sheets = single_sheets(
        {
            "full": {"j1": 5, "j2": 6, "j3": 7},
            "short": {"j1": 10, "j2": 10},
            "more": {"j1": 1, "j2": 2, "j3": 3, "j4": 4},
        }
    )
    settings = Settings(quorum=3, auto_trim_from=None)
    entries = ["short", "none", "full", "more"]
    standings = compute_standings(SINGLE, sheets, entries=entries, settings=settings)
    assert summary(standings) == [("full", 1, False), ("more", 2, False)]
    assert standings.unranked == (
        UnrankedRow(entry="none", reason="below_quorum", sheets=0, required=3),
        UnrankedRow(entry="short", reason="below_quorum", sheets=2, required=3),
    )


def test_entry_without_sheets_is_unranked_even_with_quorum_one():
    standings = compute_standings(SINGLE, single_sheets({"a": {"j1": 3}}), entries=["a", "b"])
    assert summary(standings) == [("a", 1, False)]
    assert standings.unranked == (UnrankedRow("b", "below_quorum", 0, 1),)


def test_explicit_trimmed_mean_needs_enough_cards_to_keep_one():
    sheets = single_sheets({"a": {"j1": 1, "j2": 2, "j3": 9}, "b": {"j1": 5, "j2": 5}})
    settings = Settings(method="trimmed_mean", trim=1)
    standings = compute_standings(SINGLE, sheets, entries=["a", "b"], settings=settings)
    assert [(row.entry, row.score, row.method) for row in standings.rows] == [("a", F(20), "trimmed_mean:1")]
    assert standings.unranked == (UnrankedRow("b", "below_quorum", 2, 3),)


def test_first_places_count_cards_of_entries_below_quorum():
    # j1's best card is for "short", which is not ranked: "long" did not top j1's cards.
    sheets = single_sheets({"long": {"j1": 5, "j2": 5}, "short": {"j1": 9}})
    settings = Settings(quorum=2, tie_breaks=("first_places",))
    (row,) = compute_standings(SINGLE, sheets, entries=["long", "short"], settings=settings).rows
    assert row.tie_break_values == (("first_places", F(1)),)


# --- compute_standings: methods -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "settings", "expected_score", "expected_method"),
    [
        # Plain mean below the auto-trim threshold.
        ([1, 5, 9], Settings(), F(50), "mean"),
        # From 4 judges the default drops the highest and lowest: (20 + 30) / 2.
        ([0, 2, 3, 10], Settings(), F(25), "trimmed_mean:1"),
        ([0, 2, 3, 10], NO_AUTO_TRIM, F(75, 2), "mean"),
        ([0, 2, 3, 10], Settings(auto_trim_from=5), F(75, 2), "mean"),
        # Trim 1 over 5: drop 0 and 10, mean of 40, 60, 80.
        ([0, 4, 6, 8, 10], Settings(method="trimmed_mean", trim=1), F(60), "trimmed_mean:1"),
        ([0, 4, 6, 8, 10], Settings(method="trimmed_mean", trim=2), F(60), "trimmed_mean:2"),
        ([0, 1, 6, 8, 10], Settings(method="median"), F(60), "median"),
        ([0, 1, 6, 10], Settings(method="median"), F(35), "median"),
        # An explicit method is not overridden by auto-trim.
        ([0, 0, 1, 10, 10], Settings(method="median", auto_trim_from=4), F(10), "median"),
    ],
)
def test_aggregation_methods_in_standings(scores, settings, expected_score, expected_method):
    panel = {"a": {f"j{i}": score for i, score in enumerate(scores, start=1)}}
    (row,) = compute_standings(SINGLE, single_sheets(panel), entries=["a"], settings=settings).rows
    assert row.score == expected_score
    assert row.method == expected_method


def test_auto_trim_is_decided_per_entry():
    sheets = single_sheets(
        {"three": {"j1": 0, "j2": 5, "j3": 10}, "four": {"j1": 0, "j2": 5, "j3": 5, "j4": 10}}
    )
    standings = compute_standings(SINGLE, sheets, entries=["three", "four"])
    assert {row.entry: (row.score, row.method) for row in standings.rows} == {
        "three": (F(50), "mean"),
        "four": (F(50), "trimmed_mean:1"),
    }
    assert summary(standings) == [("four", 1, True), ("three", 1, True)]


# --- compute_standings: exactness and determinism -----------------------------------------------

THIRDS = RubricSpec(
    (
        CriterionSpec("a", D(10), maximum=D(3)),
        CriterionSpec("b", D(20), maximum=D(3)),
        CriterionSpec("c", D(70), maximum=D(3)),
    )
)


def weighted_total_of(card):
    return weighted_total(THIRDS, dict(zip("abc", (D(value) for value in card))))


def test_same_multiset_of_totals_in_a_different_order_ties_exactly():
    cards = {"low": (1, 0, 0), "mid": (0, 1, 0), "high": (1, 0, 1)}  # totals 10/3, 20/3, 80/3
    order_x = ["low", "mid", "high"]
    order_y = ["high", "low", "mid"]
    sheets = [
        SheetInput.of(entry, judge, dict(zip("abc", cards[card])))
        for entry, order in (("x", order_x), ("y", order_y))
        for judge, card in zip(("j1", "j2", "j3"), order)
    ]
    totals = [weighted_total_of(cards[card]) for card in order_x]
    assert totals == [F(10, 3), F(20, 3), F(80, 3)]
    # The trap this guards against: in floats the two summation orders disagree.
    as_floats = {card: float(weighted_total_of(cards[card])) for card in cards}
    assert sum(as_floats[card] for card in order_x) != sum(as_floats[card] for card in order_y)

    standings = compute_standings(THIRDS, sheets, entries=["x", "y"], settings=NO_AUTO_TRIM)
    assert summary(standings) == [("x", 1, True), ("y", 1, True)]
    assert standings.rows[0].score == standings.rows[1].score == F(110, 9)
    assert to_decimal(standings.rows[0].score) == D("12.22")


def random_panel(rng):
    """A category with ties, a short entry, an empty entry and half-point scores."""
    rubric = RubricSpec(
        (
            CriterionSpec("impact", D(35), maximum=D(10), step=D("0.5")),
            CriterionSpec("innovation", D(40), maximum=D(10), step=D("0.5")),
            CriterionSpec("reach", D(25), maximum=D(10), step=D("0.5")),
            CriterionSpec("presentation", D(0), maximum=D(5), in_total=False),
        )
    )
    judges = [f"judge-{n}" for n in range(1, 7)]
    entries = [f"entry-{n:02d}" for n in range(1, 11)]
    cards = {}
    for entry in entries[:8]:
        for judge in rng.sample(judges, rng.randint(3, 6)):
            cards[entry, judge] = {
                "impact": D(rng.randint(0, 20)) / 2,
                "innovation": D(rng.randint(0, 20)) / 2,
                "reach": D(rng.randint(0, 20)) / 2,
                "presentation": D(rng.randint(0, 5)),
            }
    # entry-09 copies entry-01's cards, moved between judges: the same multiset, so a tie.
    source = [card for (entry, _), card in cards.items() if entry == "entry-01"]
    for judge, card in zip(reversed(judges), source):
        cards["entry-09", judge] = card
    # entry-10 has a single card: below a quorum of 3.
    cards["entry-10", "judge-1"] = cards["entry-02", next(j for (e, j) in cards if e == "entry-02")]
    sheets = [SheetInput(entry, judge, tuple(card.items())) for (entry, judge), card in cards.items()]
    return rubric, sheets, entries + ["entry-11"]


@pytest.mark.parametrize(
    "settings",
    [
        Settings(quorum=3, tie_breaks=("median", "first_places", "criterion:presentation")),
        Settings(quorum=3, method="median", tie_breaks=("highest_weight",)),
        Settings(quorum=3, method="trimmed_mean", trim=1),
        Settings(quorum=3, auto_trim_from=None),
    ],
)
def test_standings_do_not_depend_on_input_order(settings):
    rng = random.Random(1964)
    rubric, sheets, entries = random_panel(rng)
    expected = compute_standings(rubric, sheets, entries=entries, settings=settings)
    assert isinstance(expected, Standings)
    assert len(expected.rows) == 9
    assert [row.entry for row in expected.unranked] == ["entry-10", "entry-11"]
    ranks = {row.entry: (row.rank, row.tied) for row in expected.rows}
    # entry-09 has entry-01's cards from other judges; only first places can tell them apart.
    if "first_places" not in settings.tie_breaks:
        assert ranks["entry-01"] == ranks["entry-09"]
        assert ranks["entry-01"][1] is True
    for _ in range(25):
        shuffled_sheets = [
            SheetInput(sheet.entry, sheet.judge, tuple(rng.sample(sheet.scores, len(sheet.scores))))
            for sheet in sheets
        ]
        rng.shuffle(shuffled_sheets)
        shuffled_entries = rng.sample(entries, len(entries))
        result = compute_standings(rubric, shuffled_sheets, entries=shuffled_entries, settings=settings)
        assert result == expected


def test_ties_are_listed_by_entry_key():
    sheets = single_sheets({key: {"j1": 5} for key in ("delta", "alpha", "charlie", "bravo")})
    standings = compute_standings(SINGLE, sheets, entries=["delta", "charlie", "bravo", "alpha"])
    assert summary(standings) == [
        ("alpha", 1, True),
        ("bravo", 1, True),
        ("charlie", 1, True),
        ("delta", 1, True),
    ]


# --- compute_standings: errors ------------------------------------------------------------------


def test_sheet_for_an_entry_not_listed_is_an_error():
    with pytest.raises(ScoringError) as raised:
        compute_standings(SINGLE, single_sheets({"a": {"j1": 1}, "ghost": {"j1": 2}}), entries=["a"])
    assert raised.value.entry == "ghost"


def test_two_sheets_from_one_judge_for_one_entry_is_an_error():
    sheets = single_sheets({"a": {"j1": 1}}) + single_sheets({"a": {"j1": 2}})
    with pytest.raises(ScoringError) as raised:
        compute_standings(SINGLE, sheets, entries=["a"])
    assert (raised.value.entry, raised.value.judge) == ("a", "j1")


@pytest.mark.parametrize(
    ("scores", "criterion"),
    [
        ({"quality": D(5)}, "reach"),
        ({"quality": D(5), "reach": D(11)}, "reach"),
        ({"quality": D("5.5"), "reach": D(1)}, "quality"),
        ({"quality": D(5), "reach": D(1), "style": D(1)}, "style"),
    ],
)
def test_invalid_sheet_names_entry_judge_and_criterion(scores, criterion):
    sheets = [SheetInput.of("a", "j1", {"quality": 1, "reach": 1}), SheetInput.of("b", "j7", scores)]
    with pytest.raises(ScoringError) as raised:
        compute_standings(PAIR, sheets, entries=["a", "b"])
    error = raised.value
    assert (error.entry, error.judge, error.criterion) == ("b", "j7", criterion)
    assert criterion in str(error) and "'b'" in str(error) and "'j7'" in str(error)


@pytest.mark.parametrize(
    ("settings", "criterion"),
    [
        (Settings(method="mode"), None),
        (Settings(method="trimmed_mean", trim=-1), None),
        (Settings(quorum=0), None),
        (Settings(quorum=-2), None),
        (Settings(auto_trim_from=2), None),
        (Settings(tie_breaks=("coin_toss",)), None),
        (Settings(tie_breaks=("Median",)), None),
        (Settings(tie_breaks=("median", "median")), None),
        (Settings(tie_breaks=("criterion:style",)), "style"),
        (Settings(tie_breaks=("criterion:",)), ""),
    ],
)
def test_settings_validate_rejects_bad_keys(settings, criterion):
    with pytest.raises(ScoringError) as raised:
        settings.validate(PAIR)
    assert raised.value.criterion == criterion
    # compute_standings validates too, before looking at any sheet.
    with pytest.raises(ScoringError):
        compute_standings(PAIR, [], entries=[], settings=settings)


@pytest.mark.parametrize(
    "settings",
    [
        Settings(),
        Settings(method="median", quorum=2, auto_trim_from=None),
        Settings(method="trimmed_mean", trim=2, auto_trim_from=3),
        Settings(
            tie_breaks=["median", "first_places", "highest_weight", "criterion:quality", "criterion:reach"]
        ),
    ],
)
def test_settings_validate_accepts_good_settings(settings):
    settings.validate(PAIR)
    assert isinstance(settings.tie_breaks, tuple)
    hash(settings)

"""Property tests of awards.scoring (hypothesis): order independence, monotonicity, ties."""

import tempfile
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from awards.scoring import (
    CriterionSpec,
    RubricSpec,
    Settings,
    SheetInput,
    aggregate,
    compute_standings,
    rank,
)

# Hypothesis caches what it learns in ./.hypothesis by default, even without an example database;
# keep that out of the checkout (.gitignore does not list it).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "tuzo-scoring-hypothesis")

D = Decimal

PAIR = RubricSpec(
    (CriterionSpec("quality", D(60), maximum=D(10)), CriterionSpec("reach", D(40), maximum=D(10)))
)
JUDGES = ("j1", "j2", "j3", "j4", "j5")
ENTRIES = ("a", "b", "c", "d", "e", "f")

# No example database: runs stay reproducible and write nothing into the checkout.
EXAMPLES = settings(max_examples=50, deadline=None, database=None)

score = st.integers(min_value=0, max_value=10)
card = st.tuples(score, score)
# {entry: {judge: (quality, reach)}}, every entry scored by at least one judge.
panels = st.dictionaries(
    st.sampled_from(ENTRIES),
    st.dictionaries(st.sampled_from(JUDGES), card, min_size=1, max_size=len(JUDGES)),
    min_size=2,
    max_size=len(ENTRIES),
)
scoring_settings = st.builds(
    Settings,
    method=st.sampled_from(["mean", "median"]),
    auto_trim_from=st.sampled_from([None, 3, 4]),
    tie_breaks=st.lists(
        st.sampled_from(["median", "first_places", "highest_weight", "criterion:reach"]), unique=True, max_size=3
    ).map(tuple),
    normalise=st.booleans(),
)
exact_values = st.lists(
    st.one_of(
        st.integers(-100, 100),
        st.fractions(min_value=-100, max_value=100, max_denominator=50),
        st.decimals(min_value=-100, max_value=100, places=2),
    ),
    min_size=1,
    max_size=9,
)


def sheets_of(panel):
    return [
        SheetInput.of(entry, judge, {"quality": D(quality), "reach": D(reach)})
        for entry, cards in panel.items()
        for judge, (quality, reach) in cards.items()
    ]


def places(standings):
    return {row.entry: row.rank for row in standings.rows}


@EXAMPLES
@given(panel=panels, options=scoring_settings, seed=st.randoms(use_true_random=False))
def test_scorecard_order_never_matters(panel, options, seed):
    sheets = sheets_of(panel)
    expected = compute_standings(PAIR, sheets, entries=list(panel), settings=options)
    shuffled = sheets[:]
    seed.shuffle(shuffled)
    entries = list(panel)
    seed.shuffle(entries)
    assert compute_standings(PAIR, shuffled, entries=entries, settings=options) == expected


@EXAMPLES
@given(panel=panels, options=scoring_settings, data=st.data())
def test_raising_a_score_never_worsens_the_place(panel, options, data):
    # Not claimed with normalisation: raising one card moves that judge's mean and spread, so it
    # rescales the judge's other cards too.
    options = replace(options, normalise=False)
    entry = data.draw(st.sampled_from(sorted(panel)))
    judge = data.draw(st.sampled_from(sorted(panel[entry])))
    which = data.draw(st.sampled_from([0, 1]))
    before = places(compute_standings(PAIR, sheets_of(panel), entries=list(panel), settings=options))
    raised = {key: dict(cards) for key, cards in panel.items()}
    old = list(raised[entry][judge])
    old[which] = data.draw(st.integers(min_value=old[which], max_value=10))
    raised[entry][judge] = tuple(old)
    after = places(compute_standings(PAIR, sheets_of(raised), entries=list(raised), settings=options))
    assert after[entry] <= before[entry]


@EXAMPLES
@given(panel=panels, options=scoring_settings, data=st.data())
def test_equal_inputs_always_tie(panel, options, data):
    original = data.draw(st.sampled_from(sorted(panel)))
    twin = original + "-twin"
    panel = dict(panel) | {twin: panel[original]}
    standings = compute_standings(PAIR, sheets_of(panel), entries=list(panel), settings=options)
    rows = {row.entry: row for row in standings.rows}
    assert rows[original].rank == rows[twin].rank
    assert rows[original].tied and rows[twin].tied


@EXAMPLES
@given(values=exact_values)
def test_trimmed_mean_with_trim_0_is_the_mean(values):
    mean = aggregate(values, method="mean")
    assert aggregate(values, method="trimmed_mean", trim=0) == mean
    assert mean == sum((Fraction(value) for value in values), Fraction(0)) / len(values)


@EXAMPLES
@given(values=exact_values, data=st.data())
def test_rank_equal_values_share_the_best_place(values, data):
    descending = data.draw(st.booleans())
    scores = {f"k{index}": value for index, value in enumerate(values)}
    result = rank(scores, descending=descending)
    for key, value in scores.items():
        better = sum(1 for other in scores.values() if (other > value if descending else other < value))
        assert result[key] == better + 1

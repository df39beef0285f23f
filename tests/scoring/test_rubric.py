"""Rubrics, score checks and one judge's weighted total, against values worked out by hand."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from awards.scoring import CriterionSpec, RubricSpec, ScoringError, SheetInput, check_score, weighted_total
from awards.scoring.rubric import card_points

D = Decimal

# The Public Service Week rubric shape: six criteria on 0-5, weights 15, 20, 20, 15, 15, 15.
PSW_WEIGHTS = (15, 20, 20, 15, 15, 15)
PSW_CODES = ("innovation", "impact", "service_delivery", "sustainability", "replicability", "citizen_focus")
PSW = RubricSpec(tuple(CriterionSpec(code, D(weight)) for code, weight in zip(PSW_CODES, PSW_WEIGHTS)))


def card(*values):
    return dict(zip(PSW_CODES, (D(value) for value in values)))


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        # 15*5/5 + 20*4/5 + 20*3/5 + 15*2/5 + 15*1/5 + 15*0/5 = 15 + 16 + 12 + 6 + 3 + 0
        (card(5, 4, 3, 2, 1, 0), Fraction(52)),
        # 15*0 + 20*1/5 + 20*2/5 + 15*3/5 + 15*4/5 + 15*5/5 = 0 + 4 + 8 + 9 + 12 + 15
        (card(0, 1, 2, 3, 4, 5), Fraction(48)),
        (card(5, 5, 5, 5, 5, 5), Fraction(100)),
        (card(0, 0, 0, 0, 0, 0), Fraction(0)),
        # Only the two 20-weight criteria at full marks.
        (card(0, 5, 5, 0, 0, 0), Fraction(40)),
        # Every criterion at 3/5 of its range: 3/5 of 100.
        (card(3, 3, 3, 3, 3, 3), Fraction(60)),
    ],
)
def test_weighted_total_by_hand(scores, expected):
    total = weighted_total(PSW, scores)
    assert type(total) is Fraction
    assert total == expected


@pytest.mark.parametrize(
    ("criteria", "scores", "expected"),
    [
        # 0..3 scale, weight 50 each: 1/3*50 + 2/3*50 = 50, exactly, though each part is a third.
        ((("a", 50, 0, 3, 1), ("b", 50, 0, 3, 1)), {"a": 1, "b": 2}, Fraction(50)),
        ((("a", 50, 0, 3, 1), ("b", 50, 0, 3, 1)), {"a": 1, "b": 0}, Fraction(50, 3)),
        # 1..10 in half points: (7.5-1)/9 * 60 + (4-1)/9 * 40 = 390/9 + 120/9 = 170/3
        ((("a", 60, 1, 10, "0.5"), ("b", 40, 1, 10, "0.5")), {"a": "7.5", "b": 4}, Fraction(170, 3)),
        # Weights with decimals: 12.5 + 87.5 = 100; (2/4)*12.5 + (4/4)*87.5 = 93.75
        ((("a", "12.5", 0, 4, 1), ("b", "87.5", 0, 4, 1)), {"a": 2, "b": 4}, Fraction(375, 4)),
    ],
)
def test_weighted_total_scales_and_exact_fractions(criteria, scores, expected):
    rubric = RubricSpec(
        tuple(
            CriterionSpec(code, D(weight), minimum=D(low), maximum=D(high), step=D(step))
            for code, weight, low, high, step in criteria
        )
    )
    assert weighted_total(rubric, {code: D(value) for code, value in scores.items()}) == expected


def test_excluded_criterion_is_scored_but_not_counted():
    rubric = RubricSpec(
        (
            CriterionSpec("quality", D(60)),
            CriterionSpec("reach", D(40)),
            CriterionSpec("presentation", D(0), in_total=False),
        )
    )
    low = weighted_total(rubric, {"quality": D(4), "reach": D(2), "presentation": D(0)})
    high = weighted_total(rubric, {"quality": D(4), "reach": D(2), "presentation": D(5)})
    # 60*4/5 + 40*2/5 = 48 + 16
    assert low == high == Fraction(64)
    # Still required, and still range-checked.
    with pytest.raises(ScoringError) as missing:
        weighted_total(rubric, {"quality": D(4), "reach": D(2)})
    assert missing.value.criterion == "presentation"
    with pytest.raises(ScoringError) as out_of_range:
        weighted_total(rubric, {"quality": D(4), "reach": D(2), "presentation": D(6)})
    assert out_of_range.value.criterion == "presentation"


def test_excluded_criterion_weight_does_not_count_towards_100():
    rubric = RubricSpec((CriterionSpec("a", D(100)), CriterionSpec("bonus", D(10), in_total=False)))
    assert weighted_total(rubric, {"a": D(5), "bonus": D(5)}) == 100


@pytest.mark.parametrize(
    ("scores", "criterion"),
    [
        pytest.param({code: D(3) for code in PSW_CODES[:-1]}, "citizen_focus", id="missing-last"),
        pytest.param({code: D(3) for code in PSW_CODES[1:]}, "innovation", id="missing-first"),
        pytest.param({**card(3, 3, 3, 3, 3, 3), "teamwork": D(3)}, "teamwork", id="unknown-code"),
        pytest.param({**card(3, 3, 3, 3, 3, 3), "impact": D(6)}, "impact", id="above-maximum"),
        pytest.param({**card(3, 3, 3, 3, 3, 3), "impact": D(-1)}, "impact", id="below-minimum"),
        pytest.param({**card(3, 3, 3, 3, 3, 3), "impact": D("2.5")}, "impact", id="off-step"),
        pytest.param({**card(3, 3, 3, 3, 3, 3), "impact": D("NaN")}, "impact", id="nan"),
        pytest.param({**card(3, 3, 3, 3, 3, 3), "impact": D("sNaN")}, "impact", id="signalling-nan"),
        pytest.param({**card(3, 3, 3, 3, 3, 3), "impact": D("Infinity")}, "impact", id="infinity"),
        pytest.param({**card(3, 3, 3, 3, 3, 3), "impact": "abc"}, "impact", id="not-a-number"),
    ],
)
def test_weighted_total_rejects_bad_cards_naming_the_criterion(scores, criterion):
    with pytest.raises(ScoringError) as raised:
        weighted_total(PSW, scores)
    assert raised.value.criterion == criterion
    assert criterion in str(raised.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(0), D(0)),
        (D(5), D(5)),
        (3, D(3)),
        ("4", D(4)),
        (" 2 ", D(2)),
        (D("4.0"), D(4)),
    ],
)
def test_check_score_accepts(value, expected):
    result = check_score(CriterionSpec("impact", D(100)), value)
    assert isinstance(result, Decimal)
    assert result == expected


@pytest.mark.parametrize(
    ("spec", "value"),
    [
        (CriterionSpec("impact", D(100)), D("5.5")),
        (CriterionSpec("impact", D(100)), D("-0.5")),
        (CriterionSpec("impact", D(100)), D("0.5")),
        (CriterionSpec("impact", D(100)), D("NaN")),
        (CriterionSpec("impact", D(100)), "-Infinity"),
        (CriterionSpec("impact", D(100)), ""),
        # Steps count from the minimum: on 1..10 by 0.5, 1.5 is fine but 1.25 and 10.25 are not.
        (CriterionSpec("impact", D(100), minimum=D(1), maximum=D(10), step=D("0.5")), D("1.25")),
        (CriterionSpec("impact", D(100), minimum=D(1), maximum=D(10), step=D("0.5")), D("10.5")),
        (CriterionSpec("impact", D(100), minimum=D(1), maximum=D(10), step=D("0.5")), D("0.5")),
        # On 1, 3, 5, 7 an even score is off the grid although it is a multiple of the step.
        (CriterionSpec("impact", D(100), minimum=D(1), maximum=D(7), step=D(2)), D(2)),
        (CriterionSpec("impact", D(100), minimum=D(1), maximum=D(7), step=D(2)), D(4)),
    ],
)
def test_check_score_rejects(spec, value):
    with pytest.raises(ScoringError) as raised:
        check_score(spec, value)
    assert raised.value.criterion == "impact"
    assert "impact" in str(raised.value)


@pytest.mark.parametrize(
    ("scale", "values"),
    [
        ((1, 10, "0.5"), ("1", "1.5", "9.5", "10")),
        # Steps count from the minimum: 3 is on the 1, 3, 5, 7 grid though 3 is not a multiple of 2.
        ((1, 7, 2), ("1", "3", "5", "7")),
        ((-2, 2, 1), ("-2", "0", "2")),
    ],
)
def test_check_score_on_step_grids(scale, values):
    minimum, maximum, step = (D(part) for part in scale)
    spec = CriterionSpec("impact", D(100), minimum=minimum, maximum=maximum, step=step)
    assert [check_score(spec, value) for value in values] == [D(value) for value in values]


@pytest.mark.parametrize("value", [4.0, 0.1, True])
def test_floats_and_bools_are_refused_not_converted(value):
    with pytest.raises(TypeError):
        check_score(CriterionSpec("impact", D(100)), value)


@pytest.mark.parametrize(
    ("criteria", "criterion"),
    [
        pytest.param((), None, id="no-criteria"),
        pytest.param((CriterionSpec("a", D(50)), CriterionSpec("b", D(49))), None, id="weights-sum-99"),
        pytest.param((CriterionSpec("a", D(50)), CriterionSpec("b", D(51))), None, id="weights-sum-101"),
        pytest.param(
            (CriterionSpec("a", D("33.33")), CriterionSpec("b", D("33.33")), CriterionSpec("c", D("33.33"))),
            None,
            id="thirds-do-not-round-to-100",
        ),
        pytest.param(
            (CriterionSpec("a", D(100)), CriterionSpec("b", D(0), in_total=False), CriterionSpec("b", D(0))),
            "b",
            id="duplicate-code",
        ),
        pytest.param((CriterionSpec("a", D(110)), CriterionSpec("b", D(-10))), "b", id="negative-weight"),
        pytest.param((CriterionSpec("a", D(100), minimum=D(5), maximum=D(5)),), "a", id="min-equals-max"),
        pytest.param((CriterionSpec("a", D(100), minimum=D(5), maximum=D(1)),), "a", id="min-above-max"),
        pytest.param((CriterionSpec("a", D(100), step=D(0)),), "a", id="zero-step"),
        pytest.param((CriterionSpec("a", D(100), step=D(-1)),), "a", id="negative-step"),
        pytest.param((CriterionSpec("a", D(100), step=D(2)),), "a", id="range-not-whole-steps"),
        pytest.param((CriterionSpec("", D(100)),), "", id="empty-code"),
    ],
)
def test_rubric_validation(criteria, criterion):
    with pytest.raises(ScoringError) as raised:
        RubricSpec(criteria)
    assert raised.value.criterion == criterion
    if criterion:
        assert criterion in str(raised.value)


def test_weights_summing_to_99_are_reported_with_the_sum():
    with pytest.raises(ScoringError, match="99"):
        RubricSpec((CriterionSpec("a", D(50)), CriterionSpec("b", D(49))))


def test_rubric_accepts_a_list_and_int_or_str_numbers():
    rubric = RubricSpec([CriterionSpec("a", 60), CriterionSpec("b", "40", maximum="10", step="0.5")])
    assert rubric.criteria == (
        CriterionSpec("a", D(60)),
        CriterionSpec("b", D(40), maximum=D(10), step=D("0.5")),
    )
    assert rubric.criterion("b").maximum == D(10)
    with pytest.raises(ScoringError) as raised:
        rubric.criterion("c")
    assert raised.value.criterion == "c"


def test_criterion_spec_refuses_float_numbers():
    with pytest.raises(TypeError):
        CriterionSpec("a", 33.3)


def test_sheet_input_of_sorts_and_converts():
    sheet = SheetInput.of("entry-1", "judge-1", {"b": 3, "a": "4.5"})
    assert sheet.scores == (("a", D("4.5")), ("b", D(3)))
    assert sheet == SheetInput.of("entry-1", "judge-1", {"a": D("4.5"), "b": D(3)})
    assert sheet.score_map() == {"a": D("4.5"), "b": D(3)}
    with pytest.raises(TypeError):
        SheetInput.of("entry-1", "judge-1", {"a": 4.5})


def test_sheet_with_a_criterion_twice_is_refused():
    sheet = SheetInput("entry-1", "judge-1", (("a", D(1)), ("a", D(2))))
    with pytest.raises(ScoringError) as raised:
        sheet.score_map()
    assert (raised.value.criterion, raised.value.entry, raised.value.judge) == ("a", "entry-1", "judge-1")


# The fast count of a Decimal score (remembered by its exact text, awards.scoring.rubric._Scale.steps)
# must agree with the full check in Fractions on every value: the same steps, or the same refusal.
_scales = st.sampled_from([("0", "5", "1"), ("1", "10", "0.5"), ("0", "100", "0.25"), ("-2", "2", "0.1"),
                           ("0", "1", "0.001"), ("0", "3", "1.5")])
_values = st.one_of(
    st.decimals(min_value=-20, max_value=120, places=3, allow_nan=False),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.builds(lambda whole, tail: Decimal(f"{whole}.{tail}"), st.integers(-3, 12), st.text("0123456789", min_size=1, max_size=40)),
)


@given(scale=_scales, value=_values)
@settings(max_examples=400, deadline=None)
def test_the_fast_count_of_a_score_agrees_with_the_full_check(scale, value):
    minimum, maximum, step = scale
    rubric = RubricSpec([CriterionSpec("a", "100", minimum, maximum, step)])
    try:
        expected = (Fraction(check_score(rubric.criteria[0], value)) - Fraction(Decimal(minimum))) / Fraction(Decimal(step))
    except ScoringError:
        with pytest.raises(ScoringError):
            card_points(rubric, {"a": value})
        return
    assert card_points(rubric, {"a": value})[0] == (int(expected),)
    span = Fraction(Decimal(maximum)) - Fraction(Decimal(minimum))
    assert weighted_total(rubric, {"a": value}) == int(expected) * Fraction(Decimal(step)) / span * 100

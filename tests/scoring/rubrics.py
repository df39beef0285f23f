"""Small rubrics and sheet builders shared by the scoring tests."""

from decimal import Decimal as D

from awards.scoring import CriterionSpec, RubricSpec, SheetInput

# One criterion on 0..10 weighted 100: a judge's total is simply ten times the score.
SINGLE = RubricSpec((CriterionSpec("overall", D(100), maximum=D(10)),))
# Two criteria on 0..10: total = 6 * quality + 4 * reach.
PAIR = RubricSpec(
    (CriterionSpec("quality", D(60), maximum=D(10)), CriterionSpec("reach", D(40), maximum=D(10)))
)


def single_sheets(panel):
    """{entry: {judge: score}} on the SINGLE rubric -> sheets."""
    return [
        SheetInput.of(entry, judge, {"overall": D(score)})
        for entry, scores in panel.items()
        for judge, score in scores.items()
    ]


def pair_sheets(panel):
    """{entry: {judge: (quality, reach)}} on the PAIR rubric -> sheets."""
    return [
        SheetInput.of(entry, judge, {"quality": D(quality), "reach": D(reach)})
        for entry, cards in panel.items()
        for judge, (quality, reach) in cards.items()
    ]

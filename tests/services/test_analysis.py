"""The organiser's analysis of a category agrees with the published ranking and explains it."""

from decimal import Decimal

from awards.extensions import db
from awards.models import Category
from awards.services import analysis, results


def category(code: str) -> Category:
    return db.session.execute(db.select(Category).filter_by(code=code)).scalar_one()


def test_breakdown_matches_the_ranking_and_each_judge_total(demo):
    cat = category("innovation")
    preview = results.compute_results(cat)
    data = analysis.analyse_category(cat)
    assert [(r["rank"], r["score"]) for r in data["breakdown"]] == [(r["rank"], r["score"]) for r in preview["rows"]]
    weights = {c.code: c.weight for c in cat.criteria}
    for row in data["breakdown"]:
        assert len(row["judges"]) == 3
        for judge in row["judges"]:
            # The weighted total on 0-100 from the raw 0-5 scores, recomputed by hand.
            expected = sum(Decimal(v) / 5 * weights[k] for k, v in judge["scores"].items())
            assert Decimal(judge["total"]) == expected.quantize(Decimal("0.01"))
        mean = sum(Decimal(j["total"]) for j in row["judges"]) / 3
        assert abs(Decimal(row["score"]) - mean) <= Decimal("0.01")


def test_side_by_side_methods_start_with_the_plain_mean(demo):
    cat = category("innovation")
    preview = results.compute_results(cat)
    data = analysis.analyse_category(cat)
    assert data["methods"] == ["mean", "median", "trimmed_mean", "z_mean"]
    mean_column = [(row["methods"][0][0], row["methods"][0][1]) for row in data["side_by_side"]]
    assert mean_column == [(r["rank"], r["score"]) for r in preview["rows"]]
    # Trimming 1 of 3 judges on each side leaves the median.
    assert [row["methods"][1] for row in data["side_by_side"]] == [row["methods"][2] for row in data["side_by_side"]]


def test_agreement_and_robustness_are_reported(demo):
    data = analysis.analyse_category(category("innovation"))
    names = [a["name"] for a in data["agreement"]]
    assert len(names) == 2
    for a in data["agreement"]:
        assert a["judges"] == 3 and a["entries"] == 5
        assert Decimal("-1") <= Decimal(a["value"]) <= Decimal("1")
    assert data["judges_checked"] == 3
    assert set(data["decisive_judges"]) <= {"Baraka Mushi", "Juma Salim", "Emmanuel Lyimo"}

"""Analysis of a category for the organiser: breakdown, moderation flags, agreement,
robustness and the ranking under each aggregation method, side by side.

Read-only: it loads the same inputs as publication (results.load_inputs), lets
awards.scoring do every computation, and returns plain data with names resolved.
"""

from dataclasses import replace
from decimal import Decimal

from flask_babel import gettext as _

from awards import scoring
from awards.extensions import db
from awards.models import Category, User
from awards.services.results import CategoryInputs, load_inputs
from awards.services.editions import two_places

# The methods shown side by side: (label key, settings changes).
METHODS = (
    ("mean", {"method": "mean", "trim": 0, "auto_trim_from": None, "normalise": False}),
    ("median", {"method": "median", "trim": 0, "auto_trim_from": None, "normalise": False}),
    ("trimmed_mean", {"method": "trimmed_mean", "trim": 1, "auto_trim_from": None, "normalise": False}),
    ("z_mean", {"method": "mean", "trim": 0, "auto_trim_from": None, "normalise": True}),
)


# Statistical names, the same in both languages.
AGREEMENT_NAMES = {"kendalls_w": "Kendall's W", "icc_2_1": "ICC(2,1)"}


def _versus_next_text(versus) -> str:
    """Why an entry sits above the one below it, in the user's language."""
    if versus is None:
        return ""
    if versus.reason == "tied":
        return _("Tied with the next entry on score and every tie-break.")
    if versus.reason == "score":
        return _("%(diff)s points above the next entry (%(a)s against %(b)s).", diff=two_places(versus.difference),
                 a=two_places(versus.value), b=two_places(versus.next_value))
    return _("Same score as the next entry; placed above it by the tie-break %(key)s (%(a)s against %(b)s).",
             key=versus.reason, a=two_places(versus.value), b=two_places(versus.next_value))


def analyse_category(category: Category, inputs: CategoryInputs | None = None) -> dict:
    inputs = inputs or load_inputs(category)
    rubric, settings, sheets = inputs.rubric, inputs.settings, inputs.sheets
    standings = scoring.compute_standings(rubric, sheets, entries=inputs.entry_keys, settings=settings)

    judge_ids = sorted({int(s.judge) for s in sheets})
    judges = {str(u.id): u.name for u in db.session.execute(db.select(User).filter(User.id.in_(judge_ids))).scalars()}
    entries = {str(k): e for k, e in inputs.entries.items()}
    criteria = {c.code: c for c in category.criteria}

    def entry_label(key: str) -> str:
        entry = entries[key]
        return f"{entry.institution_name} ({entry.institution_acronym})"

    explanations = scoring.explain(rubric, sheets, standings)
    breakdown = []
    for row in standings.rows:
        exp = explanations[row.entry]
        breakdown.append({
            "entry": entry_label(row.entry),
            "rank": row.rank,
            "tied": row.tied,
            "score": two_places(row.score),
            "method": row.method,
            "judges": [
                {"name": judges.get(judge, judge), "total": two_places(total), "scorecard": inputs.scorecard_ids[row.entry, judge],
                 "scores": {code: str(Decimal(value).normalize()) for code, value in scores}}
                for judge, scores, total in exp.breakdown
            ],
            "versus_next_text": _versus_next_text(exp.versus_next),
        })

    disagreements = [
        {"entry": entry_label(d.entry), "criterion": criteria[d.criterion], "low": str(d.low), "high": str(d.high),
         "judges_low": [judges.get(j, j) for j in d.judges_low], "judges_high": [judges.get(j, j) for j in d.judges_high]}
        for d in scoring.criterion_disagreements(rubric, sheets)
    ]
    outliers = [
        {"judge": judges.get(o.judge, o.judge), "sheets": o.sheets, "difference": two_places(abs(o.mean_difference)),
         "distance": str(abs(o.distance_sd)), "direction": o.direction}
        for o in scoring.outlier_judges(rubric, sheets)
    ]
    agreement = [
        {"name": AGREEMENT_NAMES.get(a.name, a.name), "value": str(scoring.to_decimal(a.value, 3)), "judges": a.judges, "entries": a.entries}
        for a in (scoring.kendalls_w(rubric, sheets), scoring.icc(rubric, sheets)) if a is not None
    ]
    influence = scoring.leave_one_judge_out(rubric, sheets, entries=inputs.entry_keys, settings=settings)
    decisive = [judges.get(i.judge, i.judge) for i in influence if i.changes_podium]

    side_by_side = []
    by_method = {}
    for key, changes in METHODS:
        variant = replace(settings, **changes)
        result = scoring.compute_standings(rubric, sheets, entries=inputs.entry_keys, settings=variant)
        by_method[key] = {row.entry: (row.rank, two_places(row.score)) for row in result.rows}
    for row in standings.rows:
        side_by_side.append({"entry": entry_label(row.entry),
                             "methods": [by_method[key].get(row.entry) for key, _ in METHODS]})

    return {
        "breakdown": breakdown,
        "criteria": list(criteria.values()),
        "disagreements": disagreements,
        "outliers": outliers,
        "agreement": agreement,
        "decisive_judges": decisive,
        "judges_checked": len(influence),
        "methods": [key for key, _ in METHODS],
        "side_by_side": side_by_side,
        "settings": {"method": settings.method, "trim": settings.trim, "auto_trim_from": settings.auto_trim_from,
                     "quorum": settings.quorum, "tie_breaks": list(settings.tie_breaks),
                     "normalise": settings.normalise},
    }

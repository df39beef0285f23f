"""The results report: one category's ranking and the distribution of its scores, as a PDF.

The published snapshot when there is one, else the live preview (marked as such). The
chart is the same server-drawn SVG the organiser's category page shows (chart_svg), so the
page and the paper agree. Primitives only for the template; read-only.
"""

from decimal import Decimal

from flask import render_template
from flask_babel import force_locale, gettext

from awards.i18n import format_moment, format_score, localized, method_label
from awards.models import Category
from awards.models._types import utcnow
from awards.pdf import html_to_pdf
from awards.services import results
from awards.services.charts import score_histogram_svg


def chart_svg(standings: dict) -> str:
    """The histogram of the ranked scores in ``standings`` (a snapshot's or the preview's), with
    the podium scores marked, in the current language."""
    rows = standings["rows"]
    return score_histogram_svg(
        [Decimal(row["score"]) for row in rows],
        title=gettext("Distribution of the scores"),
        description=gettext("Number of ranked entries in each band of 10 points; the dashed lines mark "
                            "the scores of places 1 to 3."),
        x_label=gettext("Score (out of 100)"),
        y_label=gettext("Entries"),
        podium=[(str(row["rank"]), Decimal(row["score"])) for row in rows if row["rank"] <= 3],
    )


def method_text(method: dict) -> str:
    key = "z_mean" if method.get("normalise") else method.get("aggregation", "mean")
    text = method_label(key)
    if method.get("trim"):
        text += "; " + gettext("%(k)d highest and lowest dropped", k=method["trim"])
    elif method.get("auto_trim_from"):
        text += "; " + gettext("trimmed mean from %(n)d judges", n=method["auto_trim_from"])
    return text + "; " + gettext("quorum: %(n)d scorecards", n=method.get("quorum", 1))


def report_context(category: Category, lang: str) -> dict:
    snapshot = results.current_snapshot(category)
    if snapshot is not None:
        standings, method = results.snapshot_standings(snapshot), snapshot.method
    else:
        standings = results.compute_results(category)
        method = standings["method"]
    with force_locale(lang):
        return {
            "lang": lang,
            "edition": localized(category.edition, "name", lang),
            "category": localized(category, "name", lang),
            "published": snapshot is not None,
            "sha256": snapshot.sha256 if snapshot is not None else "",
            "published_at": format_moment(snapshot.published_at, lang) if snapshot is not None else "",
            "generated_at": format_moment(utcnow(), lang),
            "method": method_text(method),
            "rows": [
                {"place": row["rank"], "tied": row["tied"], "institution": row["institution"]["name"],
                 "acronym": row["institution"]["acronym"], "title": row["title"], "judges": row["judges"],
                 "score": format_score(row["score"], lang)}
                for row in standings["rows"]
            ],
            "unranked": [
                {"institution": row["institution"]["name"], "acronym": row["institution"]["acronym"],
                 "title": row["title"],
                 "reason": gettext("%(sheets)d of %(required)d required scorecards submitted",
                                   sheets=row["sheets"], required=row["required"])}
                for row in standings["unranked"]
            ],
            "chart_svg": chart_svg(standings),
        }


def render_report_html(category: Category, lang: str) -> str:
    context = report_context(category, lang)
    with force_locale(lang):
        return render_template("admin/report.html", **context)


def render_report_pdf(category: Category, lang: str) -> bytes:
    return html_to_pdf(render_report_html(category, lang))

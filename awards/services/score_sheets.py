"""Paper score sheets: one entry's rubric as a printable PDF, blank or filled with a judge's own scorecard.

For judges on site visits without a laptop, and for the secretariat to print blank sheets.
The context builder returns primitives only (never DB objects), so the trusted template
cannot reach the database. Totals come from awards.scoring, exactly, as on screen.
Read-only: nothing here writes.
"""

import re

from flask import render_template
from flask_babel import force_locale, gettext

from awards import scoring
from awards.enums import ScorecardStatus
from awards.models import Entry, Scorecard, User
from awards.models._types import utcnow
from awards.i18n import descriptor, format_day, format_number, format_score, localized
from awards.pdf import html_to_pdf
from awards.services.editions import levels_for, plain
from awards.services.judging import rubric_spec

# Comment lines printed on a blank sheet (or for a comment left empty on a filled one).
CRITERION_LINES = 3
OVERALL_LINES = 5


def _status_label(status: ScorecardStatus) -> str:
    return {
        ScorecardStatus.DRAFT: gettext("Draft"),
        ScorecardStatus.SUBMITTED: gettext("Submitted"),
        ScorecardStatus.REOPENED: gettext("Reopened"),
    }[status]


def _page_footer() -> list[dict]:
    """"Page x of y" as pieces: text, or the page/pages counters, in the translation's own order.

    The template turns the pieces into CSS ``content`` with fixed names only (string(), counter()),
    so no text ever goes into the stylesheet.
    """
    pieces = []
    for index, part in enumerate(re.split(r"(%\(pages?\)s)", gettext("Page %(page)s of %(pages)s",
                                                                        page="%(page)s", pages="%(pages)s"))):
        if part == "%(page)s":
            pieces.append({"counter": "page"})
        elif part == "%(pages)s":
            pieces.append({"counter": "pages"})
        elif part.strip():
            pieces.append({"text": part.strip(), "name": f"tuzo-page-{index}"})
    return pieces


def score_sheet_context(entry: Entry, *, card: Scorecard | None = None, judge: User | None = None,
                        lang: str) -> dict:
    """What the sheet shows, in one language. ``card`` must be the printing judge's own scorecard."""
    if card is not None and card.assignment.entry_id != entry.id:
        raise ValueError("the scorecard belongs to another entry")
    category = entry.category
    edition = entry.edition
    by_criterion = {s.criterion_id: s for s in card.scores} if card is not None else {}
    with force_locale(lang):
        criteria = []
        for number, criterion in enumerate(category.criteria, start=1):
            row = by_criterion.get(criterion.id)
            chosen = row.value if row is not None else None
            criteria.append({
                "number": number,
                "code": criterion.code,
                "name": localized(criterion, "name", lang),
                "weight": plain(criterion.weight),
                "weight_label": gettext("weight %(w)s", w=format_number(criterion.weight, lang)),
                "in_total": criterion.in_total,
                "guidance": localized(criterion, "guidance", lang),
                "guidance_label": gettext("What a %(level)s looks like:", level=plain(criterion.scale_max)),
                "evidence": localized(criterion, "evidence", lang),
                "levels": [
                    {"value": plain(level), "descriptor": descriptor(texts, lang),
                     "chosen": chosen is not None and chosen == level}
                    for level, texts in levels_for(criterion)
                ],
                "chosen": plain(chosen) if chosen is not None else None,
                "comment": (row.comment or "") if row is not None else "",
            })
        total = None
        if card is not None and criteria and all(c["chosen"] is not None for c in criteria):
            scores = {s.criterion.code: s.value for s in card.scores if s.value is not None}
            exact = scoring.weighted_total(rubric_spec(category), scores)
            total = format_score(scoring.to_decimal(exact, 2), lang)
        printed = None
        if card is not None:
            printed = gettext(
                "Printed from Tuzo on %(date)s, scorecard version %(version)s, status: %(status)s.",
                date=format_day(utcnow(), lang), version=card.version, status=_status_label(card.status),
            )
        labels = {
            "title": gettext("Score sheet"),
            "category": gettext("Category"),
            "entry": gettext("Entry"),
            "institution": gettext("Institution"),
            "judge": gettext("Judge"),
            "instructions": gettext(
                "Tick one box for each criterion and write your comments in the boxes. "
                "Type the scores into Tuzo when you are back online."
            ),
            "not_in_total": gettext("not counted in the total"),
            "evidence": gettext("Evidence to look for:"),
            "level": gettext("Level"),
            "descriptor": gettext("What it looks like"),
            "comment": gettext("Comment"),
            "overall_comment": gettext("Overall comment"),
            "total": gettext("Weighted total (out of 100)"),
            "total_hint": gettext("Tuzo works out the weighted total from the levels you ticked."),
            "signature": gettext("Judge's signature"),
            "date": gettext("Date"),
        }
        return {
            "lang": lang,
            "filled": card is not None,
            "labels": labels,
            "page_footer": _page_footer(),
            "edition_name": localized(edition, "name", lang),
            "category_name": localized(category, "name", lang),
            "entry_title": entry.title,
            "institution_name": entry.institution.name,
            "institution_acronym": entry.institution.acronym,
            "judge_name": judge.name if judge is not None else "",
            "criteria": criteria,
            "overall_comment": (card.comment or "") if card is not None else "",
            "total": total,
            "printed": printed,
            "criterion_lines": CRITERION_LINES,
            "overall_lines": OVERALL_LINES,
        }


def render_score_sheet_pdf(entry: Entry, *, card: Scorecard | None = None, judge: User | None = None,
                           lang: str) -> bytes:
    context = score_sheet_context(entry, card=card, judge=judge, lang=lang)
    with force_locale(lang):
        html = render_template("judging/score_sheet.html", **context)
    return html_to_pdf(html)

"""Feedback reports: after publication, an institution's own results, to learn from.

Per criterion, the entry's mean score against the category median and the level descriptor it
is nearest; the judges' comments without their names; its total, place and certificates.
Place and total come from the published snapshot; the criterion figures from awards.scoring
over the category's submitted scorecards (results.load_inputs: they cannot be reopened once the
category is published), so no arithmetic happens here beyond rounding for display with
scoring.to_decimal. The report is primitives only, so the PDF template cannot reach the
database. Read-only: nothing here writes.
"""

from flask import render_template
from flask_babel import force_locale, gettext

from awards import scoring
from awards.enums import CertificateKind
from awards.extensions import db
from awards.models import Certificate, Entry, Scorecard
from awards.i18n import descriptor, format_day, format_number, format_score, localized
from awards.pdf import html_to_pdf
from awards.services import results
from awards.services.editions import levels_for, plain, two_places


def _position(difference) -> str:
    if difference > 0:
        return "above"
    if difference < 0:
        return "below"
    return "equal"


def _anonymous(texts) -> list[str]:
    """Non-empty comments, sorted alphabetically: the order says nothing about who wrote which, so
    comments under different criteria cannot be matched up to one judge by their position."""
    kept = [text.strip() for text in texts if text and text.strip()]
    return sorted(kept, key=lambda text: (text.casefold(), text))


def _kind_label(cert: Certificate) -> str:
    return {
        CertificateKind.FIRST: gettext("First Place"),
        CertificateKind.SECOND: gettext("Second Place"),
        CertificateKind.THIRD: gettext("Third Place"),
        CertificateKind.EXCELLENCE: gettext("Certificate of Excellence"),
        CertificateKind.PARTICIPATION: gettext("Certificate of Participation"),
    }[cert.kind]


def feedback_for(entry: Entry, lang: str) -> dict | None:
    """The entry's feedback report in ``lang``, or None while its category has no current
    published snapshot or the entry is not in it (it was never submitted, say)."""
    category = entry.category
    snapshot = results.current_snapshot(category)
    if snapshot is None:
        return None
    standings = results.snapshot_standings(snapshot)
    ranked = next((row for row in standings["rows"] if row["entry_id"] == entry.id), None)
    unranked = next((row for row in standings["unranked"] if row["entry_id"] == entry.id), None)
    if ranked is None and unranked is None:
        return None

    inputs = results.load_inputs(category)
    profile = scoring.criterion_profile(inputs.rubric, inputs.sheets)
    key = str(entry.id)
    judges = profile.sheet_count(key)
    means = profile.entry_means(key) if judges else {}
    card_ids = [card_id for (entry_key, _), card_id in inputs.scorecard_ids.items() if entry_key == key]
    cards = list(db.session.execute(
        db.select(Scorecard).filter(Scorecard.id.in_(card_ids)).options(db.selectinload(Scorecard.scores))
    ).scalars()) if card_ids else []
    comments: dict[int, list[str]] = {}
    for card in cards:
        for score in card.scores:
            comments.setdefault(score.criterion_id, []).append(score.comment)
    certs = db.session.execute(
        db.select(Certificate)
        .filter_by(snapshot_id=snapshot.id, entry_id=entry.id, revoked_at=None)
        .order_by(Certificate.id)
    ).scalars()

    with force_locale(lang):
        criteria = []
        for number, criterion in enumerate(category.criteria, start=1):
            code = criterion.code
            mean = means.get(code)
            row = {
                "number": number,
                "code": code,
                "name": localized(criterion, "name", lang),
                "weight": format_number(criterion.weight, lang),
                "in_total": criterion.in_total,
                "scale_max": plain(criterion.scale_max),
                "mean": None, "median": None, "difference": None, "position": None,
                "level": None, "descriptor": "",
                "comments": _anonymous(comments.get(criterion.id, [])),
            }
            if profile.entries:
                row["median"] = two_places(profile.median(code))
            if mean is not None:
                difference = profile.difference(key, code)
                level = scoring.nearest_level(inputs.rubric.criterion(code), mean)
                row |= {
                    "mean": two_places(mean),
                    "difference": two_places(difference),
                    "position": _position(difference),
                    "level": plain(level),
                    "descriptor": descriptor(dict(levels_for(criterion)).get(level, {}), lang),
                }
            criteria.append(row)
        if ranked is not None:
            result = {"ranked": True, "rank": ranked["rank"], "tied": ranked["tied"],
                      "score": format_score(ranked["score"], lang),
                      "ranked_entries": len(standings["rows"])}
        else:
            result = {"ranked": False, "reason": unranked["reason"], "sheets": unranked["sheets"],
                      "required": unranked["required"], "ranked_entries": len(standings["rows"])}
        return {
            "lang": lang,
            "entry_id": entry.id,
            "edition_name": localized(entry.edition, "name", lang),
            "category_name": localized(category, "name", lang),
            "entry_title": entry.title,
            "institution_name": entry.institution.name,
            "institution_acronym": entry.institution.acronym,
            "published_on": format_day(snapshot.published_at, lang),
            "sha256": snapshot.sha256,
            "result": result,
            "judges": judges,
            "entries": profile.entries,
            "criteria": criteria,
            "overall_comments": _anonymous(card.comment for card in cards),
            "certificates": [
                {"serial": cert.serial, "kind": cert.kind.value, "label": _kind_label(cert), "place": cert.place}
                for cert in certs
            ],
        }


def render_feedback_pdf(report: dict) -> bytes:
    """The report as an A4 PDF, in the report's language (needs a request context for URLs)."""
    with force_locale(report["lang"]):
        html = render_template("institutions/feedback_pdf.html", report=report)
    return html_to_pdf(html)

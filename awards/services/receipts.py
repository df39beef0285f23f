"""The receipt an institution gets for a submitted entry: what was submitted, when, and the
sha256 of every file, so that anyone can later check that the files judged are the files sent.

Primitives only for the template (like services.certificates); read-only.
"""

from flask import render_template
from flask_babel import force_locale, gettext

from awards.enums import EntryStatus
from awards.i18n import format_moment, localized
from awards.models import Entry
from awards.pdf import html_to_pdf


def receipt_context(entry: Entry, lang: str) -> dict:
    if entry.status is not EntryStatus.SUBMITTED:
        raise ValueError("only a submitted entry has a receipt")
    with force_locale(lang):
        names = {c.id: localized(c, "name") for c in entry.category.criteria}
        whole = gettext("Whole entry")
        return {
            "lang": lang,
            "edition": localized(entry.edition, "name"),
            "category": localized(entry.category, "name"),
            "institution": f"{entry.institution.name} ({entry.institution.acronym})",
            "title": entry.title,
            "innovation_name": entry.innovation_name,
            "entry_id": entry.id,
            "submitted_at": format_moment(entry.submitted_at, lang),
            "files": [
                {"name": e.original_name, "size": e.size, "sha256": e.sha256, "type": e.content_type,
                 "criterion": names.get(e.criterion_id, whole)}
                for e in entry.evidence if e.sha256
            ],
            "links": [{"url": e.url, "text": e.text or "", "criterion": names.get(e.criterion_id, whole)}
                      for e in entry.evidence if e.url],
            "narratives": [{"criterion": names[n.criterion_id], "words": len(n.text.split())}
                           for n in entry.narratives if n.text.strip()],
        }


def render_receipt_pdf(entry: Entry, lang: str) -> bytes:
    context = receipt_context(entry, lang)
    with force_locale(lang):
        return html_to_pdf(render_template("institutions/receipt.html", **context))

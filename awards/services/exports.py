"""Exports for the organiser: results, the full score matrix and the audit log, as CSV and XLSX.

Each table is a translated header and rows of plain values (str, int, Decimal or None), so the
same table becomes CSV or XLSX. Read-only: nothing here writes.

- results_table: the current published snapshot if there is one, else the live preview; the
  ranked entries first, then the unranked ones with the reason.
- score_matrix: one row per criterion score of every submitted scorecard in the category; the
  judge's weighted total for the card (0-100) is the last column, repeated on each of its rows,
  so that a pivot or filter on the sheet keeps it with the scores it came from.
- audit_table: the audit trail, filtered.

Spreadsheet safety: a text cell that starts with = + - @, a tab or a carriage return is written
with a leading apostrophe in CSV (so Excel and LibreOffice never run it as a formula), and as a
plain string cell in XLSX.
"""

import csv
import io
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from flask_babel import gettext as _

from awards import scoring
from awards.enums import ScorecardStatus
from awards.extensions import db
from awards.i18n import localized
from awards.models import Assignment, Category, Entry, Scorecard, User
from awards.services import audit, results
from awards.services.errors import InvalidInput
from awards.services.judging import rubric_spec

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# -- tables ------------------------------------------------------------------------------------

def results_table(category: Category) -> tuple[list[str], list[list]]:
    snapshot = results.current_snapshot(category)
    standings = results.snapshot_standings(snapshot) if snapshot is not None else results.compute_results(category)
    header = [_("Place"), _("Tied"), _("Institution"), _("Acronym"), _("Entry"), _("Judges"),
              _("Score (out of 100)"), _("Not ranked because")]
    rows = [
        [row["rank"], _("yes") if row["tied"] else "", row["institution"]["name"], row["institution"]["acronym"],
         row["title"], row["judges"], Decimal(row["score"]), ""]
        for row in standings["rows"]
    ]
    rows += [
        [None, "", row["institution"]["name"], row["institution"]["acronym"], row["title"], row["sheets"], None,
         _("%(sheets)d of %(required)d required scorecards submitted", sheets=row["sheets"], required=row["required"])]
        for row in standings["unranked"]
    ]
    return header, rows


def score_matrix(category: Category) -> tuple[list[str], list[list]]:
    header = [_("Entry number"), _("Acronym"), _("Judge"), _("Judge's email"), _("Criterion code"), _("Criterion"),
              _("Weight"), _("Score"), _("Comment"), _("Judge's total (out of 100)")]
    rubric = rubric_spec(category)
    criteria = {c.id: c for c in category.criteria}
    order = {c.id: i for i, c in enumerate(category.criteria)}
    cards = db.session.execute(
        db.select(Scorecard)
        .join(Scorecard.assignment).join(Assignment.entry).join(Assignment.judge)
        .filter(Entry.category_id == category.id, Scorecard.status == ScorecardStatus.SUBMITTED)
        .order_by(Entry.id, User.name, Scorecard.id)
        .options(db.selectinload(Scorecard.scores),
                 db.joinedload(Scorecard.assignment).joinedload(Assignment.entry).joinedload(Entry.institution),
                 db.joinedload(Scorecard.assignment).joinedload(Assignment.judge))
    ).scalars().unique().all()
    rows = []
    for card in cards:
        entry, judge = card.assignment.entry, card.assignment.judge
        scores = sorted(card.scores, key=lambda s: order.get(s.criterion_id, len(order)))
        values = {criteria[s.criterion_id].code: Decimal(s.value) for s in scores if s.value is not None}
        try:
            total = scoring.to_decimal(scoring.weighted_total(rubric, values))
        except scoring.ScoringError:
            total = None  # an incomplete card has no total; its scores are still listed
        for s in scores:
            criterion = criteria[s.criterion_id]
            rows.append([entry.id, entry.institution.acronym, judge.name, judge.email, criterion.code,
                         localized(criterion, "name"), Decimal(criterion.weight),
                         None if s.value is None else _decimal2(s.value), s.comment or "", total])
    return header, rows


def _decimal2(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _filter_date(value, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(_("The date %(name)s must look like 2026-06-23.", name=name)) from None


def audit_table(filters=None) -> tuple[list[str], list[list]]:
    """The audit trail, oldest first. ``filters`` (a mapping, e.g. the query string) may hold
    ``action`` (a prefix such as "scorecard."), ``actor`` (an email), ``object_type`` and
    ``from`` / ``to`` (dates, inclusive, UTC)."""
    filters = filters or {}
    header = [_("Event"), _("Time (UTC)"), _("Actor"), _("Action"), _("Object type"), _("Object"),
              _("Before"), _("After"), _("Hash")]
    start, end = _filter_date(filters.get("from"), "from"), _filter_date(filters.get("to"), "to")
    query = audit.search(
        action=(filters.get("action") or "").strip(), actor_email=(filters.get("actor") or "").strip(),
        object_type=(filters.get("object_type") or "").strip(),
        since=datetime(start.year, start.month, start.day, tzinfo=UTC) if start else None,
        until=datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1) if end else None,
        oldest_first=True,
    )
    rows = [
        [event.id, _utc_iso(event.created_at), event.actor.email if event.actor else "", event.action,
         event.object_type, event.object_id or "", _json(event.before), _json(event.after), event.hash]
        for event in db.session.execute(query).scalars()
    ]
    return header, rows


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds") + "Z"


def _json(value) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# -- formats -----------------------------------------------------------------------------------

def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _safe_text(value)
    return str(value)  # numbers: Decimal as written (no exponent for 2-decimal scores), ints


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads Swahili and names correctly), CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in header])
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# XML 1.0 cannot hold these; openpyxl refuses them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str) -> str:
    return (_SHEET_BAD.sub(" ", title).strip() or "Sheet")[:31]


def to_xlsx(header: list[str], rows: list[list], sheet_title: str) -> bytes:
    """One sheet: a bold, frozen header row; numbers as numeric cells; text never as a formula.

    Written in openpyxl's write-only mode: rows are streamed to the file as they come, with no
    cell objects kept for the whole sheet, so everything about the sheet is settled before the
    first row goes in: the column widths (from a first pass over the data) and the frozen header.
    Plain values go in as they are; a cell object only where it must differ from openpyxl's
    default: the bold header, "0.00" on 2-decimal numbers, and text that openpyxl would otherwise
    write as a formula ("=...") or an error ("#N/A"). Empty text and None write no cell.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def clean(values):
        return [_ILLEGAL.sub("", v) if isinstance(v, str) else v for v in values]

    header, rows = clean(header), [clean(values) for values in rows]
    widths = [len(str(h)) for h in header]
    for values in rows:
        for c, value in enumerate(values[:len(widths)]):
            if value is not None:
                widths[c] = max(widths[c], len(str(value)))

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"  # before the first row: write-only mode writes the sheet's view first

    cent, bold = Decimal("0.01"), Font(bold=True)

    def cell(value, font=None):
        if value == "" and font is None:
            return None
        if isinstance(value, str):
            if not value.startswith(("=", "#")) and font is None:
                return value
            out = WriteOnlyCell(sheet, value)
            out.data_type = "s"  # a leading "=" stays text, never a formula
        elif isinstance(value, Decimal) and value == value.quantize(cent):
            out = WriteOnlyCell(sheet, value)
            out.number_format = "0.00"
        elif font is None:
            return value  # ints, other numbers ("General") and None (no cell)
        else:
            out = WriteOnlyCell(sheet, value)
        if font is not None:
            out.font = font
        return out

    sheet.append([cell(h, bold) for h in header])
    for values in rows:
        sheet.append([cell(v) for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- files (the command line) ------------------------------------------------------------------

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class ExportFile:
    path: Path
    rows: int  # data rows, without the header
    bytes: int


def file_slug(text: str) -> str:
    """Plain ASCII for a file name: letters, digits and hyphens (as the console's downloads)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "export"


def render(header: list[str], rows: list[list], fmt: str, sheet_title: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")  # callers offer FORMATS only
    return to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, sheet_title)


def category_export(category: Category, what: str) -> tuple[str, list[str], list[list], str]:
    """(file name without extension, header, rows, sheet title) of a category's results or scores,
    named as the console names the download."""
    if what == "results":
        header, rows = results_table(category)
        title = _("Results")
    elif what == "scores":
        header, rows = score_matrix(category)
        title = _("Scores")
    else:
        raise ValueError(f"unknown category export {what!r}")  # callers offer "results" and "scores" only
    return file_slug(f"{category.edition.slug}-{category.code}-{what}"), header, rows, title


def write_file(directory: Path, name: str, fmt: str, body: bytes, rows: int) -> ExportFile:
    """Write ``name.fmt`` whole or not at all (a temporary file renamed into place)."""
    path = directory / f"{name}.{fmt}"
    partial = directory / f".{name}.{fmt}.partial"
    partial.write_bytes(body)
    os.replace(partial, path)
    return ExportFile(path=path, rows=rows, bytes=len(body))

"""What the public may see of published results: shaped from the frozen snapshots only.

No scoring here and no query of scorecards: the public pages, the open data (CSV, JSON) and
their cache validators are built from ResultSnapshot rows, so a request costs a couple of
indexed reads whatever the size of the competition.

The organiser chooses per edition how many places are public (Edition.public_places):
None shows every place; 3 shows the podium only, and the other entries are just counted.
"""

import hashlib

from awards.extensions import db
from awards.models import Category, Edition, ResultSnapshot
from awards.services import exports
from awards.services.results import snapshot_standings

PODIUM = 3
# The open data columns, in order. English and stable: renaming one breaks people's scripts.
CSV_COLUMNS = ("place", "tied", "institution", "acronym", "entry", "score", "judges")


def etag(*parts) -> str:
    """A strong validator from the snapshot fingerprints and whatever else changes the bytes."""
    return hashlib.sha256("\n".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:40]


def published_overview() -> list[tuple[Edition, list[tuple[Category, str]]]]:
    """Editions with at least one published category, newest first, each with its published
    categories (in their order) and the snapshots' sha256. One query."""
    found = db.session.execute(
        db.select(Edition, Category, ResultSnapshot.sha256)
        .select_from(ResultSnapshot)
        .join(ResultSnapshot.category).join(Category.edition)
        .filter(ResultSnapshot.superseded.is_(False))
        .order_by(Edition.year.desc(), Edition.id.desc(), Category.position, Category.id)
    ).all()
    overview: dict[int, tuple[Edition, list]] = {}
    for edition, category, sha in found:
        overview.setdefault(edition.id, (edition, []))[1].append((category, sha))
    return list(overview.values())


def edition_snapshots(edition: Edition) -> dict[int, ResultSnapshot]:
    """The current snapshot of each published category of the edition, by category id. One query."""
    snapshots = db.session.execute(
        db.select(ResultSnapshot).filter_by(edition_id=edition.id, superseded=False).order_by(ResultSnapshot.id)
    ).scalars()
    return {s.category_id: s for s in snapshots}


def category_and_snapshot(edition_slug: str, category_code: str) -> tuple[Category, ResultSnapshot] | None:
    """The category (its edition loaded with it) and its current snapshot. One query. The standings
    (the large part) load only when read: a page served from the cache never needs them."""
    found = db.session.execute(
        db.select(Category, ResultSnapshot)
        .join(Category.edition)
        .join(ResultSnapshot, db.and_(ResultSnapshot.category_id == Category.id, ResultSnapshot.superseded.is_(False)))
        .filter(Edition.slug == edition_slug, Category.code == category_code)
        .options(db.contains_eager(Category.edition), db.defer(ResultSnapshot.standings))
        .order_by(ResultSnapshot.id.desc())
        .limit(1)
    ).first()
    return (found[0], found[1]) if found is not None else None


def public_ranking(snapshot: ResultSnapshot, public_places: int | None) -> dict:
    """The ranked rows the public may see, and how many other ranked entries took part."""
    rows = snapshot_standings(snapshot)["rows"]
    shown = [r for r in rows if public_places is None or r["rank"] <= public_places]
    return {"rows": shown, "others": len(rows) - len(shown)}


# Bump when awards/templates/public/_category_results.html changes, so a shared cache (Redis) that
# outlives a deployment never serves the old markup.
RESULTS_FRAGMENT_VERSION = 1


def results_fragment_key(category: Category, snapshot: ResultSnapshot, language: str) -> str:
    """The cache key of a category's rendered public results: everything they depend on and nothing
    about the viewer. A snapshot is never edited (its sha256 covers the standings; its id the date
    and the correction reason), so a correction is a new key at once; the names shown and the
    public places are editable, so they are in the key too."""
    edition = category.edition
    shown = etag(edition.slug, edition.name_sw, edition.name_en, category.code, category.name_sw,
                 category.name_en, category.award_sw, category.award_en)
    return (f"results:v{RESULTS_FRAGMENT_VERSION}:{snapshot.sha256}:{snapshot.id}:{language}:"
            f"{edition.public_places}:{shown}")


def podium(snapshot: ResultSnapshot) -> list[dict]:
    """Places 1 to 3 (with ties): always public."""
    return public_ranking(snapshot, PODIUM)["rows"]


def _open_row(row: dict) -> dict:
    return {
        "place": row["rank"],
        "tied": row["tied"],
        "institution": row["institution"]["name"],
        "acronym": row["institution"]["acronym"],
        "entry": row["title"],
        "score": row["score"],
        "judges": row["judges"],
    }


def open_data(category: Category, snapshot: ResultSnapshot) -> dict:
    """The category's published results as open data (documented in awards.openapi)."""
    edition = category.edition
    ranking = public_ranking(snapshot, edition.public_places)
    return {
        "edition": {"slug": edition.slug, "year": edition.year, "name_sw": edition.name_sw,
                    "name_en": edition.name_en},
        "category": {"code": category.code, "name_sw": category.name_sw, "name_en": category.name_en},
        "published_at": snapshot.published_at.isoformat(),
        "sha256": snapshot.sha256,
        "corrected": snapshot.supersedes_id is not None,
        "correction_reason": snapshot.reason,
        "aggregation": snapshot.method.get("aggregation"),
        "public_places": edition.public_places,
        "rows": [_open_row(r) for r in ranking["rows"]],
        "other_entries": ranking["others"],
    }


def open_data_csv(data: dict) -> bytes:
    """One line per public row, columns CSV_COLUMNS; booleans as true/false. UTF-8 (with a BOM,
    so spreadsheets read the Swahili names), CRLF lines, never a formula (services.exports)."""
    rows = [["true" if row[c] is True else "false" if row[c] is False else row[c] for c in CSV_COLUMNS]
            for row in data["rows"]]
    return exports.to_csv(list(CSV_COLUMNS), rows)

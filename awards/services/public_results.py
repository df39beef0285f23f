"""What the public may see of published results: shaped from the frozen snapshots only.

No scoring here and no query of scorecards: the public pages, the open data (CSV, JSON) and
their cache validators are built from ResultSnapshot rows, so a request costs a couple of
indexed reads whatever the size of the competition.

The organiser chooses per edition how many places are public (Edition.public_places):
None shows every place; 3 shows the podium only, and the other entries are just counted.
"""

import hashlib

import sqlalchemy as sa

from awards.cache import recent
from awards.extensions import db
from awards.models import Category, Edition, ResultSnapshot
from awards.services import exports
from awards.services.results import snapshot_standings

PODIUM = 3
# The open data columns, in order. English and stable: renaming one breaks people's scripts.
CSV_COLUMNS = ("place", "tied", "institution", "acronym", "entry", "score", "judges")


# Bump when the public templates or the formatting of what they show change, so that a shared cache
# (Redis) and browsers' validators that outlive a deployment never serve the old markup: it is part
# of every public ETag and cache key. 2: dates and numbers formatted for the locale.
PUBLIC_PAGES_VERSION = 2


def etag(*parts) -> str:
    """A strong validator from the snapshot fingerprints and whatever else changes the bytes."""
    text = "\n".join("" if p is None else str(p) for p in (PUBLIC_PAGES_VERSION, *parts))
    return hashlib.sha256(text.encode()).hexdigest()[:40]


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


def _ranking_lookup() -> sa.Select:
    edition, category, snapshot = Edition.__table__.c, Category.__table__.c, ResultSnapshot.__table__.c
    return (
        sa.select(category.id.label("category_id"), snapshot.id.label("snapshot_id"), snapshot.sha256,
                  edition.slug.label("edition_slug"), edition.name_sw.label("edition_name_sw"),
                  edition.name_en.label("edition_name_en"), edition.public_places, category.code,
                  category.name_sw, category.name_en, category.award_sw, category.award_en)
        .select_from(Category.__table__
                     .join(Edition.__table__, category.edition_id == edition.id)
                     .join(ResultSnapshot.__table__,
                           sa.and_(snapshot.category_id == category.id, snapshot.superseded.is_(False))))
        .where(edition.slug == sa.bindparam("edition_slug"), category.code == sa.bindparam("category_code"))
        .order_by(snapshot.id.desc())
        .limit(1)
    )


# Built once. Plain table columns, not ORM entities: the ranking page asks this on every request (a
# cached page needs nothing else), and building and loading the entities cost five times the query.
_RANKING_LOOKUP = _ranking_lookup()


def ranking_key(edition_slug: str, category_code: str) -> sa.Row | None:
    """What a category's published ranking page depends on, as one row of plain columns (ids, the
    snapshot's sha256, the names shown and the public places), or None if it is not published.
    Kept for PUBLIC_LOOKUP_SECONDS in this process (awards.cache.recent)."""
    return recent(("ranking", edition_slug, category_code), lambda: db.session.execute(
        _RANKING_LOOKUP, {"edition_slug": edition_slug, "category_code": category_code}
    ).first())


def category_and_snapshot_of(key: sa.Row) -> tuple[Category, ResultSnapshot]:
    """The category (with its edition) and snapshot (with its standings) behind a ranking_key row, to
    build the page when it is not cached. One query."""
    found = db.session.execute(
        db.select(Category, ResultSnapshot)
        .join(Category.edition)
        .join(ResultSnapshot, ResultSnapshot.category_id == Category.id)
        .options(db.contains_eager(Category.edition))
        .filter(Category.id == key.category_id, ResultSnapshot.id == key.snapshot_id)
    ).one()
    return found[0], found[1]


def public_ranking(snapshot: ResultSnapshot, public_places: int | None) -> dict:
    """The ranked rows the public may see, and how many other ranked entries took part."""
    rows = snapshot_standings(snapshot)["rows"]
    shown = [r for r in rows if public_places is None or r["rank"] <= public_places]
    return {"rows": shown, "others": len(rows) - len(shown)}


def results_fragment_key(key: sa.Row, language: str) -> str:
    """The cache key of a category's rendered public results, from its ranking_key row: everything
    they depend on and nothing about the viewer. A snapshot is never edited (its sha256 covers the
    standings; its id the date and the correction reason), so a correction is a new key at once; the
    names shown and the public places are editable, so they are in the key too."""
    shown = etag(key.edition_slug, key.edition_name_sw, key.edition_name_en, key.code, key.name_sw,
                 key.name_en, key.award_sw, key.award_en)
    return (f"results:v{PUBLIC_PAGES_VERSION}:{key.sha256}:{key.snapshot_id}:{language}:"
            f"{key.public_places}:{shown}")


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

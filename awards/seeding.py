"""Loading seeds/<scenario>/ through the services (used by the CLI and by tests).

Seeds are TOML. Everything goes through services, so seeded data obeys the same rules
and leaves the same audit trail as data entered in the app.
"""

import tomllib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from awards.enums import InstitutionType, Role, Stage
from awards.extensions import db
from awards.models import Edition, Entry, User
from awards.services import accounts, declarations, editions, evidence, institutions, judging, results

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
RUBRICS = SEEDS_DIR / "public-service-week" / "categories.toml"
DEMO = SEEDS_DIR / "demo" / "demo.toml"


def read_toml(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def next_edition_year(today: date) -> int:
    """The Week ends on 23 June: after that, the next edition is next year's."""
    return today.year if today < date(today.year, 6, 24) else today.year + 1


def init_edition(year: int) -> tuple[Edition, bool]:
    """Create edition psw-<year> in setup with the five categories, unless it exists."""
    slug = f"psw-{year}"
    existing = editions.get_edition(slug)
    if existing is not None:
        return existing, False
    edition = editions.create_edition(
        slug=slug, year=year,
        name_sw=f"Mashindano ya Wiki ya Utumishi wa Umma {year}",
        name_en=f"Public Service Week Competition {year}",
        announcement_date=date(year, 6, 23),
    )
    editions.add_categories(edition, read_toml(RUBRICS))
    return edition, True


def demo_accounts(doc: dict | None = None) -> list[tuple[str, str, str]]:
    doc = doc or read_toml(DEMO)
    return [(u["email"], u["role"], doc["password"]) for u in doc["users"]]


def load_demo(path: Path = DEMO) -> tuple[Edition, bool]:
    """Load the demo edition: institutions, users, entries, scorecards, one published category."""
    doc = read_toml(path)
    spec = doc["edition"]
    existing = editions.get_edition(spec["slug"])
    if existing is not None:
        return existing, False

    insts = {}
    for row in doc["institutions"]:
        insts[row["acronym"]] = institutions.create_institution(
            name=row["name"], acronym=row["acronym"], type=InstitutionType(row["type"]),
            parent=insts.get(row["parent"]) if row.get("parent") else None,
        )
    users, leniency = {}, {}
    for row in doc["users"]:
        users[row["email"]] = accounts.create_user(
            row["email"], name=row["name"], role=Role(row["role"]), password=doc["password"],
            institution=insts.get(row.get("institution", "")),
        )
        leniency[row["email"]] = Decimal(str(row.get("leniency", 0)))
    organiser = next(u for u in users.values() if u.role is Role.ORGANISER)

    # The demo replays the edition's timeline: entries are made while submissions are open,
    # a day before the deadline, then the edition moves on to the stage the file names.
    deadline = _aware(spec["submissions_deadline"])
    edition = editions.create_edition(
        slug=spec["slug"], year=spec["year"], name_sw=spec["name_sw"], name_en=spec["name_en"],
        stage=Stage.SUBMISSIONS, submissions_deadline=deadline,
        judging_deadline=_aware(spec.get("judging_deadline")), announcement_date=spec.get("announcement_date"),
        aggregation=spec.get("aggregation", "mean"), trim=spec.get("trim", 0),
        auto_trim_from=spec.get("auto_trim_from"), quorum=spec.get("quorum", 1),
        normalise=spec.get("normalise", False),
        tie_breaks=spec.get("tie_breaks", []), excellence_threshold=Decimal(str(spec.get("excellence_threshold", 75))),
        certificate_languages=spec.get("certificate_languages", "both"), signatories=spec.get("signatories", []),
        actor=organiser,
    )
    categories = {c.code: c for c in editions.add_categories(edition, read_toml(RUBRICS), actor=organiser)}
    for row in doc.get("conflicts", []):
        declarations.declare_conflict(users[row["judge"]], edition, insts[row["institution"]], row["reason"])
    for judge in (u for u in users.values() if u.role is Role.JUDGE):
        declarations.sign(judge, edition, signed_name=judge.name, confirmed=True)

    before_deadline = deadline - timedelta(days=1)
    entries: list[tuple[Entry, Decimal]] = []
    for row in doc["entries"]:
        entry = _demo_entry(insts[row["institution"]], categories[row["category"]], row, before_deadline)
        _add_evidence(entry, doc.get("evidence", []), users.values(), organiser, path.parent / "evidence",
                      before_deadline)
        institutions.submit_entry(entry, now=before_deadline)
        entries.append((entry, Decimal(str(row["strength"]))))
    editions.set_stage(edition, Stage(spec["stage"]), actor=organiser)

    plan = doc.get("judging", {})
    pending, drafts = set(plan.get("pending", [])), set(plan.get("drafts", []))
    for e_index, (entry, strength) in enumerate(entries):
        for j_index, email in enumerate(doc["panels"][entry.category.code]):
            judge = users[email]
            if judging.is_conflicted(judge, entry):
                continue
            assignment = judging.assign_judge(judge, entry, actor=organiser)
            key = f"{email} / {entry.institution.acronym} / {entry.category.code}"
            if key in pending:
                continue
            scores = _demo_scores(entry, strength + leniency[email], e_index, j_index)
            if key in drafts:
                scores = dict(list(scores.items())[:3])
            judging.save_scorecard(
                assignment, scores=scores, comments={}, comment="", version=0,
                submit=key not in drafts, actor=judge,
            )
    for code in plan.get("publish", []):
        results.publish_category(categories[code], actor=organiser)
    return edition, True


def _demo_entry(institution, category, row: dict, now: datetime) -> Entry:
    entry = institutions.create_entry(
        institution, category, title=row["title"], summary=row.get("summary", ""),
        innovation_name=row.get("innovation_name") or (row["title"] if category.names_innovation else None), now=now,
    )
    # Demo narratives: the entry's summary under each criterion (real entries write one per criterion).
    institutions.update_entry(
        entry, title=entry.title, summary=entry.summary, innovation_name=entry.innovation_name,
        narratives={c.id: row.get("summary") or row["title"] for c in category.criteria}, actor=None, now=now,
    )
    return entry


def load_next_edition(path: Path = DEMO, today: date | None = None) -> tuple[Edition, bool]:
    """Next year's edition, open for entries, with the demo's draft entries: for trying the institution pages.

    Needs `load_demo` first (the institutions and accounts). Its deadline is 15 May of that year.
    """
    doc = read_toml(path)
    year = next_edition_year(today or date.today())
    edition, _ = init_edition(year)
    if edition.stage is not Stage.SETUP:
        return edition, False
    organiser = db.session.execute(db.select(User).filter_by(role=Role.ORGANISER).order_by(User.id)).scalars().first()
    deadline = datetime(year, 5, 15, 23, 59, tzinfo=timezone(timedelta(hours=3)))
    editions.set_stage(edition, Stage.SUBMISSIONS, actor=organiser, submissions_deadline=deadline)
    categories = {c.code: c for c in edition.categories}
    for row in doc.get("next_edition_drafts", []):
        _demo_entry(institutions.get_institution(row["institution"]), categories[row["category"]], row,
                    min(datetime.now(UTC), deadline - timedelta(days=1)))
    return edition, True


def _add_evidence(entry: Entry, rows: list[dict], people, organiser, folder: Path, now: datetime) -> None:
    key = f"{entry.institution.acronym} / {entry.category.code}"
    officer = next((u for u in people if u.role is Role.INSTITUTION and u.institution_id == entry.institution_id),
                   organiser)
    criteria = {c.code: c for c in entry.category.criteria}
    for row in (r for r in rows if r["entry"] == key):
        criterion = criteria[row["criterion"]] if "criterion" in row else None
        if "file" in row:
            with (folder / row["file"]).open("rb") as stream:
                evidence.add_file(entry, stream=stream, filename=row["file"], actor=officer, criterion=criterion,
                                  privacy_confirmed=True, now=now)
        else:
            evidence.add_link(entry, url=row["url"], text=row.get("text", ""), actor=officer, criterion=criterion,
                              privacy_confirmed=True, now=now)


def _demo_scores(entry: Entry, level: Decimal, e_index: int, j_index: int) -> dict[str, Decimal]:
    """Scores around `level`, varied per criterion in a fixed pattern (no randomness: reloads match)."""
    out = {}
    for c_index, criterion in enumerate(entry.category.criteria):
        wobble = Decimal((e_index * 7 + j_index * 3 + c_index * 5) % 3 - 1) / 2
        value = (level + wobble).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        out[criterion.code] = min(max(value, criterion.scale_min), criterion.scale_max)
    return out


def _aware(value):
    if value is None or isinstance(value, datetime):
        return value
    raise ValueError(f"expected a TOML date-time, got {value!r}")

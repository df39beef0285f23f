"""Results: computing standings from the database, publishing snapshots and certificates."""

import json
from decimal import Decimal

import pytest

from awards import seeding
from awards.enums import CertificateKind, Stage
from awards.extensions import db
from awards.models import Category, Certificate, ResultSnapshot
from awards.services import editions, results
from awards.services.errors import Conflict, InvalidInput
from tests.conftest import user


def category(code: str) -> Category:
    return db.session.execute(db.select(Category).filter_by(code=code)).scalar_one()


def test_preview_ranks_by_weighted_totals_and_lists_short_quorum(demo):
    data = results.compute_results(category("hiv-aids"))
    # PSC's hiv-aids entry: Neema is conflicted (home PSC), Baraka's card is pending: 1 of 2.
    assert [(r["institution"]["acronym"], r["reason"], r["sheets"], r["required"]) for r in data["unranked"]] == [
        ("PSC", "below_quorum", 1, 2)]
    assert [r["institution"]["acronym"] for r in data["rows"]] == ["MOW"]
    assert data["method"]["aggregation"] == "mean"
    assert sum(Decimal(c["weight"]) for c in data["method"]["rubric"]) == 100


def test_published_snapshot_matches_the_engine_and_is_fingerprinted(demo):
    snapshot = db.session.execute(db.select(ResultSnapshot)).scalar_one()
    stored = json.loads(snapshot.standings)
    live = results.compute_results(snapshot.category)
    live.pop("method")
    assert stored == live
    assert snapshot.sha256 == results.snapshot_digest(snapshot.standings, snapshot.method)
    ranks = [r["rank"] for r in stored["rows"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    scores = [Decimal(r["score"]) for r in stored["rows"]]
    assert scores == sorted(scores, reverse=True)


def test_one_certificate_per_entry_with_the_right_kind(demo):
    snapshot = db.session.execute(db.select(ResultSnapshot)).scalar_one()
    rows = json.loads(snapshot.standings)["rows"]
    certs = {c.entry_id: c for c in db.session.execute(db.select(Certificate)).scalars()}
    assert len(certs) == len(rows)
    for row in rows:
        cert = certs[row["entry_id"]]
        if row["rank"] <= 3:
            assert cert.kind is CertificateKind.for_place(row["rank"]) and cert.place == row["rank"]
        elif Decimal(row["score"]) >= 75:
            assert cert.kind is CertificateKind.EXCELLENCE
        else:
            assert cert.kind is CertificateKind.PARTICIPATION
    serials = [c.serial for c in certs.values()]
    assert len(set(serials)) == len(serials)
    assert all(len(s) == len("PSW-2026-XXXX-XXXX-XXXX") for s in serials)


def test_publishing_twice_or_with_nothing_ranked_is_refused(demo):
    organiser = user("mratibu@tuzo.example")
    with pytest.raises(Conflict):
        results.publish_category(category("innovation"), actor=organiser)
    fresh, _ = seeding.init_edition(2031)
    fresh.stage = Stage.JUDGING
    with pytest.raises(InvalidInput, match="No entry has enough"):
        results.publish_category(fresh.categories[0], actor=organiser)


def test_rubric_import_is_all_or_nothing(demo):
    edition = editions.create_edition(slug="psw-2030", year=2030, name_sw="M 2030", name_en="C 2030")
    levels = {str(i): {"sw": f"kiwango {i}", "en": f"level {i}"} for i in range(6)}
    good = {"code": "ok", "name_sw": "Sawa", "name_en": "Fine",
            "criteria": [{"code": "a", "name_sw": "A", "name_en": "A", "weight": 100}]}
    bad_weights = {"code": "bad", "name_sw": "Mbaya", "name_en": "Bad",
                   "criteria": [{"code": "a", "name_sw": "A", "name_en": "A", "weight": 60},
                                {"code": "b", "name_sw": "B", "name_en": "B", "weight": 30}]}
    with pytest.raises(InvalidInput, match="100"):
        editions.add_categories(edition, {"levels": levels, "categories": [good, bad_weights]})
    missing_sw = {k: dict(v) for k, v in levels.items()}
    missing_sw["3"]["sw"] = ""
    with pytest.raises(InvalidInput, match="level 3 needs a descriptor in Swahili and English"):
        editions.add_categories(edition, {"levels": missing_sw, "categories": [good]})
    db.session.flush()
    assert edition.categories == []
    assert [c.code for c in editions.add_categories(edition, {"levels": levels, "categories": [good]})] == ["ok"]


def test_unknown_scoring_settings_are_refused_when_saved(demo):
    with pytest.raises(InvalidInput, match="Invalid scoring settings"):
        editions.create_edition(slug="psw-2032", year=2032, name_sw="x", name_en="x", aggregation="vibes")
    with pytest.raises(InvalidInput, match="Invalid scoring settings"):
        editions.create_edition(slug="psw-2033", year=2033, name_sw="x", name_en="x", tie_breaks=["coin_toss"])

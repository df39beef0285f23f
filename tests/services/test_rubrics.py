"""Rubrics as a file: export, import into a new edition, replace in place (services.rubrics)."""

import pytest

from awards import seeding
from awards.enums import Stage
from awards.extensions import db
from awards.models import AuditEvent, Entry, Narrative
from awards.services import editions, rubrics
from awards.services.errors import InvalidInput, NotAllowed
from tests.conftest import user

CATEGORY_FIELDS = ("code", "position", "name_sw", "name_en", "award_sw", "award_en", "description_sw",
                   "description_en", "eligible_types", "scored_on_site", "privacy_notice", "names_innovation")
CRITERION_FIELDS = ("code", "position", "name_sw", "name_en", "guidance_sw", "guidance_en", "evidence_sw",
                    "evidence_en", "weight", "scale_min", "scale_max", "scale_step", "levels", "in_total",
                    "word_limit", "tie_break_rank")


def snapshot(edition):
    """Every stored field of the edition's categories and criteria (ids left out)."""
    db.session.expire_all()
    return [({f: getattr(c, f) for f in CATEGORY_FIELDS},
             [{f: getattr(k, f) for f in CRITERION_FIELDS} for k in c.criteria]) for c in edition.categories]


def next_edition():
    edition, _ = seeding.load_next_edition()
    db.session.commit()
    assert edition.stage is Stage.SUBMISSIONS
    return edition


def weights(edition, code):
    return {c.code: c.weight for c in rubrics.category_of(edition, code).criteria}


def test_export_then_import_into_a_new_edition_gives_identical_rubrics(app):
    source, _ = seeding.init_edition(2031)
    db.session.commit()
    text = rubrics.export_toml(source)
    target = editions.create_edition(slug="psw-2032", year=2032, name_sw="M 2032", name_en="C 2032")
    editions.add_categories(target, rubrics.parse_toml(text))
    db.session.commit()
    original, copy = snapshot(source), snapshot(target)
    assert [c["code"] for c, _ in copy] == ["best-managed", "best-booth", "hiv-aids", "women-empowerment",
                                            "innovation"]
    for (cat_a, crits_a), (cat_b, crits_b) in zip(original, copy, strict=True):
        for field in CATEGORY_FIELDS:
            assert cat_a[field] == cat_b[field], (cat_a["code"], field)
        assert len(crits_a) == len(crits_b) == 6
        for crit_a, crit_b in zip(crits_a, crits_b, strict=True):
            for field in CRITERION_FIELDS:
                assert crit_a[field] == crit_b[field], (cat_a["code"], crit_a["code"], field)
    # word limits and tie-break ranks survive, not only the defaults
    assert any(k["word_limit"] for _, ks in copy for k in ks)
    assert any(k["tie_break_rank"] for _, ks in copy for k in ks)
    assert rubrics.export_toml(target).split("\n", 3)[3] == text.split("\n", 3)[3]


def test_weights_not_summing_to_100_are_refused_and_nothing_changes(demo):
    edition = next_edition()
    before = snapshot(edition)
    document = rubrics.export_document(edition)
    document["categories"][0]["criteria"][0]["weight"] = 10  # 15 -> 10
    with pytest.raises(InvalidInput, match="best-managed: the weights sum to 95, not 100"):
        rubrics.replace_rubrics(edition, document, actor=user("mratibu@tuzo.example"))
    db.session.rollback()
    assert snapshot(edition) == before


def test_a_missing_swahili_descriptor_is_refused(demo):
    edition = next_edition()
    before = snapshot(edition)
    document = rubrics.export_document(edition)
    document["categories"][1]["criteria"][2]["levels"]["3"]["sw"] = " "
    with pytest.raises(InvalidInput, match="level 3 needs a descriptor in Swahili and English"):
        rubrics.replace_rubrics(edition, document, actor=None)
    db.session.rollback()
    assert snapshot(edition) == before


def test_rubrics_are_frozen_once_judging_opens(demo):
    assert demo.stage is Stage.JUDGING
    before = snapshot(demo)
    events = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    with pytest.raises(NotAllowed, match="frozen once judging opens"):
        rubrics.replace_rubrics(demo, rubrics.export_document(demo), actor=user("mratibu@tuzo.example"))
    db.session.rollback()
    assert snapshot(demo) == before
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == events


def test_replacing_keeps_entries_and_narratives_on_their_category_and_criteria(demo):
    edition = next_edition()
    entry = db.session.execute(db.select(Entry).filter_by(edition_id=edition.id)).scalars().first()
    category_id = entry.category_id
    narratives = {n.criterion_id: n.text for n in entry.narratives}
    assert narratives
    code = entry.category.code
    document = rubrics.export_document(edition)
    cat = next(c for c in document["categories"] if c["code"] == code)
    cat["name_en"] = "Renamed in the file"
    cat["criteria"][0]["weight"] += 5
    cat["criteria"][1]["weight"] -= 5
    cat["criteria"][0]["guidance_en"] = "New guidance"
    new_criterion = dict(cat["criteria"][-1], code="new-one", position=7, weight=0)
    cat["criteria"].append(new_criterion)
    rubrics.replace_rubrics(edition, document, actor=user("mratibu@tuzo.example"))
    db.session.commit()
    db.session.expire_all()
    entry = db.session.get(Entry, entry.id)
    assert entry.category_id == category_id and entry.category.name_en == "Renamed in the file"
    assert {n.criterion_id: n.text for n in entry.narratives} == narratives
    assert [c.code for c in entry.category.criteria][-1] == "new-one"
    assert entry.category.criteria[0].guidance_en == "New guidance"
    event = db.session.execute(db.select(AuditEvent).filter_by(action="rubric.replace")).scalar_one()
    first = cat["criteria"][0]["code"]
    assert int(event.after[code][first]) == int(event.before[code][first]) + 5
    assert "new-one" in event.after[code] and "new-one" not in event.before[code]


def test_removing_a_category_with_entries_or_a_criterion_with_narratives_is_refused(demo):
    edition = next_edition()
    entry = db.session.execute(db.select(Entry).filter_by(edition_id=edition.id)).scalars().first()
    code = entry.category.code
    document = rubrics.export_document(edition)
    document["categories"] = [c for c in document["categories"] if c["code"] != code]
    with pytest.raises(InvalidInput, match=f"Category {code} has entries"):
        rubrics.replace_rubrics(edition, document, actor=None)
    db.session.rollback()

    document = rubrics.export_document(edition)
    cat = next(c for c in document["categories"] if c["code"] == code)
    dropped = cat["criteria"].pop()
    cat["criteria"][0]["weight"] += dropped["weight"]
    with pytest.raises(InvalidInput, match=f"{code}/{dropped['code']}: entries refer to this criterion"):
        rubrics.replace_rubrics(edition, document, actor=None)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Narrative)
                             .filter(Narrative.entry_id == entry.id)) == 6


def test_a_category_without_entries_can_be_removed_and_one_added(demo):
    edition = next_edition()
    used = {e.category.code for e in db.session.execute(db.select(Entry).filter_by(edition_id=edition.id)).scalars()}
    document = rubrics.export_document(edition)
    spare = next(c for c in document["categories"] if c["code"] not in used)
    document["categories"].remove(spare)
    document["categories"].append(dict(spare, code="brand-new", position=9))
    rubrics.replace_rubrics(edition, document, actor=None)
    db.session.commit()
    codes = [c["code"] for c, _ in snapshot(edition)]
    assert spare["code"] not in codes and codes[-1] == "brand-new"


def test_toml_syntax_errors_name_the_line(app):
    with pytest.raises(InvalidInput, match="line 3"):
        rubrics.parse_toml('[[categories]]\ncode = "a"\nname_en = Best booth\n')
    with pytest.raises(InvalidInput, match="larger than 1 MB"):
        rubrics.parse_toml(b"#" * (rubrics.MAX_BYTES + 1))
    with pytest.raises(InvalidInput, match="no categories"):
        rubrics.replace_rubrics(editions.create_edition(slug="e", year=2040, name_sw="a", name_en="b"),
                                rubrics.parse_toml("title = 1\n"), actor=None)


def test_bad_numbers_are_refused_with_a_reason_not_a_crash(demo):
    edition = next_edition()
    document = rubrics.export_document(edition)
    document["categories"][0]["criteria"][0]["weight"] = "fifteen"
    with pytest.raises(InvalidInput, match="must be numbers"):
        rubrics.replace_rubrics(edition, document, actor=None)
    document = rubrics.export_document(edition)
    document["categories"][0]["criteria"][0]["scale_step"] = 0
    with pytest.raises(InvalidInput, match="scale is not valid"):
        rubrics.replace_rubrics(edition, document, actor=None)

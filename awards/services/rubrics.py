"""Categories and rubrics as a file in the seeds format: export, parse and replace (all or nothing).

The file is what seeds/public-service-week/categories.toml holds, with the level descriptors
written out for each criterion, so a rubric can be reviewed outside the system and loaded into
next year's edition. Rubrics change only while the edition is in setup or submissions: once
judging opens they are frozen, because scorecards are built on them.
"""

import re
import tomllib
from decimal import Decimal, InvalidOperation

import tomli_w
from flask_babel import lazy_gettext as _l

from awards.enums import Stage
from awards.extensions import db
from awards.models import Category, CriterionScore, Edition, Entry, Evidence, Narrative, User
from awards.services import audit
from awards.services.editions import build_categories, plain
from awards.services.errors import InvalidInput, NotAllowed

MAX_BYTES = 1024 * 1024
EDITABLE_STAGES = (Stage.SETUP, Stage.SUBMISSIONS)

CATEGORY_FIELDS = ("award_sw", "award_en", "description_sw", "description_en", "eligible_types",
                   "scored_on_site", "privacy_notice", "names_innovation", "name_sw", "name_en", "position")
CRITERION_FIELDS = ("position", "name_sw", "name_en", "guidance_sw", "guidance_en", "evidence_sw", "evidence_en",
                    "weight", "scale_min", "scale_max", "scale_step", "in_total", "levels", "tie_break_rank",
                    "word_limit")


def is_frozen(edition: Edition) -> bool:
    return edition.stage not in EDITABLE_STAGES


def _number(value: Decimal):
    """A stored Decimal as TOML reads it back exactly: an int when whole, else its plain text."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else plain(value)


def export_document(edition: Edition) -> dict:
    """The edition's categories and criteria in the seeds format (levels written per criterion)."""
    categories = []
    for category in edition.categories:
        cat = {
            "code": category.code, "position": category.position,
            "name_en": category.name_en, "name_sw": category.name_sw,
            "award_en": category.award_en, "award_sw": category.award_sw,
            "description_en": category.description_en, "description_sw": category.description_sw,
            "eligible_types": list(category.eligible_types),
            "scored_on_site": category.scored_on_site, "privacy_notice": category.privacy_notice,
            "names_innovation": category.names_innovation,
            "criteria": [],
        }
        for criterion in category.criteria:
            crit = {
                "code": criterion.code, "position": criterion.position,
                "name_en": criterion.name_en, "name_sw": criterion.name_sw,
                "weight": _number(criterion.weight),
                "scale_min": _number(criterion.scale_min), "scale_max": _number(criterion.scale_max),
                "scale_step": _number(criterion.scale_step),
                "guidance_en": criterion.guidance_en, "guidance_sw": criterion.guidance_sw,
                "evidence_en": criterion.evidence_en, "evidence_sw": criterion.evidence_sw,
            }
            if not criterion.in_total:
                crit["in_total"] = False
            if criterion.word_limit is not None:
                crit["word_limit"] = criterion.word_limit
            if criterion.tie_break_rank is not None:
                crit["tie_break_rank"] = criterion.tie_break_rank
            crit["levels"] = {str(k): {"en": v.get("en", ""), "sw": v.get("sw", "")}
                              for k, v in sorted(criterion.levels.items(), key=lambda kv: Decimal(kv[0]))}
            cat["criteria"].append(crit)
        categories.append(cat)
    return {"categories": categories}


def export_toml(edition: Edition) -> str:
    header = (f"# Tuzo: categories and rubrics of {edition.name_en} / {edition.name_sw} ({edition.slug}).\n"
              "# Seeds format (cf. seeds/public-service-week/categories.toml). Weights of each category sum\n"
              "# to 100; every level needs a descriptor in Swahili (sw) and English (en).\n\n")
    return header + tomli_w.dumps(export_document(edition))


def parse_toml(data: bytes | str) -> dict:
    """A rubric file's text as a document; InvalidInput (with the line) when it cannot be read."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise InvalidInput(_l("The file is larger than %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(_l("The file is not UTF-8 text.")) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else text.count("\n") + 1
        reason = re.sub(r"\s*\(at .*\)$", "", str(exc))
        raise InvalidInput(_l("The file is not valid TOML: line %(line)d: %(reason)s", line=line,
                              reason=reason)) from None


def _check_shape(document) -> None:
    """Types the seeds reader relies on, so a bad file is refused with a reason, never a crash."""
    if not isinstance(document, dict) or not isinstance(document.get("categories"), list) \
            or not document["categories"]:
        raise InvalidInput(_l("The file has no categories ([[categories]])."))
    for position, cat in enumerate(document["categories"], start=1):
        if not isinstance(cat, dict) or not isinstance(cat.get("criteria", []), list) \
                or not all(isinstance(c, dict) for c in cat.get("criteria", [])):
            raise InvalidInput(_l("Category %(where)s is not in the rubric format.", where=position))
        for cpos, crit in enumerate(cat.get("criteria", []), start=1):
            where = f"{cat.get('code', position)}/{crit.get('code', cpos)}"
            try:
                numbers = {k: Decimal(str(crit.get(k, d))) for k, d in
                           (("weight", 0), ("scale_min", 0), ("scale_max", 5), ("scale_step", 1))}
                if any(not n.is_finite() or isinstance(crit.get(k), bool) for k, n in numbers.items()):
                    raise InvalidOperation
            except InvalidOperation:
                raise InvalidInput(_l("%(where)s: weight and scale must be numbers.", where=where)) from None
            if numbers["scale_step"] <= 0 or numbers["scale_min"] >= numbers["scale_max"] \
                    or (numbers["scale_max"] - numbers["scale_min"]) / numbers["scale_step"] > 100:
                raise InvalidInput(_l("%(where)s: the scale is not valid.", where=where))
            if not 0 <= numbers["weight"] <= 100 or numbers["weight"] != numbers["weight"].quantize(Decimal("0.01")):
                raise InvalidInput(_l("%(where)s: the weight must be between 0 and 100, with at most two decimals.",
                                      where=where))
            levels = crit.get("levels", document.get("levels", {}))
            if not isinstance(levels, dict) or not all(isinstance(v, dict) for v in levels.values()):
                raise InvalidInput(_l("%(where)s: the levels are not in the rubric format.", where=where))
            for key in ("word_limit", "tie_break_rank", "position"):
                if crit.get(key) is not None and (not isinstance(crit[key], int) or isinstance(crit[key], bool)):
                    raise InvalidInput(_l("%(where)s: %(field)s must be a whole number.", where=where, field=key))
        types = cat.get("eligible_types", [])
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise InvalidInput(_l("Category %(where)s is not in the rubric format.", where=cat.get("code", position)))


def summary(categories) -> dict:
    """Codes and weights, for the audit trail."""
    return {c.code: {k.code: plain(k.weight) for k in c.criteria} for c in categories}


def _count(model, *criteria) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).filter(*criteria))


def replace_rubrics(edition: Edition, document: dict, *, actor: User | None) -> list[Category]:
    """Make the edition's categories and rubrics those of ``document``, all or nothing.

    Categories and criteria are matched by code and updated in place, so entries, narratives and
    evidence keep pointing at them. A category with entries, or a criterion that narratives,
    evidence or scores refer to, cannot be removed.
    """
    if is_frozen(edition):
        raise NotAllowed(_l("Rubrics are frozen once judging opens."))
    _check_shape(document)
    built = build_categories(edition, document)
    existing = {c.code: c for c in edition.categories}
    wanted = {c.code: c for c in built}
    for code, category in existing.items():
        if code not in wanted:
            if _count(Entry, Entry.category_id == category.id):
                raise InvalidInput(_l("Category %(code)s has entries, so it cannot be removed.", code=code))
            continue
        keep = {c.code for c in wanted[code].criteria}
        for criterion in category.criteria:
            if criterion.code in keep:
                continue
            if (_count(Narrative, Narrative.criterion_id == criterion.id)
                    or _count(Evidence, Evidence.criterion_id == criterion.id)
                    or _count(CriterionScore, CriterionScore.criterion_id == criterion.id)):
                raise InvalidInput(_l("%(where)s: entries refer to this criterion (narratives or evidence), "
                                      "so it cannot be removed.", where=f"{code}/{criterion.code}"))

    before = summary(edition.categories)
    for code, category in list(existing.items()):
        if code not in wanted:
            edition.categories.remove(category)  # delete-orphan: its criteria go with it
    for new in built:
        category = existing.get(new.code)
        if category is None:
            edition.categories.append(new)
            continue
        for field in CATEGORY_FIELDS:
            setattr(category, field, getattr(new, field))
        stored = {c.code: c for c in category.criteria}
        for criterion in list(category.criteria):
            if criterion.code not in {c.code for c in new.criteria}:
                category.criteria.remove(criterion)
        for incoming in list(new.criteria):
            criterion = stored.get(incoming.code)
            if criterion is None:
                new.criteria.remove(incoming)
                category.criteria.append(incoming)
            else:
                for field in CRITERION_FIELDS:
                    setattr(criterion, field, getattr(incoming, field))
    db.session.flush()
    for category in edition.categories:
        db.session.expire(category, ["criteria"])
    db.session.expire(edition, ["categories"])
    after = summary(edition.categories)
    audit.record("rubric.replace", edition, actor=actor, before=before, after=after)
    return list(edition.categories)


def category_of(edition: Edition, code: str) -> Category | None:
    return next((c for c in edition.categories if c.code == code), None)


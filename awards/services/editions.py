"""Editions, categories and rubrics: creating them and loading rubrics from the seeds format.

A rubric is validated before it is stored: weights sum to 100 (awards.scoring.RubricSpec)
and every level has a descriptor in both languages.
"""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from awards import scoring
from awards.enums import InstitutionType, Role, Stage
from awards.extensions import db
from awards.i18n import format_score, stage_label
from awards.models import Category, Criterion, Edition, User
from awards.services import audit
from awards.services.errors import InvalidInput, NotAllowed

LANGS = ("sw", "en")
# Stages in which an edition is still being run (not yet published or archived).
OPEN_STAGES = (Stage.SETUP, Stage.SUBMISSIONS, Stage.JUDGING, Stage.MODERATION)


def open_editions() -> list[Edition]:
    """Editions still being run, newest first."""
    return list(
        db.session.execute(
            db.select(Edition).filter(Edition.stage.in_(OPEN_STAGES)).order_by(Edition.year.desc(), Edition.id.desc())
        ).scalars()
    )


def get_edition(slug: str) -> Edition | None:
    return db.session.execute(db.select(Edition).filter_by(slug=slug)).scalar()


def create_edition(
    *,
    slug: str,
    year: int,
    name_sw: str,
    name_en: str,
    stage: Stage = Stage.SETUP,
    submissions_deadline: datetime | None = None,
    judging_deadline: datetime | None = None,
    announcement_date: date | None = None,
    aggregation: str = "mean",
    trim: int = 0,
    auto_trim_from: int | None = 4,
    quorum: int = 1,
    normalise: bool = False,
    tie_breaks: list[str] | None = None,
    excellence_threshold: Decimal = Decimal(75),
    certificate_languages: str = "both",
    signatories: list[dict] | None = None,
    actor: User | None = None,
) -> Edition:
    if get_edition(slug) is not None:
        raise InvalidInput(_l("An edition with this short name already exists."))
    if certificate_languages not in ("sw", "en", "both"):
        raise InvalidInput(_l("Certificate language must be sw, en or both."))
    edition = Edition(
        slug=slug, year=year, name_sw=name_sw, name_en=name_en, stage=stage,
        submissions_deadline=submissions_deadline, judging_deadline=judging_deadline,
        announcement_date=announcement_date, aggregation=aggregation, trim=trim,
        auto_trim_from=auto_trim_from, quorum=quorum, normalise=normalise, tie_breaks=list(tie_breaks or []),
        excellence_threshold=Decimal(excellence_threshold), certificate_languages=certificate_languages,
        signatories=list(signatories or []),
    )
    _check_settings(edition, rubric=None)
    db.session.add(edition)
    audit.record("edition.create", edition, actor=actor, after={"slug": slug, "year": year, "stage": stage.value})
    return edition


STAGE_ORDER = (Stage.SETUP, Stage.SUBMISSIONS, Stage.JUDGING, Stage.MODERATION, Stage.PUBLISHED, Stage.ARCHIVED)


def next_stages(edition: Edition) -> list[Stage]:
    """Where the edition may go from here: one step on, or one step back before publication
    (reopening submissions or judging). Published results change only by corrections."""
    index = STAGE_ORDER.index(edition.stage)
    moves = [STAGE_ORDER[index + 1]] if index + 1 < len(STAGE_ORDER) else []
    if 0 < index <= STAGE_ORDER.index(Stage.MODERATION):
        moves.append(STAGE_ORDER[index - 1])
    return moves


def change_stage(edition: Edition, stage: Stage, *, actor: User) -> Edition:
    """The organiser moves the edition on (or one step back); every change is audited."""
    if actor.role is not Role.ORGANISER:
        raise NotAllowed()
    if stage not in next_stages(edition):
        raise InvalidInput(_l("The edition cannot go from %(current)s to %(target)s.",
                              current=stage_label(edition.stage), target=stage_label(stage)))
    if stage is Stage.JUDGING and not any(c.criteria for c in edition.categories):
        raise InvalidInput(_l("Add the categories and their rubrics before judging opens."))
    return set_stage(edition, stage, actor=actor)


def set_stage(edition: Edition, stage: Stage, *, actor: User | None,
              submissions_deadline: datetime | None = None) -> Edition:
    """Move the edition to another stage (and set the submissions deadline when opening them)."""
    before = {"stage": edition.stage.value, "submissions_deadline": edition.submissions_deadline}
    edition.stage = stage
    if submissions_deadline is not None:
        edition.submissions_deadline = submissions_deadline
    audit.record("edition.stage", edition, actor=actor, before=before,
                 after={"stage": stage.value, "submissions_deadline": edition.submissions_deadline})
    return edition


def scoring_settings(edition: Edition) -> scoring.Settings:
    return scoring.Settings(
        method=edition.aggregation,
        trim=edition.trim,
        auto_trim_from=edition.auto_trim_from,
        quorum=edition.quorum,
        normalise=edition.normalise,
        tie_breaks=tuple(edition.tie_breaks or ()),
    )


def _check_settings(edition: Edition, rubric: scoring.RubricSpec | None) -> None:
    """Refuse unknown aggregation or tie-break keys when saved, not when results are computed."""
    try:
        scoring_settings(edition).validate(rubric)  # criterion keys are checked once a rubric exists
    except scoring.ScoringError as exc:
        raise InvalidInput(_l("Invalid scoring settings: %(reason)s", reason=str(exc))) from None


def _text(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(_l("%(where)s: %(field)s is missing.", where=where, field=key))
    return value.strip()


def add_categories(edition: Edition, document: dict, *, actor: User | None = None) -> list[Category]:
    """Add the categories of a rubric document (the seeds format) to an edition, all or nothing."""
    categories = build_categories(edition, document)
    for category in categories:
        edition.categories.append(category)
        db.session.flush()
        audit.record("category.create", category, actor=actor,
                     after={"edition": edition.slug, "code": category.code,
                            "criteria": {c.code: str(c.weight) for c in category.criteria}})
    return categories


def build_categories(edition: Edition, document: dict) -> list[Category]:
    """The categories of a rubric document, constructed and checked but not added to the edition
    or the session (services.rubrics compares them with the stored ones first)."""
    shared_levels = document.get("levels", {})
    categories = []
    seen: set[str] = set()
    for position, cat in enumerate(document.get("categories", []), start=1):
        where = str(cat.get("code", position))
        types = cat.get("eligible_types", [t.value for t in InstitutionType])
        bad_types = set(types) - {t.value for t in InstitutionType}
        if bad_types:
            raise InvalidInput(_l("%(where)s: unknown institution type %(type)s.", where=where, type=sorted(bad_types)[0]))
        category = Category(
            code=_text(cat, "code", where), position=cat.get("position", position),
            name_sw=_text(cat, "name_sw", where), name_en=_text(cat, "name_en", where),
            award_sw=cat.get("award_sw", ""), award_en=cat.get("award_en", ""),
            description_sw=cat.get("description_sw", ""), description_en=cat.get("description_en", ""),
            eligible_types=list(types), scored_on_site=bool(cat.get("scored_on_site", False)),
            privacy_notice=bool(cat.get("privacy_notice", False)),
            names_innovation=bool(cat.get("names_innovation", False)),
        )
        for cpos, crit in enumerate(cat.get("criteria", []), start=1):
            cwhere = f"{where}/{crit.get('code', cpos)}"
            levels = {str(k): v for k, v in (crit.get("levels") or shared_levels).items()}
            criterion = Criterion(
                code=_text(crit, "code", cwhere), position=crit.get("position", cpos),
                name_sw=_text(crit, "name_sw", cwhere), name_en=_text(crit, "name_en", cwhere),
                guidance_sw=crit.get("guidance_sw", ""), guidance_en=crit.get("guidance_en", ""),
                evidence_sw=crit.get("evidence_sw", ""), evidence_en=crit.get("evidence_en", ""),
                weight=Decimal(str(crit.get("weight", 0))),
                scale_min=Decimal(str(crit.get("scale_min", 0))), scale_max=Decimal(str(crit.get("scale_max", 5))),
                scale_step=Decimal(str(crit.get("scale_step", 1))), in_total=bool(crit.get("in_total", True)),
                levels=levels, tie_break_rank=crit.get("tie_break_rank"), word_limit=crit.get("word_limit"),
            )
            _check_levels(criterion, cwhere)
            category.criteria.append(criterion)
        _check_rubric(category, edition)
        if category.code in seen:
            raise InvalidInput(_l("%(where)s: the code is used by two categories.", where=category.code))
        seen.add(category.code)
        categories.append(category)
    return categories


def _check_levels(criterion: Criterion, where: str) -> None:
    level = criterion.scale_min
    while level <= criterion.scale_max:
        descriptor = criterion.levels.get(plain(level))
        if not descriptor or any(not str(descriptor.get(lang, "")).strip() for lang in LANGS):
            raise InvalidInput(_l("%(where)s: level %(level)s needs a descriptor in Swahili and English.",
                                  where=where, level=plain(level)))
        level += criterion.scale_step


def _check_rubric(category: Category, edition: Edition) -> None:
    from awards.services.judging import rubric_spec

    counted = sum((Decimal(c.weight) for c in category.criteria if c.in_total), Decimal(0))
    if category.criteria and counted != 100:  # said here so that it reads in the user's language
        raise InvalidInput(_l("%(where)s: the weights sum to %(total)s, not 100.",
                              where=category.code, total=plain(counted)))
    try:
        rubric = rubric_spec(category)
    except scoring.ScoringError as exc:
        raise InvalidInput(_l("%(where)s: %(reason)s", where=category.code, reason=str(exc))) from None
    _check_settings(edition, rubric)


def plain(value: Decimal) -> str:
    """A Decimal as plain text without exponent or trailing zeros: 20.00 -> "20", 2.50 -> "2.5"."""
    return format(Decimal(value).normalize(), "f")


def two_places(value) -> str:
    """An exact score (Fraction or Decimal) as text rounded to two places, for display: "91.33"
    (scoring.to_decimal rounds; the language's separators are applied to the rounded value)."""
    return format_score(scoring.to_decimal(value))


def levels_for(criterion: Criterion) -> list[tuple[Decimal, dict]]:
    """The scale's levels in order with their descriptors ({"sw", "en"})."""
    out = []
    level = Decimal(criterion.scale_min)
    while level <= criterion.scale_max:
        out.append((level, criterion.levels.get(plain(level), {})))
        level += Decimal(criterion.scale_step)
    return out


# How many places of the published rankings are public: None = all; 3 = the podium only.
PUBLIC_PLACES_CHOICES = (None, 3)


def set_public_places(edition: Edition, value: int | None, actor: User) -> Edition:
    """The organiser chooses whether places after the podium are public (audited).

    Institutions still see their own place on their own pages whatever is chosen here.
    """
    if actor is None or actor.role is not Role.ORGANISER:
        raise NotAllowed()
    if value not in PUBLIC_PLACES_CHOICES:
        raise InvalidInput(_l("Choose whether all places are public or only the first three."))
    before = {"public_places": edition.public_places}
    edition.public_places = value
    audit.record("edition.public_places", edition, actor=actor, before=before, after={"public_places": value})
    return edition

"""The scorecard form, built from a category's rubric (cf. Indico make_review_form)."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import HiddenInput
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional

from awards.forms.base import BaseForm
from awards.i18n import lang as current_lang
from awards.i18n import localized
from awards.services.editions import levels_for, plain
from awards.services.errors import InvalidInput


class ScorecardForm(BaseForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0)])
    comment = TextAreaField(_l("Overall comment"), validators=[Optional(), Length(max=5000)])
    save = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit scorecard"))
    # Needed for Submit only (checked by the view: Save draft and the autosave need no confirmation).
    confirm = BooleanField(_l("I have checked these scores. Once submitted, I cannot change them."))

    criteria: list = []

    def score_fields(self):
        for criterion in self.criteria:
            yield criterion, self[f"score_{criterion.id}"], self[f"comment_{criterion.id}"]

    def scores(self) -> dict[str, Decimal | None]:
        return {c.code: (Decimal(f.data) if f.data not in (None, "", "None") else None)
                for c, f, _ in self.score_fields()}

    def comments(self) -> dict[str, str]:
        return {c.code: (note.data or "") for c, _, note in self.score_fields()}


def make_scorecard_form(criteria, *, lang: str | None = None, **kwargs) -> ScorecardForm:
    """A form class with one radio group (the scale's levels, with descriptors) and one comment per criterion."""
    lang = lang or current_lang()
    attrs = {"criteria": list(criteria)}
    for criterion in criteria:
        choices = [
            SelectChoice(plain(level), f"{plain(level)}: {descriptor.get(lang, '')}".rstrip(": "))
            for level, descriptor in levels_for(criterion)
        ]
        attrs[f"score_{criterion.id}"] = RadioField(
            getattr(criterion, f"name_{lang}"), choices=choices, validate_choice=False,
            validators=[Optional(), AnyOf([choice.value for choice in choices],
                                          message=_l("Choose one of the levels shown."))],
        )
        attrs[f"comment_{criterion.id}"] = TextAreaField(
            _l("Comment"), validators=[Optional(), Length(max=2000)]
        )
    form_class = type("RubricScorecardForm", (ScorecardForm,), attrs)
    return form_class(**kwargs)


def scorecard_initial(card) -> dict:
    """Initial values for the form from a stored scorecard (or a new one: version 0)."""
    if card is None:
        return {"version": 0}
    data = {"version": card.version, "comment": card.comment}
    for score in card.scores:
        if score.value is not None:
            data[f"score_{score.criterion_id}"] = plain(score.value)
        data[f"comment_{score.criterion_id}"] = score.comment
    return data


def parse_autosave(payload, criteria) -> dict:
    """Check an autosave JSON body and return the keyword arguments for services.judging.save_scorecard.

    Shape: {"version": int, "scores": {code: "4" | null}, "comments": {code: str}, "comment": str}.
    The scale and the rubric's rules are checked by the service; this only checks the shape.
    """
    if not isinstance(payload, dict):
        raise InvalidInput(_l("The draft could not be read. Reload the page and try again."))
    version = payload.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise InvalidInput(_l("The draft has no valid version. Reload the page and try again."))
    raw_scores, raw_comments = payload.get("scores") or {}, payload.get("comments") or {}
    comment = payload.get("comment") or ""
    if not isinstance(raw_scores, dict) or not isinstance(raw_comments, dict) or not isinstance(comment, str):
        raise InvalidInput(_l("The draft could not be read. Reload the page and try again."))
    names = {c.code: c for c in criteria}
    scores = {}
    for code, value in raw_scores.items():
        if value in (None, ""):
            scores[code] = None
            continue
        try:
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                raise InvalidOperation
            scores[code] = Decimal(str(value))
        except InvalidOperation:
            label = localized(names[code], "name") if code in names else code
            raise InvalidInput(_l("%(criterion)s: the score must be a number.", criterion=label)) from None
    comments = {str(k): v for k, v in raw_comments.items() if isinstance(v, str)}
    if len(comments) != len(raw_comments) or len(comment) > 5000 or any(len(v) > 2000 for v in comments.values()):
        raise InvalidInput(_l("A comment is too long or not text."))
    return {"scores": scores, "comments": comments, "comment": comment, "version": version}

"""The organiser's rubric forms: upload a rubric file, and edit one category's criteria (built from it)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from awards.forms.base import BaseForm
from awards.services.editions import levels_for, plain


class RubricUploadForm(BaseForm):
    rubric_file = FileField(_l("Rubric file (TOML)"), validators=[FileRequired(_l("Choose a TOML file to upload."))])


class CategoryRubricForm(BaseForm):
    save = SubmitField(_l("Save the rubric"))

    criteria: list = []

    def criterion_fields(self):
        """(criterion, its text fields, [(level, sw field, en field)]) in rubric order."""
        for index, criterion in enumerate(self.criteria):
            texts = {name: self[f"c{index}_{name}"] for name in TEXT_FIELDS}
            levels = [(plain(level), self[f"c{index}_level{li}_sw"], self[f"c{index}_level{li}_en"])
                      for li, (level, _) in enumerate(levels_for(criterion))]
            yield criterion, texts, levels

    def apply_to(self, document: dict, code: str) -> None:
        """Write the form's values into the category ``code`` of an exported rubric document."""
        category = next(c for c in document["categories"] if c["code"] == code)
        by_code = {c["code"]: c for c in category["criteria"]}
        for criterion, texts, levels in self.criterion_fields():
            target = by_code[criterion.code]
            for name, field in texts.items():
                value = field.data
                target[name] = plain(value) if name == "weight" else (value or "").strip()
            target["levels"] = {level: {"sw": (sw.data or "").strip(), "en": (en.data or "").strip()}
                                for level, sw, en in levels}


TEXT_FIELDS = ("name_sw", "name_en", "weight", "guidance_sw", "guidance_en", "evidence_sw", "evidence_en")


def make_category_rubric_form(criteria, *, read_only: bool = False, **kwargs) -> CategoryRubricForm:
    """One group of fields per criterion: names, weight, guidance, evidence and every level's descriptors."""
    render_kw = {"disabled": True} if read_only else None
    attrs = {"criteria": list(criteria)}
    for index, criterion in enumerate(criteria):
        prefix = f"c{index}_"
        attrs[prefix + "name_sw"] = StringField(_l("Name (Swahili)"), validators=[Optional(), Length(max=200)],
                                                default=criterion.name_sw, render_kw=render_kw)
        attrs[prefix + "name_en"] = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)],
                                                default=criterion.name_en, render_kw=render_kw)
        attrs[prefix + "weight"] = DecimalField(
            _l("Weight"), places=None, default=criterion.weight, render_kw=render_kw,
            validators=[InputRequired(_l("Give the weight.")),
                        NumberRange(min=0, max=100, message=_l("The weight must be between 0 and 100."))])
        for name, label in (("guidance_sw", _l("Guidance (Swahili)")), ("guidance_en", _l("Guidance (English)")),
                            ("evidence_sw", _l("Evidence expected (Swahili)")),
                            ("evidence_en", _l("Evidence expected (English)"))):
            attrs[prefix + name] = TextAreaField(label, validators=[Optional(), Length(max=5000)],
                                                 default=getattr(criterion, name), render_kw=render_kw)
        for li, (level, descriptor) in enumerate(levels_for(criterion)):
            for lang, label in (("sw", _l("Level %(level)s (Swahili)", level=plain(level))),
                                ("en", _l("Level %(level)s (English)", level=plain(level)))):
                attrs[f"{prefix}level{li}_{lang}"] = TextAreaField(
                    label, validators=[Optional(), Length(max=1000)], default=descriptor.get(lang, ""),
                    render_kw=render_kw)
    form_class = type("CategoryRubricEditForm", (CategoryRubricForm,), attrs)
    return form_class(**kwargs)

"""Forms for a judge's declaration of interests and an organiser's reopening of a scorecard."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from awards.forms.base import BaseForm


class DeclareConflictForm(BaseForm):
    institution = SelectField(_l("Institution"), coerce=int, validate_choice=True,
                              validators=[InputRequired(_l("Choose the institution."))])
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Give the reason for the conflict of interest.")), Length(min=3, max=1000)],
    )

    def set_institutions(self, institutions) -> "DeclareConflictForm":
        self.institution.choices = [SelectChoice(i.id, f"{i.name} ({i.acronym})") for i in institutions]
        return self


class SignDeclarationForm(BaseForm):
    confirmed = BooleanField(
        _l("I declare that the conflicts listed above are all the interests I have in the institutions taking "
           "part, and I will keep the entries, the scores and the deliberations confidential."),
        validators=[DataRequired(_l("Tick the box to confirm the declaration and the confidentiality oath."))],
    )
    signed_name = StringField(_l("Your full name, as your signature"),
                              validators=[DataRequired(_l("Type your full name.")), Length(max=200)])


class ReopenForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for reopening (the judge will read it)"),
        validators=[DataRequired(_l("Write the reason for reopening.")), Length(min=10, max=2000)],
    )

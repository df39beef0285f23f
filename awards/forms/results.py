from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length


class PublishForm(FlaskForm):
    confirm = BooleanField(
        _l("I have checked the ranking. Publish it now; after this, a change needs a correction."),
        validators=[DataRequired(_l("Tick the box to confirm that you want to publish."))],
    )


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only lookup by GET

    serial = StringField(_l("Verification number"),
                         validators=[DataRequired(_l("Enter the number printed on the certificate.")),
                                     Length(max=64)])

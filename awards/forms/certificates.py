"""Forms of the certificate console: revoking a certificate with a public reason."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for revoking (shown on the verification page)"),
        validators=[DataRequired(_l("Write the reason for revoking.")), Length(min=10, max=500)],
    )

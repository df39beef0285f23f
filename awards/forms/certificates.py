"""Forms of the certificate console: revoking a certificate with a public reason, and reissuing
a revoked one; both need a confirmation."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from awards.forms.base import BaseForm


class RevokeForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for revoking (shown on the verification page)"),
        validators=[DataRequired(_l("Write the reason for revoking.")), Length(min=10, max=500)],
    )
    confirm = BooleanField(
        _l("Revoking cannot be undone: the verification page will say that this certificate is revoked, "
           "with the reason."),
        validators=[DataRequired(_l("Tick the box to confirm that you want to revoke this certificate."))],
    )


class ReissueForm(BaseForm):
    confirm = BooleanField(
        _l("Issue a new certificate with a new verification number; the old number stays revoked."),
        validators=[DataRequired(_l("Tick the box to confirm that you want to reissue this certificate."))],
    )

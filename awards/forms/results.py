from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from awards.forms.base import BaseForm


class PublishForm(BaseForm):
    confirm = BooleanField(
        _l("I have checked the ranking. Publish it now; after this, a change needs a correction."),
        validators=[DataRequired(_l("Tick the box to confirm that you want to publish."))],
    )


class VerifyForm(BaseForm):
    class Meta:
        csrf = False  # a read-only lookup by GET

    serial = StringField(_l("Verification number"),
                         validators=[DataRequired(_l("Enter the number printed on the certificate.")),
                                     Length(max=64)])


class CorrectionForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for the correction (shown on the public page)"),
        validators=[DataRequired(_l("Write the reason for the correction.")), Length(min=10, max=2000)],
    )
    confirm = BooleanField(
        _l("Publish the corrected ranking now. The earlier ranking and its certificates will be marked superseded."),
        validators=[DataRequired(_l("Tick the box to confirm the correction."))],
    )


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False  # a read-only search by GET

    action = StringField(_l("Action starts with"), validators=[Optional(), Length(max=64)])
    actor = StringField(_l("Actor's email"), validators=[Optional(), Length(max=254)])
    object_type = StringField(_l("Object type"), validators=[Optional(), Length(max=64)])
    # The same query names as the audit export, so the page can link to an export of what it shows.
    since = DateField(_l("From (date)"), validators=[Optional()], name="from")
    until = DateField(_l("Until (date, inclusive)"), validators=[Optional()], name="to")

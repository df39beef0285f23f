"""Upload forms of the organiser's import page: one CSV file each (the service checks its content)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from awards.forms.base import BaseForm


class InstitutionsImportForm(BaseForm):
    institutions_file = FileField(_l("Institutions file (CSV)"),
                                  validators=[FileRequired(_l("Choose a CSV file to import."))])


class JudgesImportForm(BaseForm):
    judges_file = FileField(_l("Judges file (CSV)"), validators=[FileRequired(_l("Choose a CSV file to import."))])

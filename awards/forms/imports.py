"""Upload forms of the organiser's import page: one CSV file each (the service checks its content)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class InstitutionsImportForm(FlaskForm):
    institutions_file = FileField(_l("Institutions file (CSV)"),
                                  validators=[FileRequired(_l("Choose a CSV file to import."))])


class JudgesImportForm(FlaskForm):
    judges_file = FileField(_l("Judges file (CSV)"), validators=[FileRequired(_l("Choose a CSV file to import."))])

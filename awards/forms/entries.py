"""Forms for an institution's entry: entering a category, the entry's texts, and its evidence.

The evidence controls sit inside the entry's form, so that pressing "Add" also sends (and saves)
the texts typed so far: attaching a file never loses a paragraph.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from awards.forms.base import BaseForm
from awards.i18n import localized
from awards.services.errors import InvalidInput


class EntryDetails:
    title = StringField(_l("Title of the entry"), validators=[DataRequired(_l("Give the entry a title.")),
                                                              Length(max=300)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=5000)])
    innovation_name = StringField(_l("Name of the innovation"), validators=[Optional(), Length(max=200)])


class NewEntryForm(EntryDetails, BaseForm):
    category = SelectField(_l("Category"), coerce=int, validators=[InputRequired(_l("Choose a category."))])

    def set_categories(self, categories) -> "NewEntryForm":
        self.category.choices = [SelectChoice(c.id, localized(c, "name")) for c in categories]
        return self


class EntryForm(EntryDetails, BaseForm):
    criteria: list = []

    def narrative_fields(self):
        for criterion in self.criteria:
            yield criterion, self[f"narrative_{criterion.id}"]

    def narratives(self) -> dict[int, str]:
        return {criterion.id: field.data or "" for criterion, field in self.narrative_fields()}


def make_entry_form(entry, **kwargs) -> EntryForm:
    """The entry's texts: title, summary, innovation name and one narrative per criterion."""
    criteria = list(entry.category.criteria)
    attrs = {"criteria": criteria}
    for criterion in criteria:
        # The word limit is the service's rule; this only stops absurd sizes.
        attrs[f"narrative_{criterion.id}"] = TextAreaField(_l("What your institution did"),
                                                           validators=[Optional(), Length(max=20000)])
    # Stored values, for the fields a request does not send.
    kwargs.setdefault("title", entry.title)
    kwargs.setdefault("summary", entry.summary)
    kwargs.setdefault("innovation_name", entry.innovation_name)
    texts = {n.criterion_id: n.text for n in entry.narratives}
    for criterion in criteria:
        kwargs.setdefault(f"narrative_{criterion.id}", texts.get(criterion.id, ""))
    return type("RubricEntryForm", (EntryForm,), attrs)(**kwargs)


@dataclass(frozen=True)
class EvidenceRequest:
    """Which "Add" button was pressed (a criterion id, or None for the whole entry) and what came with it."""

    criterion_id: int | None
    upload: FileStorage | None
    url: str
    text: str
    privacy_confirmed: bool


def parse_evidence(form, files) -> EvidenceRequest:
    """Read the evidence controls of the entry page. Each criterion's controls are suffixed with its id
    (``file-12``, ``url-12``, ...; ``-entry`` for the whole entry) and its Add button sends ``add=<suffix>``."""
    target = form.get("add", "")
    if target != "entry" and not target.isdigit():
        raise InvalidInput(_l("Choose a file or enter a web link, then press Add beside it."))
    upload = files.get(f"file-{target}")
    url, text = form.get(f"url-{target}", "").strip(), form.get(f"text-{target}", "").strip()
    if not (upload and upload.filename) and not url:
        raise InvalidInput(_l("Choose a file or enter a web link."))
    return EvidenceRequest(
        criterion_id=None if target == "entry" else int(target), upload=upload if upload and upload.filename else None,
        url=url, text=text, privacy_confirmed=form.get(f"privacy-{target}") == "y",
    )

"""No words a person reads are left outside the catalog: every template's literal text and
readable attributes (title, alt, placeholder, aria-label) must come from _() or data.

Jinja's lexer separates template data from {{ }} and {% %}; an HTML parser then finds the
words in that data. What is left over must be in ALLOWED, each with its reason.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parents[1] / "awards" / "templates"
READABLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}
WORD = re.compile(r"[^\W\d_]{2,}")  # two letters or more: a word, not a bullet or a unit

# Words that stay as they are in both languages.
ALLOWED_WORDS = {
    "Tuzo",  # the product's name
    "QR", "CSV", "JSON", "PDF", "XLSX", "ZIP", "sha", "SHA", "OpenAPI", "https",  # formats and standards
    "Kiswahili", "English",  # each language names itself in the language switch
}
ALLOWED_PHRASES = {
    "Wiki ya Utumishi wa Umma · Public Service Week",  # the certificate crest is bilingual by design
}
# Text a person copies as it is (file formats, commands): <code>, <pre>, <kbd>, <samp>.
VERBATIM = {"code", "pre", "kbd", "samp"}


class _Words(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0  # inside <style>, <script> or verbatim text

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script") or tag in VERBATIM:
            self._skip += 1
        for name, value in attrs:
            if name in READABLE_ATTRIBUTES and value:
                self._text(value)

    def handle_endtag(self, tag):
        if (tag in ("style", "script") or tag in VERBATIM) and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._text(data)

    def _text(self, text):
        text = " ".join(text.split())
        if text not in ALLOWED_PHRASES and any(w not in ALLOWED_WORDS for w in WORD.findall(text)):
            self.found.append(text)


_PLACEHOLDER = "\x00"  # stands in for each {{ }} / {% %}: keeps tags and attributes parseable


def literal_text(source: str) -> list[str]:
    """Words in a template's own data, outside Jinja expressions, statements and comments."""
    data = []
    for _lineno, kind, value in Environment(extensions=["jinja2.ext.i18n"]).lex(source):
        data.append(value if kind == "data" else _PLACEHOLDER if kind in ("variable_begin", "block_begin") else "")
    parser = _Words()
    parser.feed("".join(data).replace(_PLACEHOLDER, " "))
    parser.close()
    return parser.found


def test_templates_leave_no_text_outside_the_catalog():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 30
    leftovers = {str(path.relative_to(TEMPLATES)): found
                 for path in templates if (found := literal_text(path.read_text(encoding="utf-8")))}
    assert leftovers == {}, "text outside _() in templates:\n" + "\n".join(
        f"{name}: {found}" for name, found in leftovers.items())


def test_the_check_finds_text_added_outside_the_catalog():
    template = """{% extends "base.html" %}{% block main %}
      <h1>{{ _("Results") }}</h1>
      <p>Scores are final.</p>
      <img src="x.png" alt="{{ _('Podium') }}"><input placeholder="Search">
      <p>{{ entry.title }} · {{ _("%(n)d entries", n=3) }}</p>
      <style>.x { content: "ignored"; }</style>{# a comment is not shown #}<code>email,name</code>
      <p>CSV · PDF</p><p>PDF files only</p>
    {% endblock %}"""
    assert literal_text(template) == ["Scores are final.", "Search", "PDF files only"]

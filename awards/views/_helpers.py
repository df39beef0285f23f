"""Small helpers shared by views: loaders and turning domain errors into responses."""

from flask import flash, render_template

from awards.extensions import db


def get_or_404(model, ident):
    return db.get_or_404(model, ident)


def render_error(exc, template: str, **context):
    """Re-render a page with the domain error's message and its 4xx status; nothing was saved."""
    db.session.rollback()
    flash(str(exc.message), "error")
    return render_template(template, **context), exc.status

"""Turning a domain error into a re-rendered page with its message and 4xx status."""

from flask import flash, render_template

from awards.extensions import db


def render_error(exc, template: str, **context):
    """Re-render a page with the domain error's message and its 4xx status; nothing was saved."""
    db.session.rollback()
    flash(str(exc.message), "error")
    return render_template(template, **context), exc.status

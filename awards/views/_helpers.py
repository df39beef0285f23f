"""View helpers: a domain error as a re-rendered page with its 4xx status; serving evidence files."""

from flask import Response, flash, render_template, send_file

from awards.extensions import db
from awards.models import Edition
from awards.services import evidence


def refused(exc) -> int:
    """Undo the request's changes, show the domain error's message, and return its 4xx status."""
    db.session.rollback()
    flash(str(exc.message), "error")
    return exc.status


def render_error(exc, template: str, **context):
    """Re-render a page with the domain error's message and its 4xx status; nothing was saved."""
    status = refused(exc)  # first: the page shows the flashed message
    return render_template(template, **context), status


def send_evidence(item, *, download: bool = False):
    """Serve an evidence file to someone the view has already let in: PDFs and images inline
    (for the preview beside the rubric), everything else as a download, never sniffed or run."""
    inline = item.content_type in evidence.INLINE_TYPES and not download
    response = send_file(
        evidence.open_file(item), mimetype=item.content_type, as_attachment=not inline,
        download_name=item.original_name, etag=item.sha256, conditional=True, max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # The file may be shown in a frame of our own pages (the PDF preview), never elsewhere, and
    # it can load nothing itself.
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; frame-ancestors 'self'"
    return response


def pdf_download(pdf: bytes, filename: str) -> Response:
    """A generated PDF as a private download (``filename`` is plain ASCII chosen by the view)."""
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    })


def edition_or_404(slug: str) -> Edition:
    return db.first_or_404(db.select(Edition).filter_by(slug=slug))

"""PDF rendering: HTML to PDF with WeasyPrint, fetching only bundled files.

The fetcher refuses every URL except ``data:`` URIs and files inside awards/static, so a
template can never make the server reach the network or read arbitrary files (WeasyPrint
#1288 and its SSRF advisories). No Flask and no database here: callers pass rendered HTML.
"""

from pathlib import Path

import weasyprint

STATIC_DIR = (Path(__file__).parent / "static").resolve()


class BundledOnlyFetcher(weasyprint.URLFetcher):
    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://").split("?")[0]).resolve()
            if path.is_relative_to(STATIC_DIR) and path.is_file():
                return super().fetch(url, headers)
        raise ValueError(f"Only bundled files may be fetched, refused: {url[:80]}")


def html_to_pdf(html: str) -> bytes:
    """Render trusted HTML; relative URLs resolve inside awards/static."""
    document = weasyprint.HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=BundledOnlyFetcher()
    )
    return document.write_pdf()

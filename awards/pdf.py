"""PDF rendering: HTML to PDF with WeasyPrint, fetching only bundled files.

The fetcher refuses every URL except ``data:`` URIs and files inside awards/static, so a
template can never make the server reach the network or read arbitrary files (WeasyPrint
#1288 and its SSRF advisories). No Flask and no database here: callers pass rendered HTML.
"""

import contextlib
import gc
import re
from collections.abc import Iterable
from pathlib import Path

import pydyf
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


@contextlib.contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector (reference counting still frees): a render allocates
    tens of thousands of boxes and styles that live until its PDF is written, and each automatic
    collection would walk them all again (a sixth of a single render's time, a fifth of a batch's);
    the collector runs again after."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def html_to_pdf(html: str) -> bytes:
    """Render trusted HTML; relative URLs resolve inside awards/static."""
    with collector_paused():
        return weasyprint.HTML(
            string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=BundledOnlyFetcher()
        ).write_pdf()


_REFERENCE = re.compile(rb"\b(\d+) 0 R\b")


class PageStore:
    """A WeasyPrint finisher that keeps the PDF's objects, serialised once, to assemble new PDFs from
    any of its pages (``assemble``): cutting a many-page render into one PDF per page this way only
    joins bytes, where parsing the PDF again (pypdf) costs as much as a page's layout.

    Only the dictionary part of an object is searched for references (``N 0 R``) and renumbered, never
    stream data; the page tree and the catalog are left behind and written anew by ``assemble``."""

    def __init__(self):
        self.objects: dict[int, tuple[bytes, bytes]] = {}  # number -> (dictionary, stream part or b"")
        self.references: dict[int, tuple[int, ...]] = {}
        self.pages: list[int] = []  # object numbers of the pages, in order
        self.tree = 0  # object number of the page tree

    def __call__(self, document, pdf: pydyf.PDF) -> None:
        self.tree = pdf.pages.number
        self.pages = list(pdf.pages["Kids"][::3])
        for obj in pdf.objects:
            if obj.free == "f" or obj.number in (self.tree, pdf.catalog.number):
                continue
            data = obj.data
            split = data.index(b"\nstream\n") if isinstance(obj, pydyf.Stream) else len(data)
            head = data[:split]
            self.objects[obj.number] = (head, data[split:])
            self.references[obj.number] = tuple(int(n) for n in _REFERENCE.findall(head))

    def closure(self, pages: Iterable[int]) -> list[int]:
        """Numbers of the objects the given pages (indexes) need, in the original order."""
        seen: set[int] = set()
        todo = [self.pages[index] for index in pages]
        while todo:
            number = todo.pop()
            if number not in seen and number != self.tree:
                seen.add(number)
                todo.extend(self.references[number])
        return sorted(seen)


def assemble(parts: Iterable[tuple[PageStore, Iterable[int]]], lang: str | None = None,
             title: str | None = None) -> bytes:
    """One PDF of the given pages (store, page indexes), in order, each with the objects it needs."""
    out = bytearray(b"%PDF-1.7\n%\xf0\x9f\x96\xa4\n")
    offsets = [0, 0, 0]  # 1: catalog, 2: page tree, then the objects copied
    kids = []
    for store, pages in parts:
        pages = list(pages)
        numbers = store.closure(pages)
        new = {store.tree: 2}
        new.update((old, len(offsets) + i) for i, old in enumerate(numbers))

        def renumber(match: re.Match) -> bytes:
            return b"%d 0 R" % new[int(match[1])]

        for old in numbers:
            head, stream = store.objects[old]
            offsets.append(len(out))
            out += b"%d 0 obj\n" % new[old] + _REFERENCE.sub(renumber, head) + stream + b"\nendobj\n"
        kids.extend(new[store.pages[index]] for index in pages)
    offsets[1] = len(out)
    language = b"/Lang " + pydyf.String(lang).data if lang else b""
    out += b"1 0 obj\n<</Type /Catalog/Pages 2 0 R" + language + b">>\nendobj\n"
    offsets[2] = len(out)
    out += b"2 0 obj\n<</Type /Pages/Count %d/Kids [%s]>>\nendobj\n" % (
        len(kids), b" ".join(b"%d 0 R" % kid for kid in kids))
    info = b""
    if title:
        info = b"/Info %d 0 R" % len(offsets)
        offsets.append(len(out))
        out += b"%d 0 obj\n<</Title %s/Producer (WeasyPrint %s)>>\nendobj\n" % (
            len(offsets) - 1, pydyf.String(title).data, weasyprint.__version__.encode())
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % len(offsets)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets[1:])
    out += b"trailer\n<</Size %d/Root 1 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets), info, xref)
    return bytes(out)

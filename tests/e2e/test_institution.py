"""An institution officer finishes a draft entry in the browser: texts, evidence files, submit, receipt."""

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.test_slice import log_in, shot

pytestmark = pytest.mark.e2e

OFFICER = "afisa@mnh.example"
ENTRY = "Banda la Muhimbili 2027: kliniki ya macho papo kwa hapo"
SEED_FILES = Path(__file__).resolve().parents[2] / "seeds" / "demo" / "evidence"


def test_an_officer_submits_an_entry_with_evidence(live_server, page, screenshots, tmp_path):
    base = live_server
    log_in(page, base, OFFICER)
    page.goto(base + "/institution/")
    expect(page.get_by_role("heading", name=re.compile("open for entries"))).to_be_visible()
    page.get_by_role("link", name=ENTRY).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ENTRY)

    # A text for the first criterion, saved with the entry.
    first = page.locator("section.criterion").first
    first.get_by_label("What your institution did").fill(
        "Tulipima macho ya wageni 1,240 bandani na kutoa miwani 310 papo kwa hapo.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Entry saved.")).to_be_visible()

    # A photo for the first criterion (its upload sits beside it) and a report for the whole entry.
    first = page.locator("section.criterion").first
    first.locator("input[type=file]").set_input_files(str(SEED_FILES / "mnh-banda.png"))
    first.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Evidence added.")).to_be_visible()
    expect(page.locator("section.criterion").first.get_by_role("img", name="mnh-banda.png")).to_be_visible()
    whole = page.locator("#evidence")
    whole.locator("input[type=file]").set_input_files(str(SEED_FILES / "mnh-ripoti-ya-banda.pdf"))
    whole.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#evidence").get_by_role("button", name="Remove mnh-ripoti-ya-banda.pdf")).to_be_visible()

    # A file the server refuses: an executable dressed as a PDF.
    fake = tmp_path / "ripoti.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 64)
    page.locator("#evidence input[type=file]").set_input_files(str(fake))
    page.locator("#evidence").get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="This kind of file is not accepted")).to_be_visible()
    shot(page, screenshots, "40-institution-entry")

    page.get_by_role("button", name="Submit the entry").click()
    expect(page.get_by_role("status").filter(has_text="Entry submitted.")).to_be_visible()
    expect(page.get_by_text("Your entry is submitted.")).to_be_visible()
    expect(page.locator("input[type=file]")).to_have_count(0)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the submission receipt (PDF)").click()
    receipt = tmp_path / "receipt.pdf"
    info.value.save_as(receipt)
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(receipt).pages))
    for name in ("mnh-banda.png", "mnh-ripoti-ya-banda.pdf"):
        assert hashlib.sha256((SEED_FILES / name).read_bytes()).hexdigest() in text, name
    assert "ripoti.pdf" not in text.replace("mnh-ripoti-ya-banda.pdf", "")
    page.goto(base + "/institution/")
    expect(page.get_by_role("row").filter(has_text=ENTRY)).to_contain_text("Submitted")
    shot(page, screenshots, "41-institution-dashboard")

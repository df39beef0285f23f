"""The organiser prepares the edition's certificates with the progress bar, then downloads the ZIP."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.test_slice import log_in, post_response, shot

pytestmark = pytest.mark.e2e

ORGANISER = "mratibu@tuzo.example"


def test_the_organiser_prepares_and_downloads_the_certificates(live_server, page, screenshots, tmp_path):
    base = live_server
    log_in(page, base, ORGANISER)
    page.goto(base + "/admin/")
    demo = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("Competition 2026")))
    demo.get_by_role("link", name="Certificates: revoke, reissue, prepare").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Certificates of")
    rows = page.locator("table.certificates tbody tr")
    total = rows.count()
    assert total >= 5
    expect(page.locator("#prepare-status")).to_have_text(re.compile(rf"^\d+ of {total} certificates prepared\.$"))

    # The script posts chunk after chunk and moves the bar until everything is there.
    with post_response(page, r"/prepare$") as first:
        page.get_by_role("button", name=re.compile("^(Prepare certificates|Continue preparing)$")).click()
    assert first.value.status == 200 and first.value.headers["content-type"].startswith("application/json")
    status = page.get_by_role("status").filter(has_text="the download is ready")
    expect(status).to_have_text(f"All {total} certificates are prepared: the download is ready.", timeout=60_000)
    bar = page.get_by_label("Certificates prepared")
    expect(bar).to_have_attribute("max", str(total))
    assert page.evaluate("() => document.getElementById('prepare-progress').value") == total
    expect(page.locator("#prepare-form")).to_be_hidden()
    shot(page, screenshots, "40-organiser-certificates-prepared")

    # A reload shows the same, from the prepared folder; the ZIP holds every certificate.
    page.reload()
    expect(page.locator("#prepare-status")).to_have_text(f"All {total} certificates are prepared: the download is ready.")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download all certificates (ZIP)").click()
    path = tmp_path / "certificates.zip"
    download_info.value.save_as(path)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert len([n for n in names if re.search(r"/PSW-\d{4}(-[0-9A-Z]{4}){3}\.pdf$", n)]) == total
    assert any(n.endswith("/all-certificates.pdf") for n in names)

    # Revoking asks for the confirmation first (the box is not ticked: refused, nothing changes).
    row = rows.first
    row.get_by_text("Revoke…").click()
    row.get_by_label("Reason for revoking").fill("Imetolewa kwa taasisi isiyo sahihi kwa makosa.")
    with post_response(page, r"/revoke$") as refused:
        row.get_by_role("button", name=re.compile("^Revoke certificate")).click()
    assert refused.value.status == 400
    expect(page.get_by_role("alert").filter(has_text="Tick the box to confirm that you want to revoke")).to_be_visible()
    expect(page.locator("table.certificates tbody tr")).to_have_count(1)
    expect(page.locator("table.certificates tbody tr").first).to_contain_text("Valid")
    shot(page, screenshots, "41-organiser-revoke-needs-confirmation")

"""The thin slice end to end, in Chromium against the real server.

A judge scores an entry, the organiser publishes the category, anyone reads the ranking,
the winning institution downloads its certificate, and the QR code on it verifies.
"""

import re

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import Page, expect
from pypdf import PdfReader

pytestmark = pytest.mark.e2e

PASSWORD = "tuzo-demo-2026"
JUDGE = "asha.mwinyi@tuzo.example"
ORGANISER = "mratibu@tuzo.example"
OFFICER = "afisa@mnh.example"
MNH = "Hospitali ya Taifa Muhimbili"
ENTRY = "Banda la Muhimbili: vipimo vya afya papo kwa hapo"
CATEGORY_EN = "Best booth or pavilion"
CATEGORY_SW = "Banda Bora"
RESULTS_PATH = "/results/psw-2026/best-booth"


def shot(page: Page, folder, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def log_in(page: Page, base: str, email: str, folder=None, name: str | None = None) -> None:
    response = page.goto(base + "/login")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    if name:
        shot(page, folder, name)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Page, base: str) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(base + "/")
    expect(page.get_by_role("status").filter(has_text="You have logged out.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def post_response(page: Page, path_re: str):
    return page.expect_response(lambda r: r.request.method == "POST" and re.search(path_re, r.url) is not None)


def test_score_publish_download_and_verify(live_server, page, new_context, screenshots, tmp_path):
    base = live_server
    # Things a reader would see as wrong but that do not stop the flow: collected, reported at the end.
    problems: list[str] = []

    # 1. The judge scores the MNH booth.
    log_in(page, base, JUDGE, screenshots, "01-login")
    expect(page).to_have_url(base + "/judging/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    row = page.get_by_role("row").filter(has_text=ENTRY)
    expect(row).to_contain_text(MNH)
    expect(row).to_contain_text("Not started")
    shot(page, screenshots, "02-judge-assignments")
    row.get_by_role("link", name=ENTRY).click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/judging/assignments/\d+$"))
    scorecard_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(ENTRY)

    # The evidence sits beside the rubric: the photo shown, the report previewed on demand.
    photo = page.locator("section.criterion").first.get_by_role("img", name="mnh-banda.png")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0"), "the evidence photo did not load"
    # (In a second tab: headless Chromium's PDF viewer keeps the mouse once it has shown a PDF.)
    tab = page.context.new_page()
    tab.goto(scorecard_url)
    src = tab.locator("iframe[title='mnh-ripoti-ya-banda.pdf']").get_attribute("src")
    with tab.expect_response(lambda response: response.url.endswith(src)) as report:
        tab.get_by_text("mnh-ripoti-ya-banda.pdf").click()
    assert report.value.status == 200 and report.value.headers["content-type"] == "application/pdf"
    assert report.value.headers["x-frame-options"] == "SAMEORIGIN"
    expect(tab.locator("iframe[title='mnh-ripoti-ya-banda.pdf']")).to_be_visible()
    # Chromium's own PDF viewer opened inside the frame: the file was allowed to show there.
    for _ in range(50):
        if any(f.url.startswith("chrome-extension://") for f in tab.frames):
            break
        tab.wait_for_timeout(100)
    else:
        raise AssertionError(f"no PDF viewer in the preview frame: {[f.url for f in tab.frames]}")
    shot(tab, screenshots, "04a-judge-evidence-preview")
    tab.close()

    groups = page.locator("fieldset.levels")
    criteria = groups.count()
    assert criteria == 6, "best-booth has six criteria"
    for i in range(criteria):
        group = groups.nth(i)
        expect(group.get_by_role("radio")).to_have_count(6)  # levels 0..5
        expect(group.get_by_role("radio", name=re.compile(r"^0: "))).to_be_visible()
        expect(group.get_by_role("radio", name=re.compile(r"^5: "))).to_be_visible()

    # Submitting is final: without the confirmation tick it is refused (what was typed is kept as the draft).
    confirm = page.get_by_label("I have checked these scores. Once submitted, I cannot change them.")
    with post_response(page, r"/judging/assignments/\d+$") as info:
        page.get_by_role("button", name="Submit scorecard").click()
    assert info.value.status == 400
    expect(page.get_by_role("alert").filter(has_text="Tick the box to confirm that you want to submit")).to_be_visible()
    expect(confirm).not_to_be_checked()
    confirm.check()
    with post_response(page, r"/judging/assignments/\d+$") as info:
        page.get_by_role("button", name="Submit scorecard").click()
    assert info.value.status == 400
    error = page.get_by_role("alert").filter(has_text="Score every criterion before submitting")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Missing:")
    expect(page.get_by_role("button", name="Submit scorecard")).to_be_enabled()
    shot(page, screenshots, "03-judge-submit-refused")

    # Level 5 everywhere: the first criterion by keyboard (arrow keys move the choice in a radio
    # group, as a screen-reader or keyboard user would), the others by clicking the label.
    first = groups.nth(0)
    first.get_by_role("radio", name=re.compile(r"^0: ")).focus()
    page.keyboard.press("Space")
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    expect(first.get_by_role("radio", name=re.compile(r"^5: "))).to_be_checked()
    for i in range(1, criteria):
        groups.nth(i).get_by_text(re.compile(r"^5: ")).click()
    for i in range(criteria):
        expect(groups.nth(i).get_by_role("radio", name=re.compile(r"^5: "))).to_be_checked()
    page.get_by_label("Overall comment").fill("Huduma bora za vipimo papo kwa hapo; excellent on-site screening.")
    expect(confirm).to_be_checked()  # still ticked from the refused submit
    shot(page, screenshots, "04-judge-scorecard-filled")

    with post_response(page, r"/judging/assignments/\d+$") as info:
        page.get_by_role("button", name="Submit scorecard").click()
    assert info.value.status == 302
    expect(page).to_have_url(scorecard_url)
    expect(page.get_by_role("status").filter(has_text="Scorecard submitted. Thank you.")).to_be_visible()
    expect(page.get_by_text("You submitted this scorecard. It is locked")).to_be_visible()
    expect(page.get_by_role("button", name="Submit scorecard")).to_have_count(0)
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    for i in range(criteria):
        five = groups.nth(i).get_by_role("radio", name=re.compile(r"^5: "))
        expect(five).to_be_checked()
        expect(five).to_be_disabled()
    expect(page.get_by_label("Overall comment")).to_be_disabled()
    expect(page.get_by_label("Overall comment")).to_have_value(re.compile("excellent on-site screening"))
    shot(page, screenshots, "05-judge-scorecard-locked")
    page.get_by_role("link", name="My assignments").first.click()
    expect(page.get_by_role("row").filter(has_text=ENTRY)).to_contain_text("Submitted")
    log_out(page, base)

    # 2. The organiser previews and publishes best-booth.
    log_in(page, base, ORGANISER)
    expect(page).to_have_url(base + "/admin/")
    edition = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("2026")))
    edition.get_by_role("row").filter(has_text=CATEGORY_EN).get_by_role("link", name="Preview and publish").click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/admin/categories/\d+/results$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(CATEGORY_EN)
    preview_rows = page.locator("table.ranking tbody tr")
    expect(preview_rows.first.locator("td").nth(0)).to_have_text("1")
    expect(preview_rows.first.locator("td").nth(1)).to_have_text(MNH)
    shot(page, screenshots, "06-organiser-preview")

    # Without the confirmation the browser itself refuses (the box is required): nothing is sent.
    preview_url = page.url
    confirm = page.get_by_label(re.compile("I have checked the ranking"))
    expect(confirm).not_to_be_checked()
    page.get_by_role("button", name="Publish results").click()
    assert confirm.evaluate("el => el.validity.valueMissing") is True
    expect(page).to_have_url(preview_url)

    confirm.check()
    with post_response(page, r"/admin/categories/\d+/publish$") as info:
        page.get_by_role("button", name="Publish results").click()
    assert info.value.status == 302
    expect(page).to_have_url(base + RESULTS_PATH)
    expect(page.get_by_role("status").filter(has_text="Results published. Certificates have been issued.")
           ).to_be_visible()
    shot(page, screenshots, "07-organiser-published")
    log_out(page, base)

    # 3. Anyone reads the ranking: MNH first.
    anonymous = new_context().new_page()
    response = anonymous.goto(base + RESULTS_PATH)
    assert response is not None and response.status == 200
    expect(anonymous.get_by_role("link", name="Log in")).to_be_visible()
    expect(anonymous.get_by_role("heading", level=1)).to_have_text(CATEGORY_EN)
    ranking = anonymous.get_by_role("table", name="Official ranking")
    expect(ranking).to_be_visible()
    first_row = ranking.locator("tbody tr").first
    expect(first_row.locator("td").nth(0)).to_have_text("1")
    expect(first_row.locator("td").nth(1)).to_contain_text(f"{MNH} (MNH)")
    expect(first_row.locator("td").nth(3)).to_have_text(re.compile(r"^\d{1,3}\.\d\d$"))
    expect(ranking.locator("tbody tr")).to_have_count(3)
    shot(anonymous, screenshots, "08-public-ranking")
    if first_row.locator(".narrow-only").is_visible():
        problems.append("public ranking at 1280 px: the entry title is shown twice (the phone-only "
                        "'.narrow-only' copy under the institution is visible)")
    anonymous.set_viewport_size({"width": 390, "height": 844})
    expect(first_row.locator(".narrow-only")).to_be_visible()
    expect(first_row.locator("td.wide-only")).to_be_hidden()
    shot(anonymous, screenshots, "08b-public-ranking-phone")
    anonymous.set_viewport_size({"width": 1280, "height": 900})

    # 4. The MNH officer downloads the first-place certificate.
    log_in(page, base, OFFICER)
    expect(page).to_have_url(base + "/institution/")
    expect(page.get_by_role("heading", level=1)).to_have_text(MNH)
    cert_item = page.get_by_role("listitem").filter(has_text="First Place").filter(has_text=CATEGORY_EN)
    expect(cert_item).to_have_count(1)
    serial = cert_item.locator(".serial").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{6,64}", serial), serial
    shot(page, screenshots, "09-institution-certificates")
    with page.expect_download() as download_info:
        cert_item.get_by_role("link", name="Download certificate (PDF)").click()
    download = download_info.value
    assert download.failure() is None
    assert download.url == f"{base}/institution/certificates/{serial}.pdf"
    assert download.suggested_filename == f"{serial}.pdf"
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")

    reader = PdfReader(pdf_path)
    text = " ".join((p.extract_text() or "") for p in reader.pages)
    flat = " ".join(text.split())
    assert MNH in flat
    assert CATEGORY_EN in flat and CATEGORY_SW in flat
    assert "First Place" in flat
    assert serial in flat

    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        bitmap = document[0].render(scale=3)
        image = bitmap.to_pil()
    finally:
        document.close()
    image.save(screenshots / "10-certificate.png")
    codes = zxingcpp.read_barcodes(image)
    qr = [c.text for c in codes if c.format == zxingcpp.BarcodeFormat.QRCode]
    verify_url = f"{base}/verify/{serial}"
    assert qr == [verify_url]

    # 5. The QR code leads to the verification page.
    response = anonymous.goto(qr[0])
    assert response is not None and response.status == 200
    expect(anonymous).to_have_url(verify_url)
    expect(anonymous.get_by_role("heading", level=1)).to_contain_text(serial)
    expect(anonymous.get_by_text(re.compile(r"^Valid: "))).to_be_visible()
    sw = anonymous.locator("section.statement[lang=sw]")
    en = anonymous.locator("section.statement[lang=en]")
    expect(sw).to_contain_text(MNH)
    expect(sw).to_contain_text(CATEGORY_SW)
    expect(en).to_contain_text(MNH)
    expect(en).to_contain_text(CATEGORY_EN)
    expect(en).to_contain_text("First Place")
    shot(anonymous, screenshots, "11-verify")

    # 6. The Swahili half of the certificate and of the verification page is in Swahili.
    if "Nafasi ya Kwanza" not in flat:
        problems.append("certificate PDF: no 'Nafasi ya Kwanza'; its Swahili statement reads: "
                        + flat[flat.find("CERTIFICATE"):][:160])
    if "Nafasi ya Kwanza" not in sw.inner_text():
        problems.append("verify page: the Swahili statement has no 'Nafasi ya Kwanza': " + " ".join(sw.inner_text().split()))
    assert not problems, "\n".join(problems)

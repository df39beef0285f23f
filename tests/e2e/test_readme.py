"""A newcomer follows the README: the steps of its "Try it" section, read from README.md itself
(accounts, password, entry, buttons), done in Chromium on a fresh server set up as `make run`
does it (SQLite file, `awards init`, `awards demo`). Then it takes the README's screenshots, in
both languages, at laptop and phone widths.

Screenshots go to tests/e2e/screenshots/readme/ (ignored by git); `make screenshots` sets
AWARDS_SCREENSHOTS_DIR=docs/screenshots to refresh the ones the README shows.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS, serve_demo

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SIZES = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
LANGUAGES = {"en": "en-GB", "sw": "sw-TZ"}


def try_it_steps() -> list[str]:
    """The numbered steps of the README's "Try it" section, one string each."""
    section = re.search(r"^## Try it.*?$(.*?)^## ", README, re.MULTILINE | re.DOTALL)
    assert section, "README.md has no '## Try it' section"
    steps = re.findall(r"^\d+\. (.*?)(?=^\d+\. |^\s*$)", section.group(1), re.MULTILINE | re.DOTALL)
    assert len(steps) == 4, steps
    return [" ".join(step.split()) for step in steps]


def code(step: str, index: int = 0) -> str:
    return re.findall(r"`([^`]+)`", step)[index]


def emphasis(step: str, index: int = 0) -> str:
    return re.findall(r"(?<!\*)\*([^*]+)\*(?!\*)", step)[index]


def strong(step: str, index: int = 0) -> str:
    return re.findall(r"\*\*([^*]+)\*\*", step)[index]


@pytest.fixture(scope="module")
def fresh_server(chromium_path, tmp_path_factory):
    """A server as `make run` makes it: a new SQLite file, init, demo."""
    tmp = tmp_path_factory.mktemp("readme-server")
    with serve_demo(tmp, "sqlite:///" + str(tmp / "tuzo.sqlite")) as base:
        yield base


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_a_newcomer_follows_the_readme(fresh_server, new_context):
    base = fresh_server
    log_in_step, score_step, officer_step, verify_step = try_it_steps()
    assert "`make run`" in README and "http://127.0.0.1:5000" in README
    page = new_context(viewport=SIZES["laptop"], check_pages=False).new_page()

    # 1. Log in as the judge.
    judge, password = code(log_in_step, 0), code(log_in_step, 1)
    assert strong(log_in_step) == "Log in"
    log_in(page, base, judge, password)

    # 2. Open the entry from My assignments, score what the draft left open, confirm, submit.
    page.get_by_role("link", name=emphasis(score_step, 0)).first.click()
    entry = emphasis(score_step, 1)
    page.get_by_role("row").filter(has_text=entry).get_by_role("link", name=entry).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(entry)
    groups = page.locator("fieldset.levels")
    already = [i for i in range(groups.count()) if groups.nth(i).locator("input:checked").count()]
    assert len(already) == 3, "the README says three criteria are already scored in a draft"
    for i in range(groups.count()):
        if i not in already:
            groups.nth(i).get_by_text(re.compile(r"^3: ")).click()
    page.get_by_label(emphasis(score_step, 2)).check()
    page.get_by_role("button", name=strong(score_step)).click()
    expect(page.get_by_text("You submitted this scorecard. It is locked")).to_be_visible()

    # 3. Log out; the officer reads a verification number under Certificates.
    page.get_by_role("button", name=strong(officer_step)).click()
    log_in(page, base, code(officer_step), password)
    certificates = page.get_by_role("heading", name=emphasis(officer_step))
    expect(certificates).to_be_visible()
    serial = page.locator(".serial").first.inner_text().strip()
    assert re.fullmatch(r"PSW-\d{4}(-[0-9A-Z]{4}){3}", serial), serial

    # 4. Log out, Verify a certificate, type the number, Verify: valid, and what it states.
    page.get_by_role("button", name=strong(verify_step, 0)).click()
    page.get_by_role("link", name=emphasis(verify_step)).click()
    page.get_by_role("textbox").fill(serial)
    page.get_by_role("button", name=strong(verify_step, 1), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(serial)
    expect(page.get_by_text(re.compile(r"^Valid: "))).to_be_visible()
    expect(page.get_by_role("heading", name="What the certificate states")).to_be_visible()
    verify_path = f"/verify/{serial}"

    # The README's screenshots: each page in both languages, at laptop and phone widths.
    for lang, locale in LANGUAGES.items():
        for size, viewport in SIZES.items():
            visitor = new_context(locale=locale, viewport=viewport, check_pages=False).new_page()
            for name, path in (("home", "/"), ("ranking", "/results/psw-2026/innovation"), ("verify", verify_path)):
                response = visitor.goto(base + path)
                assert response is not None and response.status == 200, path
                expect(visitor.locator("html")).to_have_attribute("lang", lang)
                shoot(visitor, name, lang, size)
    # The judge's scorecard (now locked) in each language, chosen with the header's language switch.
    judge_page = new_context(viewport=SIZES["laptop"], check_pages=False).new_page()
    log_in(judge_page, base, judge, password)
    judge_page.get_by_role("row").filter(has_text=entry).get_by_role("link", name=entry).click()
    scorecard_url = judge_page.url
    for lang, label in (("sw", "Kiswahili"), ("en", "English")):
        judge_page.set_viewport_size(SIZES["laptop"])
        judge_page.locator("#lang-select").select_option(label=label)
        judge_page.locator("header.site form").filter(has=judge_page.locator("#lang-select")) \
            .get_by_role("button").click()
        judge_page.goto(scorecard_url)
        expect(judge_page.locator("html")).to_have_attribute("lang", lang)
        for size, viewport in SIZES.items():
            judge_page.set_viewport_size(viewport)
            shoot(judge_page, "scorecard", lang, size)

    # Every screenshot the README shows was made here, and nothing else.
    shown = set(re.findall(r"\(docs/screenshots/([\w-]+\.png)\)", README))
    assert shown == TAKEN, (sorted(shown - TAKEN), sorted(TAKEN - shown))


TAKEN: set[str] = set()


def shoot(page: Page, name: str, lang: str, size: str) -> None:
    folder = Path(os.environ.get("AWARDS_SCREENSHOTS_DIR") or SCREENSHOTS / "readme")
    if not folder.is_absolute():
        folder = ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    filename = f"{name}-{lang}-{size}.png"
    page.screenshot(path=str(folder / filename))
    TAKEN.add(filename)

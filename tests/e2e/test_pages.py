"""Every main page answers 200 for each role and in both languages.

Logged in as each demo role, the test walks the links from the role's home page within the site
(menus, then the object pages they lead to), skipping files and logout. It also reads the public
pages anonymously in English and in Swahili, switched with the header's language form. Each page
it reads is also checked by axe-core and the Nu checker (tests/e2e/test_zz_a11y_report.py).
"""

import re
from collections import Counter
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_slice import log_in, log_out

pytestmark = pytest.mark.e2e

ROLES = {
    "organiser": ("mratibu@tuzo.example", "/admin/"),
    "judge": ("juma.salim@tuzo.example", "/judging/"),
    "institution": ("afisa@mnh.example", "/institution/"),
}
PUBLIC = ["/", "/results/psw-2026", "/results/psw-2026/innovation", "/verify", "/verify?serial=PSW-2026-AAAA-BBBB-CCCC",
          "/login"]
# Not pages: files, downloads, evidence, the service worker, and anything that changes state.
SKIP = re.compile(r"/logout|/download|/evidence|/files?/|/exports/|/static/|/sw\.js|\.(pdf|csv|json|toml|txt|xlsx|zip|png|jpe?g)\b"
                  r"|/certificates/.+\.pdf|/feedback\.pdf", re.IGNORECASE)
# Pages a role must read in both languages, wherever the walk's limits fall.
REQUIRED = {"organiser": ["/admin/certificates/editions/psw-2026"]}
MAX_PAGES = 40
PER_SHAPE = 3  # e.g. three scorecards of the judge's thirteen: the same template
SWAHILI_PAGES = 12  # of each role's pages, read again in Swahili


def switch_language(page: Page, label: str) -> None:
    page.locator("#lang-select").select_option(label=label)
    page.locator("header.site form").filter(has=page.locator("#lang-select")).get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "sw" if label == "Kiswahili" else "en")


def links(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "as => as.map(a => a.href)")
    found = []
    for href in hrefs:
        url = urldefrag(href).url
        if url.startswith(base + "/") and not SKIP.search(urlsplit(url).path) and url not in found:
            found.append(url)
    return found


def visit(page: Page, url: str, failures: list[str], expected: int = 200) -> None:
    response = page.goto(url)
    status = response.status if response else None
    if status != expected:
        failures.append(f"{url}: {status} (expected {expected})")


def shape(url: str) -> str:
    """/admin/categories/7/results -> /admin/categories/N/results: pages made from the same template."""
    return re.sub(r"\d+", "N", url)


def walk(page: Page, base: str, home: str, failures: list[str]) -> list[str]:
    """Breadth first from `home`, at most MAX_PAGES pages and PER_SHAPE of a kind; returns the pages read."""
    queue, seen, kinds = [base + home], [], Counter()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or kinds[shape(url)] >= PER_SHAPE:
            continue
        seen.append(url)
        kinds[shape(url)] += 1
        visit(page, url, failures)
        queue += [link for link in links(page, base) if link not in seen and link not in queue]
    return seen


def public_pages(page: Page, base: str, failures: list[str]) -> None:
    for path in PUBLIC:
        visit(page, base + path, failures, 404 if "serial=" in path else 200)


def test_every_main_page_answers_for_each_role_in_both_languages(live_server, page):
    base, failures = live_server, []

    public_pages(page, base, failures)
    page.goto(base + "/")
    switch_language(page, "Kiswahili")
    public_pages(page, base, failures)
    switch_language(page, "English")

    for role, (email, home) in ROLES.items():
        log_in(page, base, email)
        seen = walk(page, base, home, failures)
        assert len(seen) >= 5, f"{role}: only {seen} reachable from {home}"
        required = [base + path for path in REQUIRED.get(role, [])]
        for url in required:
            if url not in seen:
                visit(page, url, failures)
        switch_language(page, "Kiswahili")
        try:
            for url in seen[:SWAHILI_PAGES] + [url for url in required if url not in seen[:SWAHILI_PAGES]]:
                visit(page, url, failures)
        finally:
            page.goto(base + home)
            switch_language(page, "English")  # the choice is saved on the account: other tests expect English
        log_out(page, base)

    assert not failures, "pages that did not answer as expected:\n" + "\n".join(failures)

"""Every page the browser tests were served passes axe-core (WCAG 2.2 A and AA) and the Nu HTML Checker.

Runs last (pytest takes the files in name order): the other e2e tests, test_pages.py above all, fill
the session's `page_checks` with every HTML document the live server sent them.
"""

import pytest

from tests.e2e.conftest import AXE_JS, MISSING_TOOLS, SCREENSHOTS, SUMMARY, VNU_JAR

pytestmark = pytest.mark.e2e

MIN_PAGES = 15
ROLES = {"anonymous", "judge", "institution", "organiser"}


def test_every_page_visited_passes_axe_and_the_nu_checker(live_server, browser, page_checks, tmp_path):
    assert AXE_JS.exists() and VNU_JAR.exists(), MISSING_TOOLS
    documents = list(page_checks.documents.values())
    # Never vacuous: the run must have seen the main pages of every role.
    urls = {doc.url for doc in documents}
    assert len(urls) >= MIN_PAGES, f"only {len(urls)} distinct pages were visited: {sorted(urls)}"
    assert {doc.role for doc in documents} >= ROLES, f"roles seen: {sorted({doc.role for doc in documents})}"
    assert {doc.lang for doc in documents} >= {"en", "sw"}

    nu_run = page_checks.start_nu(tmp_path)  # the JVM works while axe runs in Chromium
    try:
        axe = page_checks.run_axe(browser)
    finally:
        nu = page_checks.nu_errors(nu_run)
    line = (f"a11y: {len(documents)} pages checked by axe, {len(documents)} documents by the Nu checker "
            f"({len(urls)} distinct URLs, {len(page_checks.visits)} documents served), "
            f"{len(axe)} violations, {len(nu)} errors"
            + (f"; {len(page_checks.unreadable)} bodies no longer readable" if page_checks.unreadable else ""))
    SUMMARY.append(line)
    SCREENSHOTS.mkdir(exist_ok=True)
    report = [line, "", *axe, *nu, "", "Pages checked:"]
    report += [f"{doc.role:12} {doc.lang} {doc.url}" for doc in sorted(documents, key=lambda d: (d.role, d.url))]
    if page_checks.unreadable:
        report += ["", "Bodies Chromium no longer had (not checked):", *page_checks.unreadable]
    (SCREENSHOTS / "a11y-report.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    assert not axe and not nu, "\n".join([line, *axe, *nu])

"""A judge keeps scoring when the Wi-Fi drops: offline changes survive a reload and reach the server."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_slice import log_in, post_response, shot

pytestmark = pytest.mark.e2e

JUDGE = "baraka.mushi@tuzo.example"
ENTRY = "Afua za VVU/UKIMWI mahali pa kazi, Tume ya Utumishi wa Umma"  # hiv-aids, not started in the demo


def level(page, criterion_index: int, value: str):
    return page.locator("section.criterion").nth(criterion_index).locator(f"input[type=radio][value='{value}']")


def test_offline_changes_survive_a_reload_and_sync(live_server, new_context, screenshots):
    base = live_server
    page = new_context(service_workers="allow").new_page()
    log_in(page, base, JUDGE)
    page.get_by_role("link", name=ENTRY).click()
    expect(page).to_have_url(re.compile(r"/judging/assignments/\d+$"))
    page_url = page.url
    # Wait until the service worker controls the page and the page is kept for offline use.
    # (Functions, not expressions: the page's CSP forbids the eval that an expression needs.)
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=10000)
    page.wait_for_function("() => caches.open('tuzo-judging-v1').then(c => c.match(location.pathname)).then(Boolean)")

    # Online: one change, autosaved as version 1.
    with post_response(page, r"/autosave$") as saved:
        level(page, 0, "3").check()
    assert saved.value.status == 200 and saved.value.json()["version"] == 1
    expect(page.locator("#save-state")).to_have_text("Saved.")

    # Offline: two more changes are kept on the laptop.
    page.context.set_offline(True)
    level(page, 1, "4").check()
    level(page, 2, "2").check()
    page.locator("section.criterion").nth(2).locator("textarea").fill("Ripoti za robo mwaka zimechelewa.")
    expect(page.locator("#save-state")).to_contain_text("Offline")
    page.wait_for_timeout(3500)  # past the autosave delay: nothing can reach the server

    # A reload while offline loses nothing.
    page.reload()
    expect(level(page, 0, "3")).to_be_checked()
    expect(level(page, 1, "4")).to_be_checked()
    expect(level(page, 2, "2")).to_be_checked()
    expect(page.locator("#save-state")).to_contain_text("Offline")
    shot(page, screenshots, "20-judge-offline-after-reload")

    # Back online: the kept draft is sent and the page says so.
    with post_response(page, r"/autosave$"):
        page.context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#save-state")).to_contain_text("Back online")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tuzo:draft:')).length") == 0

    # The server holds exactly the offline changes: a fresh load shows the stored scorecard.
    page.goto(page_url)
    expect(level(page, 0, "3")).to_be_checked()
    expect(level(page, 1, "4")).to_be_checked()
    expect(level(page, 2, "2")).to_be_checked()
    expect(page.locator("section.criterion").nth(2).locator("textarea")).to_have_value("Ripoti za robo mwaka zimechelewa.")
    for index in range(3, 6):
        expect(page.locator("section.criterion").nth(index).locator("input[type=radio]:checked")).to_have_count(0)
    shot(page, screenshots, "21-judge-synced")

    # Offline again, the judge finishes, ticks the confirmation and presses Submit: nothing is lost,
    # the submit waits, and when the connection returns it is sent as pressed, the tick included.
    for index in range(3, 6):
        level(page, index, "4").check()
    confirm = page.get_by_label("I have checked these scores. Once submitted, I cannot change them.")
    confirm.check()
    page.context.set_offline(True)
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator("#save-state")).to_contain_text("the form will be sent when the connection returns")
    expect(page).to_have_url(page_url)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tuzo:draft:')).length") == 1
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_text("You submitted this scorecard. It is locked")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Scorecard submitted. Thank you.")).to_be_visible()
    for index, value in enumerate(["3", "4", "2", "4", "4", "4"]):
        expect(level(page, index, value)).to_be_checked()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tuzo:draft:')).length") == 0

"""An organiser sends a scorecard back with a reason; the judge, with the keyboard alone, logs in,
reads why, rescores, watches the running total and submits again."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_slice import PASSWORD, log_in, log_out, post_response, shot

pytestmark = pytest.mark.e2e

ORGANISER = "mratibu@tuzo.example"
JUDGE = "juma.salim@tuzo.example"
JUDGE_NAME = "Juma Salim"
WMA = "Wakala wa Vipimo (WMA)"
REASON = "Alama za kigezo cha fedha hazilingani na maoni yako; tafadhali pitia tena ripoti ya CAG."


def tab_to(page: Page, selector: str, *, limit: int = 120) -> None:
    """Press Tab until the focused element matches `selector`, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the focus after {limit} presses of Tab")


def focused(page: Page) -> str:
    return page.evaluate("document.activeElement.outerHTML.slice(0, 160)")


def test_reopened_scorecard_is_rescored_with_the_keyboard_alone(live_server, page, new_context, screenshots):
    base = live_server
    # 1. The organiser opens the judge's scorecard from the ranking breakdown and reopens it.
    log_in(page, base, ORGANISER)
    page.goto(base + "/admin/")
    demo = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("Competition 2026")))
    demo.get_by_role("row").filter(has_text="Best-run Ministry").get_by_role("link", name="Preview and publish").click()
    page.locator("details").filter(has_text=WMA).locator("summary").click()
    page.locator("details").filter(has_text=WMA).get_by_role("link", name=JUDGE_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Scorecard of {JUDGE_NAME}")
    page.get_by_label("Reason for reopening").fill(REASON)
    page.get_by_role("button", name="Reopen scorecard").click()
    expect(page.get_by_role("status").filter(has_text="Scorecard reopened")).to_be_visible()
    expect(page.get_by_text(REASON)).to_be_visible()
    log_out(page, base)

    # 2. The judge, keyboard only: log in.
    page.goto(base + "/login")
    tab_to(page, "input[name=email]")
    page.keyboard.type(JUDGE)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "/judging/")
    row = page.get_by_role("row").filter(has_text="Wakala wa Vipimo")
    expect(row).to_contain_text("Reopened by the secretariat")

    # Open the reopened entry from the dashboard.
    link = row.get_by_role("link")
    href = link.get_attribute("href")
    tab_to(page, f"a[href='{href}']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + href)
    expect(page.get_by_role("note")).to_contain_text(REASON)

    # Every criterion to level 4 with the arrow keys; a comment typed on the first.
    groups = page.locator("fieldset.levels")
    criteria = groups.count()
    assert criteria == 6
    for i in range(criteria):
        name = groups.nth(i).get_by_role("radio").first.get_attribute("name")
        tab_to(page, f"input[type=radio][name='{name}']")
        # In a radio group Tab lands on the checked level; arrows move the choice to 4.
        current = int(page.evaluate("document.activeElement.value"))
        key = "ArrowDown" if current < 4 else "ArrowUp"
        for _ in range(abs(4 - current)):
            page.keyboard.press(key)
        if current == 4:
            page.keyboard.press("Space")
        expect(groups.nth(i).get_by_role("radio", name=re.compile(r"^4: "))).to_be_checked()
        if i == 0:
            page.keyboard.press("Tab")
            assert "textarea" in focused(page), focused(page)
            page.keyboard.type("Imepitiwa upya: ripoti ya CAG inaonyesha hati safi.")
    total = page.locator("#running-total")
    expect(total).to_have_text("Weighted total so far: 80.00 of 100 (6 of 6 criteria scored)")
    shot(page, screenshots, "30-judge-keyboard-rescored")

    # Confirm with Space on the tick box, then submit with Enter on the focused button.
    tab_to(page, "input[type=checkbox][name=confirm]")
    page.keyboard.press("Space")
    expect(page.get_by_label("I have checked these scores. Once submitted, I cannot change them.")).to_be_checked()
    tab_to(page, "input[type=submit][name=submit]")
    with post_response(page, r"/judging/assignments/\d+$") as info:
        page.keyboard.press("Enter")
    assert info.value.status == 302
    expect(page.get_by_role("status").filter(has_text="Scorecard submitted. Thank you.")).to_be_visible()
    expect(page.get_by_text("You submitted this scorecard. It is locked")).to_be_visible()
    expect(total).to_have_text("Weighted total so far: 80.00 of 100 (6 of 6 criteria scored)")
    for i in range(criteria):
        expect(groups.nth(i).get_by_role("radio", name=re.compile(r"^4: "))).to_be_checked()
    expect(page.locator("section.criterion").first.locator("textarea")).to_have_value(
        "Imepitiwa upya: ripoti ya CAG inaonyesha hati safi.")
    # A visible focus ring: the focused control is outlined (not outline: none).
    tab_to(page, "a")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"

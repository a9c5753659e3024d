"""Accessibility: axe-core (WCAG 2.1 A and AA rules, bundled by the axe-playwright-python package)
on every screen, in English and in French, finds no serious or critical violation; the page's
`lang` follows the interface language."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from lib.core.screens import SCREENS
from tests.e2e.conftest import press, settle, shot, sign_in

RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# WCAG 1.4.3 exempts inactive components from the contrast minimum: the label of a disabled
# widget and a disabled button (Streamlit greys them out) are left out of the audit.
CONTEXT = {"exclude": [['label[data-testid="stWidgetLabel"][disabled]'], ["button[disabled]"]]}
BLOCKING = {"serious", "critical"}


def audit(page) -> list[str]:
    """The serious and critical violations on the page once its run is over, one line each."""
    settle(page)
    # elements of the previous run fade out (lower contrast) until the new run replaces them
    page.wait_for_function("document.querySelectorAll('[data-stale=\"true\"]').length === 0")
    page.wait_for_timeout(300)  # the fade's transition
    response = Axe().run(page, context=CONTEXT, options=RULES).response
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node['failureSummary'][:160]}"
        for v in response["violations"]
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


def switch_language(page, name: str) -> None:
    press(page.locator('[data-testid="stSidebar"]').get_by_text(name).first)


@pytest.mark.parametrize("language, name", [("en", "English"), ("fr", "Français")])
def test_sign_in_page(server, page, language, name):
    page.goto(server["base"])
    page.get_by_role("button").last.wait_for()
    settle(page)
    if language == "fr":
        switch_language(page, name)
    page.wait_for_function(f"document.documentElement.lang === '{language}'")
    assert audit(page) == []


@pytest.mark.parametrize("language, name", [("en", "English"), ("fr", "Français")])
def test_every_screen(server, page, language, name):
    sign_in(page, server["base"], "root")  # administrator and employee: every screen but none hidden
    if language == "fr":
        switch_language(page, name)
    found = {}
    for screen in SCREENS:
        page.goto(f"{server['base']}/{screen.slug}")
        page.locator("h1").first.wait_for()
        page.wait_for_function(f"document.documentElement.lang === '{language}'")
        found[screen.slug] = audit(page)
        shot(page, f"a11y_{screen.slug}_{language}")
    if language == "fr":
        switch_language(page, "English")  # the account's saved language back to English
    assert {slug: problems for slug, problems in found.items() if problems} == {}

"""In Chromium: the policy is enforced (an injected inline script is refused) and Bondwell's own pages run."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import browser_login


@pytest.mark.browser
def test_the_browser_refuses_inline_script_and_bondwells_scripts_still_run(
    live_server: Any, chromium: Any, transactional_db: None
) -> None:
    from tests.conftest import make_world

    make_world()
    context = chromium.new_context()
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    browser_login(page, live_server.url, "clinician@a.test")
    assert page.evaluate("typeof window.htmx") == "object"  # htmx, a file of Bondwell's own, ran
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.bwInline = 1';
                         document.body.appendChild(s); }""")
    assert page.evaluate("window.bwInline") is None  # the policy refused the inline script
    assert any("Content Security Policy" in m for m in messages)
    context.close()

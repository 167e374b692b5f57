"""Issue 9 §5 in a real browser: under the Content-Security-Policy the screens staff
use every day still run their scripts (select2 search boxes, the datepicker, list
actions, the 打印 button) and Chromium reports no policy violation."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in

PAGES = {
    "frontdesk1": ["/desk/", "/householdview/list/", "/householdview/add", "/workorderview/add"],
    "cashier1": ["/cashier/", "/billview/list/", "/paymentview/list/"],
    "center_manager1": ["/inbox/", "/workorderkpi/", "/arrears/aging/", "/renovationview/list/"],
}


def watch_violations(page) -> list:
    """Chromium's CSP reports, from the console and the securitypolicyviolation event."""
    seen = []
    page.on("console", lambda m: "Content Security Policy" in m.text and seen.append(m.text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));")
    return seen


@pytest.mark.parametrize("username", sorted(PAGES))
def test_daily_screens_run_under_the_policy(new_page, username):
    page = new_page()
    seen = watch_violations(page)
    sign_in(page, username)
    for path in PAGES[username]:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert seen == []


def test_nonce_scripts_really_ran(new_page):
    """select2 turns the 房屋单元 search select into its widget only if FAB's and our scripts ran."""
    page = new_page()
    seen = watch_violations(page)
    sign_in(page, "frontdesk1")
    page.goto("/householdview/add")
    expect(page.locator(".select2-container").first).to_be_visible()
    assert seen == []


def test_an_inline_script_without_the_nonce_is_blocked(new_page, live_server):
    """The policy is really enforced: a script injected without the nonce does not run."""
    page = new_page()
    seen = watch_violations(page)
    page.goto("/login/")
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__injected = 1'; document.body.appendChild(s); }""")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__injected") is None
    assert any("script-src" in m for m in seen), seen

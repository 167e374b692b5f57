"""The managers' dashboard in a real browser (issue 7): center_manager1 signs in
and lands on 经营看板; its charts render (ECharts canvases, from the vendored
file: no request leaves the loopback host, no console error); the figures
stand as text. Takes the README screenshots of the dashboard and of the
work-order desk (frontdesk1, /desk/)."""

import re
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Page, expect

from tests.e2e.helpers import sign_in

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _favicon(url: str) -> bool:
    """Chromium asks for /favicon.ico on its own; the app has none (not the page's error)."""
    return urlparse(url or "").path == "/favicon.ico"


def watch(page: Page) -> dict[str, list[str]]:
    """Console errors, failed responses and any request to a non-loopback host."""
    seen = {"errors": [], "foreign": [], "failed": []}
    page.on("console", lambda m: seen["errors"].append(f"{m.text} {m.location.get('url', '')}")
            if m.type == "error" and not _favicon(m.location.get("url")) else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["foreign"].append(r.url)
            if urlparse(r.url).scheme in ("http", "https") and urlparse(r.url).hostname not in LOOPBACK else None)
    page.on("response", lambda r: seen["failed"].append(f"{r.status} {r.url}")
            if r.status >= 400 and not _favicon(r.url) else None)
    return seen


def test_centre_manager_lands_on_the_dashboard_with_charts(new_page):
    page = new_page()
    seen = watch(page)
    sign_in(page, "center_manager1")
    page.wait_for_url(re.compile(r"/dashboard/$"))
    expect(page.locator("h2.dashboard-title")).to_contain_text("经营看板")
    expect(page.locator("h2.dashboard-title")).to_contain_text("阳光花园")
    for chart in ("kpis", "aging", "parking"):
        expect(page.locator(f"[data-chart={chart}] canvas")).to_have_count(1)
    expect(page.locator("#dash-centres")).to_have_count(0)  # one centre: no breakdown
    assert re.fullmatch(r"\d+", page.locator("#dash-orders .fig-open").inner_text().strip())
    assert re.fullmatch(r"¥[\d,]+\.\d\d", page.locator("#dash-arrears-total .fig-total").inner_text().strip())
    assert page.locator("#dash-kpis tbody tr").count() == 5
    page.wait_for_timeout(500)  # let ECharts' entry animation finish before the screenshot
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    assert seen == {"errors": [], "foreign": [], "failed": []}, seen


def test_gm_sees_the_breakdown_chart(new_page):
    page = new_page()
    seen = watch(page)
    sign_in(page, "gm1")
    page.wait_for_url(re.compile(r"/dashboard/$"))
    expect(page.locator("#dash-centres tbody tr.centre")).to_have_count(2)
    expect(page.locator("[data-chart=centres] canvas")).to_have_count(1)
    assert seen == {"errors": [], "foreign": [], "failed": []}, seen


def test_work_order_desk_screenshot(new_page):
    page = new_page()
    seen = watch(page)
    sign_in(page, "frontdesk1")
    expect(page.locator(".navbar")).not_to_contain_text("经营看板")
    page.goto("/desk/")
    expect(page.locator("table.desk-orders")).to_have_count(1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "work-order-desk.png"), full_page=True)
    assert seen == {"errors": [], "foreign": [], "failed": []}, seen

"""Steps every browser test takes: sign in, open a menu item."""

import re

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError


def sign_in(page: Page, username: str) -> None:
    """Sign in through the login form with the demo password `demo-<role>`."""
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"demo-{username.rstrip('0123456789')}")
    page.locator("input[type=submit]").click()
    try:
        page.wait_for_url(lambda url: "/login" not in url)
    except PlaywrightTimeoutError:
        raise AssertionError(f"{username} not signed in: {page.locator('.alert').all_inner_texts()}") from None
    expect(page.locator(".navbar")).to_contain_text(username)


def open_menu(page: Page, category: str, item: str) -> None:
    """Click a menu category, then one of its items (either may carry a count badge)."""
    page.locator(".navbar a.dropdown-toggle", has_text=re.compile(rf"^\s*{category}\s*(\d+)?\s*$")).click()
    page.locator(".navbar ul.dropdown-menu a", has_text=re.compile(rf"^\s*{item}\s*(\d+)?\s*$")).click()


def money_value(text: str):
    """'¥1,234.50' as shown on the pages → Decimal('1234.50')."""
    from decimal import Decimal

    return Decimal(text.strip().replace("¥", "").replace(",", ""))

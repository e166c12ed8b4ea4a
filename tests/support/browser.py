"""Steps that several browser tests take in the same way."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from support.scenario import PASSWORD


def sign_in(page: Page, email: str) -> None:
    """Sign in through the login form and wait until it is gone."""
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Email address")).to_have_count(0)

"""The harness itself: the live server responds and Chromium renders its pages."""

import pytest

pytestmark = pytest.mark.browser


def test_live_server_sends_anonymous_browser_to_login(open_page, live_server):
    page = open_page()

    response = page.goto("/")

    assert response is not None
    assert response.ok
    assert page.url == live_server("/login")


def test_live_server_page_carries_security_headers(open_page):
    page = open_page()

    response = page.goto("/login")

    headers = response.headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"

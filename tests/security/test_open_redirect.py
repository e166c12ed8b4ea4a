"""Open redirects through `next`: only paths of this site are followed."""

import pytest
from auth.helpers import PASSWORD, submit_login

from helpdesk.auth.redirects import safe_next_path

FOREIGN_TARGETS = [
    "//evil.test",
    "//evil.test/path",
    "/\\evil.test",
    "\\\\evil.test",
    "https:\\\\evil.test",
    "/%09/evil.test",
    "/\t/evil.test",
    "/\n/evil.test",
    "/%2F/evil.test",
    "/%5Cevil.test",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "https://evil.test/",
    "http://localhost/tickets",
    "evil.test",
    "data:text/html,hi",
    "///evil.test",
    "",
]
LOCAL_TARGETS = ["/tickets", "/tickets/5?tab=messages", "/admin/audit?page=2"]


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_open_redirect_after_sign_in_goes_home(client, customer, target):
    response = submit_login(client, "customer@example.com", PASSWORD, next=target)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", LOCAL_TARGETS)
def test_sign_in_follows_local_next(client, customer, target):
    response = submit_login(client, "customer@example.com", PASSWORD, next=target)

    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_safe_next_path_rejects_foreign_target(target):
    assert safe_next_path(target) is None


def test_safe_next_path_rejects_very_long_target():
    assert safe_next_path("/" + "a" * 2100) is None


def test_open_redirect_via_query_string_goes_home(client, customer):
    submit_login(client, "customer@example.com", PASSWORD)

    response = client.get("/login?next=//evil.test")

    assert response.headers["Location"] == "/"


def test_login_form_carries_next_from_query_string(client):
    page = client.get("/login", query_string={"next": "/tickets/5"}).text

    assert 'value="/tickets/5"' in page

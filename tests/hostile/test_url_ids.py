"""Ids in URLs: huge, negative, zero, fractional and non-numeric ids are a 404.

Every route with an id in its URL is tried with each bad id as the role
that may use the route, with GET and POST alike. None may return a 500, and
none may change a stored row.
"""

from __future__ import annotations

import pytest

from hostile.helpers import (
    assert_not_server_error,
    assert_unchanged,
    snapshot,
)

# Each URL has "{id}" where the bad id goes; the other parts are valid.
ID_ROUTES = [
    ("customer", "GET", "/tickets/{id}"),
    ("customer", "POST", "/tickets/{id}/reply"),
    ("customer", "GET", "/tickets/{id}/download"),
    ("customer", "POST", "/tickets/{id}/download"),
    ("customer", "POST", "/tickets/{id}/new-key"),
    ("customer", "GET", "/tickets/{id}/screenshots/{public_id}"),
    ("customer", "GET", "/tickets/{id}/certificate"),
    ("customer", "POST", "/tickets/{id}/certificate"),
    ("agent", "GET", "/queue/tickets/{id}"),
    ("agent", "POST", "/queue/tickets/{id}/claim"),
    ("agent", "POST", "/queue/tickets/{id}/fields"),
    ("agent", "POST", "/queue/tickets/{id}/suggestions"),
    ("agent", "POST", "/queue/tickets/{id}/status/close"),
    ("agent", "POST", "/queue/tickets/{id}/reply"),
    ("agent", "POST", "/queue/tickets/{id}/notes"),
    ("admin", "POST", "/admin/users/{id}/deactivate"),
    ("admin", "POST", "/admin/users/{id}/reactivate"),
]

BAD_IDS = {
    "20_digits": "99999999999999999999",
    "above_int32": str(2**31),
    "above_int64": str(2**63),
    "negative": "-1",
    "zero": "0",
    "float": "1.5",
    "exponent": "1e3",
    "letters": "abc",
    "hex": "0x1",
    "encoded_nul": "1%00",
    "encoded_slash": "1%2F..%2F2",
    "sql": "1%20OR%201%3D1",
    "superscript_two": "%C2%B2",
    "arabic_indic_digits": "%D9%A9%D9%A9%D9%A9",
}


def _url(world, template: str, bad_id: str) -> str:
    return template.format(id=bad_id, public_id=world.attachment.public_id)


@pytest.mark.parametrize("id_kind", BAD_IDS)
def test_bad_id_in_url_is_not_found(world, server_errors, id_kind):
    before = snapshot()
    failures = []

    for role, method, template in ID_ROUTES:
        server_errors.clear()
        url = _url(world, template, BAD_IDS[id_kind])
        response = world.client(role).open(url, method=method, data={"version": "1"})
        status = response.status_code
        response.close()
        if status >= 500:
            raised = ", ".join(type(error).__name__ for error in server_errors)
            failures.append(f"{method} {url}: {status} ({raised})")
        elif status not in (404, 405):
            failures.append(f"{method} {url}: {status}, expected 404")

    assert not failures, "; ".join(failures)
    assert_unchanged(before, id_kind)


@pytest.mark.parametrize(
    "public_id",
    ["x" * 10_000, "..%2F..%2Fetc%2Fpasswd", "%00", "' OR 1=1 --", "%E2%80%AE"],
)
def test_bad_screenshot_id_is_not_found(world, server_errors, public_id):
    url = f"/tickets/{world.ticket_id}/screenshots/{public_id}"

    response = world.client("customer").get(url)

    assert_not_server_error(response, server_errors, url)
    # A NUL character anywhere in the URL is a 400 before routing matters.
    assert response.status_code in (400, 404)


@pytest.mark.parametrize(
    "action_name",
    [
        "APPROVE",
        "deliver",
        "request_new_key",
        "expire",
        "%00",
        "close%0D%0A",
        "x" * 500,
    ],
)
def test_unknown_status_action_is_not_found(world, server_errors, action_name):
    before = snapshot()
    url = f"/queue/tickets/{world.ticket_id}/status/{action_name}"

    response = world.client("agent").post(
        url, data={"version": str(world.ticket.version)}
    )

    assert_not_server_error(response, server_errors, url)
    assert response.status_code in (400, 404)
    assert_unchanged(before, url)


@pytest.mark.parametrize("digits", ["%EF%BC%91", "%D9%A1", "%E0%A5%A7"])
def test_non_ascii_digit_id_is_not_an_alias(world, server_errors, digits):
    # Full-width, Arabic-Indic and Devanagari "1": Python's int() reads each
    # as 1, so without an ASCII-only rule these URLs open ticket 1.
    url = f"/tickets/{digits}"

    response = world.client("customer").get(url)

    assert_not_server_error(response, server_errors, url)
    assert response.status_code == 404, f"{url} opened ticket {world.ticket_id}"

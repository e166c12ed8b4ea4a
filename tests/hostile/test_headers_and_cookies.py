"""Hostile request headers and cookies: language, Referer, session and remember-me.

The app reads Accept-Language to pick a language, the Referer to return
after a fresh sign-in, and its own cookies. Garbage in any of them must
not return a 500, sign anyone in, or redirect off the site.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from hostile.helpers import assert_not_server_error

ACCEPT_LANGUAGES = [
    "x" * 10_000,
    "en;q=abc",
    "en;q=-1, ko;q=1e9",
    "*;q=0",
    ";;;,,,",
    "\u202eko",
    "zz-ZZ-Latn-x-private, ko;q=0.1",
    "en," * 2_000,
]


@pytest.mark.parametrize("value", ACCEPT_LANGUAGES)
def test_hostile_accept_language_is_not_an_error(world, server_errors, value):
    client = world.new_client("customer")

    response = client.get("/tickets", headers={"Accept-Language": value})

    assert_not_server_error(response, server_errors, value[:40])
    assert response.status_code == 200


REFERERS = [
    "https://evil.example/tickets",
    "//evil.example/tickets",
    "javascript:alert(1)",
    "http://localhost/\\evil.example",
    "http://localhost//evil.example/",
    "http://localhost/%2F%2Fevil.example",
    "http://localhost/" + "a" * 5_000,
    "not a url at all \u202e",
]


@pytest.mark.parametrize("referer", REFERERS)
def test_hostile_referer_never_leads_off_site(world, server_errors, referer):
    client = world.app.test_client()
    world.login(client, world.accounts["customer"], fresh=False)

    response = client.post(
        "/selfservice/download",
        data={
            "country": "KR",
            "state": "Seoul",
            "locality": "Gangnam-gu",
            "organization": "Example Co., Ltd.",
            "common_name": "example.co.kr",
            "key": "EC-256",
        },
        headers={"Referer": referer},
    )

    assert_not_server_error(response, server_errors, referer)
    assert response.status_code in (302, 303, 422), response.status_code
    location = urlsplit(response.headers.get("Location", ""))
    assert not location.netloc or location.netloc == "localhost", location
    assert "evil.example" not in response.headers.get("Location", "")


COOKIES = [
    ("session", "garbage"),
    ("session", "." + "A" * 4_000),
    ("session", "eyJfdXNlcl9pZCI6IjE6MSJ9.forged.signature"),
    ("remember_token", "1:1:9999999999|forged"),
    ("remember_token", "99999999999999999999:1"),
    ("remember_token", "\u00b2:\u00b2"),
    ("remember_token", "%00"),
]


@pytest.mark.parametrize(("name", "value"), COOKIES)
def test_forged_cookie_signs_no_one_in(world, server_errors, name, value):
    client = world.app.test_client()
    client.set_cookie(name, value)

    response = client.get("/tickets")

    assert_not_server_error(response, server_errors, f"{name}={value[:40]}")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"

"""Response headers that stop framing, sniffing, leaks and inline scripts."""

import pytest


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for directive in policy.split(";"):
        name, _, value = directive.strip().partition(" ")
        directives[name] = value
    return directives


@pytest.mark.parametrize("path", ["/login", "/signup", "/no-such-page"])
def test_csp_allows_no_inline_script_or_style(client, path):
    directives = _csp(client.get(path))

    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert "unsafe-inline" not in " ".join(directives.values())
    assert "unsafe-eval" not in " ".join(directives.values())


def test_csp_forbids_framing(client):
    response = client.get("/login")

    assert _csp(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_csp_limits_form_targets_to_this_site(client):
    assert _csp(client.get("/login"))["form-action"] == "'self'"


def test_referrer_policy_keeps_urls_on_this_site(client):
    assert client.get("/login").headers["Referrer-Policy"] == "same-origin"


def test_nosniff_is_set(client):
    assert client.get("/login").headers["X-Content-Type-Options"] == "nosniff"


def test_nosniff_is_set_on_static_files(client):
    with client.get("/static/desk.css") as response:
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_is_sent_over_https(client):
    response = client.get("/login", base_url="https://desk.example.com")

    hsts = response.headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts


def test_hsts_is_not_sent_over_plain_http(client):
    response = client.get("/login")

    assert "Strict-Transport-Security" not in response.headers


def test_hsts_follows_forwarded_proto_only_behind_trusted_proxy(app_factory):
    untrusted = app_factory().test_client()
    trusted = app_factory(TRUSTED_PROXIES=1).test_client()
    headers = {"X-Forwarded-Proto": "https"}

    assert (
        "Strict-Transport-Security"
        not in untrusted.get("/login", headers=headers).headers
    )
    assert "Strict-Transport-Security" in trusted.get("/login", headers=headers).headers


def test_every_response_carries_a_request_id(client):
    first = client.get("/login").headers["X-Request-Id"]
    second = client.get("/login").headers["X-Request-Id"]

    assert len(first) == 16
    assert first != second

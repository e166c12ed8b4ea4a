"""A sweep of every route in the URL map, as every role, with garbage requests.

Each route gets a GET with a hostile query string and two POSTs with garbage
bodies (form-encoded and multipart), whatever methods it declares. Nothing
may return a 500 or fail while streaming its body, and no stored message,
screenshot or CSR may be lost or changed.
"""

from __future__ import annotations

import re

from hostile.helpers import (
    MULTIPART_TYPE,
    ROLES,
    lost_rows,
    multipart_body,
    snapshot,
)

GARBAGE_QUERY = (
    "page=99999999999999999999&page=-1&ticket=%C2%B2&view=%00&status=' OR 1=1 --"
    "&next=//evil.example&date_from=yesterday&ticket_id=1e9&actor=%25"
)
GARBAGE_FORM = (
    b"\x00\xff%%zz=&&==version=99999999999999999999&version=abc"
    b"&body=%00<script>alert(1)</script>&csrf_token=&locale=xx&role=admin"
    b"&status=ready&passphrase=\xc3\x28&key=RSA-1&field=%FF&next=//evil.example"
)
GARBAGE_MULTIPART = multipart_body(
    [
        ('name="version"', b"-1"),
        ('name="text"', bytes(range(256))),
        ('name="screenshot"; filename="../../etc/passwd"', b"\x89PNG\r\n\x1a\n" * 3),
        ('name="upload"; filename="\x00.der"', b"\x30\x82\xff\xff"),
        ('name="description"', "\u202e".encode() * 50),
    ],
)
REQUESTS = [
    ("GET", None, None),
    ("POST", GARBAGE_FORM, "application/x-www-form-urlencoded"),
    ("POST", GARBAGE_MULTIPART, MULTIPART_TYPE),
]
URL_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _url(rule: str, values: dict) -> str:
    return URL_VARIABLE.sub(lambda match: str(values[match.group(1)]), rule)


def test_every_route_survives_garbage_as_every_role(world, server_errors):
    before = snapshot()
    values = world.url_values()
    rules = sorted(world.app.url_map.iter_rules(), key=lambda rule: rule.rule)
    failures = []
    sent = 0

    for rule in rules:
        url = _url(rule.rule, values)
        for role in ROLES:
            for method, body, content_type in REQUESTS:
                server_errors.clear()
                client = world.new_client(role)
                response = client.open(
                    url,
                    method=method,
                    data=body,
                    content_type=content_type,
                    query_string=GARBAGE_QUERY if method == "GET" else None,
                )
                sent += 1
                try:
                    response.get_data()
                except Exception as error:  # noqa: BLE001 (a failing stream is the bug)
                    failures.append(f"{method} {url} as {role}: body raised {error!r}")
                if response.status_code >= 500:
                    raised = ", ".join(type(e).__name__ for e in server_errors)
                    failures.append(
                        f"{method} {url} as {role}: {response.status_code} ({raised})"
                    )
                response.close()

    assert sent == len(rules) * len(ROLES) * len(REQUESTS)
    assert len(rules) > 40, "the URL map looks incomplete"
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(
        failures
    )
    assert not lost_rows(before, snapshot())

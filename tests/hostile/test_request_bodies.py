"""Malformed bodies: broken multipart, wrong content types, files where text goes.

Also repeated and unknown fields, path names as file names, and bodies over
the size limit. Every request must end without a 500, and a refused request
must leave every stored row as it was.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from support.images import make_png

from helpdesk.extensions import db
from helpdesk.models import Attachment, Role, Ticket, User
from helpdesk.workflow import Status
from hostile.helpers import (
    MULTIPART_BOUNDARY,
    MULTIPART_TYPE,
    assert_not_server_error,
    assert_nothing_lost,
    assert_unchanged,
    form_parts,
    multipart_body,
    snapshot,
)

TICKET_FORM = {
    "problem_domain": "shop.example.com",
    "description": "The control panel rejects the CSR.",
    "country": "KR",
    "state": "Seoul",
    "locality": "Dongjak-gu",
    "organization": "Example Hosting Corp.",
    "organizational_unit": "",
    "common_name": "shop.example.com",
    "email_address": "",
    "key": "RSA-2048",
}
NEW_PASSWORD = "plum tractor harbor 58"

# (role, path, a text field of the form, valid values) for each form that
# takes a body. The text field is where a file or a JSON value is put.
FORM_ROUTES = {
    "sign_in": ("anonymous", "/login", "email", {"password": "x"}),
    "sign_up": (
        "anonymous",
        "/signup",
        "display_name",
        {
            "hosting_account_id": "host-0099",
            "email": "new.customer@example.com",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    ),
    "reauthenticate": ("customer", "/reauthenticate", "password", {}),
    "password_change": (
        "customer",
        "/account/password",
        "new_password",
        {"current_password": "correct horse battery staple 42"},
    ),
    "language": ("anonymous", "/language", "locale", {}),
    "ticket_new": ("customer", "/tickets/new", "description", TICKET_FORM),
    "ticket_reply": ("customer", "/tickets/{ticket_id}/reply", "body", {}),
    "ticket_download": (
        "customer",
        "/tickets/{ticket_id}/download",
        "passphrase",
        {"passphrase_confirmation": NEW_PASSWORD},
    ),
    "ticket_new_key": ("customer", "/tickets/{ticket_id}/new-key", "csrf_token", {}),
    "selfservice_check": ("customer", "/selfservice", "state", TICKET_FORM),
    "selfservice_download": (
        "customer",
        "/selfservice/download",
        "state",
        {**TICKET_FORM, "key": "EC-256"},
    ),
    "selfservice_ticket": ("customer", "/selfservice/ticket", "state", TICKET_FORM),
    "queue_claim": ("agent", "/queue/tickets/{ticket_id}/claim", "version", {}),
    "queue_corrections": (
        "agent",
        "/queue/tickets/{ticket_id}/fields",
        "locality",
        {"version": "{version}"},
    ),
    "queue_suggestion": (
        "agent",
        "/queue/tickets/{ticket_id}/suggestions",
        "field",
        {"version": "{version}", "value": "kr", "suggestion": "KR"},
    ),
    "queue_status": (
        "agent",
        "/queue/tickets/{ticket_id}/status/close",
        "version",
        {},
    ),
    "queue_reply": (
        "agent",
        "/queue/tickets/{ticket_id}/reply",
        "reply-body",
        {"reply-send": "Send reply"},
    ),
    "queue_note": (
        "agent",
        "/queue/tickets/{ticket_id}/notes",
        "note-body",
        {"note-add": "Add"},
    ),
    "csr_check": ("customer", "/csr-check", "text", {}),
    "certificate_check": ("customer", "/tickets/{ticket_id}/certificate", "text", {}),
    "admin_new_user": (
        "admin",
        "/admin/users/new",
        "display_name",
        {
            "role": "agent",
            "email": "made.by.admin@example.com",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    ),
    "admin_deactivate": ("admin", "/admin/users/{user_id}/deactivate", "x", {}),
    "audit_export": ("admin", "/admin/audit/export", "actor", {}),
}


def _path(world, template: str) -> str:
    return template.format(
        ticket_id=world.ticket_id, user_id=world.accounts["target"].id
    )


def _values(world, values: dict) -> dict:
    db.session.rollback()
    version = str(db.session.get(Ticket, world.ticket_id).version)
    return {
        name: version if value == "{version}" else value
        for name, value in values.items()
    }


MALFORMED_MULTIPART = {
    "missing_boundary": ("multipart/form-data", b"--x\r\nname=value\r\n--x--"),
    "empty_boundary": ("multipart/form-data; boundary=", b"----\r\n\r\n"),
    "unclosed": (
        MULTIPART_TYPE,
        multipart_body([('name="description"', b"x" * 1000)], close=False),
    ),
    "other_boundary": (
        MULTIPART_TYPE,
        b'--not-the-boundary\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n',
    ),
    "part_without_name": (
        MULTIPART_TYPE,
        multipart_body([('filename="a.png"', make_png(40, 30))]),
    ),
    "part_without_disposition": (
        MULTIPART_TYPE,
        f"--{MULTIPART_BOUNDARY}\r\n\r\nvalue\r\n--{MULTIPART_BOUNDARY}--\r\n".encode(),
    ),
    "header_without_colon": (
        MULTIPART_TYPE,
        f"--{MULTIPART_BOUNDARY}\r\ngarbage header\r\n\r\nv\r\n".encode(),
    ),
    "long_header_line": (
        MULTIPART_TYPE,
        f"--{MULTIPART_BOUNDARY}\r\nX-Long: {'a' * 100_000}\r\n\r\nv\r\n".encode(),
    ),
    "binary_garbage": (MULTIPART_TYPE, bytes(range(256)) * 64),
    "nul_in_field_name": (
        MULTIPART_TYPE,
        multipart_body([('name="descr\x00iption"', b"text")]),
    ),
    "invalid_utf8_value": (
        MULTIPART_TYPE,
        multipart_body([('name="description"', b"\xff\xfe\xc3\x28 bytes")]),
    ),
}


@pytest.mark.parametrize("body_kind", MALFORMED_MULTIPART)
@pytest.mark.parametrize("route", ["ticket_new", "ticket_reply", "csr_check"])
def test_malformed_multipart_is_refused(world, server_errors, route, body_kind):
    role, template, _field, _values_ = FORM_ROUTES[route]
    content_type, body = MALFORMED_MULTIPART[body_kind]
    before = snapshot()

    response = world.client(role).post(
        _path(world, template), data=body, content_type=content_type
    )

    assert_not_server_error(response, server_errors, f"{route} {body_kind}")
    assert 400 <= response.status_code < 500, response.status_code
    assert_unchanged(before, f"{route} {body_kind}")


WRONG_CONTENT_TYPES = {
    "json_object": ("application/json", b'{"body": "hello", "description": "x"}'),
    "json_broken": ("application/json", b'{"body": '),
    "text_plain": ("text/plain", b"body=hello&description=x"),
    "xml": ("application/xml", b"<body>hello</body>"),
    "no_content_type": ("", b"body=hello"),
    "urlencoded_garbage": (
        "application/x-www-form-urlencoded",
        b"%%%==&&=\xff\xfe%zz&body",
    ),
}


@pytest.mark.parametrize("route", sorted(FORM_ROUTES))
def test_wrong_content_type_is_refused(world, server_errors, route):
    role, template, _field, _values_ = FORM_ROUTES[route]
    before = snapshot()
    failures = []

    for kind, (content_type, body) in WRONG_CONTENT_TYPES.items():
        server_errors.clear()
        headers = {"Content-Type": content_type} if content_type else {}
        response = world.client(role).post(
            _path(world, template), data=body, headers=headers
        )
        response.close()
        if response.status_code >= 500:
            raised = ", ".join(type(error).__name__ for error in server_errors)
            failures.append(f"{kind}: {response.status_code} ({raised})")

    assert not failures, f"{route}: " + "; ".join(failures)
    assert_nothing_lost(before, route)


# Flask-WTF reads a JSON body as form data, so these reach the validators.
JSON_VALUES = {
    "number": 12345,
    "list": ["a", "b"],
    "object": {"nested": "value"},
    "null": None,
    "true": True,
}


# Flask-WTF passes a JSON body and multipart file parts to the form as they
# are, so a text field's data could be a number, a dict or a FileStorage.
# Every form derives from helpdesk.forms.DeskForm, which keeps only strings
# for text fields and only files for file fields.
@pytest.mark.parametrize(
    "route",
    sorted(FORM_ROUTES),
)
def test_json_value_in_text_field_is_refused(world, server_errors, route):
    role, template, field, values = FORM_ROUTES[route]
    before = snapshot()
    failures = []

    for kind, value in JSON_VALUES.items():
        server_errors.clear()
        response = world.client(role).post(
            _path(world, template), json={**_values(world, values), field: value}
        )
        response.close()
        if response.status_code >= 500:
            raised = ", ".join(f"{type(e).__name__}: {e}" for e in server_errors)
            failures.append(f"{field}={kind}: {response.status_code} ({raised})")

    assert not failures, "; ".join(failures)
    assert_nothing_lost(before, route)


@pytest.mark.parametrize(
    "route",
    sorted(FORM_ROUTES),
)
def test_file_in_text_field_is_refused(world, server_errors, route):
    role, template, field, values = FORM_ROUTES[route]
    before = snapshot()

    response = world.client(role).post(
        _path(world, template),
        data={**_values(world, values), field: (io.BytesIO(b"file text"), "a.txt")},
        content_type="multipart/form-data",
    )

    assert_not_server_error(response, server_errors, f"{route} file in {field}")
    assert_nothing_lost(before, route)


# Content-Disposition file name parameters: quoted, with a quote escaped by
# a backslash, or RFC 5987 percent-encoded (filename*), which can carry CR LF.
FILE_NAME_PARAMETERS = {
    "parent_directories": 'filename="../../etc/passwd"',
    "windows_path": 'filename="..\\\\..\\\\windows\\\\win.ini"',
    "absolute_path": 'filename="/etc/passwd"',
    "drive_letter": 'filename="C:\\\\Users\\\\me\\\\error.png"',
    "doubled_dots": 'filename="....//....//etc/passwd"',
    "dot_dot_only": 'filename=".."',
    "dots_inside": 'filename="a/../../b.png"',
    "rtl_override": "filename*=UTF-8''%E2%80%AEgnp.exe",
    "crlf_header": "filename*=UTF-8''name%0D%0AContent-Type%3A%20text%2Fhtml.png",
    "nul_byte": "filename*=UTF-8''shot%00.php.png",
    "encoded_parent": "filename*=UTF-8''..%2F..%2Fetc%2Fpasswd",
}


@pytest.mark.parametrize("parameter", FILE_NAME_PARAMETERS)
def test_path_as_screenshot_name_keeps_last_part_only(world, server_errors, parameter):
    body = multipart_body(
        [
            *form_parts(TICKET_FORM),
            (f'name="screenshot"; {FILE_NAME_PARAMETERS[parameter]}', make_png(40, 30)),
        ]
    )

    response = world.client("customer").post(
        "/tickets/new", data=body, content_type=MULTIPART_TYPE
    )

    assert_not_server_error(response, server_errors, parameter)
    assert response.status_code == 303, response.status_code
    db.session.rollback()
    stored = db.session.scalars(
        sa.select(Attachment.original_filename).order_by(Attachment.id.desc())
    ).first()
    assert "/" not in stored, stored
    assert "\\" not in stored, stored
    assert stored not in (".", ".."), stored
    assert not any(ord(char) < 0x20 or char == "\u202e" for char in stored), stored


@pytest.mark.parametrize("file_name", ["../../etc/passwd", "/etc/shadow", ".."])
def test_path_as_csr_file_name_is_only_read(world, server_errors, file_name):
    response = world.client("customer").post(
        "/csr-check",
        data={"upload": (io.BytesIO(b"not a CSR"), file_name)},
        content_type="multipart/form-data",
    )

    assert_not_server_error(response, server_errors, file_name)
    assert response.status_code == 422
    assert "root:" not in response.text


@pytest.mark.parametrize("route", ["ticket_new", "csr_check", "certificate_check"])
def test_text_in_file_field_is_ignored(world, server_errors, route):
    role, template, _field, values = FORM_ROUTES[route]
    file_field = "screenshot" if route == "ticket_new" else "upload"
    before = snapshot()

    response = world.client(role).post(
        _path(world, template),
        data={**values, file_field: "/etc/passwd"},
        content_type="multipart/form-data",
    )

    assert_not_server_error(response, server_errors, route)
    assert "root:" not in response.text
    assert_nothing_lost(before, route)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 1


def test_repeated_role_field_takes_first_value(world, server_errors):
    response = world.client("admin").post(
        "/admin/users/new",
        data={
            "role": ["customer", "admin"],
            "email": "twice@example.com",
            "display_name": "Twice",
            "hosting_account_id": "host-0200",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )

    assert_not_server_error(response, server_errors, "two roles")
    db.session.rollback()
    user = db.session.scalar(sa.select(User).where(User.email == "twice@example.com"))
    assert user is None or user.role == Role.CUSTOMER


@pytest.mark.parametrize(
    "query",
    [
        {"status": ["closed", "in_review"]},
        {"view": ["mine", "all", "unassigned"]},
        {"status": ["", "' OR 1=1 --"]},
    ],
)
def test_repeated_queue_filter_is_not_an_error(world, server_errors, query):
    response = world.client("agent").get("/queue/", query_string=query)

    assert_not_server_error(response, server_errors, str(query))
    assert response.status_code == 200


def test_repeated_version_field_uses_first(world, server_errors):
    path = f"/queue/tickets/{world.ticket_id}/fields"
    version = str(world.ticket.version)

    response = world.client("agent").post(
        path, data={"version": [version, "0"], "locality": "Seocho-gu"}
    )

    assert_not_server_error(response, server_errors, "two versions")
    assert response.status_code in (303, 409), response.status_code


def test_repeated_body_field_stores_one_message(world, server_errors):
    before = snapshot()

    response = world.client("customer").post(
        f"/tickets/{world.ticket_id}/reply", data={"body": ["first", "second"]}
    )

    assert_not_server_error(response, server_errors, "two bodies")
    assert_nothing_lost(before, "two bodies")
    after = snapshot()["messages"]
    added = [row for key, row in after.items() if key not in before["messages"]]
    assert len(added) <= 1


# Columns a customer or agent must never set through a form.
PRIVILEGED_FIELDS = {
    "status": Status.READY,
    "assignee_id": "1",
    "customer_id": "1",
    "role": Role.ADMIN,
    "is_active": "false",
    "hosting_account_id": "stolen-account",
    "id": "99",
    "version": "1",
    "delivered_at": "2020-01-01",
    "session_version": "1",
}


def _ticket_rows():
    db.session.rollback()
    return {
        ticket.id: (
            ticket.status,
            ticket.assignee_id,
            ticket.customer_id,
            ticket.hosting_account_id,
        )
        for ticket in db.session.scalars(sa.select(Ticket))
    }


def _account_rows():
    db.session.rollback()
    return {
        user.id: (user.role, user.is_active, user.hosting_account_id)
        for user in db.session.scalars(sa.select(User))
    }


@pytest.mark.parametrize(
    ("role", "path", "values"),
    [
        ("customer", "/tickets/new", TICKET_FORM),
        ("customer", "/tickets/{ticket_id}/reply", {"body": "An answer."}),
        ("customer", "/selfservice/ticket", {**TICKET_FORM, "key": "EC-256"}),
        ("customer", "/account/password", {}),
        ("agent", "/queue/tickets/{ticket_id}/fields", {"locality": "Seocho-gu"}),
        ("agent", "/queue/tickets/{ticket_id}/reply", {"reply-body": "Hi."}),
        ("agent", "/queue/tickets/{ticket_id}/notes", {"note-body": "Noted."}),
    ],
    ids=[
        "ticket_new",
        "ticket_reply",
        "selfservice_ticket",
        "password_change",
        "queue_corrections",
        "queue_reply",
        "queue_note",
    ],
)
def test_unknown_privileged_fields_are_ignored(
    world, server_errors, role, path, values
):
    tickets_before = _ticket_rows()
    accounts_before = _account_rows()
    data = {**PRIVILEGED_FIELDS, **values}
    if "fields" in path:
        data["version"] = str(world.ticket.version)

    response = world.client(role).post(_path(world, path), data=data)

    assert_not_server_error(response, server_errors, path)
    assert _account_rows() == accounts_before
    tickets_after = _ticket_rows()
    for ticket_id, row in tickets_before.items():
        assert tickets_after[ticket_id] == row, f"ticket {ticket_id} changed"
    customer = world.accounts["customer"]
    for ticket_id, row in tickets_after.items():
        if ticket_id not in tickets_before:
            assert row == (
                Status.SUBMITTED,
                None,
                customer.id,
                customer.hosting_account_id,
            )


def test_signup_ignores_role_and_activation_fields(world, server_errors):
    response = world.app.test_client().post(
        "/signup",
        data={
            "hosting_account_id": "host-0300",
            "email": "climber@example.com",
            "display_name": "Climber",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
            "role": Role.ADMIN,
            "is_active": "true",
            "session_version": "0",
        },
    )

    assert_not_server_error(response, server_errors, "sign-up")
    db.session.rollback()
    user = db.session.scalar(sa.select(User).where(User.email == "climber@example.com"))
    assert user is not None
    assert user.role == Role.CUSTOMER
    assert user.session_version == 1


class CountingStream(io.RawIOBase):
    """A request body of SIZE bytes that counts the bytes the server reads.

    Werkzeug's test client seeks to the end to learn the length, so seeking
    is allowed; only read bytes are counted.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.position = 0
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}
        self.position = base[whence] + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        count = max(0, min(len(buffer), self.size - self.position))
        buffer[:count] = b"a" * count
        self.position += count
        self.bytes_read += count
        return count


OVERSIZED_ROUTES = [
    ("customer", "/tickets/new"),
    ("customer", "/tickets/{ticket_id}/reply"),
    ("customer", "/selfservice"),
    ("customer", "/csr-check"),
    ("customer", "/tickets/{ticket_id}/certificate"),
    ("agent", "/queue/tickets/{ticket_id}/notes"),
    ("admin", "/admin/users/new"),
    ("anonymous", "/login"),
]


@pytest.mark.parametrize(
    "content_type", [MULTIPART_TYPE, "application/x-www-form-urlencoded"]
)
@pytest.mark.parametrize(("role", "template"), OVERSIZED_ROUTES)
def test_body_over_limit_is_refused_unread(
    world, server_errors, role, template, content_type
):
    stream = CountingStream(20 * 1024 * 1024 + 1)
    before = snapshot()
    assert stream.size > world.app.config["MAX_CONTENT_LENGTH"]

    response = world.client(role).post(
        _path(world, template),
        input_stream=stream,
        content_type=content_type,
    )

    assert_not_server_error(response, server_errors, template)
    assert response.status_code == 413, response.status_code
    assert stream.bytes_read == 0, f"{stream.bytes_read} bytes were read"
    assert_unchanged(before, template)


def test_body_just_over_config_limit_is_refused(world, server_errors):
    limit = world.app.config["MAX_CONTENT_LENGTH"]
    body = multipart_body(
        [*form_parts(TICKET_FORM), ('name="description"', b"x" * limit)]
    )

    response = world.client("customer").post(
        "/tickets/new", data=body, content_type=MULTIPART_TYPE
    )

    assert_not_server_error(response, server_errors, "body over the limit")
    assert response.status_code == 413

"""Every registered route and method, tried by every role, with the expected status.

ROUTES contains one row per (method, URL rule). A route that the app registers
but ROUTES lacks fails test_every_route_has_matrix_row, so a new view cannot
ship without a decision about who may use it. Each cell is its own test.

A denied cell (403, 404, or a redirect to the sign-in page) must return
exactly that and change nothing. Every row of every table except the audit
log is compared before and after, because a denial may be audited. Each
POST sends a form that would succeed for an allowed role, so a missing check
would show up as a changed row. An allowed cell may return any status of a
small set.

CSRF protection is off here; the browser tests run with it on.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import url_for
from support.images import make_png

from helpdesk.auth.passwords import hash_password
from helpdesk.extensions import db
from helpdesk.models import Attachment, Role, Ticket, User, utcnow
from helpdesk.workflow import Status

# "owner" owns the ticket in the URL. "deactivated" is an admin account that
# was deactivated after signing in, so its session cookie is still sent.
ROLES = ("anonymous", "owner", "other_customer", "agent", "admin", "deactivated")
PASSWORD = "correct horse battery staple 42"


@dataclass(frozen=True)
class Redirect:
    """A redirect (302 or 303) to PATH, a denial when IS_DENIAL is set."""

    path: str
    is_denial: bool = False

    def __repr__(self) -> str:
        return f"redirect to {self.path}"


@dataclass(frozen=True)
class Allowed:
    """The role may use the route; any of STATUSES is fine."""

    statuses: frozenset[int]

    def __repr__(self) -> str:
        return "allowed: " + "/".join(str(status) for status in sorted(self.statuses))


def ok(*statuses: int) -> Allowed:
    return Allowed(frozenset(statuses))


# Exact statuses that refuse the role; such a request must change nothing.
DENIAL_STATUSES = frozenset({403, 404, 405})
TO_LOGIN = Redirect("/login", is_denial=True)
SIGNED_OUT = Redirect("/login")
HOME = Redirect("/")


def public_page(anonymous, signed_in) -> dict:
    """A page for everyone; a deactivated account's session counts as anonymous."""
    return {
        "anonymous": anonymous,
        "owner": signed_in,
        "other_customer": signed_in,
        "agent": signed_in,
        "admin": signed_in,
        "deactivated": anonymous,
    }


def any_account(allowed) -> dict:
    return {
        "anonymous": TO_LOGIN,
        "owner": allowed,
        "other_customer": allowed,
        "agent": allowed,
        "admin": allowed,
        "deactivated": TO_LOGIN,
    }


def customers_only(owner, other_customer=None) -> dict:
    """A customer page; OTHER_CUSTOMER differs from OWNER on a ticket's pages."""
    return {
        "anonymous": TO_LOGIN,
        "owner": owner,
        "other_customer": owner if other_customer is None else other_customer,
        "agent": 403,
        "admin": 403,
        "deactivated": TO_LOGIN,
    }


def customers_and_agents(allowed, other_customer=None) -> dict:
    return {
        "anonymous": TO_LOGIN,
        "owner": allowed,
        "other_customer": allowed if other_customer is None else other_customer,
        "agent": allowed,
        "admin": 403,
        "deactivated": TO_LOGIN,
    }


def agents_only(agent) -> dict:
    return {
        "anonymous": TO_LOGIN,
        "owner": 403,
        "other_customer": 403,
        "agent": agent,
        "admin": 403,
        "deactivated": TO_LOGIN,
    }


def admins_only(admin) -> dict:
    return {
        "anonymous": TO_LOGIN,
        "owner": 403,
        "other_customer": 403,
        "agent": 403,
        "admin": admin,
        "deactivated": TO_LOGIN,
    }


@dataclass(frozen=True)
class Route:
    """One row: a method and URL rule, the expected result per role, and set-up.

    TICKET_STATUS is the state of the owner's ticket, chosen so the request
    would succeed for the allowed role; a denied role must still change
    nothing. FORM is posted as it is, with "{version}" replaced by the
    ticket's version.
    """

    method: str
    rule: str
    expected: dict
    ticket_status: Status = Status.IN_REVIEW
    form: dict = field(default_factory=dict)
    url_values: dict = field(default_factory=dict)
    ticket_fields: dict = field(default_factory=dict)
    target_is_active: bool = True


SUBJECT_FORM = {
    "country": "KR",
    "state": "Seoul",
    "locality": "Dongjak-gu",
    "organization": "Example Hosting Corp.",
    "organizational_unit": "Web service Team",
    "common_name": "shop.example.com",
    "email_address": "admin@example.com",
    "key": "RSA-2048",
}
PASSPHRASE_FORM = {
    "passphrase": "examplehosting",
    "passphrase_confirmation": "examplehosting",
}
NEW_PASSWORD_FORM = {
    "current_password": PASSWORD,
    "new_password": "a different long password 7",
    "new_password_confirm": "a different long password 7",
}
S = Status

ROUTES = [
    # Sign-in, sign-up and the account.
    Route(
        "GET",
        "/",
        {
            **any_account(Redirect("/tickets")),
            "agent": Redirect("/queue/"),
            "admin": Redirect("/admin/"),
        },
    ),
    Route("GET", "/login", public_page(200, HOME)),
    Route("POST", "/login", public_page(200, HOME)),
    Route("GET", "/signup", public_page(200, HOME)),
    Route("POST", "/signup", public_page(200, HOME)),
    Route("POST", "/logout", any_account(SIGNED_OUT)),
    Route("GET", "/reauthenticate", any_account(ok(200))),
    Route("POST", "/reauthenticate", any_account(ok(200))),
    Route("GET", "/account/password", any_account(ok(200))),
    Route(
        "POST", "/account/password", any_account(ok(200, 302)), form=NEW_PASSWORD_FORM
    ),
    Route("POST", "/language", public_page(HOME, HOME), form={"locale": "en"}),
    Route("GET", "/static/<path:filename>", public_page(200, 200)),
    # The customer's side.
    Route("GET", "/tickets", customers_only(ok(200))),
    Route("GET", "/tickets/new", customers_only(ok(200))),
    Route(
        "POST",
        "/tickets/new",
        customers_only(ok(303)),
        form={
            **SUBJECT_FORM,
            "problem_domain": "shop.example.com",
            "description": "The control panel rejects the CSR.",
        },
    ),
    Route("GET", "/tickets/<int:ticket_id>", customers_only(ok(200), 404)),
    Route(
        "POST",
        "/tickets/<int:ticket_id>/reply",
        customers_only(ok(303), 404),
        form={"body": "Here is the answer to your question."},
    ),
    Route(
        "GET",
        "/tickets/<int:ticket_id>/screenshots/<public_id>",
        customers_and_agents(ok(200), 404),
    ),
    Route(
        "GET",
        "/tickets/<int:ticket_id>/download",
        customers_only(ok(200), 404),
        ticket_status=S.READY,
    ),
    Route(
        "POST",
        "/tickets/<int:ticket_id>/download",
        customers_only(ok(200), 404),
        ticket_status=S.READY,
        form=PASSPHRASE_FORM,
    ),
    Route(
        "POST",
        "/tickets/<int:ticket_id>/new-key",
        customers_only(ok(303), 404),
        ticket_status=S.DELIVERED,
        form={"confirm": "y"},
    ),
    # Self-service: a customer downloads at once or opens a ticket.
    Route("GET", "/selfservice", customers_only(ok(200))),
    Route("POST", "/selfservice", customers_only(ok(200)), form=SUBJECT_FORM),
    Route(
        "POST",
        "/selfservice/download",
        customers_only(ok(200)),
        form={**SUBJECT_FORM, **PASSPHRASE_FORM},
    ),
    Route("POST", "/selfservice/ticket", customers_only(ok(303)), form=SUBJECT_FORM),
    # The agent's queue. Admins do not work tickets.
    Route("GET", "/queue/", agents_only(ok(200))),
    Route("GET", "/queue/tickets/<int:ticket_id>", agents_only(ok(200))),
    Route(
        "POST",
        "/queue/tickets/<int:ticket_id>/claim",
        agents_only(ok(303)),
        ticket_status=S.SUBMITTED,
        form={"version": "{version}"},
    ),
    Route(
        "POST",
        "/queue/tickets/<int:ticket_id>/fields",
        agents_only(ok(303)),
        form={
            **SUBJECT_FORM,
            "version": "{version}",
            "email_address": "webmaster@example.com",
        },
    ),
    Route(
        "POST",
        "/queue/tickets/<int:ticket_id>/suggestions",
        agents_only(ok(303, 409)),
        form={
            "version": "{version}",
            "field": "country",
            "value": "kr",
            "suggestion": "KR",
        },
        ticket_fields={"country": "kr"},
    ),
    Route(
        "POST",
        "/queue/tickets/<int:ticket_id>/status/<action_name>",
        agents_only(ok(303)),
        form={"version": "{version}"},
        url_values={"action_name": "approve"},
    ),
    Route(
        "POST",
        "/queue/tickets/<int:ticket_id>/reply",
        agents_only(ok(303)),
        form={"reply-body": "Your CSR is ready.", "reply-send": "Send reply"},
    ),
    Route(
        "POST",
        "/queue/tickets/<int:ticket_id>/notes",
        agents_only(ok(303)),
        form={"note-body": "Checked the organization name.", "note-add": "Add"},
    ),
    # Checking a CSR or an issued certificate: customers and agents.
    Route("GET", "/csr-check", customers_and_agents(ok(200))),
    Route("POST", "/csr-check", customers_and_agents(ok(422))),
    Route("GET", "/certificates", customers_and_agents(ok(200))),
    Route(
        "GET",
        "/tickets/<int:ticket_id>/certificate",
        customers_and_agents(ok(200), 404),
        ticket_status=S.DELIVERED,
    ),
    Route(
        "POST",
        "/tickets/<int:ticket_id>/certificate",
        customers_and_agents(ok(422), 404),
        ticket_status=S.DELIVERED,
    ),
    # The admin area.
    Route("GET", "/admin/", admins_only(Redirect("/admin/users"))),
    Route("GET", "/admin/users", admins_only(ok(200))),
    Route("GET", "/admin/users/new", admins_only(ok(200))),
    Route(
        "POST",
        "/admin/users/new",
        admins_only(ok(302)),
        form={
            "role": Role.AGENT,
            "email": "new.agent@example.com",
            "display_name": "New Agent",
            "password": "a long initial password 9",
            "password_confirm": "a long initial password 9",
        },
    ),
    Route(
        "POST",
        "/admin/users/<int:user_id>/deactivate",
        admins_only(Redirect("/admin/users")),
    ),
    Route(
        "POST",
        "/admin/users/<int:user_id>/reactivate",
        admins_only(Redirect("/admin/users")),
        target_is_active=False,
    ),
    Route("GET", "/admin/audit", admins_only(ok(200))),
    Route("POST", "/admin/audit/export", admins_only(ok(200))),
    Route("GET", "/admin/audit/verify", admins_only(ok(200))),
]

ROUTES_BY_KEY = {(route.method, route.rule): route for route in ROUTES}
assert len(ROUTES_BY_KEY) == len(ROUTES), "a (method, rule) pair is listed twice"


@cache
def _password_hash() -> str:
    # One Argon2 hash serves every account the matrix makes.
    return hash_password(PASSWORD)


def _make_account(role: str, email: str, is_active: bool = True) -> User:
    user = User(
        email=email,
        display_name=email.split("@")[0],
        password_hash=_password_hash(),
        role=role,
        hosting_account_id="host-0001" if role == Role.CUSTOMER else None,
        is_active=is_active,
    )
    db.session.add(user)
    db.session.flush()
    return user


@dataclass
class World:
    """Accounts of every role, the owner's ticket with a screenshot, a target user."""

    accounts: dict[str, User]
    ticket: Ticket
    attachment: Attachment
    target: User


def _make_ticket(route: Route, owner: User, agent: User) -> Ticket:
    """Make the owner's ticket in the row's status, assigned unless submitted."""
    now = utcnow()
    status = route.ticket_status
    fields = {name: value for name, value in SUBJECT_FORM.items() if name != "key"}
    fields.update(route.ticket_fields)
    ticket = Ticket(
        customer_id=owner.id,
        assignee_id=None if status == S.SUBMITTED else agent.id,
        hosting_account_id="host-0001",
        status=status,
        problem_domain="shop.example.com",
        description="The control panel rejects the CSR.",
        ready_at=now if status == S.READY else None,
        delivered_at=now if status == S.DELIVERED else None,
        key_type="RSA",
        key_size=2048,
        **fields,
    )
    db.session.add(ticket)
    db.session.flush()
    return ticket


def _make_screenshot(ticket: Ticket, owner: User) -> Attachment:
    image = make_png(40, 30)
    attachment = Attachment(
        public_id=secrets.token_urlsafe(32),
        ticket_id=ticket.id,
        uploader_id=owner.id,
        original_filename="error.png",
        content_type="image/png",
        width=40,
        height=30,
        size_bytes=len(image),
        data=image,
    )
    db.session.add(attachment)
    return attachment


def _build_world(route: Route) -> World:
    accounts = {
        "owner": _make_account(Role.CUSTOMER, "owner@example.com"),
        "other_customer": _make_account(Role.CUSTOMER, "other@example.com"),
        "agent": _make_account(Role.AGENT, "agent@example.com"),
        "admin": _make_account(Role.ADMIN, "admin@example.com"),
        "deactivated": _make_account(Role.ADMIN, "former.admin@example.com"),
    }
    target = _make_account(
        Role.CUSTOMER, "target@example.com", is_active=route.target_is_active
    )
    ticket = _make_ticket(route, accounts["owner"], accounts["agent"])
    attachment = _make_screenshot(ticket, accounts["owner"])
    db.session.commit()
    return World(accounts, ticket, attachment, target)


def _url(app, route: Route, world: World) -> str:
    values = {
        "ticket_id": world.ticket.id,
        "public_id": world.attachment.public_id,
        "user_id": world.target.id,
        "filename": "desk.css",
        **route.url_values,
    }
    rule = next(
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule == route.rule and route.method in rule.methods
    )
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{route.rule}: no fixture value for {sorted(missing)}"
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


def _form(route: Route, world: World) -> dict:
    return {
        name: str(world.ticket.version) if value == "{version}" else value
        for name, value in route.form.items()
    }


def _snapshot() -> dict:
    """Return every row of every table but the audit log, read fresh."""
    db.session.expire_all()
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name == "audit_events":
            continue
        rows[table.name] = db.session.execute(
            sa.select(table).order_by(*table.primary_key.columns)
        ).all()
    return rows


def _signed_in_client(app, login, world: World, role: str):
    client = app.test_client()
    if role == "anonymous":
        return client
    user = world.accounts[role]
    login(client, user)
    if role == "deactivated":
        user.is_active = False
        db.session.commit()
    return client


CELLS = [
    pytest.param(route, role, id=f"{route.method} {route.rule} as {role}")
    for route in ROUTES
    for role in ROLES
]


@pytest.mark.parametrize(("route", "role"), CELLS)
def test_route_status_matches_table(app, login, route, role):
    world = _build_world(route)
    client = _signed_in_client(app, login, world, role)
    url = _url(app, route, world)
    expected = route.expected[role]
    before = _snapshot()

    response = client.open(url, method=route.method, data=_form(route, world))
    status = response.status_code
    response.close()

    if isinstance(expected, Allowed):
        assert status in expected.statuses, f"{route.method} {url}: {status}"
        return
    if isinstance(expected, Redirect):
        location = urlsplit(response.headers.get("Location", ""))
        assert status in (302, 303), f"{route.method} {url}: {status}"
        assert location.path == expected.path, f"{route.method} {url}: {location}"
    else:
        assert status == expected, f"{route.method} {url}: {status}"
    if isinstance(expected, Redirect):
        is_denial = expected.is_denial
    else:
        is_denial = expected in DENIAL_STATUSES
    if is_denial:
        assert _snapshot() == before, f"{route.method} {url} changed data as {role}"


def test_every_route_has_matrix_row(app):
    registered = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    missing = sorted(registered - set(ROUTES_BY_KEY))
    stale = sorted(set(ROUTES_BY_KEY) - registered)

    assert not missing, "routes without a row in ROUTES: " + ", ".join(
        f"{method} {rule}" for method, rule in missing
    )
    assert not stale, "rows in ROUTES for routes that do not exist: " + ", ".join(
        f"{method} {rule}" for method, rule in stale
    )


def test_every_row_names_every_role():
    for route in ROUTES:
        assert set(route.expected) == set(ROLES), f"{route.method} {route.rule}"


POST_ONLY = [
    pytest.param(route, id=f"GET {route.rule}")
    for route in ROUTES
    if route.method == "POST" and ("GET", route.rule) not in ROUTES_BY_KEY
]


@pytest.mark.parametrize("route", POST_ONLY)
def test_post_only_route_rejects_get(app, login, route):
    world = _build_world(route)
    client = _signed_in_client(app, login, world, "admin")
    url = _url(app, route, world)

    response = client.get(url)
    response.close()

    assert response.status_code == 405, url

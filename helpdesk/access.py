"""Access rules: every view declares one, and ticket visibility is decided here.

A view is wrapped by exactly one of `public`, `signed_in` or `roles(...)`.
create_app() refuses to start when a registered view has no rule, so a new
route cannot ship without one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import sqlalchemy as sa
from flask import abort, current_app
from flask_login import current_user

from helpdesk.extensions import db
from helpdesk.models import Attachment, Role, Ticket, User

RULE_ATTRIBUTE = "access_rule"


def public(view: Callable) -> Callable:
    """Mark VIEW as reachable without signing in."""
    setattr(view, RULE_ATTRIBUTE, "public")
    return view


def signed_in(view: Callable) -> Callable:
    """Allow VIEW to any active signed-in account."""
    return roles(*Role.ALL)(view)


def roles(*allowed: str) -> Callable[[Callable], Callable]:
    """Allow the view only to signed-in accounts with one of ALLOWED roles.

    Anonymous users are sent to the sign-in page; a signed-in user with
    another role gets 403.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapper, RULE_ATTRIBUTE, "roles:" + ",".join(sorted(allowed)))
        return wrapper

    return decorate


def check_every_view_has_rule(app) -> None:
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, RULE_ATTRIBUTE)
    ]
    if missing:
        raise RuntimeError(
            "These views have no access rule; wrap each in public, signed_in "
            "or roles(...): " + ", ".join(sorted(missing))
        )


def can_view_ticket(user: User, ticket: Ticket) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.CUSTOMER:
        return ticket.customer_id == user.id
    return user.role in Role.STAFF


def visible_tickets(user: User) -> sa.Select:
    """Return a SELECT of the tickets USER may see."""
    query = sa.select(Ticket)
    if user.role == Role.CUSTOMER:
        return query.where(Ticket.customer_id == user.id)
    if user.role in Role.STAFF:
        return query
    return query.where(sa.false())


def load_ticket_or_404(ticket_id: int) -> Ticket:
    """Load a ticket the current user may see.

    Another customer's ticket returns 404 exactly like a missing one, so ticket
    ids reveal nothing.
    """
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or not can_view_ticket(current_user, ticket):
        abort(404)
    return ticket


def load_attachment_or_404(ticket: Ticket, public_id: str) -> Attachment:
    """Load a screenshot of TICKET, which the caller already loaded with access."""
    attachment = db.session.scalar(
        sa.select(Attachment).where(
            Attachment.ticket_id == ticket.id, Attachment.public_id == public_id
        )
    )
    if attachment is None:
        abort(404)
    return attachment


def can_see_internal_notes(user: User) -> bool:
    return user.is_authenticated and user.role in Role.STAFF

"""Fresh sign-in: some actions need a password typed within the last minutes.

A session is fresh when the password was entered on it (sign-in or
re-authentication) no more than FRESH_LOGIN_MINUTES ago. A session restored
from a remember-me cookie, or whose IP address or browser changed since, is
never fresh.

Use in a view::

    @blueprint.post("/tickets/<int:ticket_id>/download")
    @roles(Role.CUSTOMER)
    @require_fresh_login()
    def download(ticket_id): ...

or call is_login_fresh() and return redirect_to_reauthenticate(next_url)
yourself when it returns False.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_fresh
from werkzeug.wrappers import Response

from helpdesk.auth.redirects import (
    current_path,
    safe_next_path,
    same_site_referrer_path,
)


def is_login_fresh(minutes: int | None = None) -> bool:
    """Return whether the signed-in user entered the password recently.

    MINUTES defaults to the FRESH_LOGIN_MINUTES setting.
    """
    if not current_user.is_authenticated or not login_fresh():
        return False
    authenticated_at = session.get("authenticated_at")
    if not isinstance(authenticated_at, int | float):
        return False
    if minutes is None:
        minutes = current_app.config["FRESH_LOGIN_MINUTES"]
    age_seconds = time.time() - authenticated_at
    return 0 <= age_seconds <= minutes * 60


def redirect_to_reauthenticate(next_url: str | None = None) -> Response:
    """Send the user to enter the password again, then on to NEXT_URL.

    NEXT_URL defaults to the current page for a GET and, for a form post, to
    the page the form was on (from the Referer header) or the home page.
    """
    if next_url is None:
        next_url = current_path() if request.method == "GET" else None
        next_url = next_url or same_site_referrer_path()
    flash(current_app.login_manager.needs_refresh_message, "info")
    target = safe_next_path(next_url)
    refresh_view = current_app.login_manager.refresh_view
    return redirect(
        url_for(refresh_view, next=target) if target else url_for(refresh_view)
    )


def require_fresh_login(minutes: int | Callable | None = None):
    """Decorate a view so that it runs only on a fresh sign-in.

    Use as `@require_fresh_login()`, `@require_fresh_login(5)` or bare
    `@require_fresh_login`. Put it below the access rule, so an anonymous
    visitor goes to the sign-in page first.
    """
    if callable(minutes):
        return require_fresh_login()(minutes)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not is_login_fresh(minutes):
                return redirect_to_reauthenticate()
            return view(*args, **kwargs)

        return wrapper

    return decorate

"""Flask-Login wiring: the session id carries the account's session version.

A session id has the form "<user id>:<session version>:<signed-in at>", the
last part a Unix time in whole seconds. Flask-Login copies the session id
into the remember-me cookie, so that cookie carries the same three parts.
Ids without the third part (two parts) are accepted too; the test suite's
sign-in helper writes those.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, confirm_login, login_user, logout_user

from helpdesk.extensions import db
from helpdesk.models import User

# Session keys kept across sign-in and sign-out: the chosen language only.
_KEPT_KEYS = ("locale",)

# A signed-in time this far in the future is rejected as forged or corrupt;
# the margin allows for clock steps between several app servers.
_CLOCK_SKEW_SECONDS = 300


def load_user(session_id: str) -> User | None:
    """Load the account named by a session id, or None when the id is stale.

    A session with an older version than the account's, of a deactivated
    account, or signed in longer ago than REMEMBER_COOKIE_DURATION loads no
    user, so signing out elsewhere ends copied cookies too.
    """
    parts = session_id.split(":")
    if len(parts) not in (2, 3) or not all(part.isdigit() for part in parts):
        return None
    if len(parts) == 3 and not _is_within_session_lifetime(int(parts[2])):
        return None
    user = db.session.get(User, int(parts[0]))
    if user is None or not user.is_active or user.session_version != int(parts[1]):
        return None
    return user


def _is_within_session_lifetime(signed_in_at: int) -> bool:
    lifetime = current_app.config["REMEMBER_COOKIE_DURATION"].total_seconds()
    age = time.time() - signed_in_at
    return -_CLOCK_SKEW_SECONDS <= age <= lifetime


def start_session(user: User, remember: bool) -> None:
    """Sign USER in on a new session, as after typing the password.

    Everything from the anonymous session is dropped except the language, so
    nothing planted before sign-in survives into the signed-in session.
    """
    _clear_session()
    login_user(user, remember=remember, fresh=True)
    session["_user_id"] = f"{user.get_id()}:{int(time.time())}"
    session["authenticated_at"] = datetime.now(UTC).timestamp()
    # A permanent session cookie is signed with its issue time, so Flask
    # rejects it after PERMANENT_SESSION_LIFETIME without activity.
    session.permanent = True


def mark_password_entered() -> None:
    """Record that the signed-in user has just typed the password again."""
    confirm_login()
    session["authenticated_at"] = datetime.now(UTC).timestamp()


def end_session() -> None:
    """Sign the current browser out; the remember-me cookie is deleted too."""
    _clear_session()
    logout_user()


def _clear_session() -> None:
    kept = {key: session[key] for key in _KEPT_KEYS if key in session}
    session.clear()
    session.update(kept)


def init_login_manager(login_manager: LoginManager) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Sign in to continue.")
    login_manager.refresh_view = "auth.reauthenticate"
    login_manager.needs_refresh_message = _l("Enter your password again to continue.")
    # "basic" marks the session as not fresh when the browser's IP address or
    # User-Agent changes, so a session cookie used elsewhere cannot download
    # a key without the password.
    login_manager.session_protection = "basic"

"""Flask-Login wiring: the session id carries the account's session version."""

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from helpdesk.extensions import db
from helpdesk.models import User


def load_user(session_id: str) -> User | None:
    """Load the account named by a session id of the form "<user id>:<version>".

    A session with an older version than the account's, or of a deactivated
    account, loads no user, so signing out elsewhere ends copied cookies too.
    """
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def init_login_manager(login_manager: LoginManager) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Sign in to continue.")
    login_manager.refresh_view = "auth.reauthenticate"
    login_manager.needs_refresh_message = _l("Enter your password again to continue.")
    login_manager.session_protection = "basic"

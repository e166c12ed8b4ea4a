"""Sign-up, sign-in, sign-out and password changes."""

from flask import Blueprint

blueprint = Blueprint("auth", __name__)

from helpdesk.auth import routes  # noqa: E402,F401  (registers the views)

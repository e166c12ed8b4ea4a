"""The admin's side: accounts and the audit log."""

from flask import Blueprint

blueprint = Blueprint("admin", __name__)

from helpdesk.admin import routes  # noqa: E402,F401  (registers the views)

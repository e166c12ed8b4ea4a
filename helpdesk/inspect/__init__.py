"""CSR and certificate checks: read what a customer pastes or uploads, never keys."""

from flask import Blueprint

blueprint = Blueprint("inspect", __name__)

from helpdesk.inspect import routes  # noqa: E402,F401  (registers the views)

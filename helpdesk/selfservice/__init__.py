"""Self-service: a customer checks the CSR fields and downloads the key at once."""

from flask import Blueprint

blueprint = Blueprint("selfservice", __name__)

from helpdesk.selfservice import routes  # noqa: E402,F401  (registers the views)

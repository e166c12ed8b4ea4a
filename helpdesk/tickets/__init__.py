"""The customer's side: opening tickets, replies, the one-time download."""

from flask import Blueprint

blueprint = Blueprint("tickets", __name__)

from helpdesk.tickets import routes  # noqa: E402,F401  (registers the views)

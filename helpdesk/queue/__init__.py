"""The agent's side: the queue, claiming, corrections, approval."""

from flask import Blueprint

blueprint = Blueprint("queue", __name__)

from helpdesk.queue import routes  # noqa: E402,F401  (registers the views)

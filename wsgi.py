"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`."""

from config import ConfigurationError
from helpdesk import create_app

try:
    app = create_app()
except ConfigurationError as error:
    # A missing or weak setting is the operator's to fix: print the message
    # that names it instead of a traceback.
    raise SystemExit(f"CSR Desk cannot start: {error}") from None

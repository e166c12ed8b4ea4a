"""CSR Desk: the support desk that makes customers' CSRs and private keys right."""

from flask import Flask

from config import select_config
from helpdesk import setup


def create_app(
    config_name: str | None = None,
    overrides: dict | None = None,
    instance_path: str | None = None,
) -> Flask:
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder="../templates",
    )
    # Settings first: everything below reads them.
    setup.configure_settings(app, select_config(config_name), overrides or {})
    setup.configure_logging(app)
    setup.configure_database(app)
    setup.configure_extensions(app)
    setup.configure_sessions(app)
    setup.configure_i18n(app)
    setup.configure_blueprints(app)
    setup.configure_input_checks(app)
    setup.configure_security_headers(app)
    setup.configure_error_pages(app)
    setup.configure_cli(app)
    # Last, once every view is registered.
    setup.check_access_rules(app)
    return app

import secrets

import pytest

from helpdesk import create_app
from helpdesk.extensions import db


@pytest.fixture
def production_app(app_factory, tmp_path):
    """An app built with the production config on the test database."""
    database_url = app_factory().config["SQLALCHEMY_DATABASE_URI"]
    instance = tmp_path / "production-instance"
    app = create_app(
        "production",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": secrets.token_urlsafe(48),
        },
        instance_path=str(instance),
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()

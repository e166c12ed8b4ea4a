"""The app refuses to start with a missing, short or well-known SECRET_KEY."""

import secrets

import pytest

from helpdesk import create_app
from helpdesk.setup import check_secret_key

WEAK_KEYS = [
    (None, "SECRET_KEY is not set"),
    ("", "SECRET_KEY is not set"),
    ("dev", "well-known placeholder"),
    ("  Change-Me  ", "well-known placeholder"),
    ("you-will-never-guess", "well-known placeholder"),
    ("please-change-me-in-production-1234567890", "well-known placeholder"),
    ("django-insecure-abcdefghijklmnopqrstuvwxyz0123456789", "well-known placeholder"),
    ("Zk3p9Qm2", "only 8 characters"),
    ("ab" * 20, "repeated pattern"),
]


@pytest.mark.parametrize(("key", "reason"), WEAK_KEYS)
def test_check_secret_key_rejects_weak_key(key, reason):
    with pytest.raises(RuntimeError) as raised:
        check_secret_key(key)

    message = str(raised.value)
    assert reason in message
    assert "Set the SECRET_KEY environment variable" in message


def test_check_secret_key_accepts_random_key():
    check_secret_key(secrets.token_urlsafe(48))


@pytest.mark.parametrize(("key", "reason"), WEAK_KEYS[:4])
def test_production_app_refuses_to_start_with_weak_key(tmp_path, key, reason):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            "production",
            {"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"},
            instance_path=str(tmp_path),
        )


def test_development_app_creates_and_reuses_random_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"}

    first = create_app("development", settings, instance_path=str(tmp_path))
    second = create_app("development", settings, instance_path=str(tmp_path))

    key_file = tmp_path / "development_secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert key_file.stat().st_mode & 0o077 == 0


def test_wsgi_exits_with_message_when_secret_key_missing():
    import os
    import subprocess
    import sys
    from pathlib import Path

    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "CSRDESK_ENV"}
    }
    project = Path(__file__).resolve().parents[2]

    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "CSR Desk cannot start: SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr

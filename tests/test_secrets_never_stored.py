"""After a full scenario, no trace of the key, the passphrase or the ZIP is stored.

The scan covers every row of every table, the database file and its
-wal/-journal/-shm files, the instance folder (all inside the test's
tmp_path), entries that appear in pytest's base temporary folder or the
system temporary folder during the test, every captured log record and
everything written to stdout and stderr. The other tests prove the scanner,
the log capture and the write guard can fail.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
from pathlib import Path

import pytest
import pyzipper
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from support.delivery import open_delivery
from support.scenario import (
    PASSPHRASE,
    TICKET_FORM,
    download,
    page_text,
    run_until_ready,
    sign_up_customer,
)
from support.secret_scan import (
    build_needles,
    find_in_bytes,
    find_in_paths,
    find_in_text,
)
from support.write_guard import watch_file_writes

from helpdesk.extensions import db
from helpdesk.models import Role

SELF_SERVICE_FIELDS = ("country", "state", "locality", "organization", "common_name")
SELF_SERVICE_FORM = {
    **{name: TICKET_FORM[name] for name in SELF_SERVICE_FIELDS},
    "organizational_unit": "",
    "email_address": "",
    "key": "RSA-2048",
}


def _make_secrets(passphrase: str = PASSPHRASE):
    """Build a key, its encrypted PEM and an AES ZIP the way a delivery would."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    encrypted_key_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(
        buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(passphrase.encode("utf-8"))
        archive.writestr("private.key", encrypted_key_pem)
    return private_key, encrypted_key_pem, buffer.getvalue()


def _needles():
    private_key, encrypted_key_pem, zip_bytes = _make_secrets()
    needles = build_needles(
        passphrase=PASSPHRASE,
        private_key=private_key,
        encrypted_key_pem=encrypted_key_pem,
        zip_bytes=zip_bytes,
    )
    return needles


def test_scanner_finds_each_planted_secret(tmp_path):
    needles = _needles()

    for number, needle in enumerate(needles):
        planted = tmp_path / f"planted-{number}.bin"
        planted.write_bytes(b"noise before " + needle.data + b" noise after")

        hits = find_in_paths([tmp_path], needles)
        planted.unlink()

        assert needle.label in {hit.label for hit in hits}, needle.label


def test_scanner_finds_passphrase_in_nested_file(tmp_path):
    needles = _needles()
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "log.txt").write_text(f"user typed {PASSPHRASE}\n", encoding="utf-8")

    hits = find_in_paths([tmp_path], needles)

    assert [hit.label for hit in hits] == ["passphrase (UTF-8)"]


def test_scanner_finds_passphrase_in_log_text():
    needles = _needles()

    hits = find_in_text(f"form data: passphrase={PASSPHRASE}", needles, "log")

    assert [hit.label for hit in hits] == ["passphrase (UTF-8)"]


def test_scanner_reports_nothing_for_clean_folder(tmp_path):
    needles = _needles()
    (tmp_path / "clean.txt").write_text("no secrets here\n", encoding="utf-8")

    assert find_in_paths([tmp_path], needles) == []


def test_write_guard_records_builtin_open_for_writing(tmp_path):
    target = tmp_path / "written.txt"

    with watch_file_writes() as writes:
        with open(target, "w", encoding="utf-8") as file:
            file.write("x")

    assert any(str(target) in write for write in writes), writes


def test_write_guard_records_os_open_and_temp_files(tmp_path):
    target = tmp_path / "created.bin"

    with watch_file_writes() as writes:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(descriptor)
        with tempfile.TemporaryFile(dir=tmp_path):
            pass

    temporary_file_writes = [
        write for write in writes if str(tmp_path) in write and str(target) not in write
    ]
    assert any(str(target) in write for write in writes), writes
    assert temporary_file_writes, writes


def test_write_guard_ignores_reads_and_writes_outside_block(tmp_path):
    target = tmp_path / "outside.txt"
    target.write_text("written before the block", encoding="utf-8")

    with watch_file_writes() as writes:
        target.read_text(encoding="utf-8")

    target.write_text("written after the block", encoding="utf-8")
    assert writes == []


@pytest.fixture
def all_logs_at_debug(caplog):
    """Capture every logger at DEBUG, including SQLAlchemy's SQL and parameters.

    Alembic's fileConfig() in migrations/env.py disables every logger that
    exists when the migrations run, which silences the app's loggers for the
    rest of the test session. They are enabled again for this test.
    """
    caplog.set_level(logging.DEBUG)
    re_enabled = []
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if not isinstance(logger, logging.Logger):
            continue
        caplog.set_level(logging.DEBUG, logger=name)
        if logger.disabled:
            logger.disabled = False
            re_enabled.append(logger)
    yield caplog
    for logger in re_enabled:
        logger.disabled = True


def _sqlite_path(app) -> Path | None:
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    return Path(url.database)


def _scan_tables(needles) -> list:
    """Read every row of every table through SQL, so PostgreSQL is covered too."""
    hits = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            for value in row:
                data = value if isinstance(value, bytes) else str(value).encode()
                hits += find_in_bytes(data, needles, f"table {table.name}")
    return hits


def _entries(folder: Path) -> set[Path]:
    return {folder / name for name in os.listdir(folder)}


def _session_text(app, client) -> str:
    """Return the decoded session cookie of CLIENT: it is signed, not encrypted."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    if cookie is None:
        return ""
    serializer = app.session_interface.get_signing_serializer(app)
    return repr(serializer.loads(cookie.value))


class SecretScan:
    """Remember the temp folders before a run, then search everywhere after it.

    Other tests' folders are left alone because they may hold their own
    planted secrets. Only what appears during this test is scanned.
    """

    def __init__(self, app, tmp_path: Path, basetemp: Path, caplog, capfd):
        self.app = app
        self.tmp_path = tmp_path
        self.caplog = caplog
        self.capfd = capfd
        self.temp_folders = [Path(tempfile.gettempdir()), basetemp]
        self.entries_before = self._temp_entries()

    def _temp_entries(self) -> set[Path]:
        return set().union(*(_entries(folder) for folder in self.temp_folders))

    def find(self, needles, client) -> list:
        hits = _scan_tables(needles)
        hits += find_in_text(_session_text(self.app, client), needles, "session")
        database = _sqlite_path(self.app)
        assert Path(self.app.instance_path).is_relative_to(self.tmp_path)
        if database is not None:
            assert database.is_relative_to(self.tmp_path)
            side_files = [Path(f"{database}{suffix}") for suffix in ("-wal", "-shm")]
            assert all(path.exists() for path in side_files), "expected WAL mode"
        # First with the database open, so the -wal and -shm files are
        # scanned, then after closing, when SQLite has checkpointed the WAL.
        hits += find_in_paths([self.tmp_path], needles)
        db.session.remove()
        db.engine.dispose()
        hits += find_in_paths([self.tmp_path], needles)

        new_entries = self._temp_entries() - self.entries_before
        hits += find_in_paths(sorted(new_entries), needles)

        records = self.caplog.records
        log_text = self.caplog.text + "\n".join(r.getMessage() for r in records)
        hits += find_in_text(log_text, needles, "captured log records")
        out, err = self.capfd.readouterr()
        hits += find_in_text(out, needles, "stdout")
        hits += find_in_text(err, needles, "stderr")
        assert records, "no log record was captured"
        return hits


@pytest.fixture
def secret_scan(app, tmp_path, tmp_path_factory, all_logs_at_debug, capfd):
    return SecretScan(
        app, tmp_path, tmp_path_factory.getbasetemp(), all_logs_at_debug, capfd
    )


def _needles_for(response):
    delivery = open_delivery(response.data, PASSPHRASE)
    return build_needles(
        passphrase=PASSPHRASE,
        private_key=delivery.private_key,
        encrypted_key_pem=delivery.encrypted_key_pem,
        zip_bytes=response.data,
    )


def test_full_scenario_stores_no_secret(app, make_user, secret_scan):
    agent = make_user(Role.AGENT, "agent@example.com")
    ticket_id, customer, _ = run_until_ready(app, agent.email)

    with watch_file_writes() as writes:
        response = download(customer, ticket_id)
    refused = download(customer, ticket_id)
    ticket_page = page_text(customer.get(f"/tickets/{ticket_id}"))

    assert response.status_code == 200
    assert refused.status_code == 409
    assert writes == [], "files opened for writing during the download"
    needles = _needles_for(response)
    hits = find_in_text(ticket_page, needles, "ticket page after download")
    hits += find_in_text(page_text(refused), needles, "refused download page")
    hits += secret_scan.find(needles, customer)
    assert not hits, "\n".join(str(hit) for hit in hits)


def test_selfservice_download_stores_no_secret(app, secret_scan):
    customer = sign_up_customer(app)
    form = {**SELF_SERVICE_FORM, "passphrase": PASSPHRASE}
    form["passphrase_confirmation"] = PASSPHRASE

    with watch_file_writes() as writes:
        response = customer.post("/selfservice/download", data=form)
    follow_up = page_text(customer.get("/tickets"))

    assert response.status_code == 200, page_text(response)
    assert response.mimetype == "application/zip"
    assert writes == [], "files opened for writing during the download"
    needles = _needles_for(response)
    hits = find_in_text(follow_up, needles, "ticket list after download")
    hits += secret_scan.find(needles, customer)
    assert not hits, "\n".join(str(hit) for hit in hits)


def test_scanner_finds_passphrase_written_to_database(app, make_user, tmp_path):
    customer = make_user(Role.CUSTOMER)
    needles = _needles()
    customer.display_name = PASSPHRASE
    db.session.commit()
    database = _sqlite_path(app)

    hits = _scan_tables(needles)
    if database is not None:
        hits += find_in_paths([tmp_path], needles)

    assert "table users" in {hit.where for hit in hits}
    if database is not None:
        assert any(hit.where.startswith(str(database)) for hit in hits), hits


def test_log_capture_sees_app_loggers(app, all_logs_at_debug):
    needles = _needles()

    logging.getLogger("helpdesk.tickets.services").debug("typed %s", PASSPHRASE)

    hits = find_in_text(all_logs_at_debug.text, needles, "captured log records")
    assert [hit.label for hit in hits] == ["passphrase (UTF-8)"]


def test_session_scan_decodes_signed_cookie(app):
    client = app.test_client()
    with client.session_transaction() as session:
        session["typed"] = PASSPHRASE

    hits = find_in_text(_session_text(app, client), _needles(), "session")

    assert [hit.label for hit in hits] == ["passphrase (UTF-8)"]

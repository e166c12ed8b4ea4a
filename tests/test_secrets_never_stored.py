"""After a full scenario, no trace of the key, the passphrase or the ZIP is stored.

The scan covers the database file and its -wal/-journal/-shm files, the
instance folder, pytest's temporary folders, new entries in the system
temporary folder, every captured log record and everything written to
stdout and stderr. The first tests prove the scanner and the write guard
can fail.
"""

from __future__ import annotations

import io
import os
import tempfile

import pyzipper
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from support.secret_scan import build_needles, find_in_paths, find_in_text
from support.write_guard import watch_file_writes

PASSPHRASE = "examplehosting"


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

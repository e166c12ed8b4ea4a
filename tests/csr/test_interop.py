"""The delivery opened with the tools customers use: 7-Zip and OpenSSL."""

from __future__ import annotations

import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from helpdesk.csr import build_delivery

from .helpers import FAST_KDF_ROUNDS, PASSPHRASE, VALID_REQUEST, TestCa, run_tool

pytestmark = pytest.mark.interop

STEM = "www.example.co.kr"


@pytest.fixture(scope="module")
def delivery():
    return build_delivery(VALID_REQUEST, PASSPHRASE, kdf_rounds=FAST_KDF_ROUNDS)


@pytest.fixture(scope="module")
def default_rounds_delivery():
    return build_delivery(VALID_REQUEST, PASSPHRASE)


@pytest.fixture
def zip_path(tmp_path, delivery):
    path = tmp_path / "delivery.zip"
    path.write_bytes(delivery.zip_bytes)
    return path


@pytest.fixture
def extracted(tmp_path, zip_path):
    folder = tmp_path / "out"
    result = run_tool(["7zz", "x", f"-p{PASSPHRASE}", f"-o{folder}", str(zip_path)])
    assert result.returncode == 0, result.stdout + result.stderr
    return folder


def test_7zip_tests_zip_with_passphrase(zip_path):
    result = run_tool(["7zz", "t", f"-p{PASSPHRASE}", str(zip_path)])

    assert result.returncode == 0, result.stdout + result.stderr
    assert b"Everything is Ok" in result.stdout


def test_7zip_reports_aes_256_deflate(zip_path):
    result = run_tool(["7zz", "l", "-slt", f"-p{PASSPHRASE}", str(zip_path)])

    methods = re.findall(rb"^Method = (.+)$", result.stdout, re.MULTILINE)
    assert len(methods) == 3
    assert all(b"AES-256" in method for method in methods), methods
    assert all(b"Deflate" in method for method in methods), methods


def test_7zip_rejects_wrong_passphrase(zip_path, tmp_path):
    result = run_tool(
        ["7zz", "x", "-pwrong passphrase 1", f"-o{tmp_path / 'bad'}", str(zip_path)]
    )

    assert result.returncode != 0
    assert b"Wrong password" in result.stdout + result.stderr


def test_7zip_extracts_csr_key_and_readme(extracted, delivery):
    names = sorted(path.name for path in extracted.iterdir())

    assert names == ["README.txt", f"{STEM}.csr", f"{STEM}.key"]
    assert (extracted / f"{STEM}.csr").read_text() == delivery.csr_pem


def test_openssl_decrypts_key_with_passphrase(extracted):
    result = run_tool(
        ["openssl", "pkey", "-in", f"{STEM}.key", "-passin", "env:PASSIN", "-noout"],
        passphrase=PASSPHRASE,
        cwd=extracted,
    )

    assert result.returncode == 0, result.stderr


def test_openssl_rejects_wrong_key_passphrase(extracted):
    result = run_tool(
        ["openssl", "pkey", "-in", f"{STEM}.key", "-passin", "env:PASSIN", "-noout"],
        passphrase="wrong passphrase 1",
        cwd=extracted,
    )

    assert result.returncode != 0


def test_openssl_verifies_csr_signature(extracted):
    result = run_tool(
        ["openssl", "req", "-in", f"{STEM}.csr", "-verify", "-noout"], cwd=extracted
    )

    assert result.returncode == 0, result.stderr
    assert b"verify OK" in result.stdout + result.stderr


def test_openssl_key_public_key_equals_csr_public_key(extracted):
    from_key = run_tool(
        ["openssl", "pkey", "-in", f"{STEM}.key", "-passin", "env:PASSIN", "-pubout"],
        passphrase=PASSPHRASE,
        cwd=extracted,
    )
    from_csr = run_tool(
        ["openssl", "req", "-in", f"{STEM}.csr", "-pubkey", "-noout"], cwd=extracted
    )

    assert from_key.returncode == 0, from_key.stderr
    assert from_key.stdout.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert from_key.stdout == from_csr.stdout


def test_openssl_removes_key_passphrase_as_readme_says(extracted):
    result = run_tool(
        [
            "openssl",
            "pkey",
            "-in",
            f"{STEM}.key",
            "-out",
            f"{STEM}-nopass.key",
            "-passin",
            "env:PASSIN",
        ],
        passphrase=PASSPHRASE,
        cwd=extracted,
    )

    assert result.returncode == 0, result.stderr
    assert (
        (extracted / f"{STEM}-nopass.key")
        .read_text()
        .startswith("-----BEGIN PRIVATE KEY-----")
    )


def test_openssl_asn1parse_shows_pbes2_with_default_rounds(
    tmp_path, default_rounds_delivery
):
    zip_path = tmp_path / "default.zip"
    zip_path.write_bytes(default_rounds_delivery.zip_bytes)
    folder = tmp_path / "default"
    assert (
        run_tool(
            ["7zz", "x", f"-p{PASSPHRASE}", f"-o{folder}", str(zip_path)]
        ).returncode
        == 0
    )

    result = run_tool(["openssl", "asn1parse", "-in", str(folder / f"{STEM}.key")])

    listing = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    assert ":PBES2" in listing
    assert ":PBKDF2" in listing
    assert ":hmacWithSHA256" in listing
    assert ":aes-256-cbc" in listing
    # asn1parse prints INTEGER values in hex: 0x927C0 is 600,000.
    assert re.search(r"prim: INTEGER\s+:0927C0\b", listing), listing


def test_openssl_decrypts_key_made_with_default_rounds(
    tmp_path, default_rounds_delivery
):
    zip_path = tmp_path / "default.zip"
    zip_path.write_bytes(default_rounds_delivery.zip_bytes)
    folder = tmp_path / "default"
    run_tool(["7zz", "x", f"-p{PASSPHRASE}", f"-o{folder}", str(zip_path)])

    result = run_tool(
        ["openssl", "pkey", "-in", f"{STEM}.key", "-passin", "env:PASSIN", "-noout"],
        passphrase=PASSPHRASE,
        cwd=folder,
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("legacy", [False, True])
def test_openssl_builds_pfx_as_readme_says(extracted, delivery, legacy):
    certificate = TestCa().issue(x509.load_pem_x509_csr(delivery.csr_pem.encode()))
    (extracted / f"{STEM}.crt").write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
    )
    args = ["openssl", "pkcs12", "-export"] + (["-legacy"] if legacy else [])
    args += ["-in", f"{STEM}.crt", "-inkey", f"{STEM}.key", "-out", f"{STEM}.pfx"]
    args += ["-passin", "env:PASSIN", "-passout", "env:PASSIN"]

    result = run_tool(args, passphrase=PASSPHRASE, cwd=extracted)
    listing = run_tool(
        ["openssl", "pkcs12", "-in", f"{STEM}.pfx", "-info", "-noout"]
        + (["-legacy"] if legacy else [])
        + ["-passin", "env:PASSIN"],
        passphrase=PASSPHRASE,
        cwd=extracted,
    )

    assert result.returncode == 0, result.stderr
    assert listing.returncode == 0, listing.stderr
    if legacy:
        assert b"pbeWithSHA1And3-KeyTripleDES-CBC" in listing.stderr
    else:
        assert b"AES-256-CBC" in listing.stderr

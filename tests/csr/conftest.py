"""Fixtures for the CSR core: a valid request factory, fixed keys, tool runners."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from helpdesk.csr import CsrRequest

PASSPHRASE = "violet tractor 88 bagel!"
FAST_KDF_ROUNDS = 1_000

VALID_REQUEST = CsrRequest(
    country="KR",
    state="Seoul",
    locality="Gangnam-gu",
    organization="Example Co., Ltd.",
    organizational_unit="",
    common_name="www.example.co.kr",
    email_address="",
    key_type="RSA",
    key_size=2048,
    problem_domain="example.co.kr",
)


@pytest.fixture
def make_request():
    """Return a factory for a request that passes every rule, with overrides."""

    def make(**overrides) -> CsrRequest:
        return dataclasses.replace(VALID_REQUEST, **overrides)

    return make


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def run_tool(
    args: list[str], *, passphrase: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run openssl or 7zz; a passphrase travels in the PASSIN variable, not argv."""
    env = dict(os.environ)
    if passphrase is not None:
        env["PASSIN"] = passphrase
    return subprocess.run(
        args, capture_output=True, env=env, cwd=cwd, timeout=120, check=False
    )

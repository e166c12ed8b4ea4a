"""Fixtures for the CSR core: a valid request factory and fixed keys."""

from __future__ import annotations

import dataclasses

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from helpdesk.csr import CsrRequest

from .helpers import VALID_REQUEST


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

"""Shared constants and the tool runner for the CSR core tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

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

"""Passphrase policy for the ZIP and the encrypted private key.

Findings from this module never contain the passphrase: ``value`` is empty
and ``params`` holds only lengths and limits.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from helpdesk.csr.findings import N_, Finding, Severity

MIN_PASSPHRASE_LENGTH = 12
MAX_PASSPHRASE_LENGTH = 128
PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]*$")
COMMON_PASSWORDS_FILE = "common-passwords.txt"


def check_passphrase(passphrase: str, confirmation: str) -> list[Finding]:
    """Check a passphrase typed twice against the policy."""
    if not passphrase:
        return [
            _finding(
                N_(
                    "Passphrase is required. Enter 12 to 128 characters: letters, "
                    "digits, spaces and punctuation."
                )
            )
        ]
    if not PRINTABLE_ASCII.match(passphrase):
        return [
            _finding(
                N_(
                    "The passphrase contains characters other than printable ASCII "
                    "(English letters, digits, spaces and punctuation). 7-Zip on "
                    "Korean Windows and OpenSSL encode other characters "
                    "differently, so a Korean passphrase can make the ZIP or the "
                    "key impossible to open. Choose a passphrase in ASCII."
                )
            )
        ]
    findings = []
    length = len(passphrase)
    if length < MIN_PASSPHRASE_LENGTH:
        findings.append(
            _finding(
                N_(
                    "The passphrase has %(length)s characters; it needs at least "
                    "%(minimum)s. A few unrelated words make a long passphrase "
                    "that is easy to type."
                ),
                length=length,
                minimum=MIN_PASSPHRASE_LENGTH,
            )
        )
    elif length > MAX_PASSPHRASE_LENGTH:
        findings.append(
            _finding(
                N_(
                    "The passphrase has %(length)s characters; it can have at most "
                    "%(maximum)s."
                ),
                length=length,
                maximum=MAX_PASSPHRASE_LENGTH,
            )
        )
    elif is_common_password(passphrase):
        findings.append(
            _finding(
                N_(
                    "This passphrase is on a list of common passwords that "
                    "attackers try first. Choose one that nobody else is likely "
                    "to use."
                )
            )
        )
    if passphrase != confirmation:
        findings.append(
            _finding(
                N_(
                    "The two passphrases do not match. Type the same passphrase in "
                    "both fields."
                )
            )
        )
    return findings


def is_common_password(passphrase: str) -> bool:
    """Return True when the passphrase is on the shipped list, ignoring case."""
    return passphrase.casefold() in common_passwords()


@cache
def common_passwords() -> frozenset[str]:
    text = (
        resources.files("helpdesk")
        .joinpath("data", COMMON_PASSWORDS_FILE)
        .read_text(encoding="utf-8")
    )
    return frozenset(
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def _finding(message: str, **params: int) -> Finding:
    return Finding("passphrase", "", message, params, Severity.ERROR)

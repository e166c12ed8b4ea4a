"""Email Address: optional, ASCII, checked for syntax only (no DNS look-ups)."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from helpdesk.csr.findings import N_, Finding, error

# RFC 3280 bound; RFC 5280 raised it to 255, but the desk keeps the older one.
MAX_EMAIL_LENGTH = 128
DOMAIN_LIKE = re.compile(r"^[^@\s]+\.[^@\s]+$")


def check_email_address(value: str) -> list[Finding]:
    """Check an optional Email Address for the CSR subject."""
    if not value:
        return []
    text = value.strip()
    if not text:
        return [
            error(
                "email_address",
                value,
                N_("This field contains only spaces. Leave it empty instead."),
                suggestion="",
            )
        ]
    if not text.isascii():
        return [
            error(
                "email_address",
                value,
                N_(
                    "“%(value)s” contains non-ASCII characters. Enter an email "
                    "address written with ASCII letters only, such as "
                    "admin@example.com."
                ),
            )
        ]
    if "@" not in text and DOMAIN_LIKE.match(text):
        return [
            error(
                "email_address",
                value,
                N_(
                    "“%(value)s” is a domain name, not an email address. Enter a "
                    "mailbox such as %(example)s, or leave the field empty."
                ),
                example="admin@" + text.lower().rstrip("."),
            )
        ]
    try:
        validated = validate_email(
            text, check_deliverability=False, allow_smtputf8=False
        )
    except EmailNotValidError as exc:
        return [
            error(
                "email_address",
                value,
                N_(
                    "“%(value)s” is not a valid email address (%(reason)s). Enter an "
                    "address such as admin@example.com, or leave the field empty."
                ),
                reason=str(exc),
            )
        ]
    findings = []
    if len(validated.normalized) > MAX_EMAIL_LENGTH:
        findings.append(
            error(
                "email_address",
                value,
                N_(
                    "“%(value)s” has %(length)s characters; the Email Address can "
                    "have at most 128."
                ),
                length=len(validated.normalized),
            )
        )
    elif validated.normalized != value:
        findings.append(
            error(
                "email_address",
                value,
                N_(
                    "Write “%(value)s” as “%(suggestion)s”: no spaces around it and "
                    "the domain in lower case."
                ),
                suggestion=validated.normalized,
            )
        )
    return findings

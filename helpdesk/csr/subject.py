"""Rules for the free-text subject fields: State, Locality, Organization, OU."""

from __future__ import annotations

import re
import unicodedata

from helpdesk.csr.findings import N_, Finding, error
from helpdesk.csr.romanization import romanize

# Maximum lengths in characters, from the upper bounds in RFC 5280 appendix A.
MAX_LENGTHS = {
    "state": 128,
    "locality": 128,
    "organization": 64,
    "organizational_unit": 64,
}
REQUIRED_MESSAGES = {
    "state": N_(
        "State or Province Name is required. Enter the province or metropolitan "
        "city in romanized form, such as Seoul or Gyeonggi-do."
    ),
    "locality": N_(
        "Locality Name is required. Enter the city or district in romanized "
        "form, such as Seongnam-si or Gangnam-gu."
    ),
    "organization": N_(
        "Organization Name is required. Enter the legal name of the company in "
        "English, as on its business registration."
    ),
}
EXAMPLES = {
    "state": "Gyeonggi-do",
    "locality": "Seongnam-si",
    "organization": "Example Co., Ltd.",
    "organizational_unit": "IT Team",
}
PLACEHOLDERS = frozenset(
    {"", ".", "-", "--", "_", "na", "n/a", "n.a.", "none", "null", "nil", "x", "?"}
)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]*$")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def check_text_field(field_name: str, value: str) -> list[Finding]:
    """Check a State, Locality, Organization or Organizational Unit value."""
    is_required = field_name in REQUIRED_MESSAGES
    if not value.strip() and not CONTROL_CHARACTERS.search(value):
        if is_required:
            return [error(field_name, value, REQUIRED_MESSAGES[field_name])]
        if value:
            return [_spaces_only(field_name, value)]
        return []

    suggestion = _suggest(field_name, value)
    findings: list[Finding] = []
    if value.strip().lower() in PLACEHOLDERS:
        findings.append(_placeholder(field_name, value, is_required))
        return findings
    if CONTROL_CHARACTERS.search(value):
        findings.append(
            error(
                field_name,
                value,
                N_(
                    "“%(value)s” contains control characters such as a tab or line "
                    "break. Remove them."
                ),
                suggestion=suggestion,
            )
        )
    if HANGUL.search(value):
        findings.append(
            error(
                field_name,
                value,
                N_(
                    "“%(value)s” contains Korean text. CSR subject fields must be "
                    "printable ASCII so every CA and server reads them the same: "
                    "enter the romanized form, such as %(example)s."
                ),
                example=EXAMPLES[field_name],
                suggestion=suggestion,
            )
        )
    elif not PRINTABLE_ASCII.match(CONTROL_CHARACTERS.sub("", value)):
        findings.append(
            error(
                field_name,
                value,
                N_(
                    "“%(value)s” contains characters outside printable ASCII. Enter "
                    "it with plain Latin letters, digits and punctuation."
                ),
                suggestion=suggestion,
            )
        )
    if value != value.strip():
        findings.append(
            error(
                field_name,
                value,
                N_("“%(value)s” starts or ends with spaces. Remove them."),
                suggestion=suggestion,
            )
        )
    limit = MAX_LENGTHS[field_name]
    if len(value) > limit:
        findings.append(
            error(
                field_name,
                value,
                N_(
                    "“%(value)s” has %(length)s characters; this field can have at "
                    "most %(limit)s. Shorten it."
                ),
                length=len(value),
                limit=limit,
            )
        )
    return findings


def _placeholder(field_name: str, value: str, is_required: bool) -> Finding:
    if is_required:
        return error(
            field_name,
            value,
            N_(
                "“%(value)s” is a placeholder, not a value. Enter the real value, "
                "such as %(example)s."
            ),
            example=EXAMPLES[field_name],
        )
    return error(
        field_name,
        value,
        N_(
            "“%(value)s” is a placeholder. This field is optional: leave it empty "
            "instead."
        ),
        suggestion="",
    )


def _spaces_only(field_name: str, value: str) -> Finding:
    return error(
        field_name,
        value,
        N_("This field contains only spaces. Leave it empty instead."),
        suggestion="",
    )


def _suggest(field_name: str, value: str) -> str | None:
    """Return the cleaned value when it passes every rule, or None."""
    text = CONTROL_CHARACTERS.sub(" ", value)
    text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.split())
    if HANGUL.search(text):
        text = romanize(text) or ""
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    if not text or not PRINTABLE_ASCII.match(text) or text == value:
        return None
    if text.lower() in PLACEHOLDERS or len(text) > MAX_LENGTHS[field_name]:
        return None
    return text

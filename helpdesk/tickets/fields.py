"""Ticket fields as both forms show them: labels, key choices and customer rules.

The customer form blocks only format errors a customer can fix alone. Every
other finding of the CSR rules is left for the agent, as blocks_customer()
describes. A blocking finding the agent can correct too, as
can_send_as_typed() describes, lets the customer send the value as typed.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from helpdesk import csr
from helpdesk.csr.email_address import DOMAIN_LIKE

# The CSR subject in the order of the inquiry template.
SUBJECT_FIELDS = (
    "country",
    "state",
    "locality",
    "organization",
    "organizational_unit",
    "common_name",
    "email_address",
)

FIELD_LABELS = {
    "problem_domain": _l("Problem domain"),
    "description": _l("Description"),
    "screenshot": _l("Error screenshot"),
    "country": _l("Country Name"),
    "state": _l("State or Province Name"),
    "locality": _l("Locality Name"),
    "organization": _l("Organization Name"),
    "organizational_unit": _l("Organizational Unit Name"),
    "common_name": _l("Common Name"),
    "email_address": _l("Email Address"),
    "key": _l("Key type and size"),
    "include_ou_in_subject": _l("Put the Organizational Unit in the CSR subject"),
    "include_email_in_subject": _l("Put the Email Address in the CSR subject"),
    "add_www_variant": _l("Add the www variant as a subjectAltName"),
    "extra_sans": _l("Extra subjectAltNames"),
}

# Column sizes of the tickets table; a longer value is refused on the form
# because PostgreSQL would reject it.
MAX_LENGTHS = {
    "problem_domain": 253,
    "description": 20_000,
    "country": 64,
    "state": 256,
    "locality": 256,
    "organization": 256,
    "organizational_unit": 256,
    "common_name": 256,
    "email_address": 256,
    "body": 20_000,
    "extra_sans": 30_000,
}

# Fields whose rule errors are format errors the customer can fix without
# help, unless the rule offers a correction the agent applies with one click.
CUSTOMER_FORMAT_FIELDS = frozenset(
    {"country", "common_name", "email_address", "problem_domain"}
)
FREE_TEXT_FIELDS = frozenset(
    {"state", "locality", "organization", "organizational_unit"}
)


def key_value(key_type: str, key_size: int) -> str:
    """Return the form value of a key choice, spelled like the rules' suggestions."""
    return f"{key_type}-{key_size}"


def key_choices() -> list[tuple[str, str]]:
    return [
        (key_value(key_type, key_size), _(label))
        for key_type, key_size, label in csr.KEY_CHOICES
    ]


def parse_key_value(value: str) -> tuple[str, int] | None:
    """Return (key_type, key_size) for an offered key choice, or None."""
    for key_type, key_size, _label in csr.KEY_CHOICES:
        if key_value(key_type, key_size) == value:
            return key_type, key_size
    return None


def blocks_customer(finding: csr.Finding) -> bool:
    """Return True when FINDING must be fixed before the customer's ticket opens.

    Blocked are a missing required field and a Country Name that is not two
    letters. Also blocked is a Common Name, problem domain or Email Address
    whose error has no one-click correction, such as a value that is not a
    domain name or address, an IP address or an internal name. Left to the
    agent are warnings and notes,
    corrections that carry a suggestion (case, spaces, "kr" to "KR",
    A-labels), Korean or other non-ASCII text in the free-text fields, because
    the agent enters the registered English name, and the key size, because
    RSA 1024 is offered and the agent changes it.
    """
    if finding.severity is not csr.Severity.ERROR:
        return False
    if finding.field in FREE_TEXT_FIELDS:
        return not finding.value.strip()
    if finding.field == "country" and not _is_two_letters(finding.value):
        return True
    if finding.field in CUSTOMER_FORMAT_FIELDS:
        return finding.suggestion is None
    return False


def can_send_as_typed(finding: csr.Finding) -> bool:
    """Return True when the customer may send a blocked value for the agent to fix.

    Only a domain name typed as the Email Address qualifies, because the
    agent can enter a mailbox at that domain or ask the customer which one.
    The form shows the finding with a "Send it as typed" box, and ticking it
    stores the value as typed. Every other blocking finding is a format error
    that stays blocking even when the box is ticked. Examples are a Country
    Name that is not two letters, a Common Name that is not a domain name, a
    missing field and an email address that is not valid.
    """
    if finding.field != "email_address" or not blocks_customer(finding):
        return False
    # The same test as the Email Address rule's "is a domain name" error.
    text = finding.value.strip()
    return text.isascii() and "@" not in text and DOMAIN_LIKE.match(text) is not None


def _is_two_letters(value: str) -> bool:
    return len(value) == 2 and value.isascii() and value.isalpha()


# Fields the assigned agent corrects, in the order of the correction form.
EDITABLE_FIELDS = (
    "problem_domain",
    *SUBJECT_FIELDS,
    "key",
    "include_ou_in_subject",
    "include_email_in_subject",
    "add_www_variant",
    "extra_sans",
)
BOOLEAN_FIELDS = frozenset(
    {"include_ou_in_subject", "include_email_in_subject", "add_www_variant"}
)


def field_text(ticket, name: str) -> str:
    """Return a ticket field as the text that field changes and forms compare.

    The key is "RSA-2048", flags are "true" or "false", and extra
    subjectAltNames are one name a line.
    """
    if name == "key":
        return key_value(ticket.key_type, ticket.key_size)
    if name in BOOLEAN_FIELDS:
        return "true" if getattr(ticket, name) else "false"
    if name == "extra_sans":
        return "\n".join(ticket.extra_sans or ())
    return getattr(ticket, name)


def set_field_text(ticket, name: str, text: str) -> None:
    """Set a ticket field from its field_text() form; raises ValueError if invalid."""
    if name == "key":
        parsed = parse_key_value(text)
        if parsed is None:
            raise ValueError(f"{text!r} is not an offered key choice")
        ticket.key_type, ticket.key_size = parsed
    elif name in BOOLEAN_FIELDS:
        setattr(ticket, name, text == "true")
    elif name == "extra_sans":
        ticket.extra_sans = split_names(text)
    elif name in EDITABLE_FIELDS:
        setattr(ticket, name, text)
    else:
        raise ValueError(f"{name!r} is not a field an agent can correct")


def split_names(text: str) -> list[str]:
    """Split names typed one a line or separated by commas; drop blanks and repeats."""
    names: list[str] = []
    for line in text.replace(",", "\n").splitlines():
        name = line.strip()
        if name and name not in names:
            names.append(name)
    return names
